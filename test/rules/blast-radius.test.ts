import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { runRules } from '../../src/engine/run.js';
import type { SourcesState } from '../../src/engine/types.js';
import { loadSources } from '../../src/hcl/load.js';
import { planFromJson } from '../../src/plan/load.js';
import type { Plan } from '../../src/plan/model.js';
import { writeTree } from '../helpers/files.js';
import { check, findingsOf, FIXTURES, fixturePlan, makePlan, planJson } from '../helpers/plan.js';
import { jqDel, trimmedFixture } from '../helpers/trim.js';

async function loaded(name: string): Promise<SourcesState> {
  return { status: 'loaded', sources: await loadSources(join(FIXTURES, name, 'src')) };
}

/** The rules with the sources read, as `check --dir` runs them. */
function withSources(plan: Plan, sources: SourcesState, config: unknown = {}) {
  return runRules({ plan, config: resolveConfig(config, RULES), rules: RULES, today: '2026-11-21', sources });
}

const cp = (k: string) => `null_resource.cp_reset["${k}"]`;
const replace = (address: string) => ({ address, actions: ['delete', 'create'] });

describe('blast-radius', () => {
  it('fires when every instance of a group of two is destroyed', () => {
    const plan = makePlan({ changes: [replace('aws_instance.web[0]'), replace('aws_instance.web[1]')], prior: ['aws_instance.web[0]', 'aws_instance.web[1]'] });
    const [f] = findingsOf(check(plan), 'blast-radius');
    expect(f?.severity).toBe('block');
    expect(f?.message).toMatch(/2 of 2 instances of aws_instance\.web/);
    expect(f?.addresses).toEqual(['aws_instance.web[0]', 'aws_instance.web[1]']);
  });

  it('stays quiet when one of two is destroyed, or one of five', () => {
    const two = makePlan({ changes: [replace('aws_instance.web[0]')], prior: ['aws_instance.web[0]', 'aws_instance.web[1]'] });
    expect(findingsOf(check(two), 'blast-radius')).toEqual([]);
    const five = ['a', 'b', 'c', 'd', 'e'].map((k) => `aws_instance.node["${k}"]`);
    const one = makePlan({ changes: [replace(five[0]!)], prior: five });
    expect(findingsOf(check(one), 'blast-radius')).toEqual([]);
  });

  it('fires when a group of three loses its majority, naming the survivor', () => {
    const all = ['a', 'b', 'c'].map(cp);
    const plan = makePlan({ changes: [replace(all[0]!), replace(all[1]!)], prior: all });
    const [f] = findingsOf(check(plan), 'blast-radius');
    expect(f?.message).toContain('2 of 3');
    expect(f?.message).toContain(`only 1 survives (${all[2]})`);
  });

  it('takes the group size from prior state, not from the (targeted) changes', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((k) => `aws_instance.etcd["${k}"]`);
    const plan = makePlan({ changes: five.slice(0, 2).map(replace), prior: five });
    expect(findingsOf(check(plan), 'blast-radius')).toEqual([]);
    const three = makePlan({ changes: five.slice(0, 3).map(replace), prior: five });
    expect(findingsOf(check(three), 'blast-radius')[0]?.message).toContain('3 of 5');
  });

  it('counts instances across module instances as one group', () => {
    const all = ['a', 'b', 'c'].map((k) => `module.node["${k}"].terraform_data.reset`);
    const plan = makePlan({ changes: all.map(replace), prior: all });
    const [f] = findingsOf(check(plan), 'blast-radius');
    expect(f?.message).toContain('3 of 3 instances of module.node.terraform_data.reset');
  });

  it('warns (not blocks) for groups that look like neither nodes nor data nor provisioned', () => {
    const all = ['aws_iam_policy.p[0]', 'aws_iam_policy.p[1]'];
    const [f] = findingsOf(check(makePlan({ changes: all.map(replace), prior: all })), 'blast-radius');
    expect(f?.severity).toBe('warn');
  });

  it('blocks a group with provisioners in its configuration', () => {
    const all = ['null_resource.x[0]', 'null_resource.x[1]'];
    const plan = makePlan({ changes: all.map(replace), prior: all, provisioners: ['null_resource.x'] });
    const [f] = findingsOf(check(plan), 'blast-radius');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('provisioners');
  });

  it('accepts custom node globs', () => {
    const all = ['aws_iam_policy.p[0]', 'aws_iam_policy.p[1]'];
    const plan = makePlan({ changes: all.map(replace), prior: all });
    const [f] = findingsOf(check(plan, { rules: { 'blast-radius': { nodes: ['aws_iam_*'] } } }), 'blast-radius');
    expect(f?.severity).toBe('block');
  });

  it('ignores moved (no-op with previous_address) and forget', () => {
    expect(findingsOf(check(fixturePlan('moved-rename')), 'blast-radius')).toEqual([]);
    expect(findingsOf(check(fixturePlan('removed-forget')), 'blast-radius')).toEqual([]);
  });

  it('fires on the real targeted plan, whose changes list fewer instances than the group', () => {
    const [f] = findingsOf(check(fixturePlan('targeted')), 'blast-radius');
    expect(f?.message).toMatch(/2 of 3/);
  });

  describe('advice', () => {
    /** A real shell turns a suggested line back into its arguments. */
    const argv = (line: string): string[] =>
      execFileSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1);
    const nodes = (n: number) => Array.from({ length: n }, (_, i) => `aws_instance.node["n${i}"]`);

    it('the incident: staging does not help (each destroy resets its node), so no -target command, and never plain terraform', async () => {
      const [f] = findingsOf(withSources(fixturePlan('incident'), await loaded('incident')), 'blast-radius');
      const lines = f?.suggestions ?? [];
      expect(lines[0]).toBe(
        '# Staging does not help: tfguard apply -target=… one at a time still destroys each of them, and each destroy runs ' +
          'its destroy-time local-exec provisioner (main.tf:49): all 3 still go, one after another.',
      );
      expect(lines.filter((l) => !l.startsWith('#')).some((l) => /^(terraform|tfguard) |-target/.test(l))).toBe(false);
      expect(lines.join('\n')).not.toMatch(/terraform apply/);
    });

    it('the incident: keep them from being replaced, exact HCL for the block at main.tf:38, and the one-lifecycle-block note', async () => {
      const [f] = findingsOf(withSources(fixturePlan('incident'), await loaded('incident')), 'blast-radius');
      const text = (f?.suggestions ?? []).join('\n');
      expect(text).toContain(
        '# Keep them from being replaced: Terraform replaces them because triggers_replace changed, which their own block sets. ' +
          'Add to resource "terraform_data" "cp_reset_on_destroy" (main.tf:38):\nlifecycle {\n  ignore_changes = [triggers_replace]\n}\n' +
          '# (A resource block has only one lifecycle block: if it has one, add triggers_replace to its ignore_changes instead.)',
      );
    });

    it('the incident: forgetting needs the block gone, so for a replacement it is two steps, with the caveat for anything but a helper', async () => {
      const [f] = findingsOf(withSources(fixturePlan('incident'), await loaded('incident')), 'blast-radius');
      const text = (f?.suggestions ?? []).join('\n');
      expect(text).toContain(
        '1. Delete resource "terraform_data" "cp_reset_on_destroy" (main.tf:38) and add to the root module:\n' +
          'removed {\n  from = terraform_data.cp_reset_on_destroy\n  lifecycle {\n    destroy = false\n  }\n}\n' +
          '# tfguard apply: Terraform forgets all 3 instances of terraform_data.cp_reset_on_destroy and runs nothing. 2. Put the resource block back',
      );
      expect(text).toContain('anything else would then exist twice: import it instead of creating it.');
    });

    it('a provider destroy hook (talos reset) gets the same: staging does not help, and ignore_changes for the attribute its block sets', () => {
      const all = ['a', 'b', 'c'].map((k) => `talos_machine_configuration_apply.cp["${k}"]`);
      const json = planJson({
        changes: all.map((address) => ({
          ...replace(address),
          before: { node: '10.0.0.1', on_destroy: { reset: true } },
          replace_paths: [['node']],
          action_reason: 'replace_because_cannot_update',
        })),
        prior: all,
      });
      (json.configuration as any).root_module.resources.push({
        address: 'talos_machine_configuration_apply.cp',
        mode: 'managed',
        type: 'talos_machine_configuration_apply',
        name: 'cp',
        expressions: { node: { references: ['each.key'] } },
      });
      const [f] = findingsOf(check(planFromJson('inline.json', json)), 'blast-radius');
      const lines = f?.suggestions ?? [];
      expect(lines[0]).toMatch(/^# Staging does not help: .*each destroy runs what the provider does: the talos provider resets the node/);
      expect(lines).toContain('  ignore_changes = [node]');
      expect(lines.some((l) => l.startsWith('tfguard apply'))).toBe(false);
    });

    it('no ignore_changes when the forcing attribute is not set in its own block (it comes from elsewhere)', () => {
      const all = ['a', 'b'].map((k) => `talos_machine_configuration_apply.cp["${k}"]`);
      const plan = makePlan({
        changes: all.map((address) => ({
          ...replace(address),
          before: { on_destroy: { reset: true } },
          replace_paths: [['node']],
          action_reason: 'replace_because_cannot_update',
        })),
        prior: all,
      });
      const lines = findingsOf(check(plan), 'blast-radius')[0]?.suggestions ?? [];
      expect(lines[0]).toMatch(/^# Staging does not help/);
      expect(lines.join('\n')).not.toContain('ignore_changes =');
      expect(lines[1]).toMatch(/^# Forget them and create new ones/);
      expect(lines.join('\n')).toContain('removed {');
    });

    it('a block that already has a lifecycle block: add the attribute to it, merged with what it ignores', async () => {
      const dir = await writeTree(join(tmpdir(), `tfguard-br-${process.pid}`), {
        'main.tf':
          'resource "terraform_data" "reset" {\n  for_each = toset(["a", "b"])\n  triggers_replace = { n = each.key }\n  lifecycle {\n    ignore_changes = [input]\n  }\n  provisioner "local-exec" {\n    when    = destroy\n    command = "wipe"\n  }\n}\n',
      });
      const all = ['a', 'b'].map((k) => `terraform_data.reset["${k}"]`);
      const json = planJson({
        changes: all.map((a) => ({ ...replace(a), replace_paths: [['triggers_replace']], action_reason: 'replace_because_cannot_update' })),
        prior: all,
        provisioners: ['terraform_data.reset'],
      });
      (json.configuration as any).root_module.resources[0].expressions = { triggers_replace: {} };
      const [f] = findingsOf(withSources(planFromJson('inline.json', json), { status: 'loaded', sources: await loadSources(dir) }), 'blast-radius');
      expect(f?.suggestions).toContain('ignore_changes = [input, triggers_replace]');
      expect(f?.suggestions?.join('\n')).toContain('resource "terraform_data" "reset" (main.tf:1) already has a lifecycle block: in it, set');
      expect(f?.suggestions).not.toContain('lifecycle {');
    });

    it('no destroy-time effects: one tfguard apply -target stage per batch of at most n - quorum (5 nodes: 2 at a time, 3 stand)', () => {
      const five = nodes(5);
      const [f] = findingsOf(check(makePlan({ changes: five.map(replace), prior: five })), 'blast-radius');
      const lines = f?.suggestions ?? [];
      expect(lines[0]).toBe('# One stage at a time, at most 2 of 5 down in each, so 3 stand (tfguard reviews each stage):');
      expect(lines.slice(1).map(argv)).toEqual([
        ['tfguard', 'apply', `-target=${five[0]}`, `-target=${five[1]}`],
        ['tfguard', 'apply', `-target=${five[2]}`, `-target=${five[3]}`],
        ['tfguard', 'apply', `-target=${five[4]}`],
      ]);
    });

    it('a quorum lost (2 of 3): one at a time; a pair (2 of 2): one at a time', () => {
      const three = nodes(3);
      const lost = findingsOf(check(makePlan({ changes: three.slice(0, 2).map(replace), prior: three })), 'blast-radius')[0];
      expect(lost?.suggestions?.slice(1).map(argv)).toEqual([
        ['tfguard', 'apply', `-target=${three[0]}`],
        ['tfguard', 'apply', `-target=${three[1]}`],
      ]);
      const two = nodes(2);
      const pair = findingsOf(check(makePlan({ changes: two.map(replace), prior: two })), 'blast-radius')[0];
      expect(pair?.suggestions?.slice(1).map(argv)).toEqual(two.map((a) => ['tfguard', 'apply', `-target=${a}`]));
    });

    it('quotes an address with a single quote in its key for POSIX shells', () => {
      const all = [`aws_instance.web["o'brien"]`, `aws_instance.web["it's a $HOME \\"x\\""]`];
      const [f] = findingsOf(check(makePlan({ changes: all.map(replace), prior: all })), 'blast-radius');
      expect(f?.suggestions?.[1]).toBe(`tfguard apply -target='aws_instance.web["o'\\''brien"]'`);
      expect(f?.suggestions?.slice(1).map(argv)).toEqual(all.map((a) => ['tfguard', 'apply', `-target=${a}`]));
    });

    it('caps the stages at 20 and counts the rest', () => {
      const all = nodes(30);
      const config = { groups: [{ name: 'web', members: ['aws_instance.node'], quorum: 29 }] };
      const [f] = findingsOf(check(makePlan({ changes: all.map(replace), prior: all }), config), 'blast-radius');
      expect(f?.addresses).toHaveLength(30);
      expect(f?.suggestions).toHaveLength(22);
      expect(f?.suggestions?.[21]).toBe('# … and 10 more stages');
    });

    it('helper types (random_*, time_*, terraform_data and null_resource without provisioners) get no staging advice', () => {
      for (const type of ['random_id', 'time_sleep', 'terraform_data', 'null_resource']) {
        const all = [`${type}.x[0]`, `${type}.x[1]`];
        const found = findingsOf(check(makePlan({ changes: all.map(replace), prior: all })), 'blast-radius');
        expect(found, type).toHaveLength(1);
        expect(found[0]?.suggestions, type).toBeUndefined();
      }
      const all = ['null_resource.x[0]', 'null_resource.x[1]'];
      const provisioned = findingsOf(check(makePlan({ changes: all.map(replace), prior: all, provisioners: ['null_resource.x'] })), 'blast-radius')[0];
      expect(provisioned?.suggestions?.[0]).toMatch(/^# Staging may not help: .*the sources were not read/);
    });

    it('has no suggestions when the rule stays quiet', () => {
      const plan = makePlan({ changes: [replace('aws_instance.web[0]')], prior: ['aws_instance.web[0]', 'aws_instance.web[1]'] });
      expect(check(plan).findings.some((f) => f.suggestions)).toBe(false);
    });
  });
});

describe('blast-radius on real plans trimmed with jq', () => {
  it('without prior_state the group size is a lower bound, from resource_changes, and says so', () => {
    const [f] = findingsOf(check(trimmedFixture('incident')), 'blast-radius');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('replaces 3 of at least 3 instances of terraform_data.cp_reset_on_destroy');
    expect(f?.message).toContain('Group size: at least 3, from resource_changes only (the plan has no prior_state)');
  });

  it('a -target plan trimmed of prior_state lists only the targets: the size it gives is a lower bound', () => {
    const full = findingsOf(check(trimmedFixture('targeted', (p) => p)), 'blast-radius')[0];
    expect(full?.message).toContain('2 of 3 instances');
    const [f] = findingsOf(check(trimmedFixture('targeted')), 'blast-radius');
    expect(f?.message).toContain('2 of at least 2 instances');
    expect(f?.message).toContain('from resource_changes only');
  });

  it('trimmed of configuration and without sources: staging may not help, and the way to know is --dir (no HCL guessed)', () => {
    const [f] = findingsOf(check(trimmedFixture('incident')), 'blast-radius');
    expect(f?.suggestions).toEqual([
      '# Staging may not help: tfguard cannot tell whether destroying them runs a destroy-time provisioner (the sources were not read); if it does, each stage runs it too. Pass --dir ROOT_MODULE.',
    ]);
  });

  it('without configuration it cannot rule out provisioners, and blocks a group it would only warn about', () => {
    expect(findingsOf(check(fixturePlan('removed-from-config')), 'blast-radius')[0]?.severity).toBe('warn');
    const [f] = findingsOf(check(trimmedFixture('removed-from-config', (p) => jqDel(p, ['configuration']))), 'blast-radius');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('the plan has no configuration section (trimmed?), so it cannot say whether it has provisioners');
    // prior_state kept: the size is exact.
    expect(f?.message).toContain('2 of 2 instances');
    expect(f?.message).not.toContain('at least');
  });
});
