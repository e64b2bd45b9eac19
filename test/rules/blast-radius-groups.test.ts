/**
 * blast-radius groups: a block across module instances (module per node), a block within one module instance
 * (module per cluster), and groups declared in .tfguard.json (members counted by instance key, a quorum).
 */
import { describe, expect, it } from 'vitest';
import { memberKey } from '../../src/engine/instances.js';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';

const replace = (address: string) => ({ address, actions: ['delete', 'create'] });
const cluster = (c: string) => ['cp1', 'cp2', 'cp3'].map((k) => `module.cluster["${c}"].aws_instance.cp["${k}"]`);
const CLUSTERS = ['c1', 'c2', 'c3', 'c4'];
const twelve = CLUSTERS.flatMap(cluster);

describe('module per cluster: the instances of a block within one module instance are a group', () => {
  it('replacing the 3 control planes of one cluster is 3 of 3, not 3 of 12', () => {
    const found = findingsOf(check(makePlan({ changes: cluster('c2').map(replace), prior: twelve })), 'blast-radius');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/^The plan replaces 3 of 3 instances of module\.cluster\["c2"\]\.aws_instance\.cp at once: none is left standing/);
    expect(found[0]?.addresses).toEqual(cluster('c2'));
    expect(found[0]?.severity).toBe('block');
  });

  it('2 of one cluster loses its quorum; 1 of each of three clusters keeps every quorum (no finding for 3 of 12)', () => {
    const two = findingsOf(check(makePlan({ changes: cluster('c3').slice(0, 2).map(replace), prior: twelve })), 'blast-radius');
    expect(two.map((f) => f.message)).toEqual([expect.stringContaining('2 of 3 instances of module.cluster["c3"].aws_instance.cp')]);
    const spread = ['c1', 'c2', 'c3'].map((c) => cluster(c)[0]!);
    expect(findingsOf(check(makePlan({ changes: spread.map(replace), prior: twelve })), 'blast-radius')).toEqual([]);
  });

  it('two whole clusters are two findings, and no third one across clusters (6 of 12 shares no quorum)', () => {
    const found = findingsOf(check(makePlan({ changes: [...cluster('c1'), ...cluster('c4')].map(replace), prior: twelve })), 'blast-radius');
    expect(found.map((f) => f.message.slice(0, 80))).toEqual([
      expect.stringContaining('3 of 3 instances of module.cluster["c1"].aws_instance.cp'),
      expect.stringContaining('3 of 3 instances of module.cluster["c4"].aws_instance.cp'),
    ]);
  });

  it('every instance everywhere is still reported, once per cluster', () => {
    const found = findingsOf(check(makePlan({ changes: twelve.map(replace), prior: twelve })), 'blast-radius');
    expect(found).toHaveLength(4);
    expect(found.flatMap((f) => f.addresses).sort()).toEqual([...twelve].sort());
  });

  it('module per node is still one group across module instances', () => {
    const all = ['a', 'b', 'c'].map((k) => `module.node["${k}"].aws_instance.this`);
    const [f] = findingsOf(check(makePlan({ changes: all.slice(0, 2).map(replace), prior: all })), 'blast-radius');
    expect(f?.message).toContain('2 of 3 instances of module.node.aws_instance.this');
  });

  it('on the real plan (module.cluster["c2"] upgraded): its control planes and reset helpers, 3 of 3 each, nothing across clusters', () => {
    const found = findingsOf(check(fixturePlan('module-per-cluster')), 'blast-radius');
    expect(found.map((f) => f.message.split(' at once')[0])).toEqual([
      'The plan replaces 3 of 3 instances of module.cluster["c2"].terraform_data.control_plane',
      'The plan replaces 3 of 3 instances of module.cluster["c2"].terraform_data.cp_reset_on_destroy',
    ]);
  });
});

describe('declared groups (.tfguard.json "groups")', () => {
  const CP_GROUP = { name: 'control-planes', members: ['terraform_data.machine_config[*]', 'terraform_data.cp_reset_on_destroy[*]'], quorum: 2 };

  it("a member is an instance key: the incident is 3 of 3 members of control-planes, one finding instead of the block's own", () => {
    const found = findingsOf(check(fixturePlan('incident'), { groups: [CP_GROUP] }), 'blast-radius');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toBe(
      'The plan replaces 3 of 3 members of group control-planes (members counted by instance key) at once: none is left standing ' +
        'while this runs; it is declared in .tfguard.json with a quorum of 2.',
    );
    expect(found[0]?.addresses).toEqual(['fresh', 'powder', 'storm'].map((k) => `terraform_data.cp_reset_on_destroy["${k}"]`));
    expect(found[0]?.severity).toBe('block');
  });

  it('the declared quorum decides for the instances it covers: 2 of 3 with quorum 1 passes, with the default majority it does not', () => {
    const plan = fixturePlan('two-of-three-replaced');
    expect(findingsOf(check(plan), 'blast-radius')).toHaveLength(1);
    expect(findingsOf(check(plan, { groups: [{ name: 'cp', members: ['terraform_data.control_plane'], quorum: 1 }] }), 'blast-radius')).toEqual([]);
    const [f] = findingsOf(check(plan, { groups: [{ name: 'cp', members: ['terraform_data.control_plane'] }] }), 'blast-radius');
    expect(f?.message).toContain('only 1 survives (["storm"]), fewer than its quorum (2 of 3)');
  });

  it('blocks without keys are one member each: vm1 and vm2 replaced together fire, one alone does not', () => {
    const vms = ['aws_instance.vm1', 'aws_instance.vm2'];
    const config = { groups: [{ name: 'ha-pair', members: vms }] };
    const both = findingsOf(check(makePlan({ changes: vms.map(replace), prior: vms }), config), 'blast-radius');
    expect(both.map((f) => f.message)).toEqual([expect.stringContaining('2 of 2 members of group ha-pair')]);
    expect(findingsOf(check(makePlan({ changes: [replace(vms[0]!)], prior: vms }), config), 'blast-radius')).toEqual([]);
  });

  it('a member spans blocks and module instances by key; module keys count', () => {
    expect(memberKey('talos_machine_configuration_apply.cp["a"]')).toBe('["a"]');
    expect(memberKey('null_resource.cp_reset_on_destroy["a"]')).toBe('["a"]');
    expect(memberKey('module.node["a"].terraform_data.reset')).toBe('["a"]');
    expect(memberKey('module.cluster["c2"].aws_instance.cp[1]')).toBe('["c2"][1]');
    expect(memberKey('aws_instance.vm1')).toBe('aws_instance.vm1');
  });

  it('is refused when malformed: a second group of the same name, no members, a bad quorum, an unknown key', () => {
    for (const groups of [
      [
        { name: 'a', members: ['x.y'] },
        { name: 'a', members: ['x.z'] },
      ],
      [{ name: 'a', members: [] }],
      [{ name: 'a', members: ['x.y'], quorum: 0 }],
      [{ name: 'a', members: ['x.y'], size: 3 }],
      [{ name: ' ', members: ['x.y'] }],
    ]) {
      expect(() => check(makePlan({}), { groups }), JSON.stringify(groups)).toThrow(/\.tfguard\.json: groups/);
    }
  });
});
