/**
 * Resource types whose provider itself does destructive work when the resource is destroyed, beyond removing
 * the object: resetting a machine, emptying a bucket, skipping a final snapshot, deleting a whole project. Each
 * entry reads the prior values (`change.before`) and says what they show: the attribute and the value that
 * make the provider do it, as the plan has them (only fixed words and the constants compared against are
 * printed, never a value of the plan), or undefined when the hook does not apply.
 */
import { valueAt } from '../plan/values.js';
import { block } from './type-table.js';

export interface DestroyHook {
  type: string;
  what: string;
  /** What the prior values show that makes the provider do it (`force_destroy = true`), or undefined. */
  evidence(before: unknown): string | undefined;
  /** The attribute(s) it reads, by name. Prefer `evidence`, which says what the plan shows. */
  attribute: string;
  /** Whether it applies: `evidence(before) !== undefined`. */
  applies(before: unknown): boolean;
}

type HookSpec = Omit<DestroyHook, 'applies'>;
const hook = (spec: HookSpec): DestroyHook => ({ ...spec, applies: (before) => spec.evidence(before) !== undefined });

/** `attribute = true` when the (possibly nested) attribute is true. */
const isTrue =
  (...path: string[]) =>
  (before: unknown) =>
    block(before, ...path) === true ? `${path.join('.')} = true` : undefined;

/**
 * google_project: provider 6 and later have `deletion_policy` (default PREVENT: the apply fails; ABANDON: only
 * forgotten; DELETE: deleted); earlier ones delete the project unless `skip_delete = true`.
 */
function googleProject(before: unknown): string | undefined {
  const policy = valueAt(before, ['deletion_policy']);
  const skip = valueAt(before, ['skip_delete']);
  if (typeof policy === 'string' && policy !== '') return policy === 'DELETE' ? 'deletion_policy = "DELETE"' : undefined;
  if (skip === true) return undefined;
  if (policy === undefined && skip === undefined) return 'the plan shows neither deletion_policy nor skip_delete';
  const shown = [
    policy === undefined ? undefined : 'deletion_policy is not set',
    skip === false ? 'skip_delete = false' : skip === null ? 'skip_delete is not set' : undefined,
  ].filter((s) => s !== undefined);
  return policy === undefined ? `${shown.join('; ')}, and there is no deletion_policy (google provider before 6.0)` : shown.join('; ');
}

export const DESTROY_HOOKS: readonly DestroyHook[] = [
  hook({
    type: 'talos_machine_configuration_apply',
    what: 'the talos provider resets the node (wipes its disks and leaves the cluster) when this resource is destroyed',
    attribute: 'on_destroy.reset',
    evidence: isTrue('on_destroy', 'reset'),
  }),
  hook({
    type: 'aws_s3_bucket',
    what: 'the AWS provider deletes every object in the bucket before deleting it',
    attribute: 'force_destroy',
    evidence: isTrue('force_destroy'),
  }),
  hook({
    type: 'google_storage_bucket',
    what: 'the Google provider deletes every object in the bucket before deleting it',
    attribute: 'force_destroy',
    evidence: isTrue('force_destroy'),
  }),
  hook({
    type: 'aws_ecr_repository',
    what: 'the AWS provider deletes the repository with every image in it',
    attribute: 'force_delete',
    evidence: isTrue('force_delete'),
  }),
  hook({
    type: 'aws_db_instance',
    what: 'the database is deleted without a final snapshot',
    attribute: 'skip_final_snapshot',
    evidence: isTrue('skip_final_snapshot'),
  }),
  hook({
    type: 'aws_rds_cluster',
    what: 'the cluster is deleted without a final snapshot',
    attribute: 'skip_final_snapshot',
    evidence: isTrue('skip_final_snapshot'),
  }),
  hook({
    type: 'google_project',
    what: 'the Google provider deletes the whole project and everything in it',
    attribute: 'deletion_policy/skip_delete',
    evidence: googleProject,
  }),
];
