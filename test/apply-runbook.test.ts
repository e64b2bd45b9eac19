/**
 * The runbook of `.tfguard.json` end to end: the built CLI against real Terraform workspaces (builtin
 * `terraform_data`), with commands that write marker files and one shared `order.log`, so that what ran, and in
 * which order, is proven, not assumed. preflight refuses (nothing applied) or lets the apply through;
 * before_destroy runs before the destroy-time provisioner of the instance it snapshots, and a failing one
 * destroys nothing; a placeholder on a sensitive value is refused before anything runs; a timeout and a signal
 * during a command apply nothing.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import {
  auditRecords,
  commandLine,
  copyWorkspace,
  descendants,
  isRunning,
  killStragglers,
  makeWorkspace,
  scratchDir,
  startTfguard,
  terraform,
  tfguard,
  waitUntil,
} from './helpers/workspace.js';
import { orderLog, writeConfig } from './helpers/runbook.js';

const SECRET = 'TOPSECRET-token-0000';

/** Two VMs with a destroy-time provisioner that logs, a sensitive token in their input, and an optional extra. */
const VMS_TF = `
variable "extra" {
  type    = string
  default = ""
}

variable "token" {
  type      = string
  sensitive = true
  default   = "${SECRET}"
}

resource "terraform_data" "vm" {
  for_each = { a = 101, b = 102 }
  input    = { vmid = each.value, token = var.token }

  provisioner "local-exec" {
    when    = destroy
    command = "echo destroy \${each.key} >> order.log"
  }
}

resource "terraform_data" "extra" {
  count = var.extra == "" ? 0 : 1
  input = var.extra
}
`;

/** The VMs' destroy-time provisioner only logs: waived, so that -auto-approve can apply a replacement. */
const WAIVE = [{ rule: 'destroy-provisioner', address: 'terraform_data.vm*', reason: 'logs only (test)', expires: '2099-12-31' }];
const REPLACE_A = '-replace=terraform_data.vm["a"]';
const SNAPSHOT = { name: 'snapshot VM', match: ['terraform_data.vm[*]'], run: 'echo snapshot {key} {before.input.vmid} tfguard-{run_id} >> order.log' };

let vms = '';

