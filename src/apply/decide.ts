/**
 * What `tfguard apply` does with a reviewed plan: refuse, ask a person, or apply. Pure: the command does the
 * asking and the applying.
 */
import type { ReportFinding } from '../report/report.js';

export type ApplyDecision =
  | { action: 'refuse'; why: string }
  | { action: 'ask'; phrase: string; question: string }
  | { action: 'apply' };

export interface DecideInput {
  findings: readonly ReportFinding[];
  /** Instances the plan destroys (deletes and replacements). */
  destroyed: number;
  autoApprove: boolean;
  /** Whether a person can answer on a terminal. */
  interactive: boolean;
}

function rulesOf(findings: readonly ReportFinding[]): string {
  return [...new Set(findings.map((f) => f.rule))].join(', ');
}

const HOW =
  'Review it interactively (tfguard apply without -auto-approve, on a terminal), change the plan, ' +
  'or waive the findings with a reason in .tfguard.json (or --allow RULE --reason TEXT for this run only).';

/** The phrase a person types to show they read a plan with findings: not `yes`. */
export function confirmationPhrase(destroyed: number, findings: number): string {
  return destroyed > 0 ? `destroy ${destroyed}` : `accept ${findings}`;
}

export function decideApply({ findings, destroyed, autoApprove, interactive }: DecideInput): ApplyDecision {
  const blocking = findings.filter((f) => f.severity === 'block');
  if (blocking.length > 0) {
    return { action: 'refuse', why: `${blocking.length} blocking finding(s) (${rulesOf(blocking)}). Nothing was applied.` };
  }
  if (findings.length > 0 && autoApprove) {
    return {
      action: 'refuse',
      why: `-auto-approve refused: ${findings.length} finding(s) need a person (${rulesOf(findings)}). ${HOW}`,
    };
  }
  if (findings.length > 0 && !interactive) {
    return { action: 'refuse', why: `${findings.length} finding(s) (${rulesOf(findings)}) and no terminal: nobody can confirm. ${HOW}` };
  }
  if (findings.length === 0 && autoApprove) return { action: 'apply' };
  if (!interactive) {
    return { action: 'refuse', why: 'no terminal to confirm on: pass -auto-approve (a plan with no findings then applies).' };
  }
  if (findings.length === 0) {
    return { action: 'ask', phrase: 'yes', question: 'Apply this plan? Only "yes" will be accepted: ' };
  }
  const phrase = confirmationPhrase(destroyed, findings.length);
  const what = destroyed > 0 ? `destroys ${destroyed} instance(s)` : `has ${findings.length} finding(s)`;
  return {
    action: 'ask',
    phrase,
    question: `This plan ${what}. To apply it anyway, type "${phrase}": `,
  };
}
