/**
 * `--allow RULE[=ADDRESS_GLOB] --reason TEXT`: overrides findings for this run only. Like a waiver, it covers
 * a finding when the glob (if any) matches every one of its addresses; unlike a waiver it lives in no file,
 * and the audit log records it with its reason.
 */
import { addressMatcher } from '../engine/glob.js';
import { decide, type RunResult } from '../engine/run.js';
import type { Finding } from '../engine/types.js';
import { UsageError } from '../errors.js';
import type { Allow } from './args.js';

export interface Override {
  rule: string;
  address: string | null;
  reason: string;
}

export interface OverriddenFinding extends Finding {
  override: Override;
}

export function applyOverrides(
  result: RunResult,
  allows: readonly Allow[],
  reason: string | undefined,
  ruleIds: readonly string[],
): { result: RunResult; overridden: OverriddenFinding[] } {
  for (const a of allows) {
    if (!ruleIds.includes(a.rule)) throw new UsageError(`--allow ${a.rule}: no such rule (tfguard rules lists them)`);
  }
  const overridden: OverriddenFinding[] = [];
  const findings = result.findings.filter((f) => {
    const allow = allows.find((a) => a.rule === f.rule && (a.address === undefined || f.addresses.every(addressMatcher([a.address]))));
    if (!allow) return true;
    overridden.push({ ...f, override: { rule: allow.rule, address: allow.address ?? null, reason: reason ?? '' } });
    return false;
  });
  return { result: { ...result, findings, decision: decide(findings) }, overridden };
}
