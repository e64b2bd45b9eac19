import { describe, expect, it } from 'vitest';
import { FOUNDATION_TABLE } from '../../src/engine/foundation-types.js';
import { check, findingsOf, makePlan, type ChangeSpec } from '../helpers/plan.js';
import { expectReadmeMatches, expectTableShape } from '../helpers/type-table.js';

const del = (address: string, before: unknown = {}, action_reason?: string): ChangeSpec => ({
  address,
  actions: ['delete'],
  before,
  ...(action_reason ? { action_reason } : {}),
});
const found = (changes: ChangeSpec[], config: unknown = {}) => findingsOf(check(makePlan({ changes }), config), 'foundation-destroy');
const fired = (changes: ChangeSpec[], config: unknown = {}) =>
  found(changes, config)
    .flatMap((f) => f.addresses)
    .sort();

describe('foundation-destroy', () => {
  it('blocks the deletion of networks, subnets, DNS zones, locks, namespaces, clusters and resource groups', () => {
    const types = [
      'aws_vpc',
      'azurerm_virtual_network',
      'google_compute_network',
      'aws_subnet',
      'azurerm_subnet',
      'google_compute_subnetwork',
      'aws_route53_zone',
      'azurerm_dns_zone',
      'azurerm_private_dns_zone',
      'google_dns_managed_zone',
      'cloudflare_zone',
      'azurerm_management_lock',
      'google_resource_manager_lien',
      'kubernetes_namespace',
      'kubernetes_namespace_v1',
      'google_container_cluster',
      'aws_eks_cluster',
      'azurerm_resource_group',
      'aws_acmpca_certificate_authority',
    ];
    const findings = found(types.map((t) => del(`${t}.x`)));
    expect(findings.flatMap((f) => f.addresses).sort()).toEqual(types.map((t) => `${t}.x`).sort());
    expect(findings.every((f) => f.severity === 'block')).toBe(true);
  });

  it('a VNet deleted because its block was removed from the configuration does not pass silently', () => {
    const [f, ...rest] = found([del('azurerm_virtual_network.hub', { name: 'hub' }, 'delete_because_no_resource_config')]);
    expect(rest).toEqual([]);
    expect(f?.severity).toBe('block');
    expect(f?.message).toBe(
      'The plan deletes azurerm_virtual_network.hub (networks): everything attached to it loses its network — subnets, machines, ' +
        'load balancers, peerings, and what other stacks placed in it by id; a new one has a new id. ' +
        'Its resource block was removed from the configuration: azurerm_virtual_network.hub.',
    );
  });

  it('authoritative IAM: deleting or replacing a binding or policy removes every member; members and non-exclusive attachments pass', () => {
    const changes: ChangeSpec[] = [
      { address: 'google_project_iam_binding.owners', actions: ['delete', 'create'], before: { role: 'roles/owner', members: ['user:a@example.com'] } },
      del('google_storage_bucket_iam_policy.p'),
      del('google_organization_iam_binding.admins'),
      del('aws_iam_policy_attachment.all'),
      del('aws_iam_group_membership.ops'),
      del('google_project_iam_member.one'),
      del('aws_iam_role_policy_attachment.one'),
      del('aws_iam_role_policy_attachments_exclusive.role'), // destroy only stops managing; it detaches nothing
      del('azurerm_role_assignment.one'),
    ];
    const findings = found(changes);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.addresses.sort()).toEqual([
      'aws_iam_group_membership.ops',
      'aws_iam_policy_attachment.all',
      'google_organization_iam_binding.admins',
      'google_project_iam_binding.owners',
      'google_storage_bucket_iam_policy.p',
    ]);
    expect(findings[0]!.message).toMatch(/^The plan deletes or replaces .* \(authoritative IAM\): it owns every member of a role/);
    const replaced = found([changes[0]!]);
    expect(replaced[0]?.message).toMatch(
      /^The plan replaces google_project_iam_binding\.owners \(authoritative IAM\): .*deleting or replacing it removes every member/,
    );
  });

  it('judges an azapi_resource by change.before.type, and manifests by their kind', () => {
    const changes = [
      del('azapi_resource.vnet', { type: 'Microsoft.Network/virtualNetworks@2024-05-01' }),
      del('azapi_resource.lock', { type: 'Microsoft.Authorization/locks@2020-05-01' }),
      del('azapi_resource.nsg', { type: 'Microsoft.Network/networkSecurityGroups@2024-05-01' }),
      del('kubectl_manifest.ns', { kind: 'Namespace' }),
      del('kubectl_manifest.deploy', { kind: 'Deployment' }),
      del('kubernetes_manifest.ns', { manifest: { apiVersion: 'v1', kind: 'Namespace' } }),
    ];
    expect(fired(changes)).toEqual(['azapi_resource.lock', 'azapi_resource.vnet', 'kubectl_manifest.ns', 'kubernetes_manifest.ns']);
  });

  it('stays quiet on updates, forgets, creates, ordinary resources and what the provider only abandons', () => {
    const changes: ChangeSpec[] = [
      { address: 'aws_vpc.main', actions: ['update'] },
      { address: 'azurerm_virtual_network.old', actions: ['forget'], action_reason: 'delete_because_no_resource_config' },
      { address: 'google_compute_network.new', actions: ['create'] },
      del('aws_security_group.sg'),
      del('aws_route53_record.www'),
      del('google_compute_network.abandoned', { deletion_policy: 'ABANDON' }),
    ];
    expect(found(changes)).toEqual([]);
  });

  it('is extended and trimmed by the config', () => {
    const cfg = { rules: { 'foundation-destroy': { types: ['aws_ec2_transit_gateway_vpc_attachment'], ignoreTypes: ['aws_subnet'] } } };
    expect(fired([del('aws_ec2_transit_gateway_vpc_attachment.a'), del('aws_subnet.b')], cfg)).toEqual(['aws_ec2_transit_gateway_vpc_attachment.a']);
  });
});

describe('foundation-destroy table', () => {
  it('every entry is a resource type name (or a glob of one), without duplicates; every condition names a listed type', () => {
    expectTableShape(FOUNDATION_TABLE);
  });

  it('the README table says exactly what the data says, row for row, and back', () => {
    expectReadmeMatches('foundation-destroy', FOUNDATION_TABLE);
  });
});
