/** `tfguard log` shows what a runbook and a staged rollout recorded: each command, each stage, the run. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tfguard } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-log-runbook-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = {
  time: '2026-11-30T10:00:00.000Z',
  user: 'ops',
  host: 'ci-1',
  cwd: tmp,
  dir: tmp,
  terraform: { bin: 'terraform', version: '1.11.4' },
  args: ['--staged'],
  plan: { file: null, sha256: null, format_version: null },
  summary: null,
  findings: [],
  waived: [],
  overrides: [],
  expect: [],
  terraform_exit_code: null,
  run_id: '20261130-100000-ab12',
};

describe('tfguard log with runbook records', () => {
  it('shows the command, its phase, address and end; the stage; the rollout; the run id', () => {
    mkdirSync(join(tmp, '.tfguard'));
    const records = [
      {
        ...base,
        decision: 'ran',
        why: 'before_destroy "snapshot VM" passed',
        command: {
          phase: 'before_destroy',
          name: 'snapshot VM',
          run: "qm snapshot '101' tfguard-20261130-100000-ab12",
          address: 'proxmox_vm_qemu.node["a"]',
          exit_code: 0,
          timed_out: false,
          seconds: 2.1,
        },
      },
      {
        ...base,
        decision: 'applied',
        why: 'stage 1 applied',
        stage: { index: 1, of: 3, group: 'proxmox_vm_qemu.node', targets: ['proxmox_vm_qemu.node["a"]'] },
        terraform_exit_code: 0,
      },
      {
        ...base,
        decision: 'failed',
        why: 'health "node ready" failed',
        command: { phase: 'health', name: 'node ready', run: 'kubectl wait node/a', address: null, exit_code: null, timed_out: true, seconds: 300 },
      },
      { ...base, decision: 'failed', why: 'stopped after stage 1', rollout: { stages: 3, applied: 1, batch: 1, resumed: false } },
    ];
    writeFileSync(join(tmp, '.tfguard', 'audit.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const run = tfguard(['log', '--dir', tmp]);
    expect(run.code, run.stderr).toBe(0);
    const [rollout, health, stage, snapshot] = run.stdout.trimEnd().split('\n\n');
    expect(snapshot).toMatch(/^\S+ {2}ran {9}/);
    expect(snapshot).toContain(`before_destroy "snapshot VM" for proxmox_vm_qemu.node["a"]: qm snapshot '101' tfguard-20261130-100000-ab12 (exit 0, 2.1 s)`);
    expect(snapshot).toContain('run 20261130-100000-ab12');
    expect(stage).toContain('stage 1 of 3 (proxmox_vm_qemu.node): proxmox_vm_qemu.node["a"]');
    expect(health).toContain('health "node ready": kubectl wait node/a (timed out, 300 s)');
    expect(rollout).toContain('rollout: 1 of 3 stage(s) applied, batch 1');
  });
});
