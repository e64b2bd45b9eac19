/** One run's reports: one per plan (`tfguard check stacks/NAME/plan.json ...`); the worst decision wins. */
import type { Decision } from '../engine/types.js';
import type { Report } from './report.js';

export interface ReportSet {
  reports: Report[];
  decision: Decision;
}

const RANK: Record<Decision, number> = { pass: 0, warn: 1, block: 2 };

export function worst(decisions: readonly Decision[]): Decision {
  return decisions.reduce<Decision>((a, b) => (RANK[b] > RANK[a] ? b : a), 'pass');
}

export function reportSet(reports: Report[]): ReportSet {
  return { reports, decision: worst(reports.map((r) => r.decision)) };
}
