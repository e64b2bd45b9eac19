/**
 * The engine: (plan, config, rules) -> findings. Pure: no I/O. A rule that throws is a bug, and the error
 * propagates so that the command fails closed (exit 2) instead of passing a plan it did not check.
 */
import type { Config } from '../config/schema.js';
import { blockFor, removedFor } from '../hcl/lookup.js';
import type { Sources } from '../hcl/types.js';
import type { Plan } from '../plan/model.js';
import { explainChain } from './chain.js';
import { decide } from './decide.js';
import { explainChange } from './explain.js';
import { changeIndex } from './instances.js';
import { sameItems } from '../same-items.js';
import type { Decision, Finding, InstanceDetail, Rule, Severity, SourcesState } from './types.js';
import { applyWaivers, unmatchedWaivers, type ExpiredWaiver, type WaivedFinding } from './waivers.js';
import type { Waiver } from '../config/schema.js';

export interface RunResult {
  decision: Decision;
  findings: Finding[];
  waived: WaivedFinding[];
  expiredWaivers: ExpiredWaiver[];
  /** Waivers of the config whose glob matches no address of the plan: they waive nothing here. */
  unmatchedWaivers?: Waiver[];
}

export interface RunInput {
  plan: Plan;
  config: Config;
  rules: readonly Rule[];
  /** Today as YYYY-MM-DD (UTC), for waiver expiry. */
  today: string;
  sources?: SourcesState;
  /** `--expect` globs (tfguard apply). */
  expect?: readonly string[];
  /** `-target` addresses tfguard apply passed to terraform plan itself. */
  targets?: readonly string[];
  /**
   * Sources to find where each finding's first resource is declared (default: `sources` when loaded). The
   * rules never see these: they may have been read for the locations alone.
   */
  locations?: Sources;
}

export { decide };

/** Lists of details this long are shared by findings that name the same instances. */
const SHARED = 1024;

const SEVERITY_ORDER: Record<Severity, number> = { block: 0, warn: 1 };

function withLocation(sources: Sources, addresses: readonly string[]): { location?: { file: string; line: number } } {
  const location = locate(sources, addresses);
  return location ? { location } : {};
}

/**
 * Where a finding is declared: the block of its first address that the sources declare (its resource block,
 * else the `removed` block that removes it: a block deleted from the configuration has no resource block left).
 */
export function locate(sources: Sources, addresses: readonly string[]): { file: string; line: number } | undefined {
  for (const address of addresses) {
    const block = blockFor(sources, address) ?? removedFor(sources, address);
    if (block) return { file: block.file, line: block.line };
  }
  return undefined;
}

export function runRules({ plan, config, rules, today, sources = { status: 'not-read' }, expect = [], targets = [], locations }: RunInput): RunResult {
  const where = locations ?? (sources.status === 'loaded' ? sources.sources : undefined);
  const loaded = sources.status === 'loaded' ? sources.sources : undefined;
  // Each instance's detail by the index of its change (changeIndex): several rules name the same instances, and
  // each is explained once.
  let indexOf: ReadonlyMap<string, number> | undefined;
  let detailAt: (InstanceDetail | undefined)[] = [];
  // The last long list asked for: blast-radius and mass-destroy often name the same instances in the same order,
  // and then share one list of details (nothing changes a finding's details after this).
  let last: { addresses: readonly string[]; details: InstanceDetail[] } | undefined;
  const detailsOf = (addresses: readonly string[]): InstanceDetail[] => {
    if (!indexOf) {
      indexOf = changeIndex(plan).byAddress;
      detailAt = new Array(plan.changes.length);
    }
    if (last && sameItems(last.addresses, addresses)) return last.details;
    const out: InstanceDetail[] = [];
    if (addresses.length >= SHARED) last = { addresses, details: out };
    for (const address of addresses) {
      const i = indexOf.get(address);
      if (i === undefined) continue;
      let detail = detailAt[i];
      if (detail === undefined) {
        const change = plan.changes[i]!;
        detail = explainChange(change, plan.secrets);
        const chain = explainChain(change, plan, loaded);
        if (chain.length > 0) detail = { ...detail, chain: [...chain] };
        detailAt[i] = detail;
      }
      out.push(detail);
    }
    return out;
  };
  const all: Finding[] = [];
  for (const rule of rules) {
    const setting = config.rules.get(rule.meta.id);
    if (setting?.severity === 'off') continue;
    const options = setting?.options ?? rule.meta.options.parse({});
    for (const hit of rule.check({ plan, options, protect: config.protect, sources, expect, targets })) {
      if (hit.addresses.length === 0) throw new Error(`rule ${rule.meta.id} reported a finding without addresses`);
      all.push({
        rule: rule.meta.id,
        severity: setting?.severity ?? hit.severity ?? rule.meta.severity,
        message: hit.message,
        addresses: hit.addresses,
        details: detailsOf(hit.addresses),
        ...(hit.location ? { location: hit.location } : where ? withLocation(where, hit.addresses) : {}),
        ...(hit.commands ? { commands: hit.commands } : {}),
        ...(hit.suggestions ? { suggestions: hit.suggestions } : {}),
      });
    }
  }
  all.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareRuleIds(a.rule, b.rule));
  const { findings, waived, expiredWaivers } = applyWaivers(all, config.waivers, today);
  // Every address the plan names, only when there are waivers to look for.
  const addresses = config.waivers.length === 0 ? [] : [...plan.changes.map((c) => c.address), ...plan.prior.map((p) => p.address)];
  return { decision: decide(findings), findings, waived, expiredWaivers, unmatchedWaivers: unmatchedWaivers(config.waivers, addresses) };
}

/**
 * Rule ids in the order localeCompare gives them, without its collation data (loading it costs a small check
 * about 10 ms): for ids of lowercase letters, digits and '-' (test/rule-order.test.ts holds every id to that),
 * the order of their UTF-16 code units is the collation's.
 */
export function compareRuleIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
