/** The report object: the JSON contract of DESIGN.md, which every output format renders. */
import type { Plan } from '../plan/model.js';
import type { RunResult } from '../engine/run.js';
import { summarize, type Summary } from '../engine/summary.js';
import type { Decision, Finding } from '../engine/types.js';
import type { Waiver } from '../config/schema.js';
import { VERSION } from '../version.js';

export interface ReportFinding extends Finding {
  docs: string;
}

export interface Report {
  tool: 'tfguard';
  version: string;
  plan: { source: string; format_version: string; terraform_version: string | null };
  decision: Decision;
  summary: Summary;
  findings: ReportFinding[];
  waived: (ReportFinding & { waiver: Waiver })[];
  expired_waivers: (Waiver & { matched: number })[];
  /** Findings overridden for one run by `tfguard apply --allow` (present only there). */
  overridden?: (ReportFinding & { override: { rule: string; address: string | null; reason: string } })[];
  config: string | null;
}

/** Where a rule is documented: its section of the README. */
export function ruleDocs(id: string): string {
  return `README.md#${id}`;
}

export function buildReport(opts: {
  source: string;
  plan: Plan;
  result: RunResult;
  config?: string | undefined;
  overridden?: (Finding & { override: { rule: string; address: string | null; reason: string } })[];
}): Report {
  const { plan, result } = opts;
  const withDocs = <F extends Finding>(f: F) => ({ ...f, docs: ruleDocs(f.rule) });
  return {
    tool: 'tfguard',
    version: VERSION,
    plan: { source: opts.source, format_version: plan.formatVersion, terraform_version: plan.terraformVersion ?? null },
    decision: result.decision,
    summary: summarize(plan),
    findings: result.findings.map(withDocs),
    waived: result.waived.map(withDocs),
    expired_waivers: result.expiredWaivers,
    ...(opts.overridden ? { overridden: opts.overridden.map(withDocs) } : {}),
    config: opts.config ?? null,
  };
}
