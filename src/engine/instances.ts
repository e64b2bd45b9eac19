/**
 * Which instances exist before the plan and which the plan destroys. The prior state is the source of truth
 * for what exists (a plan made with `-target` lists fewer changes than there are instances); changes whose
 * object exists before the plan fill in for plans that carry no prior_state.
 */
import { isDestructive, type Plan, type ResourceChange } from '../plan/model.js';

/** Changes that destroy a current object (deposed leftovers of a failed replacement are not counted). */
export function destroyedChanges(plan: Plan): ResourceChange[] {
  return plan.changes.filter((c) => isDestructive(c) && !c.deposed);
}

function existedBefore(change: ResourceChange): boolean {
  return change.mode === 'managed' && !change.deposed && change.action !== 'create' && change.before !== null;
}

/** Every managed instance that exists before the plan, grouped by resource group address. */
export function instancesByGroup(plan: Plan): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  const add = (group: string, address: string): void => {
    let set = groups.get(group);
    if (!set) groups.set(group, (set = new Set()));
    set.add(address);
  };
  for (const p of plan.prior) add(p.groupAddress, p.address);
  for (const c of plan.changes) {
    if (existedBefore(c) || (isDestructive(c) && !c.deposed)) add(c.groupAddress, c.address);
  }
  return groups;
}

/** How many managed instances exist before the plan. */
export function priorInstanceCount(plan: Plan): number {
  let count = 0;
  for (const set of instancesByGroup(plan).values()) count += set.size;
  return count;
}

/** Destroyed changes, one per instance address, grouped by resource group address, in plan order. */
export function destroyedByGroup(plan: Plan): Map<string, ResourceChange[]> {
  const groups = new Map<string, ResourceChange[]>();
  for (const c of destroyedChanges(plan)) {
    const list = groups.get(c.groupAddress) ?? [];
    if (!list.some((x) => x.address === c.address)) list.push(c);
    groups.set(c.groupAddress, list);
  }
  return groups;
}

/** Short form of a list: `a, b, c and 4 more`. */
export function listShort(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
