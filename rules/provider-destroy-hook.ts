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
    // One finding per hook and per thing the plan shows: two projects of different provider versions differ.
    const hits = new Map<string, { what: string; evidence: string; addresses: string[] }>();
    for (const c of destroyedChanges(plan)) {
      for (const hook of DESTROY_HOOKS) {
        const evidence = hook.type === c.type ? hook.evidence(c.before) : undefined;
        if (evidence === undefined) continue;
        const key = `${hook.type}\n${evidence}`;
        const hit = hits.get(key) ?? { what: hook.what, evidence, addresses: [] };
        hit.addresses.push(c.address);
        hits.set(key, hit);
      }
    }
    return [...hits.values()].map(({ what, evidence, addresses }) => ({
      message: `Destroying ${listShort(addresses, 3)}: ${what} (${evidence}).`,
      addresses,
    }));
  },
});
