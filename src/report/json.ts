import { VERSION } from '../version.js';
import type { Report } from './report.js';
import type { ReportSet } from './set.js';

/** `--format json` for one plan: the report object of DESIGN.md. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `--format json`: one plan gives its report object; several give `{ tool, version, decision, plans: [...] }`. */
export function formatJsonSet(set: ReportSet): string {
  if (set.reports.length === 1) return formatJson(set.reports[0]!);
  return `${JSON.stringify({ tool: 'tfguard', version: VERSION, decision: set.decision, plans: set.reports }, null, 2)}\n`;
}
