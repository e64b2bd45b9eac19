/**
 * Which instances exist before the plan and which the plan destroys, and the groups blast-radius judges. The
 * prior state is the source of truth for what exists (a plan made with `-target` lists fewer changes than there
 * are instances); changes whose object exists before the plan fill in for plans that carry no prior_state.
 */
import { formatKey, groupAddress, parseAddress } from '../plan/address.js';
import { isDestructive, type Plan, type ResourceChange } from '../plan/model.js';
import { addressMatcher } from './glob.js';

/** Per plan, what several rules ask for, computed once (kept while `plan.changes` is the same array and length). */
interface PlanIndex {
  changes: readonly ResourceChange[];
  length: number;
  destroyed?: readonly ResourceChange[];
  byGroup?: Map<string, ResourceChange[]>;
  addresses?: string[];
  byAddress?: ReadonlyMap<string, number>;
  unique?: boolean;
}
const indexes = new WeakMap<Plan, PlanIndex>();

function indexOf(plan: Plan): PlanIndex {
  let index = indexes.get(plan);
  if (!index || index.changes !== plan.changes || index.length !== plan.changes.length) {
    index = { changes: plan.changes, length: plan.changes.length };
    indexes.set(plan, index);
  }
  return index;
}

/**
 * Changes that destroy a current object (deposed leftovers of a failed replacement are not counted). Computed
 * once per plan: every rule that judges destroyed instances asks for them. Shared: read it, do not change it.
 */
export function destroyedChanges(plan: Plan): readonly ResourceChange[] {
  const index = indexOf(plan);
  return (index.destroyed ??= plan.changes.filter((c) => isDestructive(c) && !c.deposed));
}

/**
 * Each address's change (deposed objects aside; the last one wins) as its index in `plan.changes`, and whether no
 * address has two such changes (Terraform writes each once). Computed once per plan; shared: do not change it.
 */
export function changeIndex(plan: Plan): { byAddress: ReadonlyMap<string, number>; unique: boolean } {
  const index = indexOf(plan);
  if (!index.byAddress) {
    const byAddress = new Map<string, number>();
    const changes = plan.changes;
    let count = 0;
    for (let i = 0; i < changes.length; i++) {
      if (changes[i]!.deposed) continue;
      byAddress.set(changes[i]!.address, i);
      count++;
    }
    index.byAddress = byAddress;
    index.unique = byAddress.size === count;
  }
  return { byAddress: index.byAddress, unique: index.unique! };
}

function existedBefore(change: ResourceChange): boolean {
  return change.mode === 'managed' && !change.deposed && change.action !== 'create' && change.priorObject;
}

/** Items grouped by key, in the order they come; consecutive items of one key (most, in a plan) need no lookup. */
class GroupedLists<T> {
  readonly lists = new Map<string, T[]>();
  private lastKey: string | undefined;
  private last: T[] = [];
  add(key: string, item: T): void {
    if (key !== this.lastKey) {
      this.lastKey = key;
      let list = this.lists.get(key);
      if (!list) this.lists.set(key, (list = []));
      this.last = list;
    }
    this.last.push(item);
  }
}

/**
 * Distinct instance addresses: a list, with a set made only when membership is asked (a group of 100,000 deleted
 * instances is counted and listed, rarely searched).
 */
export class AddressSet implements Iterable<string> {
  private set: Set<string> | undefined;
  /** `list` holds each address once. */
  constructor(private readonly list: readonly string[]) {}
  get size(): number {
    return this.list.length;
  }
  has(address: string): boolean {
    this.set ??= new Set(this.list);
    return this.set.has(address);
  }
  values(): IterableIterator<string> {
    return this.list.values();
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this.list.values();
  }
}

/** Every managed instance that exists before the plan, grouped by `keyOf` (default: resource group address). */
export function instancesByGroup(
  plan: Plan,
  keyOf: (i: { groupAddress: string; resourceAddress: string }) => string = (i) => i.groupAddress,
): Map<string, AddressSet> {
  const lists = new GroupedLists<string>();
  // An address is in the prior state and among the changes (a deleted instance is in both), or, in a hand-made
  // plan, in two changes: then each is taken once. A plan without prior_state whose changes name each address
  // once needs no set.
  const seen = plan.prior.length > 0 || !changeIndex(plan).unique ? new Set<string>() : undefined;
  const add = (i: { groupAddress: string; resourceAddress: string; address: string }): void => {
    if (seen) {
      if (seen.has(i.address)) return;
      seen.add(i.address);
    }
    lists.add(keyOf(i), i.address);
  };
  for (const p of plan.prior) add(p);
  for (const c of plan.changes) {
    if (existedBefore(c) || (isDestructive(c) && !c.deposed)) add(c);
  }
  const groups = new Map<string, AddressSet>();
  for (const [key, list] of lists.lists) groups.set(key, new AddressSet(list));
  return groups;
}

