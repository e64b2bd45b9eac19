import { z } from 'zod';
import { DESTROY_HOOKS } from '../src/engine/destroy-hooks.js';
import { destroyedChanges, listShort } from '../src/engine/instances.js';
import { defineRule } from '../src/engine/types.js';

/** Destroying these resources makes the provider do destructive work of its own (reset a node, empty a bucket). */
export default defineRule({
  meta: {
    id: 'provider-destroy-hook',
    description: 'Destroys a resource whose provider does destructive work on destroy (talos reset, force_destroy, ...)',
    severity: 'block',
    options: z.strictObject({}),
  },
  check({ plan }) {
    const hits = new Map<(typeof DESTROY_HOOKS)[number], string[]>();
    for (const c of destroyedChanges(plan)) {
      for (const hook of DESTROY_HOOKS) {
        if (hook.type !== c.type || !hook.applies(c.before)) continue;
        hits.set(hook, [...(hits.get(hook) ?? []), c.address]);
      }
    }
    return [...hits].map(([hook, addresses]) => {
      const setting = hook.attribute === '(always)' ? '' : ` (${hook.attribute} is set)`;
      return {
        message: `Destroying ${listShort(addresses, 3)}: ${hook.what}${setting}.`,
        addresses,
      };
    });
  },
});
