import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';

/**
 * An errored, incomplete or unapplyable plan is not the plan that will run: never apply it blind. A plan trimmed
 * of those flags cannot say, and gets a warning (a person looks; no `-auto-approve`).
 */
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
    const addresses = plan.deferred.length > 0 ? plan.deferred : changed.length > 0 ? changed : ['(plan)'];
    if (problems.length > 0) {
      return [{ message: `This plan cannot be trusted as the whole change: ${problems.join('; ')}.`, addresses }];
    }
    // A trimmed plan (no planned_values) may have lost the flags with the rest: a person must look.
    if (plan.trimmed && plan.errored === undefined && plan.complete === undefined && changed.length > 0) {
      const message =
        'Cannot tell whether this plan is the whole change: it was trimmed (it has no planned_values) and has no ' +
        '`errored` or `complete` field, so a failed or `-target` plan looks like a whole one. Keep them in the filter.';
      return [{ message, addresses, severity: 'warn' }];
    }
    return [];
  },
});
