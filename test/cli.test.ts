/**
 * The built CLI as a subprocess: exit codes (0 pass, 1 blocked, 2 error), the JSON contract of DESIGN.md,
 * one-line errors, config and waivers, secrets, colors. Config files live in temp folders, never in the repo.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES_DIR, hasCorpus, hasTerraform, jsonFilesUnder, needsTerraform, ROOT } from './helpers/env.js';
import { expectOneLineError, json, tfguard } from './helpers/cli.js';

const ANSI = /\u001b\[\d+m/;
const RULE_IDS = [
  'action-invocation',
  'blast-radius',
  'destroy-provisioner',
  'foundation-destroy',
  'mass-destroy',
  'plan-incomplete',
  'probable-rename',
  'protected-resource',
  'provider-destroy-hook',
  'reset-on-destroy-replaced',
  'stateful-destroy',
  'unexpected-change',
];

const plan = (name: string) => `fixtures/${name}/plan.json`;
const INCIDENT = plan('incident');
const RESET_ADDRESSES = [
  'terraform_data.cp_reset_on_destroy["fresh"]',
  'terraform_data.cp_reset_on_destroy["powder"]',
  'terraform_data.cp_reset_on_destroy["storm"]',
];

let tmp: string;

beforeAll(async () => {
  // dist/ is built once by test/global-setup.ts.
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-cli-'));
}, 180_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A fresh temp folder holding the incident's .tf sources and a `.tfguard.json` with this content. */
async function configDir(config: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmp, 'dir-'));
  await writeFile(join(dir, 'main.tf'), readFileSync(join(FIXTURES_DIR, 'incident', 'src', 'main.tf')));
  await writeFile(join(dir, '.tfguard.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return dir;
}

async function tmpFile(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmp, 'in-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** YYYY-MM-DD, `days` from today (UTC). */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('check on the incident', () => {
  it('exits 1 and explains what is replaced and why', () => {
    const run = tfguard(['check', INCIDENT]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    for (const text of ['cp_reset_on_destroy', 'blast-radius', 'reset-on-destroy-replaced', 'because', 'BLOCKED']) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toContain('Plan: 4 to add, 3 to change, 3 to destroy');
    expect(run.stdout).not.toMatch(ANSI);
  });

  it('with the sources, shows for each control plane the exact reset command and why it is replaced', () => {
    const run = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src']);
    expect(run.code, run.stderr).toBe(1);
    for (const [key, ip] of [
      ['powder', '191'],
      ['fresh', '192'],
      ['storm', '193'],
    ]) {
      expect(run.stdout).toContain(`Destroying terraform_data.cp_reset_on_destroy["${key}"] runs its destroy-time local-exec provisioner (main.tf:38)`);
      expect(run.stdout).toContain(`\`talosctl reset --nodes 192.168.111.${ip} --graceful=false --reboot\` — DESTRUCTIVE`);
      expect(run.stdout).toContain(
        `because it references terraform_data.machine_config["${key}"], which changes input.node: 192.168.111.${ip} → ${key}.homelab.lan`,
      );
    }
  });

  it('explains each instance once; later findings about it point back', () => {
    const run = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src']);
    for (const address of RESET_ADDRESSES) {
      const chain = `because it references terraform_data.machine_config[${address.slice(address.indexOf('['), -1).slice(1)}]`;
      expect(run.stdout.split(chain).length - 1, chain).toBe(1);
      expect(run.stdout).toContain(`- ${address}  replace (destroy then create) (why: above)`);
    }
  });

  it('--format json prints one object following the DESIGN.md contract', () => {
    const run = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const report = json(run);
    expect(report).toMatchObject({
      tool: 'tfguard',
      version: '0.1.0',
      plan: { format_version: '1.2', terraform_version: '1.11.4' },
      decision: 'block',
      summary: { create: 1, update: 3, replace: 3, delete: 0 },
      waived: [],
    });
    expect(Array.isArray(report.findings)).toBe(true);
    expect(report.findings.length).toBeGreaterThanOrEqual(2);
    for (const f of report.findings) {
      expect(f).toEqual(
        expect.objectContaining({
          rule: expect.any(String),
          severity: expect.stringMatching(/^(block|warn)$/),
          message: expect.any(String),
          addresses: expect.any(Array),
        }),
      );
      expect(RULE_IDS).toContain(f.rule);
      expect(f.addresses.length).toBeGreaterThanOrEqual(1);
      for (const a of f.addresses) expect(typeof a).toBe('string');
    }
    const byRule = Object.fromEntries(report.findings.map((f: any) => [f.rule, f]));
    expect(Object.keys(byRule).sort()).toEqual(['blast-radius', 'destroy-provisioner', 'reset-on-destroy-replaced']);
    const commands = report.findings.filter((f: any) => f.rule === 'destroy-provisioner').map((f: any) => f.commands[0].command);
    expect(commands.sort()).toEqual(['191', '192', '193'].map((n) => `talosctl reset --nodes 192.168.111.${n} --graceful=false --reboot`));
    expect(byRule['reset-on-destroy-replaced'].addresses).toEqual(RESET_ADDRESSES);
    expect(byRule['blast-radius'].severity).toBe('block');
    // The whole stdout is that one object.
    expect(run.stdout.trim().startsWith('{')).toBe(true);
    expect(run.stdout.trim().endsWith('}')).toBe(true);
  });

  it('--fail-on never exits 0 and still reports the block', () => {
    const run = tfguard(['check', INCIDENT, '--fail-on', 'never', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run).decision).toBe('block');
  });

  it('--fail-on block (the default) and --fail-on warn exit 1', () => {
    expect(tfguard(['check', INCIDENT, '--fail-on', 'block']).code).toBe(1);
    expect(tfguard(['check', INCIDENT, '--fail-on', 'warn']).code).toBe(1);
  });
});

describe('check on the other fixtures', () => {
  it.each(['add-worker', 'in-place-updates', 'moved-rename', 'one-of-five-replaced', 'tainted', 'replace-triggered-by', 'removed-forget'])(
    '%s passes (exit 0)',
    (name) => {
      const run = tfguard(['check', plan(name), '--format', 'json']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const report = json(run);
      expect(report.decision).toBe('pass');
      expect(report.findings).toEqual([]);
      const text = tfguard(['check', plan(name)]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('PASS: no rule fired.');
    },
  );

  it.each([
    'two-of-three-replaced',
    'count-to-zero',
    'destroy-plan',
    'module-per-node',
    'removed-block',
    'targeted',
    'incident-null-resource',
    'sensitive-values',
  ])('%s is blocked (exit 1)', (name) => {
    const run = tfguard(['check', plan(name), '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    expect(json(run).decision).toBe('block');
  });

  it('removed-from-config warns: exit 0, but 1 with --fail-on warn', () => {
    const run = tfguard(['check', plan('removed-from-config'), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const report = json(run);
    expect(report.decision).toBe('warn');
    expect(report.findings.map((f: any) => [f.rule, f.severity])).toEqual([['blast-radius', 'warn']]);

    const text = tfguard(['check', plan('removed-from-config')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('WARN: a person must review this plan');

    expect(tfguard(['check', plan('removed-from-config'), '--fail-on', 'warn']).code).toBe(1);
    expect(tfguard(['check', plan('removed-from-config'), '--fail-on', 'never']).code).toBe(0);
  });
});

describe('bad input exits 2 with one line on stderr', () => {
  const incidentText = readFileSync(join(FIXTURES_DIR, 'incident', 'plan.json'), 'utf8');

  it('an empty file', async () => {
    const path = await tmpFile('empty.json', '');
    expectOneLineError(tfguard(['check', path]), path, 'is empty');
  });

  it('a truncated plan', async () => {
    const path = await tmpFile('half.json', incidentText.slice(0, Math.floor(incidentText.length / 2)));
    expectOneLineError(tfguard(['check', path]), path, 'truncated');
  });

  it('a state file', async () => {
    const states = hasCorpus ? jsonFilesUnder(join(CORPUS, 'state')) : [];
    const path =
      states.length > 0
        ? join(CORPUS, 'state', states[0]!)
        : await tmpFile('terraform.tfstate', JSON.stringify({ version: 4, serial: 1, lineage: 'x', resources: [] }));
    expectOneLineError(tfguard(['check', path]), path, 'this is a state, not a plan');
  });

  it('a raw terraform.tfstate', async () => {
    const path = await tmpFile(
      'terraform.tfstate',
      JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'abc', outputs: {}, resources: [] }),
    );
    expectOneLineError(tfguard(['check', path]), 'this is a state, not a plan');
  });

  it('text around the plan (the setup-terraform wrapper)', async () => {
    const path = await tmpFile('wrapped.json', `[command]/usr/bin/terraform show -json plan\n${incidentText}\n::debug::exitcode: 0\n`);
    expectOneLineError(tfguard(['check', path]), path, 'has text around the plan JSON');
  });

  it('an unknown format_version major', async () => {
    const path = await tmpFile('v2.json', incidentText.replace('"format_version":"1.2"', '"format_version":"2.0"'));
    expectOneLineError(tfguard(['check', path]), path, 'format_version 2.0 is not supported');
  });

  it('an unknown action', async () => {
    const path = await tmpFile('act.json', incidentText.replace('"actions":["delete","create"]', '"actions":["delete","explode"]'));
    expectOneLineError(tfguard(['check', path]), 'resource_changes[0].change.actions', 'unknown action');
  });

  it('a missing file, a folder with no plan file, and a JSON array', async () => {
    expectOneLineError(tfguard(['check', join(tmp, 'nope.json')]), 'no such file');
    // A folder stands for the plan files under it (test/check-plan-folders.test.ts): none is an error.
    const empty = await mkdtemp(join(tmp, 'empty-'));
    expectOneLineError(tfguard(['check', empty]), `${empty}: no plan file found in this folder or below it`);
    expectOneLineError(tfguard(['check', await tmpFile('arr.json', '[]')]), 'is not a plan');
  });

  it('the same errors from stdin', () => {
    expectOneLineError(tfguard(['check', '-'], { input: '' }), '(stdin): is empty');
    expectOneLineError(tfguard(['check', '-'], { input: incidentText.slice(0, 1000) }), '(stdin): is truncated');
  });

  it('a saved binary plan with a missing terraform binary', () => {
    expectOneLineError(tfguard(['check', 'fixtures/incident/plan.tfplan', '--terraform-bin', '/nonexistent/terraform']), '/nonexistent/terraform');
    expectOneLineError(tfguard(['check', 'fixtures/incident/plan.tfplan'], { env: { TFGUARD_TERRAFORM_BIN: '/nonexistent/tofu' } }), '/nonexistent/tofu');
  });
});

describe('usage errors exit 2', () => {
  it('an unknown option', () => {
    const run = tfguard(['check', INCIDENT, '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
    expect(run.stdout).toBe('');
  });

  it('an unknown --format', () => {
    const run = tfguard(['check', INCIDENT, '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('xml');
    expect(run.stdout).toBe('');
  });

  it('an unknown --fail-on', () => {
    expect(tfguard(['check', INCIDENT, '--fail-on', 'sometimes']).code).toBe(2);
  });

  it('no plan, or stdin twice', () => {
    expectOneLineError(tfguard(['check']), 'give a plan');
    expectOneLineError(tfguard(['check', '-', '-']), 'stdin');
  });

  it('an unknown command', () => {
    expect(tfguard(['explode']).code).toBe(2);
  });

  it('an argument echoed in a usage error is inert text: no escape sequence, no second line', () => {
    for (const args of [['explode\u001b[2J'], ['check', INCIDENT, '--fail-on', 'x\u001b]0;pwned\u0007\r\nPASS: no rule fired.']]) {
      const run = tfguard(args);
      expectOneLineError(run, '\\u001b');
      expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    }
  });
});

describe('inputs and outputs', () => {
  it('- reads the plan from stdin', () => {
    const run = tfguard(['check', '-', '--format', 'json'], { input: readFileSync(join(FIXTURES_DIR, 'incident', 'plan.json')) });
    expect(run.code, run.stderr).toBe(1);
    const report = json(run);
    expect(report.plan.source).toBe('(stdin)');
    expect(report.decision).toBe('block');
  });

  it('--output FILE writes the report there, not to stdout', async () => {
    const out = join(await mkdtemp(join(tmp, 'out-')), 'report.json');
    const run = tfguard(['check', INCIDENT, '--format', 'json', '--output', out]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(out);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report).toMatchObject({ tool: 'tfguard', decision: 'block' });

    const textOut = join(await mkdtemp(join(tmp, 'out-')), 'report.txt');
    const text = tfguard(['check', INCIDENT, '--output', textOut], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(text.code).toBe(1);
    const written = await readFile(textOut, 'utf8');
    expect(written).toContain('reset-on-destroy-replaced');
    // A report written to a file carries no color codes.
    expect(written).not.toMatch(ANSI);
  });

  it('--output to a folder that does not exist exits 2', () => {
    expectOneLineError(tfguard(['check', INCIDENT, '--output', join(tmp, 'no', 'such', 'dir', 'r.json')]), 'cannot write the report');
  });

  it.skipIf(!hasTerraform)(needsTerraform('a saved binary plan is read through terraform show'), async () => {
    const dir = await mkdtemp(join(tmp, 'tf-'));
    const run = tfguard(['check', 'fixtures/incident/plan.tfplan', '--dir', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const report = json(run);
    expect(report.decision).toBe('block');
    expect(report.findings.find((f: any) => f.rule === 'reset-on-destroy-replaced').addresses).toEqual(RESET_ADDRESSES);
  });
});

describe('.tfguard.json', () => {
  it('a typo in a rule entry exits 2 naming the key path', async () => {
    const dir = await configDir({ rules: { 'blast-radius': { severty: 'warn' } } });
    expectOneLineError(tfguard(['check', INCIDENT, '--dir', dir]), '.tfguard.json', 'rules.blast-radius', 'severty');
  });

  it('a typo at the top level exits 2 naming the key', async () => {
    const dir = await configDir({ waviers: [] });
    expectOneLineError(tfguard(['check', INCIDENT, '--dir', dir]), 'waviers');
  });

  it('an unknown rule id exits 2', async () => {
    const dir = await configDir({ rules: { 'blast-raduis': 'off' } });
    expectOneLineError(tfguard(['check', INCIDENT, '--dir', dir]), 'blast-raduis');
  });

  it('config that is not JSON exits 2', async () => {
    const dir = await configDir('{ "rules": ');
    expectOneLineError(tfguard(['check', INCIDENT, '--dir', dir]), '.tfguard.json', 'not valid JSON');
  });

  it('--config with a missing file exits 2', () => {
    expectOneLineError(tfguard(['check', INCIDENT, '--config', join(tmp, 'missing.json')]), 'missing.json');
  });

  it('rule severities change the decision on the incident to warn (exit 0)', async () => {
    const dir = await configDir({ rules: { 'blast-radius': 'off', 'destroy-provisioner': 'off', 'reset-on-destroy-replaced': 'warn' } });
    const run = tfguard(['check', INCIDENT, '--dir', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const report = json(run);
    expect(report.decision).toBe('warn');
    expect(report.findings.map((f: any) => [f.rule, f.severity])).toEqual([['reset-on-destroy-replaced', 'warn']]);
    expect(report.config).toBe(join(dir, '.tfguard.json'));
    // The same file given with --config.
    const viaConfig = tfguard(['check', INCIDENT, '--config', join(dir, '.tfguard.json')]);
    expect(viaConfig.code).toBe(0);
    expect(viaConfig.stdout).toContain('WARN');
  });

  it('a valid waiver moves the reset-on-destroy findings to waived', async () => {
    const waiver = {
      rule: 'reset-on-destroy-replaced',
      address: 'terraform_data.cp_reset_on_destroy',
      reason: 'CHG-1234 planned rebuild',
      expires: dayFromToday(365),
    };
    const dir = await configDir({ waivers: [waiver] });
    const run = tfguard(['check', INCIDENT, '--dir', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1); // blast-radius and destroy-provisioner still block
    const report = json(run);
    expect([...new Set(report.findings.map((f: any) => f.rule))]).toEqual(['blast-radius', 'destroy-provisioner']);
    expect(report.waived).toHaveLength(1);
    expect(report.waived[0]).toMatchObject({ rule: 'reset-on-destroy-replaced', addresses: RESET_ADDRESSES, waiver });

    const text = tfguard(['check', INCIDENT, '--dir', dir]);
    expect(text.stdout).toContain('Waived (1)');
    expect(text.stdout).toContain('CHG-1234 planned rebuild');
    expect(text.stdout).not.toContain('Expired waiver');
  });

  it('waivers for every finding let the incident pass', async () => {
    const expires = dayFromToday(30);
    const dir = await configDir({
      waivers: [
        { rule: 'reset-on-destroy-replaced', address: 'terraform_data.cp_reset_on_destroy[*]', reason: 'CHG-1', expires },
        { rule: 'blast-radius', address: 'terraform_data.cp_reset_on_destroy', reason: 'CHG-1', expires },
        { rule: 'destroy-provisioner', address: 'terraform_data.cp_reset_on_destroy', reason: 'CHG-1', expires },
      ],
    });
    const run = tfguard(['check', INCIDENT, '--dir', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const report = json(run);
    expect(report.decision).toBe('pass');
    expect([...new Set(report.waived.map((w: any) => w.rule))].sort()).toEqual(['blast-radius', 'destroy-provisioner', 'reset-on-destroy-replaced']);
  });

  it('a waiver that covers only some addresses of a finding does not waive it', async () => {
    const dir = await configDir({
      waivers: [{ rule: 'reset-on-destroy-replaced', address: 'terraform_data.cp_reset_on_destroy["powder"]', reason: 'CHG-2', expires: dayFromToday(30) }],
    });
    const report = json(tfguard(['check', INCIDENT, '--dir', dir, '--format', 'json']));
    expect(report.waived).toEqual([]);
    expect(report.findings.map((f: any) => f.rule)).toContain('reset-on-destroy-replaced');
  });

  it('an expired waiver does not waive, and the text says "Expired waiver"', async () => {
    const dir = await configDir({
      waivers: [{ rule: 'reset-on-destroy-replaced', address: 'terraform_data.cp_reset_on_destroy', reason: 'CHG-0999 old', expires: '2020-01-01' }],
    });
    const run = tfguard(['check', INCIDENT, '--dir', dir]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('Expired waiver');
    expect(run.stdout).toContain('2020-01-01');
    expect(run.stdout).toContain('BLOCK  reset-on-destroy-replaced');

    const report = json(tfguard(['check', INCIDENT, '--dir', dir, '--format', 'json']));
    expect(report.waived).toEqual([]);
    expect(report.findings.map((f: any) => f.rule)).toContain('reset-on-destroy-replaced');
    expect(report.expired_waivers).toEqual([expect.objectContaining({ rule: 'reset-on-destroy-replaced', expires: '2020-01-01', matched: 1 })]);
  });

  it('a waiver with a bad date or no reason exits 2', async () => {
    const base = { rule: 'blast-radius', address: '*', reason: 'x', expires: '2026-12-31' };
    expectOneLineError(tfguard(['check', INCIDENT, '--dir', await configDir({ waivers: [{ ...base, expires: '31/12/2026' }] })]), 'waivers[0].expires');
    expectOneLineError(tfguard(['check', INCIDENT, '--dir', await configDir({ waivers: [{ ...base, reason: '  ' }] })]), 'waivers[0].reason');
  });
});

describe('secrets', () => {
  it.each(['sensitive-values', 'incident-null-resource'])('%s: the secret appears in no output', async (name) => {
    const { secret } = JSON.parse(readFileSync(join(FIXTURES_DIR, name, 'scenario.json'), 'utf8')) as { secret: string };
    expect(secret.length).toBeGreaterThan(8);
    // The plan does hold it in clear text.
    expect(readFileSync(join(FIXTURES_DIR, name, 'plan.json'), 'utf8')).toContain(secret);
    for (const format of ['text', 'json']) {
      for (const env of [{}, { NO_COLOR: undefined, FORCE_COLOR: '1' }]) {
        const run = tfguard(['check', plan(name), '--dir', `fixtures/${name}/src`, '--format', format], { env });
        expect(run.code, run.stderr).toBe(1);
        expect(run.stdout.length).toBeGreaterThan(100);
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
      const out = join(await mkdtemp(join(tmp, 'secret-')), `report.${format}`);
      const run = tfguard(['check', plan(name), '--format', format, '--output', out]);
      expect(run.code).toBe(1);
      expect(await readFile(out, 'utf8')).not.toContain(secret);
    }
  });
});

describe('several plans in one run', () => {
  it('gives one combined report; the worst decision wins the exit code', () => {
    const run = tfguard(['check', plan('add-worker'), plan('removed-from-config'), INCIDENT, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const set = json(run);
    expect(set).toMatchObject({ tool: 'tfguard', decision: 'block' });
    expect(set.plans.map((p: any) => [p.plan.source, p.decision])).toEqual([
      [plan('add-worker'), 'pass'],
      [plan('removed-from-config'), 'warn'],
      [INCIDENT, 'block'],
    ]);
    const text = tfguard(['check', plan('add-worker'), plan('removed-from-config')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('WARN: 2 plans: 0 blocked, 1 to review, 1 passed.');
  });

  it('reads each plan with the sources of its own folder when --dir is not given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfguard-stack-'));
    cpSync(join(FIXTURES_DIR, 'incident', 'src'), dir, { recursive: true });
    cpSync(join(FIXTURES_DIR, 'incident', 'plan.json'), join(dir, 'plan.json'));
    const report = json(tfguard(['check', join(dir, 'plan.json'), '--format', 'json']));
    expect(report.findings.filter((f: any) => f.rule === 'destroy-provisioner')).toHaveLength(3);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes several formats in one run with --format F=FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfguard-out-'));
    const run = tfguard(['check', INCIDENT, '--format', 'text', '--format', `json=${join(dir, 'r.json')}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('BLOCKED');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).decision).toBe('block');
    expectOneLineError(tfguard(['check', INCIDENT, '--format', 'text', '--format', 'json']), 'only one format can go to stdout');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('rules, --version, colors', () => {
  it('tfguard rules lists all 12 rules', () => {
    const run = tfguard(['rules']);
    expect(run.code, run.stderr).toBe(0);
    const ids = run.stdout
      .split('\n\n')[0]!
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(RULE_IDS);
    const rows = json(tfguard(['rules', '--format', 'json']));
    expect(rows.map((r: any) => r.id)).toEqual(RULE_IDS);
    for (const r of rows) expect(['block', 'warn']).toContain(r.severity);
  });

  it('--version prints 0.1.0', () => {
    const run = tfguard(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('0.1.0');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('0.1.0');
  });

  it('--help exits 0', () => {
    const run = tfguard(['check', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--fail-on');
  });

  it('FORCE_COLOR=1 colors the text report', () => {
    const run = tfguard(['check', INCIDENT], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(ANSI);
  });

  it('NO_COLOR=1 (and no TTY) gives no color', () => {
    const run = tfguard(['check', INCIDENT]);
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stdout).not.toContain('\u001b');
  });

  it('--no-color wins over FORCE_COLOR', () => {
    const run = tfguard(['check', INCIDENT, '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('\u001b');
  });

  it('FORCE_COLOR=0 gives no color, and JSON is never colored', () => {
    expect(tfguard(['check', INCIDENT], { env: { NO_COLOR: undefined, FORCE_COLOR: '0' } }).stdout).not.toContain('\u001b');
    const run = tfguard(['check', INCIDENT, '--format', 'json'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(run.stdout).not.toContain('\u001b');
    expect(json(run).decision).toBe('block');
  });

  it('dist/ is built from the current sources', () => {
    expect(existsSync(join(ROOT, 'dist', 'src', 'cli.js'))).toBe(true);
  });
});
