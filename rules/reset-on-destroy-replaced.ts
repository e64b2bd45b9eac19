import { z } from 'zod';
import { GlobPattern } from '../src/engine/glob-schema.js';
import { nameMatcher } from '../src/engine/glob.js';
import { destroyedChanges, listShort } from '../src/engine/instances.js';
import { defineRule } from '../src/engine/types.js';

/**
 * The incident rule: a null_resource / terraform_data whose name says it resets or wipes something on
 * destroy is being deleted or replaced, so its destroy-time provisioner is about to run.
 */
export default defineRule({
  meta: {
    id: 'reset-on-destroy-replaced',
    description: 'A null_resource/terraform_data named like *reset*, *_on_destroy* or *wipe* is deleted or replaced',
    severity: 'block',
    options: z.strictObject({
      types: z.array(GlobPattern).default(['null_resource', 'terraform_data']),
      names: z.array(GlobPattern).default(['*reset*', '*_on_destroy*', '*wipe*']),
    }),
  },
  check({ plan, options }) {
    const isType = nameMatcher(options.types);
    const isName = nameMatcher(options.names);
    const hits = destroyedChanges(plan).filter((c) => isType(c.type) && isName(c.name));
    if (hits.length === 0) return [];
    const replaced = hits.filter((c) => c.action === 'replace').length;
    const verb = replaced === hits.length ? 'replaces' : replaced === 0 ? 'deletes' : 'deletes or replaces';
    const addresses = hits.map((c) => c.address);
    return [
      {
        message:
          `The plan ${verb} ${hits.length} reset-on-destroy resource${hits.length === 1 ? '' : 's'} ` +
          `(${listShort(addresses, 3)}): their destroy-time provisioners run when the old object is destroyed, ` +
          'which by their names resets or wipes what they guard.',
        addresses,
      },
    ];
  },
});
