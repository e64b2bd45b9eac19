import { describe, expect, it } from 'vitest';
import { FOUNDATION_TABLE } from '../../src/engine/foundation-types.js';
import { ALL_STATEFUL_TYPES, STATEFUL_TABLE } from '../../src/engine/stateful-types.js';
import { unconditionalTypes } from '../../src/engine/type-table.js';
import { check, findingsOf, makePlan, type ChangeSpec } from '../helpers/plan.js';
import { expectReadmeMatches, expectTableShape } from '../helpers/type-table.js';

const del = (address: string, before: unknown = {}): ChangeSpec => ({ address, actions: ['delete'], before });
const fired = (changes: ChangeSpec[], config: unknown = {}) =>
  findingsOf(check(makePlan({ changes }), config), 'stateful-destroy')
    .flatMap((f) => f.addresses)
    .sort();

describe('stateful-destroy', () => {
  it('fires on the virtual machines of every major cloud and hypervisor (their disks hold what was written since)', () => {
    const vms = [
      'aws_instance',
      'azurerm_linux_virtual_machine',
      'azurerm_windows_virtual_machine',
      'azurerm_virtual_machine',
      'google_compute_instance',
      'oci_core_instance',
      'ibm_is_instance',
      'vsphere_virtual_machine',
      'proxmox_vm_qemu',
      'proxmox_virtual_environment_vm',
      'libvirt_domain',
      'openstack_compute_instance_v2',
      'hcloud_server',
      'digitalocean_droplet',
    ];
    expect(fired(vms.map((t) => del(`${t}.x`)))).toEqual(vms.map((t) => `${t}.x`).sort());
  });

  it('fires on disks, databases, buckets, file shares, log/search/analytics and message stores, keys and secret stores', () => {
    const types = [
      'aws_ebs_volume',
      'google_compute_disk',
      'azurerm_managed_disk',
      'aws_db_instance',
      'google_sql_database_instance',
      'azurerm_cosmosdb_account',
      'aws_s3_bucket',
      'azurerm_storage_share',
      'aws_efs_file_system',
      'azurerm_log_analytics_workspace',
      'azurerm_search_service',
      'aws_opensearch_domain',
      'aws_elasticsearch_domain',
      'google_bigquery_dataset',
      'aiven_kafka_topic',
      'confluent_kafka_topic',
      'aws_msk_cluster',
      'aws_sqs_queue',
      'google_pubsub_subscription',
      'aws_kms_key',
      'google_kms_crypto_key',
      'azurerm_key_vault',
      'aws_secretsmanager_secret',
      'vault_mount',
      'talos_machine_secrets',
      'aws_fsx_lustre_file_system',
      'kubernetes_persistent_volume_claim_v1',
    ];
    expect(fired(types.map((t) => del(`${t}.x`)))).toEqual(types.map((t) => `${t}.x`).sort());
  });

  it('leaves out what the configuration makes or Terraform generates, and what keeps no data of its own', () => {
    const types = [
      'local_file',
      'local_sensitive_file',
      'random_password',
      'random_bytes',
      'random_id',
      'tls_private_key',
      'tls_self_signed_cert',
      'aws_s3_object',
      'azurerm_storage_blob',
      'aws_secretsmanager_secret_version',
      'google_secret_manager_secret_version',
      'azurerm_key_vault_secret',
      'kubernetes_secret_v1',
      'kubernetes_config_map_v1',
      'vault_kv_secret_v2',
      'vault_generic_secret',
      'google_kms_key_ring',
      'aws_rds_cluster_instance',
      'google_alloydb_instance',
      'google_memcache_instance',
      'helm_release',
      'talos_machine_configuration_apply',
      'talos_machine_bootstrap',
      'proxmox_cloud_init_disk',
      'proxmox_virtual_environment_file',
      'null_resource',
      'terraform_data',
      'test_instance',
      'aws_autoscaling_group',
      'aws_security_group_rule',
    ];
    expect(fired(types.map((t) => del(`${t}.x`)))).toEqual([]);
  });

  it('leaves foundations to foundation-destroy and projects to provider-destroy-hook (one finding, not two)', () => {
    const types = ['kubernetes_namespace', 'kubernetes_namespace_v1', 'azurerm_resource_group', 'google_project', 'aws_vpc'];
    expect(fired(types.map((t) => del(`${t}.x`)))).toEqual([]);
  });

  it('judges an azapi_resource by the ARM type in change.before.type, any API version and case', () => {
    const changes = [
      del('azapi_resource.sa', { type: 'Microsoft.Storage/storageAccounts@2023-01-01', name: 'sa' }),
      del('azapi_resource.cosmos', { type: 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' }),
      del('azapi_resource.ai', { type: 'Microsoft.CognitiveServices/accounts@2024-10-01' }),
      del('azapi_resource.appconf', { type: 'microsoft.appconfiguration/configurationStores@2023-03-01' }),
      del('azapi_resource.vm', { type: 'Microsoft.Compute/virtualMachines@2024-07-01' }),
      del('azapi_resource.nsg', { type: 'Microsoft.Network/networkSecurityGroups@2024-05-01' }),
      del('azapi_resource.role', { type: 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' }),
      del('azapi_resource.unknown', {}),
    ];
    const found = findingsOf(check(makePlan({ changes })), 'stateful-destroy');
    expect(found.flatMap((f) => f.addresses).sort()).toEqual([
      'azapi_resource.ai',
      'azapi_resource.appconf',
      'azapi_resource.cosmos',
      'azapi_resource.sa',
      'azapi_resource.vm',
    ]);
    expect(found.map((f) => f.message).join('\n')).toContain('azapi_resource (Microsoft.Storage/storageAccounts) holds data (buckets and file shares:');
  });

  it('counts a conditional type only when its prior values say it holds data', () => {
    const changes = [
      del('kubernetes_persistent_volume_v1.retain', { spec: [{ persistent_volume_reclaim_policy: 'Retain' }] }),
      del('kubernetes_persistent_volume_v1.delete', { spec: [{ persistent_volume_reclaim_policy: 'Delete' }] }),
      del('kubernetes_stateful_set_v1.keeps', { spec: [{ persistent_volume_claim_retention_policy: [{ when_deleted: 'Retain' }] }] }),
      del('kubernetes_stateful_set_v1.drops', { spec: [{ persistent_volume_claim_retention_policy: [{ when_deleted: 'Delete' }] }] }),
      del('kubectl_manifest.pvc', { kind: 'PersistentVolumeClaim' }),
      del('kubectl_manifest.cm', { kind: 'ConfigMap' }),
      del('kubernetes_manifest.pvc', { manifest: { kind: 'PersistentVolumeClaim' } }),
      del('google_pubsub_topic.plain', { message_retention_duration: '' }),
      del('google_pubsub_topic.kept', { message_retention_duration: '86600s' }),
      del('github_repository.archived', { archive_on_destroy: true }),
      del('github_repository.deleted', { archive_on_destroy: null }),
      del('aws_elasticache_cluster.memcached', { engine: 'memcached' }),
      del('aws_elasticache_cluster.redis', { engine: 'redis' }),
    ];
    expect(fired(changes)).toEqual([
      'aws_elasticache_cluster.redis',
      'github_repository.deleted',
      'google_pubsub_topic.kept',
      'kubectl_manifest.pvc',
      'kubernetes_manifest.pvc',
      'kubernetes_persistent_volume_v1.delete',
      'kubernetes_stateful_set_v1.drops',
    ]);
  });

  it('stays quiet when the provider only forgets the object (deletion_policy ABANDON, skip_destroy)', () => {
    const changes = [
      del('google_sql_database.abandoned', { deletion_policy: 'ABANDON' }),
      del('aws_cloudwatch_log_group.kept', { skip_destroy: true }),
      del('aws_cloudwatch_log_group.gone', { skip_destroy: false }),
    ];
    expect(fired(changes)).toEqual(['aws_cloudwatch_log_group.gone']);
  });

  it('stays quiet on updates and forgets', () => {
    const plan = makePlan({
      changes: [
        { address: 'aws_db_instance.x', actions: ['update'] },
        { address: 'aws_instance.y', actions: ['forget'] },
      ],
    });
    expect(findingsOf(check(plan), 'stateful-destroy')).toEqual([]);
  });

  it('is extended and trimmed by the config', () => {
    const changes = [del('custom_datastore.x'), del('aws_s3_bucket.y'), del('local_file.z')];
    const cfg = { rules: { 'stateful-destroy': { types: ['custom_*', 'local_file'], ignoreTypes: ['aws_s3_bucket'] } } };
    const found = findingsOf(check(makePlan({ changes }), cfg), 'stateful-destroy');
    expect(found.flatMap((f) => f.addresses).sort()).toEqual(['custom_datastore.x', 'local_file.z']);
    expect(found[0]?.message).toContain("configured in .tfguard.json: its type is listed in the rule's `types` option");
  });

  it('groups one finding per type and says why the type holds data', () => {
    const plan = makePlan({ changes: [0, 1, 2].map((i) => del(`aws_ebs_volume.v[${i}]`)) });
    const found = findingsOf(check(plan), 'stateful-destroy');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain(
      'aws_ebs_volume holds data (disks and volumes: block storage: the bytes written to it), and the plan destroys 3 of them',
    );
  });
});

describe('stateful-destroy table', () => {
  it('every entry is a resource type name (or a glob of one), without duplicates; every condition names a listed type', () => {
    expectTableShape(STATEFUL_TABLE);
  });

  it('shares no unconditional type with foundation-destroy (one rule per reason)', () => {
    const foundation = new Set(unconditionalTypes(FOUNDATION_TABLE));
    expect(ALL_STATEFUL_TYPES.filter((t) => foundation.has(t))).toEqual([]);
  });

  it('the README table says exactly what the data says, row for row, and back', () => {
    expectReadmeMatches('stateful-destroy', STATEFUL_TABLE);
  });
});
