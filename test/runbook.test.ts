/**
 * The runbook of `.tfguard.json` (preflight, before_destroy, health) and the stages of `tfguard apply --staged`,
 * as units: placeholders and where quoting would not hold, values from the plan (never a secret), durations, the
 * command runner (prefix, tail, timeout, what a command leaves running), and how groups are cut into stages.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { parseApplyArgs } from '../src/apply/args.js';
import { newRunId } from '../src/apply/rollout-state.js';
import { planStages, stageTargets } from '../src/apply/stages.js';
import { resolveConfig } from '../src/config/resolve.js';
import { InputError, UsageError } from '../src/errors.js';
import { outcome, runCommand, succeeded } from '../src/runbook/exec.js';
import { beforeDestroyCommands, healthCommands, preflightCommands, type PlannedCommand } from '../src/runbook/render.js';
import { formatDuration, parseDuration } from '../src/runbook/schema.js';
import { renderTemplate, templateProblems } from '../src/runbook/template.js';
import { check, makePlan } from './helpers/plan.js';

const scratch = mkdtempSync(join(tmpdir(), 'tfguard-runbook-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const config = (body: unknown) => resolveConfig(body, RULES);
const input = (plan: ReturnType<typeof makePlan>) => ({ plan, runId: '20260101-000000-abcd' });

describe('placeholders in run', () => {
  it.each([
    ['qm snapshot {before.vmid} tfguard-{run_id}', 'before_destroy'],
    ['kubectl wait node/{key} --for=condition=Ready', 'health'],
    ["vault status -format=json | jq -e '.sealed == false'", 'preflight'],
    ["echo ${HOME} {run_id}; awk '{print $1}' f; echo {a,b}", 'preflight'],
    ['echo \'literal\' {key} "quoted" $(echo {address})', 'health'],
  ] as const)('%s is fine for %s', (run, phase) => {
    expect(templateProblems(run, phase)).toEqual([]);
  });

  it.each([
    ['echo {key}', 'preflight', 'unknown placeholder {key}: preflight takes {run_id}'],
    ['echo {before.vmid}', 'health', 'unknown placeholder {before.vmid}'],
    ['echo {adress}', 'before_destroy', 'unknown placeholder {adress}'],
    ['echo "node/{key}"', 'health', '{key} is inside double quotes'],
    ["echo 'node/{key}'", 'health', '{key} is inside single quotes'],
    ['echo `echo {key}`', 'health', '{key} is inside backquotes'],
    ['cat <<EOF\n{key}\nEOF', 'health', '{key} is inside a here-document'],
    ["echo $'a\\'{key}'", 'health', '{key} is inside single quotes'],
  ] as const)('%j is refused for %s', (run, phase, problem) => {
    expect(templateProblems(run, phase).join('\n')).toContain(problem);
  });

  it('an escaped quote does not open quotes; a placeholder after closed quotes is fine', () => {
    expect(templateProblems(`echo \\" {key} "x" {key} 'y' {key}`, 'health')).toEqual([]);
  });

  it('each value becomes one shell-quoted word, whatever it holds', () => {
    const value = `a'b; rm -rf / $(reboot) "c"\n`;
    const r = renderTemplate('echo {key} tfguard-{run_id}', (name) => ({ value: name === 'key' ? value : 'r1' }));
    expect(r).toEqual({ command: `echo 'a'\\''b; rm -rf / $(reboot) "c"\n' tfguard-'r1'` });
  });

  it('the config refuses a bad command, an unknown key, a bad timeout (exit 2, naming the path)', () => {
    expect(() => config({ preflight: [{ name: 'x', run: 'echo "{run_id}"' }] })).toThrow('preflight[0].run: {run_id} is inside double quotes');
    expect(() => config({ health: [{ name: 'x', run: 'true', timout: '1m' }] })).toThrow(InputError);
    expect(() => config({ health: [{ name: 'x', run: 'true', timeout: '5 minutes' }] })).toThrow(/a duration like 30s/);
    expect(() => config({ before_destroy: [{ name: 'x', run: 'true' }] })).toThrow(/match/);
    expect(config({ preflight: [{ name: 'v', run: 'true', timeout: '30s', when: ['kubernetes_*'] }] }).runbook.preflight).toEqual([
      { name: 'v', run: 'true', timeoutMs: 30_000, match: ['kubernetes_*'] },
    ]);
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(formatDuration(ms)).toBe(text);
  });
  it('anything else is not a duration', () => {
    expect(parseDuration('10')).toBeUndefined();
    expect(parseDuration('1d')).toBeUndefined();
  });
});

const VM = 'proxmox_vm_qemu.vm["pve-1"]';
const vmPlan = () =>
  makePlan({
    changes: [
      {
        address: VM,
        actions: ['delete', 'create'],
        before: { vmid: 101, name: 'pve-1', password: 'hunter2-long-secret', disks: [{ size: '32G' }] },
        before_sensitive: { password: true },
      },
      { address: 'proxmox_vm_qemu.vm["pve-2"]', actions: ['no-op'], before: { vmid: 102 } },
      { address: 'kubernetes_deployment.app', actions: ['update'] },
      { address: 'module.m.helm_release.x', actions: ['create'] },
    ],
  });
const snapshot = (run: string) => config({ before_destroy: [{ name: 'snapshot VM', match: ['proxmox_vm_qemu.*'], run }] }).runbook;

describe('rendering for a plan', () => {
  it('before_destroy runs once per destroyed instance it matches, with its prior values', () => {
    const commands = beforeDestroyCommands(
      snapshot('qm snapshot {before.vmid} tfguard-{run_id} # {key} {address} {before.disks.0.size}'),
      vmPlan(),
      input(vmPlan()),
    );
    expect(commands).toEqual([
      {
        phase: 'before_destroy',
        name: 'snapshot VM',
        address: VM,
        timeoutMs: 600_000,
        command: `qm snapshot '101' tfguard-'20260101-000000-abcd' # 'pve-1' '${VM}' '32G'`,
      },
    ]);
  });

  it('a placeholder on a sensitive value is a config error that names it, never shows it', () => {
    const plan = vmPlan();
    let error: unknown;
    try {
      beforeDestroyCommands(snapshot('echo {before.password}'), plan, input(plan));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('before_destroy "snapshot VM": {before.password} of proxmox_vm_qemu.vm["pve-1"] is sensitive');
    expect((error as Error).message).toContain('nothing was run');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('a copy of a secret under another name, a missing value and a list are refused too', () => {
    const plan = makePlan({
      changes: [
        {
          address: 'x.y["a"]',
          actions: ['delete'],
          before: { token: 'sup3r-s3cret-token', copy: 'sup3r-s3cret-token', list: [1] },
          before_sensitive: { token: true },
        },
      ],
    });
    const run = (r: string) => () => beforeDestroyCommands(config({ before_destroy: [{ name: 'n', match: ['x.*'], run: r }] }).runbook, plan, input(plan));
    expect(run('echo {before.copy}')).toThrow(/\{before\.copy\} of x\.y\["a"\] is sensitive/);
    expect(run('echo {before.nope}')).toThrow(/not a known single value/);
    expect(run('echo {before.list}')).toThrow(/not a known single value/);
  });

  it('an instance key that is a secret never reaches {key} or {address}', () => {
    const plan = makePlan({
      changes: [{ address: 'x.y["tenant-secret-key"]', actions: ['delete'], before: { k: 'tenant-secret-key' }, before_sensitive: { k: true } }],
    });
    const runbook = config({ health: [{ name: 'h', run: 'echo {key}' }] }).runbook;
    expect(() => healthCommands(runbook, ['x.y["tenant-secret-key"]'], input(plan))).toThrow(/\{key\} of x\.y\["\(sensitive\)"\] is a sensitive value/);
    expect(() => healthCommands(runbook, ['aws_instance.vm1'], input(plan))).toThrow(/has no instance key/);
  });

  it('preflight `when` matches changed addresses, within modules too; no-ops do not count', () => {
    const plan = vmPlan();
    const runbook = config({
      preflight: [
        { name: 'vault', run: 'vault status', when: ['kubernetes_*', 'helm_release.*'] },
        { name: 'always', run: 'true' },
        { name: 'pve-2 only', run: 'true', when: ['proxmox_vm_qemu.vm["pve-2"]'] },
      ],
    }).runbook;
    expect(preflightCommands(runbook, plan, input(plan)).map((c) => c.name)).toEqual(['vault', 'always']);
  });

  it('health runs once per member when it names the member, else once', () => {
    const plan = vmPlan();
    const runbook = config({
      health: [
        { name: 'ready', run: 'kubectl wait node/{key}' },
        { name: 'cluster', run: 'talosctl health' },
      ],
    }).runbook;
    expect(healthCommands(runbook, ['t.cp["a"]', 't.cp["b"]'], input(plan)).map((c) => c.command)).toEqual([
      "kubectl wait node/'a'",
      "kubectl wait node/'b'",
      'talosctl health',
    ]);
  });
});

describe('running a command', () => {
  const cmd = (command: string, timeoutMs = 10_000): PlannedCommand => ({ phase: 'preflight', name: 'n', command, timeoutMs });
  const collect = () => {
    const out: string[] = [];
    return { out, write: (t: string) => void out.push(t) };
  };

  it('streams each line with a prefix, escaped and redacted; keeps the last lines; no terminal, no stdin', async () => {
    const { out, write } = collect();
    const r = await runCommand(cmd("printf 'one\\n\\033[2Jtwo sup3r-s3cret-token\\n'; echo err >&2; tty; read x; echo read=$?; exit 3"), {
      cwd: scratch,
      secrets: new Set(['sup3r-s3cret-token']),
      write,
    });
    expect(r.exitCode).toBe(3);
    expect(succeeded(r)).toBe(false);
    expect(outcome(r, 1000)).toBe('exit 3');
    const text = out.join('');
    expect(text).toContain('[preflight n] one\n');
    expect(text).toContain('[preflight n] \\u001b[2Jtwo (sensitive)\n');
    expect(text).toContain('[preflight n] err\n');
    expect(text).toContain('[preflight n] not a tty\n');
    expect(text).toContain('[preflight n] read=1\n');
    expect(r.tail).toContain('read=1');
  });

  it('a timeout stops the command and what it started, and counts as a failure', async () => {
    const marker = join(scratch, 'late');
    const started = Date.now();
    const r = await runCommand(cmd(`sleep 5 & sleep 5; touch ${marker}`, 300), { cwd: scratch, secrets: new Set(), write: () => {} });
    expect(r.timedOut).toBe(true);
    expect(succeeded(r)).toBe(false);
    expect(outcome(r, 300)).toBe('timed out after 300ms');
    expect(Date.now() - started).toBeLessThan(4000);
    await new Promise((res) => setTimeout(res, 200));
    expect(existsSync(marker)).toBe(false);
  });

  it('what a command leaves running in the background is stopped when it exits', async () => {
    const marker = join(scratch, 'orphan');
    const r = await runCommand(cmd(`(sleep 1; touch ${marker}) & echo started`), { cwd: scratch, secrets: new Set(), write: () => {} });
    expect(r.exitCode).toBe(0);
    expect(succeeded(r)).toBe(true);
    await new Promise((res) => setTimeout(res, 1500));
    expect(existsSync(marker)).toBe(false);
  });

  it('runs in the given folder', async () => {
    const { out, write } = collect();
    await runCommand(cmd('pwd'), { cwd: scratch, secrets: new Set(), write });
    expect(out.join('')).toContain(`] ${scratch}\n`);
  });
});

describe('stages', () => {
  const NODES = ['a', 'b', 'c', 'd', 'e'].map((k) => `terraform_data.node["${k}"]`);
  const replaced = (addresses: string[], prior = NODES) =>
    makePlan({ prior, changes: addresses.map((address) => ({ address, actions: ['delete', 'create'] })), provisioners: [] });
  const blastOf = (plan: ReturnType<typeof makePlan>, body: unknown = {}) =>
    check(plan, body)
      .findings.filter((f) => f.rule === 'blast-radius')
      .map((f) => f.addresses);

  it('one member per stage by default, in plan order', () => {
    const plan = replaced(NODES.slice(0, 3), NODES.slice(0, 3));
    const { stages, problems } = planStages(plan, [], blastOf(plan), 1);
    expect(problems).toEqual([]);
    expect(stages.map(stageTargets)).toEqual([[NODES[0]], [NODES[1]], [NODES[2]]]);
    expect(stages[0]!.members[0]).toEqual({ key: NODES[0], instance: NODES[0], targets: [NODES[0]] });
  });

  it('--batch N keeps a quorum standing: 5 nodes go 2 at a time; 3 at a time is refused', () => {
    const plan = replaced(NODES);
    expect(planStages(plan, [], blastOf(plan), 2).stages.map(stageTargets)).toEqual([NODES.slice(0, 2), NODES.slice(2, 4), [NODES[4]]]);
    const { stages, problems } = planStages(plan, [], blastOf(plan), 3);
    expect(stages).toEqual([]);
    expect(problems).toEqual(['group terraform_data.node: --batch 3 takes 3 of 5 down at once, fewer than 3 stay standing (at most --batch 2)']);
  });

  it('a declared group stages a member with all its changed instances (the config apply and the reset helper of one node)', () => {
    const keys = ['a', 'b', 'c'];
    const cfg = keys.map((k) => `talos_machine_configuration_apply.cp["${k}"]`);
    const reset = keys.map((k) => `null_resource.cp_reset_on_destroy["${k}"]`);
    const plan = makePlan({
      prior: [...cfg, ...reset],
      changes: [...cfg.map((address) => ({ address, actions: ['update'] })), ...reset.map((address) => ({ address, actions: ['delete', 'create'] }))],
    });
    const body = { groups: [{ name: 'control-planes', members: ['talos_machine_configuration_apply.cp[*]', 'null_resource.cp_reset_on_destroy[*]'] }] };
    const { stages } = planStages(plan, config(body).groups, blastOf(plan, body), 1);
    expect(stages.map((s) => s.group)).toEqual(['control-planes', 'control-planes', 'control-planes']);
    expect(stages[1]!.members).toEqual([{ key: '["b"]', instance: reset[1], targets: [reset[1], cfg[1]] }]);
  });

  it('no blast-radius finding, nothing to stage', () => {
    const plan = replaced([NODES[0]!]);
    expect(planStages(plan, [], blastOf(plan), 1)).toEqual({ stages: [], problems: [] });
  });
});

describe('apply options of a rollout', () => {
  it('--staged, --resume, --batch and --dry-run are parsed; --resume implies --staged', () => {
    expect(parseApplyArgs(['--staged', '--batch', '2', '-var', 'x=1'])).toMatchObject({ staged: true, resume: false, batch: 2, planArgs: ['-var', 'x=1'] });
    expect(parseApplyArgs(['--resume', '--dry-run'])).toMatchObject({ staged: true, resume: true, dryRun: true });
  });

  it.each([
    [['--batch', '2'], '--batch N goes with --staged'],
    [['--staged', '--batch', '0'], '--batch 0: a whole number from 1'],
    [['--staged', '-target=a.b'], 'chooses the -target of each stage itself'],
    [['--resume', 'saved.tfplan'], 'takes no saved plan'],
    [['--staged=yes'], 'unknown option --staged'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseApplyArgs(argv)).toThrow(UsageError);
    expect(() => parseApplyArgs(argv)).toThrow(message);
  });

  it('a run id is short, sortable and fits a Proxmox snapshot name', () => {
    expect(newRunId(new Date('2026-01-07T02:13:00Z'))).toMatch(/^20260107-021300-[0-9a-f]{4}$/);
  });
});

describe('the README', () => {
  it('every runbook example is a valid .tfguard.json, and the Runbooks section documents each placeholder', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => {
        try {
          return JSON.parse(m[1]!) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })
      .filter((v) => v && ['preflight', 'before_destroy', 'health'].some((k) => k in v));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) expect(() => config(example)).not.toThrow();
    const section = readme.split('### Runbooks')[1]!.split('\n### ')[0]!;
    for (const p of ['{address}', '{key}', '{before.PATH}', '{run_id}', '--staged', '--batch', '--resume', '--dry-run']) expect(section).toContain(p);
  });
});