const byBlockCache = new WeakMap<Plan, Map<string, AddressSet>>();

/** `instancesByGroup(plan)`, built once per plan (advice asks for it once per destroyed instance). */
export function blockInstances(plan: Plan): Map<string, AddressSet> {
  let groups = byBlockCache.get(plan);
  if (!groups) byBlockCache.set(plan, (groups = instancesByGroup(plan)));
  return groups;
}

/** How many managed instances exist before the plan. */
export function priorInstanceCount(plan: Plan): number {
  let count = 0;
  for (const set of blockInstances(plan).values()) count += set.size;
  return count;
}

/** One pass over the destroyed changes: each instance address once, in plan order, and by group address. */
function destroyedIndex(plan: Plan): Required<Pick<PlanIndex, 'byGroup' | 'addresses'>> {
  const index = indexOf(plan);
  if (index.byGroup && index.addresses) return { byGroup: index.byGroup, addresses: index.addresses };
  const groups = new GroupedLists<ResourceChange>();
  const addresses: string[] = [];
  // Only a hand-made plan names an address twice: then the first of its changes counts.
  const seen = changeIndex(plan).unique ? undefined : new Set<string>();
  for (const c of destroyedChanges(plan)) {
    if (seen) {
      if (seen.has(c.address)) continue;
      seen.add(c.address);
    }
    addresses.push(c.address);
    groups.add(c.groupAddress, c);
  }
  index.byGroup = groups.lists;
  index.addresses = addresses;
  return { byGroup: groups.lists, addresses };
}

/**
 * Destroyed changes, one per instance address, grouped by resource group address, in plan order. Computed once
 * per plan; shared: read it, do not change it.
 */
export function destroyedByGroup(plan: Plan): ReadonlyMap<string, readonly ResourceChange[]> {
  return destroyedIndex(plan).byGroup;
}

/** The addresses of the destroyed changes, each once, in plan order. Computed once per plan; shared: do not change it. */
export function destroyedAddresses(plan: Plan): readonly string[] {
  return destroyedIndex(plan).addresses;
}

