/**
 * Deletes and creates that are one object under a new address: a count → for_each switch, a renamed block, a
 * module renamed or moved, refactored without `moved` blocks. A delete and a create pair when they are of the
 * same type and provider and every value the create knows equals the deleted object's, with at least one
 * meaningful value among those the configuration sets (so two empty `terraform_data` never pair). Pairs are
 * taken only as a unique best match both ways (same instance key and name rank higher); what stays tied is
 * listed as ambiguous, never guessed. A replacement (one address) is never a rename.
 */
import { parseAddress, type ParsedAddress } from '../plan/address.js';
import type { Plan, ResourceChange } from '../plan/model.js';
import { agreeingAttributes } from './same-values.js';

export interface RenamePair {
  from: ResourceChange;
  to: ResourceChange;
}

export interface Renames {
  pairs: RenamePair[];
  /** Deletes and creates that match each other's values, but not one to one. */
  ambiguous: { deleted: string[]; created: string[] }[];
}

const parsed = new Map<string, ParsedAddress | undefined>();
function keyOf(address: string): string | number | undefined {
  if (!parsed.has(address)) parsed.set(address, parseAddress(address));
  return parsed.get(address)?.key;
}

/** How alike two addresses are beyond their values: the same instance key, the same name. */
function score(from: ResourceChange, to: ResourceChange): number {
  const key = keyOf(from.address);
  return (key !== undefined && key === keyOf(to.address) ? 2 : 0) + (from.name === to.name ? 1 : 0);
}

function matches(plan: Plan, from: ResourceChange, to: ResourceChange): boolean {
  if (from.type !== to.type || (from.providerName ?? '') !== (to.providerName ?? '')) return false;
  const agreeing = agreeingAttributes(from.before, to.after, to.afterUnknown);
  if (!agreeing) return false;
  // Only values the configuration sets say which object this is; without a configuration, any agreeing value.
  const configured = plan.configKnown ? Object.keys(plan.configExpressions.get(to.groupAddress) ?? {}) : undefined;
  return agreeing.some((a) => configured === undefined || configured.includes(a));
}

/** The candidates among `others` that rank best for `change`, by score. */
function best(change: ResourceChange, others: readonly ResourceChange[], scoreOf: (a: ResourceChange, b: ResourceChange) => number): ResourceChange[] {
  const top = Math.max(...others.map((o) => scoreOf(change, o)));
  return others.filter((o) => scoreOf(change, o) === top);
}

