/**
 * Resource types whose provider itself does destructive work when the resource is destroyed, beyond removing
 * the object: resetting a machine, emptying a bucket, skipping a final snapshot. Each entry is a type and a
 * predicate over the prior values (`change.before`); `what` says in words what the provider will do.
 */
import { valueAt } from '../plan/values.js';

export interface DestroyHook {
  type: string;
  /** The attribute the predicate reads, shown in the message (its value is never printed). */
  attribute: string;
  what: string;
  applies(before: unknown): boolean;
}

const isTrue = (path: (string | number)[]) => (before: unknown) => unwrap(valueAt(before, path)) === true;

/** Nested blocks come as a one-element list in some providers and as an object in others. */
function unwrap(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function nested(block: string, attribute: string) {
  return (before: unknown) => unwrap(valueAt(unwrap(valueAt(before, [block])), [attribute])) === true;
}

export const DESTROY_HOOKS: readonly DestroyHook[] = [
  {
    type: 'talos_machine_configuration_apply',
    attribute: 'on_destroy.reset',
    what: 'the talos provider resets the node (wipes its disks and leaves the cluster) when this resource is destroyed',
    applies: nested('on_destroy', 'reset'),
  },
  {
    type: 'aws_s3_bucket',
    attribute: 'force_destroy',
    what: 'the AWS provider deletes every object in the bucket before deleting it',
    applies: isTrue(['force_destroy']),
  },
  {
    type: 'google_storage_bucket',
    attribute: 'force_destroy',
    what: 'the Google provider deletes every object in the bucket before deleting it',
    applies: isTrue(['force_destroy']),
  },
  {
    type: 'aws_ecr_repository',
    attribute: 'force_delete',
    what: 'the AWS provider deletes the repository with every image in it',
    applies: isTrue(['force_delete']),
  },
  {
    type: 'aws_db_instance',
    attribute: 'skip_final_snapshot',
    what: 'the database is deleted without a final snapshot',
    applies: isTrue(['skip_final_snapshot']),
  },
  {
    type: 'aws_rds_cluster',
    attribute: 'skip_final_snapshot',
    what: 'the cluster is deleted without a final snapshot',
    applies: isTrue(['skip_final_snapshot']),
  },
  {
    type: 'google_project',
    attribute: 'deletion_policy',
    what: 'the Google provider deletes the whole project and everything in it',
    applies: (before) => {
      const policy = valueAt(before, ['deletion_policy']);
      if (policy !== undefined && policy !== null) return policy === 'DELETE';
      return valueAt(before, ['skip_delete']) !== true;
    },
  },
  {
    type: 'kubernetes_namespace',
    attribute: '(always)',
    what: 'Kubernetes deletes every object in the namespace with it',
    applies: () => true,
  },
  {
    type: 'kubernetes_namespace_v1',
    attribute: '(always)',
    what: 'Kubernetes deletes every object in the namespace with it',
    applies: () => true,
  },
];
