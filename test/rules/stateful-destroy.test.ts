import { describe, expect, it } from 'vitest';
import { STATEFUL_TYPES } from '../../src/engine/stateful-types.js';
import { check, findingsOf, makePlan } from '../helpers/plan.js';

describe('stateful-destroy', () => {
  it('fires on data-holding types across platforms', () => {
    const types = ['aws_db_instance', 'google_sql_database_instance', 'azurerm_managed_disk', 'kubernetes_persistent_volume_claim_v1', 'proxmox_virtual_environment_vm', 'talos_machine_secrets', 'vault_mount', 'aws_fsx_lustre_file_system', 'aws_kms_key'];
    const plan = makePlan({ changes: types.map((t) => ({ address: `${t}.x`, actions: ['delete'] })) });
    expect(findingsOf(check(plan), 'stateful-destroy').map((f) => f.addresses[0]).sort()).toEqual(types.map((t) => `${t}.x`).sort());
  });

  it('covers every platform the documentation promises', () => {
    expect(Object.keys(STATEFUL_TYPES)).toEqual(expect.arrayContaining(['aws', 'google', 'azure', 'kubernetes', 'proxmox', 'talos', 'vault', 'databases']));
  });

  it('stays quiet on updates and on stateless types', () => {
    const plan = makePlan({
      changes: [
        { address: 'aws_db_instance.x', actions: ['update'] },
        { address: 'aws_security_group_rule.r', actions: ['delete'] },
      ],
    });
    expect(findingsOf(check(plan), 'stateful-destroy')).toEqual([]);
  });

  it('is extended and trimmed by the config', () => {
    const plan = makePlan({
      changes: [
        { address: 'custom_datastore.x', actions: ['delete'] },
        { address: 'aws_s3_bucket.y', actions: ['delete'] },
      ],
    });
    const cfg = { rules: { 'stateful-destroy': { types: ['custom_*'], ignoreTypes: ['aws_s3_bucket'] } } };
    expect(findingsOf(check(plan, cfg), 'stateful-destroy').map((f) => f.addresses[0])).toEqual(['custom_datastore.x']);
  });

  it('groups one finding per type', () => {
    const plan = makePlan({ changes: [0, 1, 2].map((i) => ({ address: `aws_ebs_volume.v[${i}]`, actions: ['delete'] })) });
    const found = findingsOf(check(plan), 'stateful-destroy');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('3 of them');
  });
});