/** Short form of a list: `a, b, c and 4 more`. */
export function listShort(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** A set of instances declared in `.tfguard.json` `groups`: member globs, and how many members must stand. */
export interface DeclaredGroup {
  name: string;
  members: string[];
  quorum?: number | undefined;
}

/**
 * A set of instances that must not all go at once. Its members are what is counted: one instance each in the
 * groups tfguard finds by itself, an instance key in a declared group (every instance with that key, in any of
 * its blocks: the node's config apply and its reset helper are one member).
 */
export interface InstanceGroup {
  /** A group address (`module.node.terraform_data.reset`), a resource address within one module instance (`module.cluster["c2"].terraform_data.cp`) or a declared group's name. */
  name: string;
  kind: 'block' | 'module-instance' | 'declared';
  /** Member key → the member's instance addresses, for every member that exists before the plan. */
  members: ReadonlyMap<string, readonly string[]>;
  /** Changes that destroy the group's instances, in plan order. */
  destroyed: readonly ResourceChange[];
  /** Declared quorum; else a majority of 3 or more, one of two (`defaultQuorum`). */
  quorum: number;
  /** Judge only "every member destroyed" (a block across module instances that each hold a group of their own). */
  wholeOnly?: boolean;
}

/** A majority (`floor(n/2)+1`) of 3 or more, one of 2 (not both at once), nothing of 1. */
export function defaultQuorum(n: number): number {
  return n >= 3 ? Math.floor(n / 2) + 1 : n === 2 ? 1 : 0;
}

/**
 * The member an instance is in a declared group: its instance keys, module keys included (`["a"]` for both
 * `talos_x.cp["a"]` and `null_resource.reset["a"]`, and for `module.node["a"].x`; `["c2"]["1"]` for
 * `module.cluster["c2"].cp["1"]`); an instance without any key is a member by itself (`aws_instance.vm1`).
 */
export function memberKey(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  const keys = [...parsed.modules.map((m) => m.key), parsed.key].filter((k) => k !== undefined);
  return keys.length > 0 ? keys.map(formatKey).join('') : address;
}

/**
 * Members of one instance each, keyed by their address: a view of the set of addresses, not a copy (a group of
 * 100,000 instances would otherwise build 100,000 one-element lists that are mostly never read).
 */
class Singletons implements ReadonlyMap<string, readonly string[]> {
  constructor(private readonly set: AddressSet) {}
  get size(): number {
    return this.set.size;
  }
  has(key: string): boolean {
    return this.set.has(key);
  }
  get(key: string): readonly string[] | undefined {
    return this.set.has(key) ? [key] : undefined;
  }
  keys(): MapIterator<string> {
    return this.set.values();
  }
  *values(): MapIterator<readonly string[]> {
    for (const a of this.set) yield [a];
  }
  *entries(): MapIterator<[string, readonly string[]]> {
    for (const a of this.set) yield [a, [a]];
  }
  [Symbol.iterator](): MapIterator<[string, readonly string[]]> {
    return this.entries();
  }
  forEach(fn: (value: readonly string[], key: string, map: ReadonlyMap<string, readonly string[]>) => void, thisArg?: unknown): void {
    for (const a of this.set) fn.call(thisArg, [a], a, this);
  }
}

function singletons(addresses: AddressSet): ReadonlyMap<string, readonly string[]> {
  return new Singletons(addresses);
}

/**
 * The groups tfguard finds by itself, for each block the plan destroys instances of: all its instances, across
 * count/for_each keys and module instances (`module.node["a"].x` and `module.node["b"].x`: module per node).
 * When its module instances each hold several (module per cluster: `module.cluster["c2"]` has 3 control
 * planes), each module instance's instances are a group of their own, and across them only the loss of every
 * instance counts: the clusters do not share a quorum.
 */
export function automaticGroups(plan: Plan): InstanceGroup[] {
  const byBlock = blockInstances(plan);
  const destroyedBlocks = destroyedByGroup(plan);
  // Within each block, its instances by module instance (resource address): only blocks in modules have several.
  const perModuleOf = new Map<string, Map<string, AddressSet>>();
  if ([...destroyedBlocks.keys()].some((b) => b.startsWith('module.'))) {
    for (const [r, set] of instancesByGroup(plan, (i) => i.resourceAddress)) {
      const block = groupAddress(r);
      perModuleOf.set(block, (perModuleOf.get(block) ?? new Map()).set(r, set));
    }
  }
  const groups: InstanceGroup[] = [];
  for (const [block, destroyed] of destroyedBlocks) {
    const all = byBlock.get(block) ?? new AddressSet(destroyed.map((c) => c.address));
    const perModule = perModuleOf.get(block) ?? new Map<string, AddressSet>();
    const split = perModule.size > 1 && [...perModule.values()].some((s) => s.size >= 2);
    if (split) {
      const byModule = new GroupedLists<ResourceChange>();
      for (const c of destroyed) byModule.add(c.resourceAddress, c);
      for (const [r, set] of perModule) {
        const inIt = byModule.lists.get(r) ?? [];
        if (inIt.length > 0) groups.push({ name: r, kind: 'module-instance', members: singletons(set), destroyed: inIt, quorum: defaultQuorum(set.size) });
      }
    }
    groups.push({ name: block, kind: 'block', members: singletons(all), destroyed, quorum: defaultQuorum(all.size), ...(split ? { wholeOnly: true } : {}) });
  }
  return groups;
}

/** The declared groups whose members the plan destroys: members counted by instance key (`memberKey`). */
export function declaredGroups(plan: Plan, declared: readonly DeclaredGroup[]): InstanceGroup[] {
  if (declared.length === 0) return [];
  const existing = [...blockInstances(plan).values()].flatMap((s) => [...s]);
  const destroyed = [...destroyedByGroup(plan).values()].flat();
  const groups: InstanceGroup[] = [];
  for (const d of declared) {
    const match = addressMatcher(d.members);
    const gone = destroyed.filter((c) => match(c.address));
    if (gone.length === 0) continue;
    const members = new Map<string, string[]>();
    for (const a of [...existing, ...gone.map((c) => c.address)]) {
      if (!match(a)) continue;
      const key = memberKey(a);
      const list = members.get(key) ?? [];
      if (!list.includes(a)) list.push(a);
      members.set(key, list);
    }
    groups.push({ name: d.name, kind: 'declared', members, destroyed: gone, quorum: d.quorum ?? defaultQuorum(members.size) });
  }
  return groups;
}
