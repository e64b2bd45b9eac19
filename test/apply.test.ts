/**
 * `tfguard apply` end to end: the built CLI as a subprocess against real Terraform workspaces (builtin
 * `terraform_data` only, so nothing is downloaded), a pseudo-terminal for the prompt, signals, a fake
 * terraform for the exit paths a real one cannot be made to take on demand, and a wrapper around the real one
 * whose plan is interrupted late (and still written). Each test works on its own copy of a workspace whose
 * state was made by `terraform apply` directly; a destroy-time provisioner that runs leaves a `marker-KEY` file,
 * so "nothing was destroyed" is proven, not assumed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FATAL_SIGNALS } from '../src/terraform/signals.js';
import { FIXTURES_DIR, hasTerraform, NO_TERRAFORM, ROOT } from './helpers/env.js';
import {
  auditRecords,
  commandLine,
  copyWorkspace,
  descendants,
  entries,
  FAKE_TERRAFORM_SOURCE,
  freshDir,
  hasBash,
  hasScript,
  isRunning,
  killStragglers,
  makeWorkspace,
  NO_BASH,
  NO_SCRIPT,
  ptyTfguard,
  scratchDir,
  SLOW_PLAN_SOURCE,
  startTfguard,
  stateList,
  terraform,
  terraformScript,
  tfguard,
  waitUntil,
  type Run,
} from './helpers/workspace.js';

/** A title that says why the test is skipped. */
function title(text: string, ...needs: [boolean, string][]): string {
  const missing = needs.filter(([ok]) => !ok).map(([, why]) => why);
  return missing.length === 0 ? text : `${text} [skipped: ${missing.join('; ')}]`;
}
const TF: [boolean, string] = [hasTerraform, NO_TERRAFORM.replace('saved binary plan tests', 'apply end-to-end tests')];
const PTY: [boolean, string] = [hasScript, NO_SCRIPT];
const BASH: [boolean, string] = [hasBash, NO_BASH];

const SECRET = 'TOPSECRET';
/** Above the largest pid_max Linux allows (2^22): never a running process. */
const NEVER_A_PID = 4_194_305;

/**
 * Three control planes whose reset helpers are replaced when `node_naming` changes their machine config (the
 * incident), a set of workers (`workers`, comma-separated keys), and a sensitive token.
 */
const CLUSTER_TF = `
variable "node_naming" {
  type    = string
  default = "ip"
}

variable "workers" {
  type    = string
  default = "a,b"
}

variable "token" {
  type      = string
  sensitive = true
  default   = "${SECRET}-default-0000"
}

locals {
  control_planes = {
    powder = "192.168.111.191"
    fresh  = "192.168.111.192"
    storm  = "192.168.111.193"
  }
}

resource "terraform_data" "machine_config" {
  for_each = local.control_planes
  input = {
    node = var.node_naming == "hostname" ? "\${each.key}.homelab.lan" : each.value
  }
}

resource "terraform_data" "cp_reset_on_destroy" {
  for_each = local.control_planes

  triggers_replace = {
    node = terraform_data.machine_config[each.key].output.node
  }

  input = {
    node = each.value
  }

  # Stands in for talosctl reset: the marker file proves that the destroy-time provisioner ran.
  provisioner "local-exec" {
    when    = destroy
    command = "touch \${path.module}/marker-\${each.key}"
  }
}

resource "terraform_data" "worker" {
  for_each = toset(split(",", var.workers))
  input = {
    name = each.key
  }
}

resource "terraform_data" "credentials" {
  input = {
    token = var.token
  }
}
`;

/** An apply that takes a while: each `slow` instance runs a create-time provisioner for 8 seconds. */
const SLOW_TF = `
variable "slow" {
  type    = number
  default = 0
}

resource "terraform_data" "anchor" {
  input = "anchor"
}

resource "terraform_data" "slow" {
  count = var.slow
  input = "slow-\${count.index}"

  provisioner "local-exec" {
    # exec: the provisioner's process is the sleep itself, so stopping it leaves no orphan behind.
    command = "exec sleep 8"
  }
}
`;

const INCIDENT_ARGS = ['-auto-approve', '-var', 'node_naming=hostname'];
const RESET_KEYS = ['fresh', 'powder', 'storm'];
const INCIDENT_RULES = ['blast-radius', 'destroy-provisioner', 'reset-on-destroy-replaced'];
const YES_PROMPT = /Apply this plan\? Only "yes" will be accepted: /;

let cluster = '';
let slow = '';

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  scratchDir();
  if (hasTerraform) {
    cluster = makeWorkspace('cluster', { 'main.tf': CLUSTER_TF });
    slow = makeWorkspace('slow', { 'main.tf': SLOW_TF });
  }
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

const state = (dir: string) => readFileSync(join(dir, 'terraform.tfstate'));
const markers = (dir: string) => entries(dir, 'marker-');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const tfguardPlans = (tmp: string) => entries(tmp, 'tfguard-plan-');

function instanceIds(dir: string, type: string, name: string): Record<string, string> {
  const s = JSON.parse(state(dir).toString('utf8'));
  const resource = s.resources.find((r: any) => r.type === type && r.name === name);
  return Object.fromEntries((resource?.instances ?? []).map((i: any) => [i.index_key ?? '', i.attributes.id]));
}

