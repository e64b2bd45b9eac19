import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { needsSources } from '../../src/commands/sources.js';
import { runRules } from '../../src/engine/run.js';
import type { SourcesState } from '../../src/engine/types.js';
import { loadSources } from '../../src/hcl/load.js';
import type { Plan } from '../../src/plan/model.js';
import { FIXTURES, fixturePlan, fixtureScenario } from '../helpers/plan.js';
import { jqDel, trimmedFixture } from '../helpers/trim.js';

async function loaded(name: string): Promise<SourcesState> {
  return { status: 'loaded', sources: await loadSources(join(FIXTURES, name, 'src')) };
}

function run(plan: Plan, sources: SourcesState) {
  return runRules({ plan, config: defaultConfig(RULES), rules: RULES, today: '2026-11-21', sources }).findings.filter((f) => f.rule === 'destroy-provisioner');
}

describe('destroy-provisioner', () => {
  it('shows, for each of the three control planes, the exact reset command that will run', async () => {
    const found = run(fixturePlan('incident'), await loaded('incident'));
    expect(found).toHaveLength(3);
    const ips: Record<string, string> = { powder: '192.168.111.191', fresh: '192.168.111.192', storm: '192.168.111.193' };
    for (const [key, ip] of Object.entries(ips)) {
      const f = found.find((x) => x.addresses[0] === `terraform_data.cp_reset_on_destroy["${key}"]`);
      expect(f?.severity).toBe('block');
      expect(f?.commands?.[0]?.command).toBe(`talosctl reset --nodes ${ip} --graceful=false --reboot`);
      expect(f?.commands?.[0]?.destructive).toContain('talosctl reset');
      expect(f?.message).toContain(`talosctl reset --nodes ${ip} --graceful=false --reboot`);
      expect(f?.location?.file).toBe('main.tf');
      expect(f?.location?.line).toBeGreaterThan(0);
    }
  });

  it('suggests the safe alternatives for the block, never a -target apply (which would run the same reset)', async () => {
    const found = run(fixturePlan('incident'), await loaded('incident'));
    for (const f of found) {
      const lines = f.suggestions ?? [];
      expect(lines.join('\n')).toContain(
        'Add to resource "terraform_data" "cp_reset_on_destroy" (main.tf:38):\nlifecycle {\n  ignore_changes = [triggers_replace]\n}',
      );
      expect(lines.join('\n')).toContain('removed {\n  from = terraform_data.cp_reset_on_destroy\n');
      expect(lines.some((l) => /^(terraform|tfguard) apply/.test(l))).toBe(false);
    }
  });

  it('for a removed block that destroys (destroy = true), suggests replacing it with one that forgets', async () => {
    const [f] = run(fixturePlan('removed-block'), await loaded('removed-block'));
    expect(f?.suggestions?.slice(0, 7)).toEqual([
      '# Forget them instead (Terraform/OpenTofu 1.7+): the removed block at main.tf:35 destroys them (destroy = true), which runs what is said above. Replace it with:',
      'removed {',
      '  from = terraform_data.cp_reset_on_destroy',
      '  lifecycle {',
      '    destroy = false',
      '  }',
      '}',
    ]);
  });

  it('finds the provisioner inside a module called per node', async () => {
    const found = run(fixturePlan('module-per-node'), await loaded('module-per-node'));
    expect(found).toHaveLength(3);
    expect(found[0]?.location?.file).toMatch(/^modules\//);
    expect(found.every((f) => f.commands?.[0]?.unresolved.length === 0)).toBe(true);
  });

  it('follows a removed block with a destroy-time provisioner', async () => {
    const found = run(fixturePlan('removed-block'), await loaded('removed-block'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.message).toContain('removed block');
  });

  it('stays quiet on a forget, a moved rename and a safe change', async () => {
    for (const name of ['removed-forget', 'moved-rename', 'add-worker', 'in-place-updates']) {
      expect(run(fixturePlan(name), await loaded(name)), name).toEqual([]);
    }
  });

  it('masks the sensitive value used in the destroy command', async () => {
    const scenario = fixtureScenario('sensitive-values');
    const found = run(fixturePlan('sensitive-values'), await loaded('sensitive-values'));
    expect(found.length).toBeGreaterThan(0);
    expect(JSON.stringify(found)).not.toContain(scenario.secret);
    expect(found[0]?.commands?.[0]?.command).toContain('(sensitive)');
  });

  it('blocks when the sources are missing: a destroy-time provisioner cannot be ruled out', () => {
    const found = run(fixturePlan('incident'), { status: 'missing', reason: 'no .tf files in /x' });
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('block');
    expect(found[0]?.message).toContain('Cannot tell whether 3 provisioner(s) run at destroy time');
    expect(found[0]?.message).toContain('no .tf files in /x');
    expect(found[0]?.message).toContain('Pass --dir ROOT_MODULE');
    expect(found[0]?.addresses).toHaveLength(3);
  });

  it('blocks when the sources read do not declare the destroyed resources (the wrong --dir)', async () => {
    const found = run(fixturePlan('incident'), await loaded('add-worker'));
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('block');
    expect(found[0]?.message).toContain('do not declare these resources');
  });

  it('sees what runs through interpreter and environment, and marks it destructive', async () => {
    const found = run(fixturePlan('interpreter-env'), await loaded('interpreter-env'));
    expect(found).toHaveLength(1);
    expect(found[0]?.commands?.map((c) => [c.command, c.destructive])).toEqual([
      ['talosctl reset --graceful=false --reboot --nodes 192.168.111.211', ['talosctl reset', 'reboot/shutdown']],
      ['wipefs -a /dev/sdb', ['wipefs']],
    ]);
  });

  it('needs no sources when the configuration has no provisioners on destroyed resources', () => {
    expect(run(fixturePlan('count-to-zero'), { status: 'not-read' })).toEqual([]);
  });
});

describe('destroy-provisioner on real plans trimmed of their configuration', () => {
  it('the sources are read for any destruction: the plan cannot say which blocks have provisioners', () => {
    expect(needsSources(fixturePlan('count-to-zero'))).toBe(false);
    expect(needsSources(trimmedFixture('count-to-zero'))).toBe(true);
    expect(needsSources(trimmedFixture('add-worker'))).toBe(false);
  });

  it('with no sources, every destroyed instance may have one: cannot tell, block', () => {
    const found = run(trimmedFixture('incident'), { status: 'missing', reason: 'no .tf files in /x' });
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('block');
    expect(found[0]?.message).toContain('Cannot tell whether destroying 3 instance(s) runs a destroy-time provisioner');
    expect(found[0]?.message).toContain('the plan has no configuration section');
    expect(found[0]?.addresses).toHaveLength(3);
  });

  it('a group the configuration shows without provisioners is checked all the same (the plan cannot say)', () => {
    expect(run(fixturePlan('count-to-zero'), { status: 'missing', reason: 'no .tf files in /x' })).toEqual([]);
    const found = run(trimmedFixture('count-to-zero'), { status: 'missing', reason: 'no .tf files in /x' });
    expect(found[0]?.addresses).toEqual(['terraform_data.worker[0]', 'terraform_data.worker[1]', 'terraform_data.worker[2]']);
  });

  it('with the sources, shows the commands as on the whole plan', async () => {
    const whole = run(fixturePlan('incident'), await loaded('incident'));
    const trimmed = run(trimmedFixture('incident'), await loaded('incident'));
    expect(trimmed.map((f) => f.message)).toEqual(whole.map((f) => f.message));
    expect(trimmed).toHaveLength(3);
  });

  it('with the sources, a destroyed group they declare without a destroy-time provisioner is quiet', async () => {
    expect(run(trimmedFixture('count-to-zero'), await loaded('count-to-zero'))).toEqual([]);
  });

  it('with the sources, a block the plan says left the configuration is quiet; one missing from them is not', async () => {
    const removed = trimmedFixture('removed-from-config', (p) => jqDel(p, ['configuration']));
    expect(run(removed, await loaded('removed-from-config'))).toEqual([]);
    // The wrong folder: its sources do not declare the destroyed control planes.
    const wrong = run(trimmedFixture('incident'), await loaded('add-worker'));
    expect(wrong[0]?.message).toContain('do not declare these resources');
  });
});
