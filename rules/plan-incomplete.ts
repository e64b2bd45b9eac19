import { z } from 'zod';
import { defineRule, type Hit } from '../src/engine/types.js';
import { listShort } from '../src/engine/instances.js';
import type { Plan, ResourceChange } from '../src/plan/model.js';

/** Addresses the deferred changes and deferred actions point at (`(plan)` where they name none). */
function deferredAddresses(plan: Plan): string[] {
  const actions = plan.deferredActions.map((a) => a.trigger.resource ?? '(plan)');
  return [...new Set([...plan.deferred, ...actions])];
}

/** The change does something (neither a no-op nor a read). */
function doesSomething(c: ResourceChange): boolean {
  return c.action !== 'no-op' && c.action !== 'read';
}

/**
 * An errored, deferred or unapplyable plan is not the plan that will run: never apply it blind. Terraform marks
 * a plan `complete: false` for two causes: deferred changes (more follow that nobody has reviewed: block) and
 * `-target` (by request: no finding when tfguard apply passed the targets itself, else a warning). A plan trimmed
 * of those flags cannot say, and gets a warning (a person looks; no `-auto-approve`).
 */
export default defineRule({
  meta: {
    id: 'plan-incomplete',
    description: 'The plan errored, has deferred changes, is marked not applyable, or is a -target plan tfguard did not make',
    severity: 'block',
    options: z.strictObject({}),
  },
  check({ plan, targets }) {
    const problems: string[] = [];
    if (plan.errored === true) problems.push('planning failed with errors (errored: true)');
    const deferred = deferredAddresses(plan);
    if (deferred.length > 0) {
      const actions = plan.deferredActions.map((a) => a.address);
      const what = [
        ...(plan.deferred.length > 0 ? [`${plan.deferred.length} deferred change(s): ${listShort(plan.deferred)}`] : []),
        ...(actions.length > 0 ? [`${actions.length} deferred action invocation(s): ${listShort(actions)}`] : []),
      ];
      problems.push(`Terraform deferred ${what.join(' and ')} to a later plan, which nobody has reviewed (complete: false)`);
    }
    const changes = plan.changes.some(doesSomething);
    // Terraform marks every plan without changes `applyable: false`: there is nothing to apply, which is fine.
    if (plan.applyable === false && changes) problems.push('Terraform marks it not applyable (applyable: false)');
    // The addresses are listed only for a finding (a plan of 100,000 changes mostly has none here).
    const addresses = (): string[] => (deferred.length > 0 ? deferred : changes ? plan.changes.filter(doesSomething).map((c) => c.address) : ['(plan)']);
    if (problems.length > 0) {
      return [{ message: `This plan cannot be trusted as the whole change: ${problems.join('; ')}.`, addresses: addresses() }];
    }
    // Without deferrals, Terraform marks only a -target plan incomplete (terraform internal/terraform/context_plan.go).
    if (plan.complete === false) return targets.length > 0 ? [] : [targeted(addresses())];
    // A trimmed plan (no planned_values) may have lost the flags with the rest: a person must look.
    if (plan.trimmed && plan.errored === undefined && plan.complete === undefined && changes) {
      const message =
        'Cannot tell whether this plan is the whole change: it was trimmed (it has no planned_values) and has no ' +
        '`errored` or `complete` field, so a failed or `-target` plan looks like a whole one. Keep them in the filter.';
      return [{ message, addresses: addresses(), severity: 'warn' }];
    }
    return [];
  },
});

function targeted(addresses: string[]): Hit {
  return {
    message:
      'Targeted plan: changes outside the targets are not in it (complete: false, no deferred changes: a plan made ' +
      'with -target). Review it as part of a larger change; apply it with tfguard apply -target=... so the gate ' +
      'plans and judges exactly what runs.',
    addresses,
    severity: 'warn',
  };
}
