/** Why Terraform acts on an instance, in words, with the values that force a replacement (masked). */
import type { ResourceChange } from '../plan/model.js';
import { displayAt, formatPath } from '../plan/values.js';
import type { InstanceDetail } from './types.js';

const REASONS: Record<string, string> = {
  replace_because_tainted: 'the instance is tainted',
  replace_because_cannot_update: 'an argument that cannot be updated in place changed',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'lifecycle.replace_triggered_by fired',
  delete_because_no_resource_config: 'its resource block was removed from the configuration',
  delete_because_wrong_repetition: 'count or for_each was added to or removed from its block',
  delete_because_count_index: 'its index is beyond the new count',
  delete_because_each_key: 'its key is no longer in for_each',
  delete_because_no_module: 'its module call was removed or no longer has this instance',
  delete_because_no_move_target: 'the target of its moved block does not exist',
  read_because_config_unavailable: 'its configuration is not known until apply',
  read_because_dependency_pending: 'a dependency has changes pending',
  read_because_check_nested: 'it is read by a check block',
};

export function describeReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  return REASONS[reason] ?? reason.replaceAll('_', ' ');
}

export function describeAction(change: ResourceChange): string {
  if (change.action === 'replace') {
    return change.replaceOrder === 'create-first' ? 'replace (create before destroy)' : 'replace (destroy then create)';
  }
  if (change.deposed) return `${change.action} (deposed object ${change.deposed})`;
  return change.action;
}

export function explainChange(change: ResourceChange, secrets: ReadonlySet<string> = new Set()): InstanceDetail {
  const detail: InstanceDetail = { address: change.address, action: describeAction(change) };
  if (change.actionReason) detail.reason = change.actionReason;
  const because = describeReason(change.actionReason);
  if (because) detail.because = because;
  if (change.replacePaths.length > 0) {
    detail.replace_paths = change.replacePaths.map((path) => ({
      path: formatPath(path),
      before: displayAt(change.before, change.beforeSensitive, path, false, secrets),
      after: displayAt(change.after, change.afterSensitive, path, change.afterUnknown, secrets),
    }));
  }
  return detail;
}
