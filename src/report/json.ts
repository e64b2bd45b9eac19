import type { Report } from './report.js';

/** `--format json`: the report object, one per run. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