/** A known, non-empty scalar of a top-level attribute, as a lookup key: `key`, its type and its value. */
function scalarKey(key: string, value: unknown): string | undefined {
  if (typeof value === 'string' ? value === '' : typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  return `${key}\u0000${typeof value}\u0000${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The creates (of one type and provider, in plan order) a delete may match, in plan order: a create whose known
 * values include a non-empty scalar is found only by a delete whose prior value of that attribute is the same
 * (`matches` needs them equal), so each delete looks up its own attributes instead of trying every create. A
 * create with no such value is a candidate for every delete; one whose planned values are no object, for none.
 */
function candidateIndex(creates: readonly ResourceChange[]): (d: ResourceChange) => ResourceChange[] {
  const byValue = new Map<string, number[]>();
  const anyDelete: number[] = [];
  creates.forEach((c, i) => {
    if (!isRecord(c.after)) return;
    const unknown = c.afterUnknown;
    for (const key of Object.keys(c.after)) {
      // An unknown part agrees with anything (as `child` reads the mask: any object, arrays too).
      if (key === 'id' || (unknown !== null && typeof unknown === 'object' && (unknown as Record<string, unknown>)[key] === true)) continue;
      const k = scalarKey(key, c.after[key]);
      if (k === undefined) continue;
      const list = byValue.get(k);
      if (list) list.push(i);
      else byValue.set(k, [i]);
      return;
    }
    anyDelete.push(i);
  });
  return (d) => {
    if (!isRecord(d.before)) return [];
    const found = [...anyDelete];
    for (const key of Object.keys(d.before)) {
      const k = key === 'id' ? undefined : scalarKey(key, d.before[key]);
      const list = k === undefined ? undefined : byValue.get(k);
      if (list) for (const i of list) found.push(i);
    }
    return found.sort((a, b) => a - b).map((i) => creates[i]!);
  };
}

export function findRenames(plan: Plan): Renames {
  const live = plan.changes.filter((c) => c.mode === 'managed' && !c.deposed);
  const deletes = live.filter((c) => c.action === 'delete');
  const creates = live.filter((c) => c.action === 'create' && !c.importing);
  if (deletes.length === 0 || creates.length === 0) return { pairs: [], ambiguous: [] };
  // Only a create of the same type and provider can match a delete: each delete looks at those alone (in plan order).
  const kindOf = (c: ResourceChange) => `${c.type}\n${c.providerName ?? ''}`;
  const createsOf = new Map<string, ResourceChange[]>();
  for (const c of creates) {
    const list = createsOf.get(kindOf(c));
    if (list) list.push(c);
    else createsOf.set(kindOf(c), [c]);
  }
  const candidatesOf = new Map<string, (d: ResourceChange) => ResourceChange[]>();
  for (const [kind, list] of createsOf) candidatesOf.set(kind, candidateIndex(list));
  const edges = new Map<ResourceChange, ResourceChange[]>();
  // The other way: each create's matching deletes, in plan order.
  const backEdges = new Map<ResourceChange, ResourceChange[]>();
  for (const d of deletes) {
    const candidates = candidatesOf.get(kindOf(d));
    const matched = candidates ? candidates(d).filter((c) => matches(plan, d, c)) : [];
    edges.set(d, matched);
    for (const c of matched) {
      const list = backEdges.get(c);
      if (list) list.push(d);
      else backEdges.set(c, [d]);
    }
  }
  const pairs: RenamePair[] = [];
  let open = deletes.filter((d) => edges.get(d)!.length > 0);
  const stillOpen = new Set(open);
  const backOf = (c: ResourceChange) => (backEdges.get(c) ?? []).filter((d) => stillOpen.has(d));
  const taken = new Set<ResourceChange>();
  // A pair found frees the others of its two sides: look again until nothing changes.
  for (let progress = true; progress; ) {
    progress = false;
    for (const d of open) {
      const forward = edges.get(d)!.filter((c) => !taken.has(c));
      if (forward.length === 0) continue;
      const [to, ...tied] = best(d, forward, score);
      if (tied.length > 0) continue;
      const [back, ...tiedBack] = best(to!, backOf(to!), (c, x) => score(x, c));
      if (tiedBack.length > 0 || back !== d) continue;
      pairs.push({ from: d, to: to! });
      taken.add(to!);
      stillOpen.delete(d);
      progress = true;
    }
    if (progress) open = open.filter((d) => stillOpen.has(d));
  }
  // Intl.Collator's compare is localeCompare's own (the default locale and options), without a lookup per call;
  // made only when there is something to sort (its collation data takes a small check about 10 ms to load).
  if (pairs.length > 1) {
    const collator = new Intl.Collator();
    pairs.sort((a, b) => collator.compare(a.from.address, b.from.address));
  }
  return { pairs, ambiguous: components(open, edges, taken) };
}

/** The remaining deletes and creates that match, as connected groups. */
function components(open: readonly ResourceChange[], edges: Map<ResourceChange, ResourceChange[]>, taken: ReadonlySet<ResourceChange>) {
  const groups: { deleted: string[]; created: string[] }[] = [];
  const seen = new Set<ResourceChange>();
  for (const start of open) {
    if (seen.has(start) || edges.get(start)!.every((c) => taken.has(c))) continue;
    const deleted = new Set<ResourceChange>([start]);
    const created = new Set<ResourceChange>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of open) {
        const linked = edges.get(d)!.filter((c) => !taken.has(c));
        if (!deleted.has(d) && !linked.some((c) => created.has(c))) continue;
        for (const c of linked) {
          if (created.has(c)) continue;
          created.add(c);
          grew = true;
        }
        if (!deleted.has(d)) {
          deleted.add(d);
          grew = true;
        }
      }
    }
    for (const d of deleted) seen.add(d);
    groups.push({ deleted: [...deleted].map((d) => d.address).sort(), created: [...created].map((c) => c.address).sort() });
  }
  return groups;
}
