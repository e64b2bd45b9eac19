/**
 * Resource types that hold data: what is in them cannot be recreated from the configuration, so destroying or
 * replacing one loses it. The principle, applied family by family from the providers' documentation, and the
 * table the README shows (a test keeps the two equal):
 * - counts: data written after creation — by applications, people, running systems, the cloud — or keys that
 *   encrypt such data;
 * - does not count: what Terraform makes from the configuration (`local_file`, objects uploaded from a file,
 *   secret versions whose value is in the configuration) or generates (`random_*`, `tls_private_key`): a new one
 *   is made and passed to everything that references it; nor compute that keeps its data elsewhere (Aurora
 *   instances: the data is in the cluster).
 */
import { valueAt } from '../plan/values.js';
import { block, manifestKind, type TypeCondition, type TypeFamily, type TypeTable, unconditionalTypes } from './type-table.js';

export const STATEFUL_FAMILIES: readonly TypeFamily[] = [
  {
    family: 'virtual machines',
    reason: 'its disks hold what was written since it was created (system state, logs, application data); a new one starts again from its image',
    types: [
      'aws_instance', 'aws_spot_instance_request', 'aws_lightsail_instance', 'azurerm_linux_virtual_machine',
      'azurerm_windows_virtual_machine', 'azurerm_virtual_machine', 'google_compute_instance', 'oci_core_instance',
      'ibm_is_instance', 'vsphere_virtual_machine', 'proxmox_vm_qemu', 'proxmox_virtual_environment_vm', 'proxmox_lxc',
      'proxmox_virtual_environment_container', 'libvirt_domain', 'lxd_instance', 'incus_instance', 'nutanix_virtual_machine',
      'xenorchestra_vm', 'harvester_virtualmachine', 'openstack_compute_instance_v2', 'digitalocean_droplet',
      'linode_instance', 'hcloud_server', 'vultr_instance', 'scaleway_instance_server', 'exoscale_compute_instance',
      'alicloud_instance', 'equinix_metal_device',
    ],
    azapi: ['Microsoft.Compute/virtualMachines'],
  },
  {
    family: 'disks and volumes',
    reason: 'block storage: the bytes written to it',
    types: [
      'aws_ebs_volume', 'aws_lightsail_disk', 'azurerm_managed_disk', 'azurerm_elastic_san_volume', 'google_compute_disk',
      'google_compute_region_disk', 'oci_core_volume', 'oci_core_boot_volume', 'ibm_is_volume', 'vsphere_virtual_disk',
      'proxmox_lxc_disk', 'libvirt_volume', 'openstack_blockstorage_volume_v3', 'digitalocean_volume', 'linode_volume',
      'hcloud_volume', 'vultr_block_storage', 'scaleway_instance_volume', 'scaleway_block_volume', 'alicloud_disk',
      'docker_volume',
    ],
    azapi: ['Microsoft.Compute/disks'],
  },
  {
    family: 'Kubernetes volumes',
    reason: 'a claim\'s volume is deleted with it when the volume\'s reclaim policy is Delete, the default for dynamically provisioned volumes',
    types: [
      'kubernetes_persistent_volume_claim', 'kubernetes_persistent_volume_claim_v1', 'kubernetes_persistent_volume',
      'kubernetes_persistent_volume_v1', 'kubernetes_stateful_set', 'kubernetes_stateful_set_v1', 'kubectl_manifest',
      'kubernetes_manifest',
    ],
  },
  {
    family: 'snapshots and backups',
    reason: 'the only copy of data as it was at a point in time',
    types: [
      'aws_ebs_snapshot', 'aws_db_snapshot', 'aws_db_cluster_snapshot', 'aws_backup_vault', 'azurerm_snapshot',
      'azurerm_recovery_services_vault', 'azurerm_data_protection_backup_vault', 'google_compute_snapshot',
      'google_backup_dr_backup_vault', 'oci_core_volume_backup',
    ],
    azapi: ['Microsoft.Compute/snapshots', 'Microsoft.RecoveryServices/vaults', 'Microsoft.DataProtection/backupVaults'],
  },
  {
    family: 'databases',
    reason: 'rows, documents and keys written by applications',
    types: [
      'aws_db_instance', 'aws_rds_cluster', 'aws_rds_global_cluster', 'aws_docdb_cluster', 'aws_docdbelastic_cluster',
      'aws_neptune_cluster', 'aws_dynamodb_table', 'aws_dynamodb_global_table', 'aws_elasticache_cluster',
      'aws_elasticache_replication_group', 'aws_elasticache_serverless_cache', 'aws_memorydb_cluster', 'aws_dsql_cluster',
      'aws_keyspaces_keyspace', 'aws_keyspaces_table', 'aws_qldb_ledger', 'aws_lightsail_database',
      'google_sql_database_instance', 'google_sql_database', 'google_spanner_instance', 'google_spanner_database',
      'google_bigtable_instance', 'google_bigtable_table', 'google_firestore_database', 'google_alloydb_cluster',
      'google_redis_instance', 'google_redis_cluster', 'azurerm_mssql_server', 'azurerm_mssql_database',
      'azurerm_mssql_managed_instance', 'azurerm_mssql_managed_database', 'azurerm_sql_server', 'azurerm_sql_database',
      'azurerm_postgresql_server', 'azurerm_postgresql_database', 'azurerm_postgresql_flexible_server',
      'azurerm_postgresql_flexible_server_database', 'azurerm_mysql_server', 'azurerm_mysql_database',
      'azurerm_mysql_flexible_server', 'azurerm_mysql_flexible_database', 'azurerm_mariadb_server', 'azurerm_mariadb_database',
      'azurerm_cosmosdb_account', 'azurerm_cosmosdb_sql_database', 'azurerm_cosmosdb_sql_container',
      'azurerm_cosmosdb_mongo_database', 'azurerm_cosmosdb_mongo_collection', 'azurerm_cosmosdb_cassandra_keyspace',
      'azurerm_cosmosdb_cassandra_table', 'azurerm_cosmosdb_gremlin_database', 'azurerm_cosmosdb_gremlin_graph',
      'azurerm_cosmosdb_table', 'azurerm_cosmosdb_postgresql_cluster', 'azurerm_redis_cache', 'azurerm_managed_redis',
      'oci_database_autonomous_database', 'oci_database_db_system', 'oci_mysql_mysql_db_system', 'oci_nosql_table',
      'ibm_database', 'alicloud_db_instance', 'openstack_db_instance_v1', 'postgresql_database', 'postgresql_schema',
      'mysql_database', 'mongodbatlas_cluster', 'mongodbatlas_advanced_cluster', 'mongodbatlas_serverless_instance',
      'mongodbatlas_flex_cluster', 'cockroach_cluster', 'digitalocean_database_cluster', 'digitalocean_database_db',
      'scaleway_rdb_instance', 'scaleway_rdb_database', 'ovh_cloud_project_database', 'cloudflare_d1_database',
      'cloudflare_workers_kv_namespace', 'aiven_pg', 'aiven_mysql', 'aiven_cassandra', 'aiven_clickhouse', 'aiven_valkey',
      'vultr_database', 'exoscale_dbaas',
    ],
    azapi: [
      'Microsoft.Sql/servers', 'Microsoft.Sql/servers/databases', 'Microsoft.Sql/managedInstances',
      'Microsoft.DBforPostgreSQL/servers', 'Microsoft.DBforPostgreSQL/flexibleServers',
      'Microsoft.DBforPostgreSQL/flexibleServers/databases', 'Microsoft.DBforMySQL/servers',
      'Microsoft.DBforMySQL/flexibleServers', 'Microsoft.DBforMySQL/flexibleServers/databases',
      'Microsoft.DocumentDB/databaseAccounts', 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers', 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases',
      'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections', 'Microsoft.DocumentDB/databaseAccounts/cassandraKeyspaces',
      'Microsoft.DocumentDB/databaseAccounts/gremlinDatabases', 'Microsoft.DocumentDB/databaseAccounts/tables',
      'Microsoft.DocumentDB/mongoClusters', 'Microsoft.Cache/redis', 'Microsoft.Cache/redisEnterprise',
    ],
  },
  {
    family: 'buckets and file shares',
    reason: 'objects and files written after it was created',
    types: [
      'aws_s3_bucket', 'aws_s3_directory_bucket', 'aws_s3tables_table_bucket', 'aws_glacier_vault', 'aws_efs_file_system',
      'aws_fsx_lustre_file_system', 'aws_fsx_windows_file_system', 'aws_fsx_ontap_file_system', 'aws_fsx_openzfs_file_system',
      'aws_fsx_ontap_volume', 'aws_fsx_openzfs_volume', 'azurerm_storage_account', 'azurerm_storage_container',
      'azurerm_storage_share', 'azurerm_storage_data_lake_gen2_filesystem', 'azurerm_storage_table', 'azurerm_netapp_volume',
      'google_storage_bucket', 'google_filestore_instance', 'google_netapp_volume', 'oci_objectstorage_bucket',
      'oci_file_storage_file_system', 'ibm_cos_bucket', 'ibm_is_share', 'digitalocean_spaces_bucket',
      'linode_object_storage_bucket', 'scaleway_object_bucket', 'cloudflare_r2_bucket', 'minio_s3_bucket', 'b2_bucket',
      'openstack_objectstorage_container_v1', 'alicloud_oss_bucket',
    ],
    azapi: [
      'Microsoft.Storage/storageAccounts', 'Microsoft.Storage/storageAccounts/blobServices/containers',
      'Microsoft.Storage/storageAccounts/fileServices/shares', 'Microsoft.Storage/storageAccounts/tableServices/tables',
      'Microsoft.NetApp/netAppAccounts/capacityPools/volumes',
    ],
  },
  {
    family: 'logs, search and analytics stores',
    reason: 'logs, telemetry, indexes and tables written by running systems',
    types: [
      'aws_cloudwatch_log_group', 'aws_opensearch_domain', 'aws_elasticsearch_domain', 'aws_opensearchserverless_collection',
      'aws_redshift_cluster', 'aws_redshiftserverless_namespace', 'aws_timestreamwrite_database', 'aws_timestreamwrite_table',
      'azurerm_log_analytics_workspace', 'azurerm_application_insights', 'azurerm_search_service', 'azurerm_kusto_cluster',
      'azurerm_kusto_database', 'azurerm_monitor_workspace', 'google_bigquery_dataset', 'google_bigquery_table',
      'google_logging_project_bucket_config', 'elasticstack_elasticsearch_index', 'ec_deployment', 'aiven_opensearch',
      'snowflake_database', 'snowflake_schema', 'snowflake_table',
    ],
    azapi: [
      'Microsoft.OperationalInsights/workspaces', 'Microsoft.Insights/components', 'Microsoft.Search/searchServices',
      'Microsoft.Kusto/clusters', 'Microsoft.Kusto/clusters/databases',
    ],
  },
  {
    family: 'message stores',
    reason: 'messages published and not yet consumed, or kept for replay',
    types: [
      'aws_sqs_queue', 'aws_kinesis_stream', 'aws_msk_cluster', 'aws_msk_serverless_cluster', 'aws_mq_broker',
      'confluent_kafka_cluster', 'confluent_kafka_topic', 'kafka_topic', 'aiven_kafka', 'aiven_kafka_topic',
      'azurerm_eventhub_namespace', 'azurerm_eventhub', 'azurerm_servicebus_namespace', 'azurerm_servicebus_queue',
      'azurerm_servicebus_topic', 'azurerm_storage_queue', 'google_pubsub_topic', 'google_pubsub_subscription',
      'google_pubsub_lite_topic', 'rabbitmq_queue',
    ],
    azapi: [
      'Microsoft.EventHub/namespaces', 'Microsoft.EventHub/namespaces/eventhubs', 'Microsoft.ServiceBus/namespaces',
      'Microsoft.ServiceBus/namespaces/queues', 'Microsoft.ServiceBus/namespaces/topics',
    ],
  },
  {
    family: 'encryption keys',
    reason: 'what was encrypted with the key cannot be decrypted without it',
    types: [
      'aws_kms_key', 'aws_kms_replica_key', 'aws_kms_external_key', 'google_kms_crypto_key', 'azurerm_key_vault_key',
      'azurerm_key_vault_managed_hardware_security_module_key', 'oci_kms_key', 'ibm_kms_key', 'vault_transit_secret_backend_key',
      'talos_machine_secrets',
    ],
  },
  {
    family: 'secret and configuration stores',
    reason: 'secret versions and values written after it was created (rotation, people, applications), not taken from the configuration',
    types: [
      'aws_secretsmanager_secret', 'google_secret_manager_secret', 'google_secret_manager_regional_secret', 'azurerm_key_vault',
      'azurerm_key_vault_managed_hardware_security_module', 'azurerm_app_configuration', 'oci_kms_vault', 'vault_mount',
    ],
    azapi: ['Microsoft.KeyVault/vaults', 'Microsoft.AppConfiguration/configurationStores'],
  },
  {
    family: 'code, image and package repositories',
    reason: 'commits, images and packages pushed after it was created',
    types: [
      'aws_ecr_repository', 'aws_codecommit_repository', 'google_artifact_registry_repository', 'azurerm_container_registry',
      'digitalocean_container_registry', 'scaleway_registry_namespace', 'github_repository', 'gitlab_project',
      'azuredevops_git_repository', 'bitbucket_repository', 'gitea_repository',
    ],
    azapi: ['Microsoft.ContainerRegistry/registries'],
  },
  {
    family: 'AI and machine learning accounts',
    reason: 'models trained or fine-tuned, files and knowledge stores uploaded after it was created',
    types: ['azurerm_cognitive_account', 'azurerm_machine_learning_workspace'],
    azapi: ['Microsoft.CognitiveServices/accounts', 'Microsoft.MachineLearningServices/workspaces'],
  },
  {
    family: 'user directories',
    reason: 'accounts, passwords and profiles created by sign-ups and people',
    types: ['aws_cognito_user_pool', 'azurerm_aadb2c_directory', 'keycloak_realm'],
  },
];

