import { z } from 'zod';
import { GlobPattern } from '../src/engine/glob-schema.js';
import { nameMatcher } from '../src/engine/glob.js';
import { destroyedChanges, listShort } from '../src/engine/instances.js';
import { ALL_STATEFUL_TYPES } from '../src/engine/stateful-types.js';
import { defineRule } from '../src/engine/types.js';

/** Deleting or replacing a resource that holds data loses the data. */
export default defineRule({
  meta: {
    id: 'stateful-destroy',
    description: 'Deletes or replaces a data-holding resource (database, disk, bucket, volume, key, namespace, VM)',
    severity: 'block',
    options: z.strictObject({
      types: z.array(GlobPattern).default([]),
      ignoreTypes: z.array(GlobPattern).default([]),
    }),
  },
  check({ plan, options }) {
    const isStateful = nameMatcher([...ALL_STATEFUL_TYPES, ...options.types]);
    const isIgnored = nameMatcher(options.ignoreTypes);
    const byType = new Map<string, string[]>();
    for (const c of destroyedChanges(plan)) {
      if (!isStateful(c.type) || isIgnored(c.type)) continue;
      byType.set(c.type, [...(byType.get(c.type) ?? []), c.address]);
    }
    return [...byType].map(([type, addresses]) => ({
      message:
        `${type} holds data, and the plan destroys ${addresses.length === 1 ? 'it' : `${addresses.length} of them`} ` +
        `(${listShort(addresses, 3)}): what is stored there is lost unless it is backed up.`,
      addresses,
    }));
  },
});
