/** `--fail-on`: which decision makes a command exit 1. Shared by check and scan; loads nothing heavy. */
import type { Decision } from '../engine/types.js';
import { UsageError } from '../errors.js';

export const FAIL_ON = ['block', 'warn', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function parseFailOn(value: string | undefined): FailOn {
  const failOn = (value ?? 'block') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`unknown --fail-on ${value} (one of: ${FAIL_ON.join(', ')})`);
  return failOn;
}

/** 0 pass, 1 blocked: `--fail-on warn` also blocks on warnings, `never` only reports. */
export function exitCodeFor(decision: Decision, failOn: FailOn): number {
  if (failOn === 'never' || decision === 'pass') return 0;
  if (decision === 'block') return 1;
  return failOn === 'warn' ? 1 : 0;
}
