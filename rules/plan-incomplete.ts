import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';

/** An errored, incomplete or unapplyable plan is not the plan that will run: never apply it blind. */
export default defineRule({
  meta: {
    id: 'plan-incomplete',
    description: 'The plan errored, is incomplete (deferred changes) or is marked not applyable',
    severity: 'block',
    options: z.strictObject({}),
  },
  check({ plan }) {
    const problems: string[] = [];
    if (plan.errored === true) problems.push('planning failed with errors (errored: true)');
    if (plan.complete === false) problems.push('the plan is incomplete: more changes follow in a later plan (complete: false)');
    const changed = plan.changes.filter((c) => c.action !== 'no-op' && c.action !== 'read').map((c) => c.address);
    // Terraform marks every plan without changes `applyable: false`: there is nothing to apply, which is fine.
    if (plan.applyable === false && changed.length > 0) problems.push('Terraform marks it not applyable (applyable: false)');
    if (problems.length === 0) return [];
    const addresses = plan.deferred.length > 0 ? plan.deferred : changed.length > 0 ? changed : ['(plan)'];
    return [{ message: `This plan cannot be trusted as the whole change: ${problems.join('; ')}.`, addresses }];
  },
});
