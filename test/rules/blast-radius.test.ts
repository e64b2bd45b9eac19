import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';
import { jqDel, trimmedFixture } from '../helpers/trim.js';

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

  describe('suggestions: the staged alternative', () => {
    it('lists one -target apply per destroyed instance of the incident, and nothing else', () => {
      const [f] = findingsOf(check(fixturePlan('incident')), 'blast-radius');
      expect(f?.suggestions).toEqual([
        `terraform apply -target='terraform_data.cp_reset_on_destroy["fresh"]'`,
        `terraform apply -target='terraform_data.cp_reset_on_destroy["powder"]'`,
        `terraform apply -target='terraform_data.cp_reset_on_destroy["storm"]'`,
      ]);
    });

    it('quotes an address with a single quote in its key for POSIX shells', () => {
      const all = [`aws_instance.web["o'brien"]`, `aws_instance.web["it's a $HOME \\"x\\""]`];
      const [f] = findingsOf(check(makePlan({ changes: all.map(replace), prior: all })), 'blast-radius');
      expect(f?.suggestions?.[0]).toBe(`terraform apply -target='aws_instance.web["o'\\''brien"]'`);
      // A real shell turns each line back into exactly -target=<address>.
      for (const [i, line] of (f?.suggestions ?? []).entries()) {
        const args = execFileSync('sh', ['-c', `set -- ${line}; printf '%s' "$3"`], { encoding: 'utf8' });
        expect(args).toBe(`-target=${all[i]}`);
      }
    });

    it('caps the list at 20 commands and counts the rest', () => {
      const all = Array.from({ length: 30 }, (_, i) => `aws_instance.node[${i}]`);
      const [f] = findingsOf(check(makePlan({ changes: all.map(replace), prior: all })), 'blast-radius');
      expect(f?.addresses).toHaveLength(30);
      expect(f?.suggestions).toHaveLength(21);
      expect(f?.suggestions?.slice(0, 20)).toEqual(all.slice(0, 20).map((a) => `terraform apply -target='${a}'`));
      expect(f?.suggestions?.[20]).toBe('… and 10 more');
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
