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
import { agreeingAttributes, child, MAX_DEPTH } from './same-values.js';

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

/** A known, non-empty scalar at a path (the attribute, then keys and indexes), as a lookup key: path, type, value. */
function scalarKey(path: string, value: unknown): string | undefined {
  if (typeof value === 'string' ? value === '' : typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  return `${path}\u0001${typeof value}\u0001${String(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The first known, non-empty scalar under `value` (depth first), skipping what the mask leaves unknown. */
function firstScalar(value: unknown, mask: unknown, path: string, depth: number): string | undefined {
  if (mask === true || depth > MAX_DEPTH) return undefined;
  if (value === null || typeof value !== 'object') return scalarKey(path, value);
  for (const [k, v] of Object.entries(value)) {
    const found = firstScalar(v, child(mask, k), `${path}\u0000${k}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every known, non-empty scalar under `value`, as lookup keys. */
function allScalars(value: unknown, path: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) return;
  if (value === null || typeof value !== 'object') {
    const key = scalarKey(path, value);
    if (key !== undefined) out.push(key);
    return;
  }
  for (const [k, v] of Object.entries(value)) allScalars(v, `${path}\u0000${k}`, depth + 1, out);
}

/**
 * The creates (of one type and provider, in plan order) a delete may match, in plan order. A create matches a
 * delete only when every value it knows agrees with the deleted object's (`agreeingAttributes`), and only when
 * one of them is meaningful: a known scalar that is not "" (`id` aside), somewhere under an attribute. The
 * deleted object must then hold that scalar at the same path (agreeing values have the same containers down to
 * it, and equal scalars). So each create is filed under its first such scalar, and each delete looks up the
 * scalars it holds: linear in the size of the values, where trying every create with every delete was not (two
 * thousand of each whose values are objects: four million comparisons). A create with none can match nothing.
 */
function candidateIndex(creates: readonly ResourceChange[]): (d: ResourceChange) => ResourceChange[] {
  const byValue = new Map<string, number[]>();
  creates.forEach((c, i) => {
    if (!isRecord(c.after)) return;
    for (const key of Object.keys(c.after)) {
      if (key === 'id') continue;
      const k = firstScalar(c.after[key], child(c.afterUnknown, key), key, 0);
      if (k === undefined) continue;
      const list = byValue.get(k);
      if (list) list.push(i);
      else byValue.set(k, [i]);
      return;
    }
  });
  return (d) => {
    if (!isRecord(d.before)) return [];
    const scalars: string[] = [];
    for (const key of Object.keys(d.before)) if (key !== 'id') allScalars(d.before[key], key, 0, scalars);
    const found: number[] = [];
    for (const k of scalars) {
      const list = byValue.get(k);
      if (list) for (const i of list) found.push(i);
    }
    return found.sort((a, b) => a - b).map((i) => creates[i]!);
  };
}

export function findRenames(plan: Plan): Renames {
  const live = (c: ResourceChange): boolean => c.mode === 'managed' && !c.deposed;
  // Creates first: a plan that only destroys (100,000 deletes) has none, and needs no list of its deletes.
  const creates = plan.changes.filter((c) => c.action === 'create' && !c.importing && live(c));
  if (creates.length === 0) return { pairs: [], ambiguous: [] };
  const deletes = plan.changes.filter((c) => c.action === 'delete' && live(c));
  if (deletes.length === 0) return { pairs: [], ambiguous: [] };
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