/** Exit 2 with exactly one line on stderr, `tfguard: ...`, and no stack trace. */
function expectOneLineError(run: Run, ...parts: string[]): void {
  expect(run.code, `stdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(2);
  const lines = run.stderr.replace(/\n$/, '').split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tfguard: /);
  expect(run.stderr).not.toContain('    at ');
  for (const part of parts) expect(lines[0]).toContain(part);
}

/**
 * The newest audit record, after checking what every record must hold: the decision, a plan sha256 when a plan
 * was made, no secret anywhere in the file, `-var` values hidden, the terraform exit code.
 */
function expectAudit(
  dir: string,
  want: { decision: string; plan: boolean; terraformExit?: number | null; count?: number; hidden?: string[] },
  path = join(dir, '.tfguard', 'audit.jsonl'),
): any {
  expect(existsSync(path), `${path} exists`).toBe(true);
  const text = readFileSync(path, 'utf8');
  expect(text).not.toContain(SECRET);
  for (const value of want.hidden ?? []) expect(text).not.toContain(value);
  const records = auditRecords(dir, path);
  if (want.count !== undefined) expect(records).toHaveLength(want.count);
  const record = records.at(-1);
  expect(record.decision, record.why).toBe(want.decision);
  if (want.plan) expect(record.plan.sha256).toMatch(/^[0-9a-f]{64}$/);
  else expect(record.plan.sha256).toBeNull();
  if (want.terraformExit !== undefined) expect(record.terraform_exit_code).toBe(want.terraformExit);
  const args: string[] = record.args;
  args.forEach((arg, i) => {
    if (arg === '-var') expect(args[i + 1]).toMatch(/^[^=]+=\(hidden\)$/);
    if (arg.startsWith('-var=')) expect(arg).toMatch(/^-var=[^=]+=\(hidden\)$/);
  });
  expect(typeof record.why).toBe('string');
  expect(record.why.length).toBeGreaterThan(0);
  expect(record.user).toEqual(expect.any(String));
  expect(record.dir).toBe(dir);
  return record;
}

/**
 * What tfguard itself printed: its report (from its header on) and stderr. Terraform's own plan output comes
 * first and is not tfguard's to mask (it shows the prior `output` of a terraform_data in clear).
 */
function ownOutput(run: Run): string {
  const at = run.stdout.indexOf('tfguard 0.1.0 · ');
  expect(at, run.stdout).toBeGreaterThanOrEqual(0);
  return run.stdout.slice(at) + run.stderr;
}

const rulesOf = (record: any): string[] => [...new Set<string>(record.findings.map((f: any) => f.rule))].sort();

describe.skipIf(!hasTerraform)('the incident', () => {
  it(title('node_naming=hostname under -auto-approve is refused: nothing destroyed, state byte-identical', TF), async () => {
    const ws = copyWorkspace(cluster, 'incident');
    const before = state(ws);
    const tmp = freshDir('tmpdir');
    const run = await tfguard(['apply', ...INCIDENT_ARGS, `-var=token=${SECRET}-cli-4242`], { cwd: ws, env: { TMPDIR: tmp } });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(markers(ws)).toEqual([]);
    expect(state(ws).equals(before)).toBe(true);
    expect(existsSync(join(ws, 'terraform.tfstate.backup'))).toBe(false);
    expect(run.stdout).toContain('destroy-provisioner');
    expect(run.stdout).toContain('blast-radius');
    expect(run.stdout).toContain('touch ./marker-powder');
    expect(run.stderr).toContain('refused');
    expect(ownOutput(run)).not.toContain(SECRET);
    expect(tfguardPlans(tmp)).toEqual([]);

    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null, count: 1, hidden: ['hostname'] });
    expect(rulesOf(record)).toEqual(INCIDENT_RULES);
    expect(record.findings.every((f: any) => f.severity === 'block')).toBe(true);
    expect(record.args).toEqual(['-auto-approve', '-var', 'node_naming=(hidden)', '-var=token=(hidden)']);
    expect(record.plan.file).toBe('(private temp file)');
    expect(record.summary).toMatchObject({ create: 0, update: 4, replace: 3, delete: 0 });
    expect(record.terraform).toEqual({ bin: 'terraform', version: expect.stringMatching(/^1\./) });
  }, 30_000);

  it(title('every rule overridden and -auto-approve: refused, the overrides listed with what would run; nothing destroyed', TF), async () => {
    const ws = copyWorkspace(cluster, 'incident-allowed-auto');
    const before = state(ws);
    const allow = INCIDENT_RULES.flatMap((rule) => ['--allow', rule]);
    const run = await tfguard(['apply', ...INCIDENT_ARGS, ...allow, '--reason', 'CHG-7 rebuild every control plane'], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('PASS with 5 overridden findings: nothing else fired; -auto-approve is refused and a person must confirm on a terminal.');
    expect(run.stdout).toContain('runs at destroy time (local-exec, main.tf:45): touch ./marker-storm');
    expect(run.stderr).toContain(
      'tfguard: refused: -auto-approve refused: 5 finding(s) (overridden: blast-radius, destroy-provisioner, reset-on-destroy-replaced) need a person.',
    );
    expect(state(ws).equals(before)).toBe(true);
    expect(markers(ws)).toEqual([]);
    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null, hidden: ['hostname'] });
    expect([...new Set(record.overrides.map((o: any) => o.rule))].sort()).toEqual(INCIDENT_RULES);
  }, 30_000);

  it.skipIf(!hasScript)(
    title('every rule overridden, on a terminal: a person types "destroy 3", and the destroy-time provisioners do run (the markers are real)', TF, PTY),
    async () => {
      const ws = copyWorkspace(cluster, 'incident-allowed');
      const allow = INCIDENT_RULES.flatMap((rule) => ['--allow', rule]);
      const pty = ptyTfguard(['apply', '-var', 'node_naming=hostname', ...allow, '--reason', 'CHG-7 rebuild every control plane'], { cwd: ws });
      await pty.waitFor(/This plan destroys 3 instance\(s\), with 5 overridden finding\(s\) \(listed above\)\. To apply it anyway, type "destroy 3": /);
      expect(pty.output()).toContain('PASS with 5 overridden findings');
      expect(markers(ws)).toEqual([]);
      pty.type('destroy 3\n');
      const { code, output } = await pty.done;

      expect(code, output).toBe(0);
      expect(markers(ws)).toEqual(RESET_KEYS.map((k) => `marker-${k}`));
      const record = expectAudit(ws, { decision: 'applied', plan: true, terraformExit: 0, hidden: ['hostname'] });
      expect(record.findings).toEqual([]);
      expect([...new Set(record.overrides.map((o: any) => o.rule))].sort()).toEqual(INCIDENT_RULES);
      expect(record.overrides.every((o: any) => o.reason === 'CHG-7 rebuild every control plane' && o.address === null)).toBe(true);
      expect(record.why).toBe('Plan: 3 to add, 3 to change, 3 to destroy (3 replaced: destroyed and created again).');
    },
    30_000,
  );

  it(title('--expect names the intended change: the rest shows up as unexpected-change', TF), async () => {
    const ws = copyWorkspace(cluster, 'expect');
    const before = state(ws);
    const run = await tfguard(['apply', ...INCIDENT_ARGS, '-var', 'workers=a,b,c', '--expect', 'terraform_data.worker["c"]'], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('unexpected-change');
    expect(run.stdout).toContain('--expect terraform_data.worker["c"]');
    expect(state(ws).equals(before)).toBe(true);
    expect(markers(ws)).toEqual([]);
    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null, hidden: ['hostname', 'a,b,c'] });
    expect(record.expect).toEqual(['terraform_data.worker["c"]']);
    expect(rulesOf(record)).toContain('unexpected-change');
    const unexpected = record.findings.filter((f: any) => f.rule === 'unexpected-change');
    expect(unexpected.find((f: any) => f.severity === 'block').addresses).toEqual(RESET_KEYS.map((k) => `terraform_data.cp_reset_on_destroy["${k}"]`));
  }, 30_000);
});

describe.skipIf(!hasTerraform)('a safe change', () => {
  it(title('one more worker under -auto-approve is applied', TF), async () => {
    const ws = copyWorkspace(cluster, 'safe');
    const tmp = freshDir('tmpdir');
    const run = await tfguard(['apply', '-auto-approve', '-var', 'workers=a,b,c', '-var', `token=${SECRET}-cli-4242`], { cwd: ws, env: { TMPDIR: tmp } });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('PASS: no rule fired.');
    expect(run.stdout).toContain('Apply complete!');
    expect(ownOutput(run)).not.toContain(SECRET);
    expect(stateList(ws)).toContain('terraform_data.worker["c"]');
    expect(markers(ws)).toEqual([]);
    expect(tfguardPlans(tmp)).toEqual([]);
    const record = expectAudit(ws, { decision: 'applied', plan: true, terraformExit: 0, count: 1, hidden: ['a,b,c'] });
    expect(record.findings).toEqual([]);
    expect(record.why).toBe('Plan: 1 to add, 1 to change, 0 to destroy.');
  }, 30_000);
});

describe.skipIf(!hasTerraform)('no terminal', () => {
  // --expect on an address the plan does not touch: the new worker is an unexpected change, a warn finding.
  const WARN_ONLY = ['-var', 'workers=a,b,c', '--expect', 'terraform_data.worker["zzz"]'];

  it(title('warn findings without -auto-approve are refused: nobody can confirm', TF), async () => {
    const ws = copyWorkspace(cluster, 'no-tty-warn');
    const before = state(ws);
    const run = await tfguard(['apply', ...WARN_ONLY], { cwd: ws, stdin: 'ignore' });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('refused');
    expect(run.stderr).toContain('nobody can confirm');
    expect(state(ws).equals(before)).toBe(true);
    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null });
    expect(record.findings).toEqual([{ rule: 'unexpected-change', severity: 'warn', addresses: ['terraform_data.worker["c"]'] }]);
  }, 30_000);

  it(title('warn findings with -auto-approve are refused', TF), async () => {
    const ws = copyWorkspace(cluster, 'auto-approve-warn');
    const before = state(ws);
    const run = await tfguard(['apply', '-auto-approve', ...WARN_ONLY], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('-auto-approve refused');
    expect(state(ws).equals(before)).toBe(true);
    expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null });
  }, 30_000);

  it(title('the incident with its rules set to warn in .tfguard.json is still refused on a closed stdin', TF), async () => {
    const ws = copyWorkspace(cluster, 'no-tty-config-warn');
    writeFileSync(join(ws, '.tfguard.json'), JSON.stringify({ rules: Object.fromEntries(INCIDENT_RULES.map((r) => [r, 'warn'])) }));
    const before = state(ws);
    const run = await tfguard(['apply', '-var', 'node_naming=hostname'], { cwd: ws, stdin: 'pipe' });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('nobody can confirm');
    expect(markers(ws)).toEqual([]);
    expect(state(ws).equals(before)).toBe(true);
    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null });
    expect(record.findings.every((f: any) => f.severity === 'warn')).toBe(true);
  }, 30_000);

  it(title('a clean plan without -auto-approve is refused: no terminal to confirm on', TF), async () => {
    const ws = copyWorkspace(cluster, 'no-tty-clean');
    const run = await tfguard(['apply', '-var', 'workers=a,b,c'], { cwd: ws, stdin: 'ignore' });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('no terminal to confirm on');
    expect(stateList(ws)).not.toContain('terraform_data.worker["c"]');
    expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null });
  }, 30_000);
});

describe.skipIf(!hasTerraform || !hasScript)('on a terminal', () => {
  it(title('a clean plan asks for "yes"; "yes" applies', TF, PTY), async () => {
    const ws = copyWorkspace(cluster, 'pty-yes');
    const pty = ptyTfguard(['apply', '-var', 'workers=a,b,c'], { cwd: ws });
    await pty.waitFor(YES_PROMPT);
    expect(stateList(ws)).not.toContain('terraform_data.worker["c"]');
    pty.type('yes\n');
    const { code, output } = await pty.done;

    expect(code, output).toBe(0);
    expect(output).toContain('Apply complete!');
    expect(stateList(ws)).toContain('terraform_data.worker["c"]');
    expectAudit(ws, { decision: 'applied', plan: true, terraformExit: 0 });
  }, 30_000);

  it(title('warn findings ask for "accept 1": "yes" declines, the phrase applies', TF, PTY), async () => {
    const ws = copyWorkspace(cluster, 'pty-phrase');
    const args = ['-var', 'workers=a,b,c', '--expect', 'terraform_data.worker["zzz"]'];
    const before = state(ws);

    const first = ptyTfguard(['apply', ...args], { cwd: ws });
    await first.waitFor(/To apply it anyway, type "accept 1": /);
    first.type('yes\n');
    const declined = await first.done;
    expect(declined.code, declined.output).toBe(1);
    expect(declined.output).toContain('declined: nothing was applied.');
    expect(state(ws).equals(before)).toBe(true);
    expectAudit(ws, { decision: 'declined', plan: true, terraformExit: null, count: 1 });

    const second = ptyTfguard(['apply', ...args], { cwd: ws });
    await second.waitFor(/type "accept 1": /);
    second.type('accept 1\n');
    const applied = await second.done;
    expect(applied.code, applied.output).toBe(0);
    expect(stateList(ws)).toContain('terraform_data.worker["c"]');
    expectAudit(ws, { decision: 'applied', plan: true, terraformExit: 0, count: 2 });
  }, 30_000);

  it(title('a plan that destroys asks for "destroy 3"; typing it runs the destroy-time provisioners', TF, PTY), async () => {
    const ws = copyWorkspace(cluster, 'pty-destroy');
    writeFileSync(join(ws, '.tfguard.json'), JSON.stringify({ rules: Object.fromEntries(INCIDENT_RULES.map((r) => [r, 'warn'])) }));
    const pty = ptyTfguard(['apply', '-var', 'node_naming=hostname'], { cwd: ws });
    await pty.waitFor(/This plan destroys 3 instance\(s\)\. To apply it anyway, type "destroy 3": /);
    expect(markers(ws)).toEqual([]);
    pty.type('destroy 3\n');
    const { code, output } = await pty.done;
    expect(code, output).toBe(0);
    expect(markers(ws)).toEqual(RESET_KEYS.map((k) => `marker-${k}`));
    const record = expectAudit(ws, { decision: 'applied', plan: true, terraformExit: 0, hidden: ['hostname'] });
    expect(rulesOf(record)).toEqual(INCIDENT_RULES);
  }, 30_000);

  it(title('Ctrl-C at the prompt declines: nothing applied, the temp plan removed', TF, PTY), async () => {
    const ws = copyWorkspace(cluster, 'pty-ctrl-c');
    const before = state(ws);
    const tmp = freshDir('tmpdir');
    const pty = ptyTfguard(['apply', '-var', 'workers=a,b,c'], { cwd: ws, env: { TMPDIR: tmp } });
    await pty.waitFor(YES_PROMPT);
    expect(tfguardPlans(tmp)).toHaveLength(1);
    pty.type('\x03');
    const { code, output } = await pty.done;

    expect(code, output).toBe(1);
    expect(output).toContain('declined: nothing was applied.');
    expect(output).not.toContain('Apply complete!');
    expect(state(ws).equals(before)).toBe(true);
    expect(tfguardPlans(tmp)).toEqual([]);
    expectAudit(ws, { decision: 'declined', plan: true, terraformExit: null });
  }, 30_000);

  it(title('a saved plan changed while the person reads it is refused', TF, PTY), async () => {
    const ws = copyWorkspace(cluster, 'pty-swapped-plan');
    terraform(ws, ['plan', '-input=false', '-no-color', '-var', 'workers=a,b,c', '-out=p.tfplan']);
    terraform(ws, ['plan', '-input=false', '-no-color', '-var', 'node_naming=hostname', '-out=other.tfplan']);
    const reviewed = readFileSync(join(ws, 'p.tfplan'));
    const before = state(ws);

    const pty = ptyTfguard(['apply', 'p.tfplan'], { cwd: ws });
    await pty.waitFor(YES_PROMPT);
    // The other plan is valid for the same state: terraform itself would apply it.
    copyFileSync(join(ws, 'other.tfplan'), join(ws, 'p.tfplan'));
    pty.type('yes\n');
    const { code, output } = await pty.done;

    expect(code, output).toBe(1);
    expect(output).toContain('changed after it was reviewed');
    expect(output).not.toContain('Apply complete!');
    expect(markers(ws)).toEqual([]);
    expect(state(ws).equals(before)).toBe(true);
    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null });
    expect(record.plan.sha256).toBe(sha256(reviewed));
    expect(record.plan.file).toBe(join(ws, 'p.tfplan'));
  }, 30_000);
});

describe.skipIf(!hasTerraform)('--allow RULE --reason TEXT', () => {
  const REPLACE_BOTH = ['-replace=terraform_data.worker["a"]', '-replace=terraform_data.worker["b"]'];

  it(title('replacing both workers is blocked by blast-radius alone; --allow with -auto-approve is still refused (a person must confirm)', TF), async () => {
    const ws = copyWorkspace(cluster, 'allow');
    const ids = instanceIds(ws, 'terraform_data', 'worker');

    const blocked = await tfguard(['apply', '-auto-approve', ...REPLACE_BOTH], { cwd: ws });
    expect(blocked.code, blocked.stdout + blocked.stderr).toBe(1);
    expect(rulesOf(expectAudit(ws, { decision: 'refused', plan: true, count: 1 }))).toEqual(['blast-radius']);

    const allowed = await tfguard(['apply', '-auto-approve', ...REPLACE_BOTH, '--allow', 'blast-radius', '--reason', 'CHG-1 planned'], { cwd: ws });
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(1);
    expect(allowed.stderr).toContain('-auto-approve refused: 1 finding(s) (overridden: blast-radius) need a person.');
    expect(instanceIds(ws, 'terraform_data', 'worker')).toEqual(ids);
    const record = expectAudit(ws, { decision: 'refused', plan: true, terraformExit: null, count: 2 });
    expect(record.findings).toEqual([]);
    expect(record.overrides).toEqual([
      { rule: 'blast-radius', address: null, reason: 'CHG-1 planned', addresses: ['terraform_data.worker["a"]', 'terraform_data.worker["b"]'] },
    ]);

    // No terminal either: nobody can confirm.
    const piped = await tfguard(['apply', ...REPLACE_BOTH, '--allow', 'blast-radius', '--reason', 'CHG-1 planned'], { cwd: ws });
    expect(piped.code, piped.stdout + piped.stderr).toBe(1);
    expect(piped.stderr).toContain('1 finding(s) (overridden: blast-radius) and no terminal: nobody can confirm.');
    expect(instanceIds(ws, 'terraform_data', 'worker')).toEqual(ids);
  }, 30_000);

  it.skipIf(!hasScript)(
    title('--allow on a terminal: "destroy 2" applies it, and the override is recorded', TF, PTY),
    async () => {
      const ws = copyWorkspace(cluster, 'allow-pty');
      const ids = instanceIds(ws, 'terraform_data', 'worker');
      const pty = ptyTfguard(['apply', ...REPLACE_BOTH, '--allow', 'blast-radius', '--reason', 'CHG-1 planned'], { cwd: ws });
      await pty.waitFor(/type "destroy 2": /);
      pty.type('destroy 2\n');
      const { code, output } = await pty.done;
      expect(code, output).toBe(0);
      const after = instanceIds(ws, 'terraform_data', 'worker');
      expect(Object.keys(after).sort()).toEqual(['a', 'b']);
      expect(after.a).not.toBe(ids.a);
      expect(after.b).not.toBe(ids.b);
      const record = expectAudit(ws, { decision: 'applied', plan: true, terraformExit: 0, count: 1 });
      expect(record.overrides).toEqual([
        { rule: 'blast-radius', address: null, reason: 'CHG-1 planned', addresses: ['terraform_data.worker["a"]', 'terraform_data.worker["b"]'] },
      ]);
    },
    30_000,
  );

  it(title('--allow without --reason, and --allow of an unknown rule, exit 2 with one line and apply nothing', TF), async () => {
    const ws = copyWorkspace(cluster, 'allow-usage');
    const before = state(ws);

    const noReason = await tfguard(['apply', '-auto-approve', ...REPLACE_BOTH, '--allow', 'blast-radius'], { cwd: ws });
    expectOneLineError(noReason, '--allow needs --reason');
    expect(noReason.stdout).toBe('');

    const unknown = await tfguard(['apply', '-auto-approve', ...REPLACE_BOTH, '--allow', 'nosuchrule', '--reason', 'x'], { cwd: ws });
    expectOneLineError(unknown, 'nosuchrule', 'no such rule');
    expect(state(ws).equals(before)).toBe(true);
  }, 30_000);
});

describe.skipIf(!hasTerraform)('Ctrl-C while terraform applies', () => {
  it(title('SIGINT reaches terraform, which stops; tfguard exits non-zero, leaves no process, lock or temp plan behind', TF), async () => {
    const ws = copyWorkspace(slow, 'sigint');
    const tmp = freshDir('tmpdir');
    const session = startTfguard(['apply', '-auto-approve', '-var', 'slow=1'], { cwd: ws, stdin: 'ignore', env: { TMPDIR: tmp } });
    const pid = session.child.pid!;
    await waitUntil(
      () => /terraform_data\.slow\[0\]: Creating\.\.\./.test(session.output()),
      () => session.output(),
    );
    await waitUntil(
      () => descendants(pid).some((p) => commandLine(p).startsWith('sleep 8')),
      () => `sleep under ${pid}`,
      10_000,
    );

    const children = descendants(pid);
    expect(
      children.map(commandLine).some((c) => /terraform apply /.test(c)),
      children.map(commandLine).join('\n'),
    ).toBe(true);
    expect(tfguardPlans(tmp)).toHaveLength(1);
    const started = Date.now();
    session.child.kill('SIGINT');
    const run = await session.done;

    expect(run.code, run.stdout + run.stderr).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(7_000); // terraform stopped the provisioner instead of waiting 8 s
    expect(run.stdout + run.stderr).toContain('Interrupt received');
    for (const child of children) expect(isRunning(child), `${child} ${commandLine(child)}`).toBe(false);
    expect(spawnSync('pgrep', ['-f', tmp]).stdout?.toString() ?? '').toBe('');
    expect(tfguardPlans(tmp)).toEqual([]);

    stateList(ws); // the state reads
    terraform(ws, ['plan', '-lock-timeout=5s', '-input=false', '-no-color', '-var', 'slow=1']); // and no lock is left
    expect(existsSync(join(ws, '.terraform.tfstate.lock.info'))).toBe(false);
    expectAudit(ws, { decision: 'failed', plan: true, terraformExit: run.code });
  }, 40_000);
});

describe.skipIf(!hasTerraform || !hasBash)('a signal while terraform plans', () => {
  let wrapper = '';
  beforeAll(() => {
    wrapper = terraformScript(SLOW_PLAN_SOURCE);
  });

  /** One more worker under -auto-approve (a clean plan: it would be applied), planned by the slow wrapper. */
  function latePlan(name: string) {
    const ws = copyWorkspace(cluster, name);
    const tmp = freshDir('tmpdir');
    const log = join(freshDir('log'), 'steps.log');
    const session = startTfguard(['apply', '--terraform-bin', wrapper, '-auto-approve', '-var', 'workers=a,b,c'], {
      cwd: ws,
      stdin: 'ignore',
      env: { TMPDIR: tmp, SLOW_TF_LOG: log },
    });
    const steps = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    return { ws, tmp, session, steps };
  }

  it.each([
    ['SIGINT', 130, 'INT'],
    ['SIGTERM', 143, 'TERM'],
    ['SIGHUP', 129, 'TERM'],
    ['SIGQUIT', 131, 'TERM'],
    ['SIGUSR1', 138, 'TERM'],
  ] as const)(
    title('%s: terraform gets it (exit %i) and still writes the plan and exits 0, yet nothing is reviewed or applied', TF, BASH),
    async (signal, exit, forwarded) => {
      const { ws, tmp, session, steps } = latePlan(`late-${signal}`);
      const before = state(ws);
      await waitUntil(
        () => steps().includes('plan: waiting'),
        () => steps().join('\n') + session.output(),
      );
      session.child.kill(signal);
      const run = await session.done;

      // The reported behaviour: terraform says it was interrupted, yet writes the plan and exits 0.
      expect(steps()).toEqual(['plan: waiting', `plan: got ${forwarded}`, 'plan: exit 0']);
      expect(run.stdout).toContain('Interrupt received');
      expect(run.code, `exit ${run.code} signal ${run.signal}\n${run.stdout}\n${run.stderr}`).toBe(exit);
      expect(run.stderr).toContain(`tfguard: interrupted by ${signal}: nothing was applied.\n`);
      expect(run.stdout).not.toContain('PASS');
      expect(run.stdout).not.toContain('Apply complete');
      expect(state(ws).equals(before)).toBe(true);
      expect(stateList(ws)).not.toContain('terraform_data.worker["c"]');
      expect(tfguardPlans(tmp)).toEqual([]);
      const record = expectAudit(ws, { decision: 'interrupted', plan: false, terraformExit: 0, count: 1, hidden: ['a,b,c'] });
      expect(record.why).toBe(`interrupted by ${signal} while terraform plan ran; nothing was applied`);
      const log = await tfguard(['log', '--dir', ws, '-n', '1'], { cwd: ROOT });
      expect(log.stdout).toMatch(/^\S+ {2}interrupted {2}/);
      expect(log.stdout).toContain(`interrupted by ${signal} while terraform plan ran; nothing was applied (terraform exit 0)`);
    },
    40_000,
  );
});

describe('tfguard apply -h, -help and --help', () => {
  const HELP_PARTS = [
    'Usage: tfguard apply [tfguard options] [terraform plan options] [PLANFILE]',
    '--allow RULE[=ADDRESS_GLOB]',
    '--expect ADDRESS_GLOB',
    '--terraform-bin PATH',
    '-auto-approve, --auto-approve, -auto-approve=true',
    'go to `terraform plan`',
    '-chdir=DIR',
    '-out',
    'PLANFILE',
    'takes what `terraform apply PLANFILE`',
  ];

  it.each(['-h', '-help', '--help'])("%s prints tfguard's apply help (exit 0) and runs nothing", async (flag) => {
    const ws = freshDir('help');
    const tmp = freshDir('tmpdir');
    const run = await tfguard(['apply', '--terraform-bin', join(ws, 'no-such-terraform'), '-var', 'x=1', flag], { cwd: ws, env: { TMPDIR: tmp } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    for (const part of HELP_PARTS) expect(run.stdout).toContain(part);
    expect(existsSync(join(ws, '.tfguard')), 'no audit log opened').toBe(false);
    expect(tfguardPlans(tmp)).toEqual([]);
  });

  it.skipIf(!hasBash)(title('the fake terraform is never run for any of them', BASH), async () => {
    const ws = freshDir('help-fake');
    const fake = terraformScript(FAKE_TERRAFORM_SOURCE);
    const log = join(ws, 'fake.log');
    for (const flag of ['-h', '-help', '--help']) {
      const run = await tfguard(['apply', '--terraform-bin', fake, flag], { cwd: ws, env: { FAKE_TF_LOG: log } });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('Usage: tfguard apply');
    }
    expect(existsSync(log), existsSync(log) ? readFileSync(log, 'utf8') : '').toBe(false);
  });
});

describe.skipIf(!hasBash)('with a fake terraform', () => {
  let fake = '';
  const ADD_WORKER = join(FIXTURES_DIR, 'add-worker');

  /** A root module with the add-worker fixture's sources; the fake answers with that fixture's plan. */
  function fakeRun(name: string, env: Record<string, string>, args: string[] = ['-auto-approve']) {
    const ws = freshDir(name);
    writeFileSync(join(ws, 'main.tf'), readFileSync(join(ADD_WORKER, 'src', 'main.tf')));
    const tmp = env.TMPDIR ?? freshDir('tmpdir');
    const log = join(ws, 'fake.log');
    const session = startTfguard(['apply', '--terraform-bin', fake, ...args], {
      cwd: ws,
      env: {
        TMPDIR: tmp,
        FAKE_TF_LOG: log,
        FAKE_TF_PLAN: join(FIXTURES_DIR, 'incident', 'plan.tfplan'),
        FAKE_TF_JSON: join(ADD_WORKER, 'plan.json'),
        ...env,
      },
    });
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    return { ws, tmp, session, calls };
  }

  beforeAll(() => {
    fake = terraformScript(FAKE_TERRAFORM_SOURCE);
  });

  it(title("terraform apply's exit code 3 is passed through", BASH), async () => {
    const { ws, tmp, session, calls } = fakeRun('fake-exit-3', { FAKE_TF_APPLY: '3' });
    const run = await session.done;
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(calls().map((c) => c.split(' ')[0])).toEqual(['version', 'plan', 'show', 'apply']);
    // NO_COLOR=1 (every test run has it) reaches terraform apply as -no-color.
    expect(calls()[3]).toMatch(new RegExp(`^apply -input=false -no-color ${tmp}/tfguard-plan-[^/]+/reviewed\\.tfplan$`));
    expect(tfguardPlans(tmp)).toEqual([]);
    const record = expectAudit(ws, { decision: 'failed', plan: true, terraformExit: 3 });
    expect(record.plan.sha256).toBe(sha256(readFileSync(join(FIXTURES_DIR, 'incident', 'plan.tfplan'))));
    expect(record.terraform).toEqual({ bin: fake, version: '1.11.4' });
    expect(record.why).toBe('terraform apply exited 3');
  }, 20_000);

  it(title('terraform killed mid-apply: tfguard exits non-zero and records the failure', BASH), async () => {
    const { ws, tmp, session, calls } = fakeRun('fake-crash', { FAKE_TF_APPLY: 'crash' });
    const run = await session.done;
    expect(run.code, run.stdout + run.stderr).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(calls()).toContain('apply: crashing');
    expect(tfguardPlans(tmp)).toEqual([]);
    const record = expectAudit(ws, { decision: 'failed', plan: true });
    expect(record.terraform_exit_code).toBe(run.code);
    expect(record.terraform_exit_code).not.toBe(0);
  }, 20_000);

  it(title('terraform plan failing (exit 1) is an error (exit 2): nothing reviewed, nothing applied', BASH), async () => {
    const { ws, tmp, session, calls } = fakeRun('fake-plan-fails', { FAKE_TF_PLAN_EXIT: '1' });
    const run = await session.done;
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(calls().map((c) => c.split(' ')[0])).toEqual(['version', 'plan']);
    expect(tfguardPlans(tmp)).toEqual([]);
    const record = expectAudit(ws, { decision: 'failed', plan: false, terraformExit: 1 });
    expect(record.why).toBe('terraform plan exited 1');
  }, 20_000);

  it(title('terraform plan exiting 0 without writing the plan is an error (exit 2, one line): nothing applied', BASH), async () => {
    const { ws, tmp, session, calls } = fakeRun('fake-plan-none', { FAKE_TF_PLAN_NONE: '1' });
    const run = await session.done;
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toBe(`tfguard: ${fake} plan exited 0 but wrote no plan; nothing was applied\n`);
    expect(calls().map((c) => c.split(' ')[0])).toEqual(['version', 'plan']);
    expect(tfguardPlans(tmp)).toEqual([]);
    expectAudit(ws, { decision: 'failed', plan: false, terraformExit: null });
  }, 20_000);

  it.each(FATAL_SIGNALS.map((signal) => [signal, 128 + constants.signals[signal]] as const))(
    title('%s while tfguard reviews the plan: stops at once (exit %i), recorded, nothing applied, the temp plan removed', BASH),
    async (signal, exit) => {
      const { ws, tmp, session, calls } = fakeRun(`fake-${signal}-review`, { FAKE_TF_SHOW_DELAY: '5' });
      await waitUntil(
        () => calls().includes('show: waiting'),
        () => calls().join('\n'),
        15_000,
      );
      expect(tfguardPlans(tmp)).toHaveLength(1);
      const sent = Date.now();
      session.child.kill(signal);
      const run = await session.done;
      expect(Date.now() - sent).toBeLessThan(3_000); // not after the fake's 5 s
      expect(run.code, `exit ${run.code} signal ${run.signal}\n${run.stderr}`).toBe(exit);
      expect(run.stderr).toContain(`tfguard: interrupted by ${signal}: nothing was applied.\n`);
      expect(calls().some((c) => c.startsWith('apply'))).toBe(false);
      expect(tfguardPlans(tmp)).toEqual([]);
      const record = expectAudit(ws, { decision: 'interrupted', plan: true, terraformExit: null, count: 1 });
      expect(record.why).toBe(`interrupted by ${signal}; nothing was applied`);
    },
    20_000,
  );

  // 6 s to stop: longer than the 5 s after which execa would SIGKILL a child it sent SIGTERM (terraform killed
  // mid-stop leaves its state lock behind and may lose state).
  it.each([
    ['SIGTERM', 'TERM'],
    ['SIGQUIT', 'TERM'],
  ] as const)(
    title('%s while terraform applies is passed on as SIG%s; terraform finishes its stop and its exit code is passed through', BASH),
    async (signal, forwarded) => {
      const { ws, tmp, session, calls } = fakeRun(`fake-${signal}-apply`, { FAKE_TF_APPLY: '1', FAKE_TF_APPLY_STOP: '6' });
      await waitUntil(
        () => calls().includes('apply: waiting'),
        () => calls().join('\n'),
        15_000,
      );
      session.child.kill(signal);
      const run = await session.done;
      expect(run.code, `exit ${run.code} signal ${run.signal}\n${run.stderr}`).toBe(1);
      expect(calls().slice(-3)).toEqual(['apply: waiting', `apply: got ${forwarded}`, 'apply: stopped']);
      expect(run.stderr).not.toContain('nothing was applied');
      expect(tfguardPlans(tmp)).toEqual([]);
      const record = expectAudit(ws, { decision: 'failed', plan: true, terraformExit: 1, count: 1 });
      expect(record.why).toBe('terraform apply exited 1');
    },
    30_000,
  );

  it(title('on start, temp plan folders older than a day whose process is gone are removed; a live one is kept', BASH), async () => {
    const tmp = freshDir('tmpdir');
    const twoDaysAgo = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
    const dead = `tfguard-plan-${NEVER_A_PID}-aaaaaa`;
    const live = `tfguard-plan-${process.pid}-bbbbbb`; // this test's own process: running
    const legacy = 'tfguard-plan-cccccc'; // made before the pid was in the name
    for (const name of [dead, live, legacy]) {
      mkdirSync(join(tmp, name));
      writeFileSync(join(tmp, name, 'reviewed.tfplan'), 'a plan');
      utimesSync(join(tmp, name), twoDaysAgo, twoDaysAgo);
    }
    const { session, calls } = fakeRun('fake-stale', { TMPDIR: tmp });
    const run = await session.done;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Its own folder is named for its pid, and removed at the end like every temp plan.
    expect(calls().find((c) => c.startsWith('apply'))).toContain(`${tmp}/tfguard-plan-${session.child.pid}-`);
    expect(tfguardPlans(tmp)).toEqual([live]);
  }, 20_000);
});

describe.skipIf(!hasTerraform)('the audit log', () => {
  it(title('one that cannot be written refuses before anything runs (exit 2)', TF), async () => {
    const ws = copyWorkspace(cluster, 'audit-unwritable');
    const before = state(ws);
    // Under /proc, mkdir says ENOENT although the parent exists: Node's recursive mkdir spun there forever.
    const run = await tfguard(['apply', '-auto-approve', '-var', 'workers=a,b,c', '--audit-log', '/proc/forbidden/x.jsonl'], { cwd: ws, timeout: 10_000 });
    expectOneLineError(run, '/proc/forbidden/x.jsonl', 'cannot write the audit log');
    expect(state(ws).equals(before)).toBe(true);
    // root may write anywhere, so a read-only folder proves nothing here; a file where a folder should be does.
    const underFile = await tfguard(['apply', '-auto-approve', '-var', 'workers=a,b,c', '--audit-log', 'main.tf/audit.jsonl'], { cwd: ws, timeout: 10_000 });
    expectOneLineError(underFile, join(ws, 'main.tf', 'audit.jsonl'), 'cannot write the audit log');
    expect(state(ws).equals(before)).toBe(true);
    expect(existsSync(join(ws, '.tfguard'))).toBe(false);

    writeFileSync(join(ws, '.tfguard.json'), JSON.stringify({ audit: { log: '/proc/forbidden/y.jsonl' } }));
    const configured = await tfguard(['apply', '-auto-approve', '-var', 'workers=a,b,c'], { cwd: ws, timeout: 10_000 });
    expectOneLineError(configured, '/proc/forbidden/y.jsonl', 'cannot write the audit log');
    expect(state(ws).equals(before)).toBe(true);
  }, 30_000);

  it(title('tfguard log prints the entries newest first; --format json -n 1 prints one record', TF), async () => {
    const ws = copyWorkspace(cluster, 'log');
    expect((await tfguard(['apply', ...INCIDENT_ARGS], { cwd: ws })).code).toBe(1);
    expect((await tfguard(['apply', '-auto-approve', '-var', 'workers=a,b,c'], { cwd: ws })).code).toBe(0);
    const newest = expectAudit(ws, { decision: 'applied', plan: true, count: 2 });

    const text = await tfguard(['log', '--dir', ws], { cwd: ROOT });
    expect(text.code, text.stderr).toBe(0);
    const blocks = text.stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^\S+ {2}applied {2}/);
    expect(blocks[0]).toContain('Plan: 1 to add, 0 to change, 0 to destroy. (terraform exit 0)');
    expect(blocks[1]).toMatch(/^\S+ {2}refused {2}/);
    expect(blocks[1]).toContain('findings: blast-radius (block, 3)');
    expect(blocks[1]).toContain('args: -auto-approve -var node_naming=(hidden)');
    expect(text.stdout).not.toContain('hostname');

    const json = await tfguard(['log', '--dir', ws, '--format', 'json', '-n', '1'], { cwd: ROOT });
    expect(json.code, json.stderr).toBe(0);
    const records = JSON.parse(json.stdout);
    expect(records).toEqual([newest]);
  }, 30_000);
});
