/**
 * Helper types: resources with no effect outside Terraform. Replacing every instance of them at once takes
 * nothing down, so they never get staging advice.
 */
import { nameMatcher } from '../engine/glob.js';
import { mayHaveProvisioners, type Plan, type ResourceChange } from '../plan/model.js';

/** random_id, random_password, time_sleep, time_rotating, ...: values Terraform makes up or waits for. */
const HELPER_TYPES = ['random_*', 'time_*'];
/** Empty by themselves: what they do is in their provisioners. */
const PROVISIONER_HOSTS = new Set(['null_resource', 'terraform_data']);

let isHelperType: ((type: string) => boolean) | undefined;

export function isHelper(plan: Plan, change: ResourceChange): boolean {
  isHelperType ??= nameMatcher(HELPER_TYPES);
  if (isHelperType(change.type)) return true;
  return PROVISIONER_HOSTS.has(change.type) && !mayHaveProvisioners(plan, change);
}