const reclaimPolicy = (values: unknown) => block(values, 'spec', 'persistent_volume_reclaim_policy');
const whenDeleted = (values: unknown) => block(values, 'spec', 'persistent_volume_claim_retention_policy', 'when_deleted');
const isClaim = (values: unknown) => manifestKind(values) === 'PersistentVolumeClaim';

export const STATEFUL_CONDITIONS: readonly TypeCondition[] = [
  { type: 'kubernetes_persistent_volume', when: '`spec.persistent_volume_reclaim_policy` is `Delete` or `Recycle` (the provider\'s default is `Retain`)', holds: (v) => ['Delete', 'Recycle'].includes(reclaimPolicy(v) as string) },
  { type: 'kubernetes_persistent_volume_v1', when: '`spec.persistent_volume_reclaim_policy` is `Delete` or `Recycle` (the provider\'s default is `Retain`)', holds: (v) => ['Delete', 'Recycle'].includes(reclaimPolicy(v) as string) },
  { type: 'kubernetes_stateful_set', when: '`spec.persistent_volume_claim_retention_policy.when_deleted` is `Delete` (by default its claims stay)', holds: (v) => whenDeleted(v) === 'Delete' },
  { type: 'kubernetes_stateful_set_v1', when: '`spec.persistent_volume_claim_retention_policy.when_deleted` is `Delete` (by default its claims stay)', holds: (v) => whenDeleted(v) === 'Delete' },
  { type: 'kubectl_manifest', when: '`kind` is `PersistentVolumeClaim`', holds: isClaim },
  { type: 'kubernetes_manifest', when: '`manifest.kind` is `PersistentVolumeClaim`', holds: isClaim },
  { type: 'aws_elasticache_cluster', when: '`engine` is not `memcached` (a cache that keeps nothing)', holds: (v) => valueAt(v, ['engine']) !== 'memcached' },
  { type: 'google_pubsub_topic', when: '`message_retention_duration` is set (else the topic keeps no messages: its subscriptions do)', holds: (v) => typeof valueAt(v, ['message_retention_duration']) === 'string' && valueAt(v, ['message_retention_duration']) !== '' },
  { type: 'github_repository', when: '`archive_on_destroy` is not `true` (then the repository is archived, not deleted)', holds: (v) => valueAt(v, ['archive_on_destroy']) !== true },
  { type: 'gitlab_project', when: '`archive_on_destroy` is not `true` (then the project is archived, not deleted)', holds: (v) => valueAt(v, ['archive_on_destroy']) !== true },
];

export const STATEFUL_TABLE: TypeTable = { families: STATEFUL_FAMILIES, conditions: STATEFUL_CONDITIONS };

/** Type globs that always hold data (conditional types left out); blast-radius reads it too. */
export const ALL_STATEFUL_TYPES: readonly string[] = unconditionalTypes(STATEFUL_TABLE);
