import { z } from 'zod';
import { addressMatcher } from '../src/engine/glob.js';
import { destroyedChanges, listShort } from '../src/engine/instances.js';
import { defineRule } from '../src/engine/types.js';

/** Anything the config's `protect` globs name must not be destroyed, whatever the reason. */
export default defineRule({
  meta: {
    id: 'protected-resource',
    description: 'Destroys or replaces a resource matched by a `protect` glob of .tfguard.json',
    severity: 'block',
    options: z.strictObject({}),
  },
  check({ plan, protect }) {
    if (protect.length === 0) return [];
    const byPattern = new Map<string, string[]>();
    const removed = new Set<string>();
    // Each pattern compiled once: the first that matches an address names it.
    const matchers = protect.map((p) => ({ pattern: p, match: addressMatcher([p]) }));
    for (const c of destroyedChanges(plan)) {
      const pattern = matchers.find((m) => m.match(c.address))?.pattern;
      if (pattern === undefined) continue;
      const list = byPattern.get(pattern);
      if (list) list.push(c.address);
      else byPattern.set(pattern, [c.address]);
      if (c.actionReason === 'delete_because_no_resource_config') removed.add(c.address);
    }
    return [...byPattern].map(([pattern, addresses]) => {
      const gone = addresses.filter((a) => removed.has(a));
      const note = gone.length > 0 ? ` Its resource block was removed from the configuration: ${listShort(gone, 3)}.` : '';
      return {
        message: `The plan destroys ${listShort(addresses, 3)}, protected by "${pattern}" in .tfguard.json.${note}`,
        addresses,
      };
    });
  },
});
