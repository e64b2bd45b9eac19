/**
 * Resource types that hold data: destroying or replacing one loses what is inside it. Globs over resource
 * types, grouped by platform for the documentation (`tfguard explain stateful-destroy`, README).
 */
export const STATEFUL_TYPES: Record<string, readonly string[]> = {
  aws: [
    'aws_db_instance', 'aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_rds_global_cluster',
    'aws_docdb_cluster', 'aws_docdb_cluster_instance', 'aws_neptune_cluster', 'aws_neptune_cluster_instance',
    'aws_dynamodb_table', 'aws_dynamodb_global_table', 'aws_elasticache_cluster', 'aws_elasticache_replication_group',
    'aws_memorydb_cluster', 'aws_redshift_cluster', 'aws_redshiftserverless_namespace', 'aws_opensearch_domain',
    'aws_elasticsearch_domain', 'aws_s3_bucket', 'aws_s3_object', 'aws_ebs_volume', 'aws_ebs_snapshot',
    'aws_efs_file_system', 'aws_fsx_*_file_system', 'aws_backup_vault', 'aws_kms_key', 'aws_secretsmanager_secret',
    'aws_ecr_repository', 'aws_kinesis_stream', 'aws_msk_cluster', 'aws_sqs_queue', 'aws_timestreamwrite_table',
    'aws_glacier_vault', 'aws_qldb_ledger', 'aws_keyspaces_table', 'aws_cognito_user_pool',
  ],
  google: [
    'google_sql_database_instance', 'google_sql_database', 'google_spanner_instance', 'google_spanner_database',
    'google_bigtable_instance', 'google_bigtable_table', 'google_bigquery_dataset', 'google_bigquery_table',
    'google_storage_bucket', 'google_compute_disk', 'google_compute_region_disk', 'google_compute_snapshot',
    'google_filestore_instance', 'google_redis_instance', 'google_alloydb_cluster', 'google_alloydb_instance',
    'google_firestore_database', 'google_kms_crypto_key', 'google_kms_key_ring', 'google_secret_manager_secret',
    'google_pubsub_topic', 'google_artifact_registry_repository', 'google_memcache_instance', 'google_project',
  ],
  azure: [
    'azurerm_mssql_server', 'azurerm_mssql_database', 'azurerm_mssql_managed_instance', 'azurerm_sql_server',
    'azurerm_sql_database', 'azurerm_postgresql_server', 'azurerm_postgresql_flexible_server',
    'azurerm_postgresql_database', 'azurerm_postgresql_flexible_server_database', 'azurerm_mysql_server',
    'azurerm_mysql_flexible_server', 'azurerm_mysql_database', 'azurerm_mysql_flexible_database',
    'azurerm_cosmosdb_account', 'azurerm_cosmosdb_*_database', 'azurerm_cosmosdb_*_container',
    'azurerm_redis_cache', 'azurerm_storage_account', 'azurerm_storage_container', 'azurerm_storage_share',
    'azurerm_storage_blob', 'azurerm_managed_disk', 'azurerm_snapshot', 'azurerm_key_vault', 'azurerm_key_vault_key',
    'azurerm_key_vault_secret', 'azurerm_recovery_services_vault', 'azurerm_data_protection_backup_vault',
    'azurerm_netapp_volume', 'azurerm_container_registry', 'azurerm_resource_group',
  ],
  kubernetes: [
    'kubernetes_persistent_volume', 'kubernetes_persistent_volume_v1', 'kubernetes_persistent_volume_claim',
    'kubernetes_persistent_volume_claim_v1', 'kubernetes_namespace', 'kubernetes_namespace_v1',
    'kubernetes_stateful_set', 'kubernetes_stateful_set_v1', 'kubernetes_secret', 'kubernetes_secret_v1',
    'kubectl_manifest', 'helm_release',
  ],
  proxmox: [
    'proxmox_vm_qemu', 'proxmox_lxc', 'proxmox_lxc_disk', 'proxmox_virtual_environment_vm',
    'proxmox_virtual_environment_container', 'proxmox_virtual_environment_file', 'proxmox_virtual_environment_download_file',
    'proxmox_virtual_environment_storage_*', 'proxmox_disk', 'proxmox_cloud_init_disk',
  ],
  talos: ['talos_machine_secrets', 'talos_machine_bootstrap', 'talos_machine_configuration_apply'],
  vault: ['vault_mount', 'vault_kv_secret', 'vault_kv_secret_v2', 'vault_generic_secret', 'vault_pki_secret_backend_*', 'vault_transit_secret_backend_key', 'vault_raft_snapshot_agent_config'],
  databases: [
    'postgresql_database', 'postgresql_schema', 'mysql_database', 'mongodbatlas_cluster', 'mongodbatlas_advanced_cluster',
    'mongodbatlas_serverless_instance', 'snowflake_database', 'snowflake_schema', 'snowflake_table',
    'cockroach_cluster', 'elasticstack_elasticsearch_index', 'ec_deployment', 'confluent_kafka_topic', 'kafka_topic',
    'digitalocean_database_cluster', 'digitalocean_volume', 'digitalocean_spaces_bucket', 'linode_volume',
    'hcloud_volume', 'scaleway_rdb_instance', 'ovh_cloud_project_database', 'cloudflare_r2_bucket', 'cloudflare_d1_database',
    'libvirt_volume', 'vsphere_virtual_disk', 'openstack_blockstorage_volume_v3', 'openstack_db_instance_v1',
    'local_file', 'tls_private_key', 'random_password',
  ],
};

export const ALL_STATEFUL_TYPES: readonly string[] = Object.values(STATEFUL_TYPES).flat();
