/**
 * `check` and the other commands fail closed where they used to fail open: a `--dir` that is not a folder, a
 * plan whose destroyed instances have provisioners but whose sources cannot be read, a report that cannot be
 * written to stdout. The built CLI as a subprocess, on real fixtures.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, expectOneLineError, json, tfguard, type Run } from './helpers/cli.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';

const INCIDENT = join(FIXTURES_DIR, 'incident', 'plan.json');
const ADD_WORKER = join(FIXTURES_DIR, 'add-worker', 'plan.json');

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tfguard-fail-closed-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The CLI with its standard output on FILE (`/dev/full`: every write fails with ENOSPC). */
function withStdoutOn(file: string, args: string[]): Run {
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return { code: r.status, stdout: '', stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

describe('--dir must be a folder', () => {
  // add-worker passes: a --dir typo used to read no sources and no config, and pass.
  it.each([
    ['check', ['check', ADD_WORKER, '--dir', 'fixtures/add-worker/no-such-dir'], 'no such directory'],
    ['check, a file', ['check', ADD_WORKER, '--dir', ADD_WORKER], 'not a directory'],
    ['log', ['log', '--dir', 'no-such-dir'], 'no such directory'],
    ['init', ['init', '--dir', 'no-such-dir'], 'no such directory'],
  ])('%s: exit 2, one line naming the option', (_name, args, what) => {
    const run = tfguard(args);
    expectOneLineError(run, '--dir', what);
  });

  it.each([
    ['--dir', ['--dir', 'no-such-dir']],
    ['-chdir', ['-chdir=no-such-dir']],
  ])('apply %s that does not exist: exit 2 before anything runs, and the folder is not created (audit log)', (option, args) => {
    const cwd = mkdtempSync(join(tmp, 'apply-'));
    const run = tfguard(['apply', ...args, '-auto-approve', '--terraform-bin', join(cwd, 'no-terraform')], { cwd });
    expectOneLineError(run, `${option} no-such-dir`, 'no such directory');
    expect(existsSync(join(cwd, 'no-such-dir'))).toBe(false);
  });

  it('an existing --dir still works', () => {
    expect(tfguard(['check', ADD_WORKER, '--dir', join(FIXTURES_DIR, 'add-worker', 'src')]).code).toBe(0);
  });
});

describe('missing sources block: a destroy-time provisioner cannot be ruled out', () => {
  /** The incident's plan alone in a folder without .tf files, run from there without --dir. */
  function planAlone(): string {
    const dir = mkdtempSync(join(tmp, 'alone-'));
    writeFileSync(join(dir, 'plan.json'), readFileSync(INCIDENT));
    return dir;
  }

  it('without --dir (plan written outside the root module): block, says how many provisioners and to pass --dir', () => {
    const dir = planAlone();
    const run = tfguard(['check', 'plan.json', '--format', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    const finding = json(run).findings.find((f: any) => f.rule === 'destroy-provisioner');
    expect(finding.severity).toBe('block');
    expect(finding.message).toContain('Cannot tell whether 3 provisioner(s) run at destroy time');
    expect(finding.message).toContain('Pass --dir ROOT_MODULE');
    expect(finding.addresses).toHaveLength(3);
  });

  it('with --dir pointing at the wrong module (sources that do not declare the resources): block', () => {
    const run = tfguard(['check', INCIDENT, '--dir', join(FIXTURES_DIR, 'add-worker', 'src'), '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const finding = json(run).findings.find((f: any) => f.rule === 'destroy-provisioner');
    expect(finding.severity).toBe('block');
    expect(finding.message).toContain('do not declare these resources');
  });

  it('its severity stays configurable: "warn" in .tfguard.json makes it a warning', () => {
    const dir = planAlone();
    writeFileSync(
      join(dir, '.tfguard.json'),
      JSON.stringify({ rules: { 'destroy-provisioner': 'warn', 'blast-radius': 'off', 'reset-on-destroy-replaced': 'off' } }),
    );
    const run = tfguard(['check', 'plan.json', '--dir', '.', '--format', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const report = json(run);
    expect(report.decision).toBe('warn');
    expect(report.findings.map((f: any) => [f.rule, f.severity])).toEqual([['destroy-provisioner', 'warn']]);
  });
});

describe('interpreter and environment: the destructive check sees what really runs', () => {
  const plan = join(FIXTURES_DIR, 'interpreter-env', 'plan.json');
  const src = join(FIXTURES_DIR, 'interpreter-env', 'src');

  it('check marks `talosctl reset` given through interpreter, and `wipefs -a` given through environment, DESTRUCTIVE', () => {
    const run = tfguard(['check', plan, '--dir', src, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const finding = json(run).findings.find((f: any) => f.rule === 'destroy-provisioner');
    expect(finding.commands.map((c: any) => [c.command, c.destructive])).toEqual([
      ['talosctl reset --graceful=false --reboot --nodes 192.168.111.211', ['talosctl reset', 'reboot/shutdown']],
      ['wipefs -a /dev/sdb', ['wipefs']],
    ]);
    expect(finding.message).toContain('`wipefs -a /dev/sdb` — DESTRUCTIVE');
  });

  it('scan blocks both (a pre-push hook refuses them)', () => {
    const run = tfguard(['scan', src, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const findings = json(run).findings.filter((f: any) => f.rule === 'destroy-provisioner');
    expect(findings.map((f: any) => f.severity)).toEqual(['block', 'block']);
    expect(findings[0].message).toContain('talosctl reset --graceful=false --reboot --nodes');
    expect(findings[1].message).toContain('wipefs -a ${self.input.disk}');
  });
});

describe('a report that cannot be written to stdout is an error, never a pass', () => {
  const hasDevFull = existsSync('/dev/full');
  it.skipIf(!hasDevFull).each([
    ['check (pass)', ['check', ADD_WORKER]],
    ['check (block)', ['check', INCIDENT]],
    ['check --format json', ['check', ADD_WORKER, '--format', 'json']],
    ['scan', ['scan', join(FIXTURES_DIR, 'add-worker', 'src')]],
    ['rules', ['rules']],
    ['explain', ['explain', 'blast-radius']],
    ['--help', ['--help']],
  ])('%s > /dev/full: exit 2, one line', (_name, args) => {
    const run = withStdoutOn('/dev/full', args);
    expectOneLineError(run, 'cannot write to standard output', 'no space left on device', 'nothing was approved');
  });

  it('a reader that stops early (EPIPE) is not an error: the exit code still tells', () => {
    // `true` exits without reading: tfguard's write then fails with EPIPE.
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check "${INCIDENT}" | true; echo "exit \${PIPESTATUS[0]}" >&2`], {
      cwd: ROOT,
      env: cliEnv(),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('exit 1\n');
  });
});
