/**
 * What `tfguard apply` does with a reviewed plan: refuse, ask a person, or apply. Pure: the command does the
 * asking and the applying.
 *
 * A finding overridden with `--allow` no longer blocks, but it is still a finding that a person must confirm,
 * like a warning: `-auto-approve` is refused, no terminal is refused, and on a terminal the answer is the
 * `destroy N` phrase, never `yes`. (A blocking finding must not get less scrutiny than a warning.) Unattended
 * runs use a waiver in `.tfguard.json`: reviewed with the code, with a reason and an expiry.
 */
import type { ReportFinding } from '../report/report.js';

export type ApplyDecision = { action: 'refuse'; why: string } | { action: 'ask'; phrase: string; question: string } | { action: 'apply' };

export interface DecideInput {
  findings: readonly ReportFinding[];
  /** Findings overridden for this run (`--allow`): they need a person as warnings do. */
  overridden?: readonly ReportFinding[];
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
  'or waive the findings with a reason in .tfguard.json (--allow RULE --reason TEXT overrides them for this run only, ' +
  'and a person still confirms on a terminal).';

/** The phrase a person types to show they read a plan with findings: not `yes`. */
export function confirmationPhrase(destroyed: number, findings: number): string {
  return destroyed > 0 ? `destroy ${destroyed}` : `accept ${findings}`;
}

/** `2 finding(s) (mass-destroy)`, `1 finding(s) (blast-radius, overridden)`. */
function described(findings: readonly ReportFinding[], overridden: readonly ReportFinding[]): string {
  const rules = [rulesOf(findings), overridden.length > 0 ? `overridden: ${rulesOf(overridden)}` : ''].filter((r) => r !== '');
  return `${findings.length + overridden.length} finding(s) (${rules.join('; ')})`;
}

export function decideApply({ findings, overridden = [], destroyed, autoApprove, interactive }: DecideInput): ApplyDecision {
  const blocking = findings.filter((f) => f.severity === 'block');
  if (blocking.length > 0) {
    return { action: 'refuse', why: `${blocking.length} blocking finding(s) (${rulesOf(blocking)}). Nothing was applied.` };
  }
  const count = findings.length + overridden.length;
  if (count > 0 && autoApprove) {
    return { action: 'refuse', why: `-auto-approve refused: ${described(findings, overridden)} need a person. ${HOW}` };
  }
  if (count > 0 && !interactive) {
    return { action: 'refuse', why: `${described(findings, overridden)} and no terminal: nobody can confirm. ${HOW}` };
  }
  if (count === 0 && autoApprove) return { action: 'apply' };
  if (!interactive) {
    return { action: 'refuse', why: 'no terminal to confirm on: pass -auto-approve (a plan with no findings then applies).' };
  }
  if (count === 0) {
    return { action: 'ask', phrase: 'yes', question: 'Apply this plan? Only "yes" will be accepted: ' };
  }
  const phrase = confirmationPhrase(destroyed, count);
  const what = destroyed > 0 ? `destroys ${destroyed} instance(s)` : `has ${count} finding(s)`;
  const allowed = overridden.length > 0 ? `, with ${overridden.length} overridden finding(s) (listed above)` : '';
  return {
    action: 'ask',
    phrase,
    question: `This plan ${what}${allowed}. To apply it anyway, type "${phrase}": `,
  };
}
