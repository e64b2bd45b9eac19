import { z } from 'zod';
import { destroyedAddresses, priorInstanceCount } from '../src/engine/instances.js';
import type { Plan } from '../src/plan/model.js';
import { defineRule } from '../src/engine/types.js';

/**
 * Where the count of existing instances comes from, in words: the prior state when it lists them all; else
 * resource_changes fill in (no prior_state: a trimmed plan; or one that lists fewer than the changes show).
 */
function countSource(plan: Plan, total: number): { exact: boolean; where: string; note: string } {
  const inPrior = new Set(plan.prior.map((p) => p.address)).size;
  if (plan.priorKnown && inPrior >= total) return { exact: true, where: 'in the prior state', note: '' };
  if (!plan.priorKnown) {
    return { exact: false, where: 'resource_changes lists', note: ' Instance count from resource_changes only (the plan has no prior_state).' };
  }
  return {
    exact: false,
    where: 'the plan shows existing',
    note: ` Instance count: ${inPrior} in prior_state, ${total - inPrior} more that resource_changes shows existing.`,
  };
}

/** Many instances destroyed at once, in count or as a share of everything the state holds. */
export default defineRule({
  meta: {
    id: 'mass-destroy',
    description: 'Destroys or replaces at least `max` instances, or at least `fraction` of all managed instances',
    severity: 'block',
    options: z.strictObject({
      max: z.number().int().positive().default(10),
      fraction: z.number().gt(0).lte(1).default(0.5),
      minInstances: z.number().int().positive().default(4),
      minDestroyed: z.number().int().positive().default(3),
    }),
  },
  check({ plan, options }) {
    // Each destroyed address once, in plan order (a copy: the finding keeps it).
    const addresses = destroyedAddresses(plan).slice();
    if (addresses.length === 0) return [];
    const total = priorInstanceCount(plan);
    const byCount = addresses.length >= options.max;
    // A share of a small state is a couple of instances: a person reads those at a glance.
    const byShare = total >= options.minInstances && addresses.length >= options.minDestroyed && addresses.length >= options.fraction * total;
    if (!byCount && !byShare) return [];
    const source = countSource(plan, total);
    const of = source.exact ? `${total}` : `at least ${total}`;
    const share = total > 0 ? ` of ${of} managed instances (${source.exact ? '' : 'up to '}${Math.round((100 * addresses.length) / total)}%)` : '';
    const why = byCount ? `at least ${options.max}` : `at least ${Math.round(options.fraction * 100)}% of the ${total} instances ${source.where}`;
    return [{ message: `The plan destroys or replaces ${addresses.length}${share}: ${why}.${source.note}`, addresses }];
  },
});
