/** Reports written by hand, for the format tests: every field of the JSON contract, findings as given. */
import type { Report, ReportFinding } from '../../src/report/report.js';

export function makeFinding(rule: string, over: Partial<ReportFinding> = {}): ReportFinding {
  return { rule, severity: 'block', message: `${rule} fired`, addresses: ['terraform_data.x'], details: [], docs: `README.md#${rule}`, ...over };
}

/** The decision follows the findings unless `over` says otherwise. */
export function makeReport(over: Partial<Report> = {}): Report {
  const findings = over.findings ?? [];
  return {
    tool: 'tfguard',
    version: '0.1.0',
    plan: { source: 'plan.json', dir: '.', format_version: '1.2', terraform_version: '1.11.4' },
    decision: findings.some((f) => f.severity === 'block') ? 'block' : findings.length > 0 ? 'warn' : 'pass',
    summary: { create: 0, update: 0, replace: 1, delete: 0, forget: 0, import: 0 },
    findings,
    waived: [],
    expired_waivers: [],
    config: null,
    ...over,
  };
}
