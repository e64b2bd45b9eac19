/**
 * Shared foundations: resources that other things stand on, so that deleting or replacing one takes down, or
 * locks out, much more than itself — often things of other stacks and people, which the plan does not show.
 * The table the README shows (a test keeps the two equal). A google_project is not here: whether the provider
 * deletes it depends on its deletion_policy, which provider-destroy-hook reads.
 */
import { manifestKind, type TypeCondition, type TypeFamily, type TypeTable } from './type-table.js';

export const FOUNDATION_FAMILIES: readonly TypeFamily[] = [
  {
    family: 'networks',
    reason:
      'everything attached to it loses its network — subnets, machines, load balancers, peerings, and what other stacks placed in it by id; a new one has a new id',
    types: [
      'aws_vpc',
      'aws_ec2_transit_gateway',
      'azurerm_virtual_network',
      'azurerm_virtual_hub',
      'azurerm_virtual_wan',
      'google_compute_network',
      'google_compute_shared_vpc_host_project',
      'oci_core_vcn',
      'ibm_is_vpc',
      'digitalocean_vpc',
      'hcloud_network',
      'linode_vpc',
      'openstack_networking_network_v2',
      'scaleway_vpc',
      'scaleway_vpc_private_network',
      'alicloud_vpc',
    ],
    azapi: ['Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualHubs', 'Microsoft.Network/virtualWans'],
  },
  {
    family: 'subnets',
    reason: 'every machine, interface and service in it must go first, those other stacks placed in it by id included',
    types: [
      'aws_subnet',
      'azurerm_subnet',
      'google_compute_subnetwork',
      'oci_core_subnet',
      'ibm_is_subnet',
      'hcloud_network_subnet',
      'openstack_networking_subnet_v2',
      'alicloud_vswitch',
    ],
    azapi: ['Microsoft.Network/virtualNetworks/subnets'],
  },
  {
    family: 'DNS zones',
    reason:
      'every name in the zone stops resolving; a new public zone gets new name servers, so the delegation in the parent zone or at the registrar must change, and resolvers cache the old answer',
    types: [
      'aws_route53_zone',
      'azurerm_dns_zone',
      'azurerm_private_dns_zone',
      'google_dns_managed_zone',
      'cloudflare_zone',
      'digitalocean_domain',
      'oci_dns_zone',
      'linode_domain',
      'ns1_zone',
      'dnsimple_zone',
      'hetznerdns_zone',
      'akamai_dns_zone',
      'powerdns_zone',
    ],
    azapi: ['Microsoft.Network/dnsZones', 'Microsoft.Network/privateDnsZones'],
  },
  {
    family: 'authoritative IAM',
    reason:
      'it owns every member of a role (a binding, an exclusive attachment or membership) or the whole policy: deleting or replacing it removes every member, those granted outside this configuration included — people and services lose access, or you lock yourself out',
    types: ['google_*_iam_policy', 'google_*_iam_binding', 'aws_iam_policy_attachment', 'aws_iam_group_membership'],
  },
  {
    family: 'locks and deletion protections',
    reason: 'it is what stops the resource it protects from being deleted: removing it is the first step of deleting that resource',
    types: ['azurerm_management_lock', 'google_resource_manager_lien'],
    azapi: ['Microsoft.Authorization/locks'],
  },
  {
    family: 'Kubernetes namespaces',
    reason:
      'Kubernetes deletes every object in the namespace with it, those this configuration does not manage included (workloads deployed by other pipelines, claims and their volumes)',
    types: ['kubernetes_namespace', 'kubernetes_namespace_v1', 'kubectl_manifest', 'kubernetes_manifest'],
  },
  {
    family: 'Kubernetes clusters',
    reason: 'every workload on it stops, and its etcd — every object applied to it outside this configuration — goes with it',
    types: [
      'aws_eks_cluster',
      'google_container_cluster',
      'azurerm_kubernetes_cluster',
      'digitalocean_kubernetes_cluster',
      'oci_containerengine_cluster',
      'linode_lke_cluster',
      'scaleway_k8s_cluster',
      'ibm_container_vpc_cluster',
    ],
    azapi: ['Microsoft.ContainerService/managedClusters'],
  },
  {
    family: 'resource groups',
    reason:
      "every resource in it is deleted with it (azurerm refuses while it holds resources Terraform does not manage, unless the provider's `prevent_deletion_if_contains_resources` is false)",
    types: ['azurerm_resource_group'],
    azapi: ['Microsoft.Resources/resourceGroups'],
  },
  {
    family: 'certificate authorities',
    reason:
      'every certificate it issued chains to its key: a new authority has a new key, so every issued certificate and every client that trusts the old one must change',
    types: ['aws_acmpca_certificate_authority', 'google_privateca_certificate_authority', 'vault_pki_secret_backend_root_cert'],
  },
];

const isNamespace = (values: unknown) => manifestKind(values) === 'Namespace';

export const FOUNDATION_CONDITIONS: readonly TypeCondition[] = [
  { type: 'kubectl_manifest', when: '`kind` is `Namespace`', holds: isNamespace },
  { type: 'kubernetes_manifest', when: '`manifest.kind` is `Namespace`', holds: isNamespace },
];

export const FOUNDATION_TABLE: TypeTable = { families: FOUNDATION_FAMILIES, conditions: FOUNDATION_CONDITIONS };
