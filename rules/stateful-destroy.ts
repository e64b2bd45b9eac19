import type { ResourceChange } from '../src/plan/model.js';
import { destroyedChanges, listShort } from '../src/engine/instances.js';
import { STATEFUL_TABLE } from '../src/engine/stateful-types.js';
import { type TypeMatch, typeClassifier, TYPE_TABLE_OPTIONS } from '../src/engine/type-table.js';
import { defineRule } from '../src/engine/types.js';

/**
 * Deleting or replacing a resource that holds data that cannot be recreated from the configuration loses it.
 * The table and the principle behind it: src/engine/stateful-types.ts (and the README).
 */
export default defineRule({
  meta: {
    id: 'stateful-destroy',
    description: 'Deletes or replaces a resource holding data the configuration cannot recreate (VM, disk, database, bucket, log store, queue, key, ...)',
    severity: 'block',
    options: TYPE_TABLE_OPTIONS,
  },
  check({ plan, options }) {
    const classify = typeClassifier(STATEFUL_TABLE, options.types, options.ignoreTypes);
    const byLabel = new Map<string, { match: TypeMatch; changes: ResourceChange[] }>();
    for (const c of destroyedChanges(plan)) {
      const match = classify(c);
      if (!match) continue;
      const entry = byLabel.get(match.label) ?? { match, changes: [] };
      entry.changes.push(c);
      byLabel.set(match.label, entry);
    }
    return [...byLabel.values()].map(({ match, changes }) => {
      const addresses = changes.map((c) => c.address);
      const what = addresses.length === 1 ? 'it' : `${addresses.length} of them`;
      return {
        message:
          `${match.label} holds data (${match.family.family}: ${match.family.reason}), and the plan destroys ${what} ` +
          `(${listShort(addresses, 3)}): what is stored there is lost unless it is backed up.`,
        addresses,
      };
    });
  },
});
