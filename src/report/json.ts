import { VERSION } from '../version.js';
import { jsonText } from './escape.js';
import type { Report } from './report.js';
import type { ReportSet } from './set.js';

/**
 * `--format json` for one plan: the report object of DESIGN.md. Values are exact (JSON escapes C0 controls; DEL,
 * C1 and invisible format characters are written as `\\uXXXX` too, so that the text is inert on a terminal).
 */
export function formatJson(report: Report): string {
  return jsonText(report);
}

/** `--format json`: one plan gives its report object; several give `{ tool, version, decision, plans: [...] }`. */
export function formatJsonSet(set: ReportSet): string {
  if (set.reports.length === 1) return formatJson(set.reports[0]!);
  return jsonText({ tool: 'tfguard', version: VERSION, decision: set.decision, plans: set.reports });
}
