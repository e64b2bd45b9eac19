/**
 * Waivers: a waiver names a rule, an address glob, a reason and an expiry date. It waives a finding of that
 * rule when the glob matches every one of the finding's addresses, through the end of its expiry day (UTC).
 * An expired waiver waives nothing and is reported; so is a waiver whose glob matches nothing in the plan (a
 * typo, or a resource that is gone). An inline waiver (a `tfguard:allow` comment, inline-waivers.ts) covers the
 * findings whose addresses all belong to the block it stands above.
 */
import type { Waiver } from '../config/schema.js';
import { groupAddress } from '../plan/address.js';
import { addressMatcher } from './glob.js';
import type { InlineWaiver } from './inline-waivers.js';
import type { Finding } from './types.js';

/** What a waiver can cover: a finding of `check` (instance addresses) or of `scan` (resource addresses). */
export interface Waivable {
  rule: string;
  addresses?: string[];
}

export type WaivedFinding<F extends Waivable = Finding> = F & { waiver: Waiver };

export interface ExpiredWaiver extends Waiver {
  /** Findings it would have waived. */
  matched: number;
}

export function isExpired(waiver: Waiver, today: string): boolean {
  return waiver.expires < today;
}

function isInline(waiver: Waiver): waiver is InlineWaiver {
  return Array.isArray((waiver as InlineWaiver).blocks);
}

function covers(waiver: Waiver, finding: Waivable): boolean {
  const addresses = finding.addresses ?? [];
  if (waiver.rule !== finding.rule || addresses.length === 0) return false;
  if (isInline(waiver)) return addresses.every((a) => waiver.blocks.includes(groupAddress(a)));
  return addresses.every(addressMatcher([waiver.address]));
}

export function applyWaivers<F extends Waivable>(findings: F[], waivers: readonly Waiver[], today: string) {
  const kept: F[] = [];
  const waived: WaivedFinding<F>[] = [];
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

/** The waivers of the config whose glob matches none of these addresses (every address the plan names). */
export function unmatchedWaivers(waivers: readonly Waiver[], addresses: readonly string[]): Waiver[] {
  return waivers.filter((w) => !isInline(w) && !addresses.some(addressMatcher([w.address])));
}
