/**
 * Waivers: a waiver names a rule, an address glob, a reason and an expiry date. It waives a finding of that
 * rule when the glob matches every one of the finding's addresses, through the end of its expiry day (UTC).
 * An expired waiver waives nothing and is reported.
 */
import type { Waiver } from '../config/schema.js';
import { addressMatcher } from './glob.js';
import type { Finding } from './types.js';

export interface WaivedFinding extends Finding {
  waiver: Waiver;
}

export interface ExpiredWaiver extends Waiver {
  /** Findings it would have waived. */
  matched: number;
}

export function isExpired(waiver: Waiver, today: string): boolean {
  return waiver.expires < today;
}

function covers(waiver: Waiver, finding: Finding): boolean {
  const match = addressMatcher([waiver.address]);
  return waiver.rule === finding.rule && finding.addresses.every(match);
}

export function applyWaivers(findings: Finding[], waivers: readonly Waiver[], today: string) {
  const kept: Finding[] = [];
  const waived: WaivedFinding[] = [];
  const expired = new Map<Waiver, number>();
  for (const finding of findings) {
    const matching = waivers.filter((w) => covers(w, finding));
    const active = matching.find((w) => !isExpired(w, today));
    if (active) {
      waived.push({ ...finding, waiver: active });
      continue;
    }
    for (const w of matching) expired.set(w, (expired.get(w) ?? 0) + 1);
    kept.push(finding);
  }
  const expiredWaivers: ExpiredWaiver[] = [...expired].map(([w, matched]) => ({ ...w, matched }));
  return { findings: kept, waived, expiredWaivers };
}
