import type { ResourceChange } from '../src/plan/model.js';
import { FOUNDATION_TABLE } from '../src/engine/foundation-types.js';
import { destroyedChanges, listShort } from '../src/engine/instances.js';
import { destroyVerb, removedFromConfig, type TypeFamily, typeClassifier, TYPE_TABLE_OPTIONS } from '../src/engine/type-table.js';
import { defineRule } from '../src/engine/types.js';

/**
 * Networks, DNS zones, authoritative IAM, locks, namespaces, clusters: what other things stand on. Deleting
 * or replacing one takes them down too, often things of other stacks that the plan does not show. The table:
 * src/engine/foundation-types.ts (and the README).
 */
export default defineRule({
  meta: {
    id: 'foundation-destroy',
    description: 'Deletes or replaces a shared foundation (network, subnet, DNS zone, authoritative IAM, lock, namespace, cluster)',
    severity: 'block',
    options: TYPE_TABLE_OPTIONS,
  },
  check({ plan, options }) {
    const classify = typeClassifier(FOUNDATION_TABLE, options.types, options.ignoreTypes);
    const byFamily = new Map<TypeFamily, ResourceChange[]>();
    for (const c of destroyedChanges(plan)) {
      const family = classify(c)?.family;
      if (!family) continue;
      const list = byFamily.get(family);
      if (list) list.push(c);
      else byFamily.set(family, [c]);
    }
    return [...byFamily].map(([family, changes]) => {
      const addresses = changes.map((c) => c.address);
      const gone = removedFromConfig(changes);
      const note = gone.length > 0 ? ` Its resource block was removed from the configuration: ${listShort(gone, 3)}.` : '';
      return {
        message: `The plan ${destroyVerb(changes)} ${listShort(addresses, 3)} (${family.family}): ${family.reason}.${note}`,
        addresses,
      };
    });
  },
});