beforeAll(() => {
  scratchDir();
  if (hasTerraform) vms = makeWorkspace('vms', { 'main.tf': VMS_TF });
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

const state = (dir: string) => readFileSync(join(dir, 'terraform.tfstate'));
const title = (text: string) => (hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM}]`);
const commandRecords = (dir: string) => auditRecords(dir).filter((r) => r.command);

describe.skipIf(!hasTerraform)('preflight', () => {
  const SEALED = { name: 'vault unsealed', run: 'echo "Vault is sealed: 3 of 5 keys missing" >&2; test -f vault-unsealed', timeout: '30s' };

  it(title('a failing preflight refuses: exit 1, its name, exit code and last lines; nothing applied'), async () => {
    const ws = copyWorkspace(vms, 'preflight-fails');
    writeConfig(ws, { preflight: [SEALED] });
    const before = state(ws);
    const run = await tfguard(['apply', '-auto-approve', '-var', 'extra=x'], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain('tfguard: preflight "vault unsealed": echo "Vault is sealed');
    expect(run.stderr).toContain('[preflight vault unsealed] Vault is sealed: 3 of 5 keys missing');
    expect(run.stderr).toContain(
      'tfguard: refused: preflight "vault unsealed" failed (exit 1): nothing was applied. Its last lines:\n  | Vault is sealed: 3 of 5 keys missing\n',
    );
    expect(run.stdout).not.toContain('Apply complete');
    expect(state(ws).equals(before)).toBe(true);
    const [command, last] = auditRecords(ws);
    expect(command).toMatchObject({ decision: 'failed', command: { phase: 'preflight', name: 'vault unsealed', exit_code: 1, timed_out: false } });
    expect(last).toMatchObject({ decision: 'refused', run_id: command.run_id });
    expect(last.why).toContain('preflight "vault unsealed" failed (exit 1)');
  }, 60_000);

  it(title('a passing one lets the apply through; one whose `when` matches no change does not run'), async () => {
    const ws = copyWorkspace(vms, 'preflight-passes');
    writeFileSync(join(ws, 'vault-unsealed'), '');
    writeConfig(ws, { preflight: [SEALED, { name: 'kubernetes only', run: 'touch k8s-ran; exit 1', when: ['kubernetes_*', 'helm_release.*'] }] });
    const run = await tfguard(['apply', '-auto-approve', '-var', 'extra=x'], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Apply complete! Resources: 1 added');
    expect(existsSync(join(ws, 'k8s-ran'))).toBe(false);
    expect(run.stderr).toContain('preflight "kubernetes only": not for this plan (no change matches when: kubernetes_*, helm_release.*)');
    const records = auditRecords(ws);
    expect(records.map((r) => r.decision)).toEqual(['ran', 'applied']);
    expect(records[0].command).toMatchObject({ name: 'vault unsealed', exit_code: 0 });
  }, 60_000);

  it(title('a preflight that times out refuses; what it started is stopped'), async () => {
    const ws = copyWorkspace(vms, 'preflight-timeout');
    writeConfig(ws, { preflight: [{ name: 'slow', run: 'sleep 20; touch late', timeout: '1s' }] });
    const before = state(ws);
    const started = Date.now();
    const run = await tfguard(['apply', '-auto-approve', '-var', 'extra=x'], { cwd: ws });

    expect(run.code, run.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.stderr).toContain('preflight "slow" failed (timed out after 1s): nothing was applied');
    expect(state(ws).equals(before)).toBe(true);
    expect(commandRecords(ws)[0].command).toMatchObject({ timed_out: true });
  }, 60_000);

  it(title('SIGTERM while a preflight runs: the command is stopped, nothing applied, exit 143'), async () => {
    const ws = copyWorkspace(vms, 'preflight-signal');
    writeConfig(ws, { preflight: [{ name: 'wait', run: 'echo waiting; sleep 30; touch late' }] });
    const before = state(ws);
    const t = startTfguard(['apply', '-auto-approve', '-var', 'extra=x'], { cwd: ws });
    await waitUntil(() => t.output().includes('[preflight wait] waiting'), t.output);
    const sleeping = descendants(t.child.pid!).filter((p) => commandLine(p).includes('sleep 30'));
    expect(sleeping.length).toBeGreaterThan(0);
    t.child.kill('SIGTERM');
    const run = await t.done;

    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain('interrupted by SIGTERM: nothing was applied.');
    expect(sleeping.filter(isRunning)).toEqual([]);
    expect(existsSync(join(ws, 'late'))).toBe(false);
    expect(state(ws).equals(before)).toBe(true);
    expect(auditRecords(ws).map((r) => r.decision)).toEqual(['interrupted', 'interrupted']);
  }, 60_000);
});

describe.skipIf(!hasTerraform)('before_destroy', () => {
  it(title('runs before the destroy-time provisioner of the instance it snapshots (one log file proves the order)'), async () => {
    const ws = copyWorkspace(vms, 'before-destroy');
    writeConfig(ws, { before_destroy: [SNAPSHOT], waivers: WAIVE });
    const run = await tfguard(['apply', '-auto-approve', REPLACE_A], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const records = auditRecords(ws);
    const runId = records.at(-1).run_id;
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(orderLog(ws)).toEqual([`snapshot a 101 tfguard-${runId}`, 'destroy a']);
    expect(run.stderr).toContain(`tfguard: before_destroy "snapshot VM" for terraform_data.vm["a"]: echo snapshot 'a' '101' tfguard-'${runId}' >> order.log`);
    expect(records.map((r) => r.decision)).toEqual(['ran', 'applied']);
    expect(records[0].command).toMatchObject({ phase: 'before_destroy', address: 'terraform_data.vm["a"]', exit_code: 0 });
  }, 60_000);

  it(title('a failing one refuses: nothing is destroyed'), async () => {
    const ws = copyWorkspace(vms, 'before-destroy-fails');
    writeConfig(ws, { before_destroy: [{ ...SNAPSHOT, run: 'echo snapshot {key} >> order.log; echo "storage full" >&2; exit 7' }], waivers: WAIVE });
    const before = state(ws);
    const run = await tfguard(['apply', '-auto-approve', REPLACE_A], { cwd: ws });

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'refused: before_destroy "snapshot VM" for terraform_data.vm["a"] failed (exit 7): nothing was applied; nothing was destroyed. Its last lines:\n  | storage full',
    );
    expect(orderLog(ws)).toEqual(['snapshot a']);
    expect(state(ws).equals(before)).toBe(true);
    expect(auditRecords(ws).map((r) => r.decision)).toEqual(['failed', 'refused']);
  }, 60_000);

  it.each([
    ['{before.input.token}', '{before.input.token} of terraform_data.vm["a"] is sensitive'],
    ['{before.output.token}', '{before.output.token} of terraform_data.vm["a"] is sensitive'],
  ])(
    title('a placeholder on a sensitive value (%s) is refused: exit 2, nothing runs, the secret shown nowhere'),
    async (placeholder, message) => {
      const ws = copyWorkspace(vms, 'sensitive-placeholder');
      writeConfig(ws, {
        preflight: [{ name: 'first', run: 'touch preflight-ran' }],
        before_destroy: [{ ...SNAPSHOT, run: `echo ${placeholder} >> order.log` }],
        waivers: WAIVE,
      });
      const before = state(ws);
      const run = await tfguard(['apply', '-auto-approve', REPLACE_A], { cwd: ws });

      expect(run.code, run.stderr).toBe(2);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines.at(-1)).toContain(message);
      expect(lines.at(-1)).toContain('A secret never goes on a command line: nothing was run and nothing was applied.');
      expect(run.stderr).not.toContain(SECRET);
      expect(existsSync(join(ws, 'preflight-ran'))).toBe(false);
      expect(orderLog(ws)).toEqual([]);
      expect(state(ws).equals(before)).toBe(true);
      const log = readFileSync(join(ws, '.tfguard', 'audit.jsonl'), 'utf8');
      expect(log).not.toContain(SECRET);
      expect(auditRecords(ws).map((r) => r.decision)).toEqual(['failed']);

      // check lists what apply would run: the same config error for this plan.
      terraform(ws, ['plan', '-input=false', '-no-color', REPLACE_A, '-out=replace.tfplan']);
      const check = await tfguard(['check', 'replace.tfplan'], { cwd: ws });
      expect(check.code, check.stderr).toBe(2);
      expect(check.stderr).toContain(message);
      expect(check.stdout + check.stderr).not.toContain(SECRET);
    },
    60_000,
  );

  it(title('--dry-run and check list what would run, rendered; nothing runs, nothing is applied, nothing logged'), async () => {
    const ws = copyWorkspace(vms, 'dry-run');
    writeConfig(ws, { preflight: [{ name: 'first', run: 'touch preflight-ran' }], before_destroy: [SNAPSHOT], waivers: WAIVE });
    const before = state(ws);
    const run = await tfguard(['apply', '--dry-run', '-auto-approve', REPLACE_A], { cwd: ws });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('What tfguard runs for this plan (.tfguard.json):\n  preflight "first" (timeout 10m):\n    touch preflight-ran\n');
    expect(run.stderr).toMatch(
      /before_destroy "snapshot VM" for terraform_data\.vm\["a"\] \(timeout 10m\):\n {4}echo snapshot 'a' '101' tfguard-'\d{8}-\d{6}-[0-9a-f]{4}' >> order\.log/,
    );
    expect(run.stderr).toContain('dry run: nothing was run and nothing was applied');
    expect(existsSync(join(ws, 'preflight-ran'))).toBe(false);
    expect(orderLog(ws)).toEqual([]);
    expect(state(ws).equals(before)).toBe(true);
    expect(auditRecords(ws)).toEqual([]);
  }, 60_000);
});
