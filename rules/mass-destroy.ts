import { z } from 'zod';
import { destroyedChanges, priorInstanceCount } from '../src/engine/instances.js';
import { defineRule } from '../src/engine/types.js';

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
    }),
  },
  check({ plan, options }) {
    const addresses = [...new Set(destroyedChanges(plan).map((c) => c.address))];
    if (addresses.length === 0) return [];
    const total = priorInstanceCount(plan);
    const byCount = addresses.length >= options.max;
    const byShare = total >= options.minInstances && addresses.length >= options.fraction * total;
    if (!byCount && !byShare) return [];
    // Without prior_state the total is only what resource_changes lists: a lower bound.
    const of = plan.priorKnown ? `${total}` : `at least ${total}`;
    const share = total > 0 ? ` of ${of} managed instances (${plan.priorKnown ? '' : 'up to '}${Math.round((100 * addresses.length) / total)}%)` : '';
    const why = byCount
      ? `at least ${options.max}`
      : `at least ${Math.round(options.fraction * 100)}% of the ${total} instances ${plan.priorKnown ? 'in state' : 'resource_changes lists'}`;
    const note = plan.priorKnown ? '' : ' Instance count from resource_changes only (the plan has no prior_state).';
    return [{ message: `The plan destroys or replaces ${addresses.length}${share}: ${why}.${note}`, addresses }];
  },
});
