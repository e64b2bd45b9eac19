import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { applyOptions, auditArgs, parseApplyArgs } from '../src/apply/args.js';
import { confirmationPhrase, decideApply } from '../src/apply/decide.js';
import { applyOverrides } from '../src/apply/overrides.js';
import { ask } from '../src/apply/prompt.js';
import { makePlanDir, removeStalePlanDirs } from '../src/apply/temp-plan.js';
import { FATAL_SIGNALS, gracefulSignal, signalExitCode } from '../src/terraform/signals.js';
import { UsageError } from '../src/errors.js';
import type { ReportFinding } from '../src/report/report.js';
import { check, fixturePlan } from './helpers/plan.js';

describe('apply arguments', () => {
  it('splits tfguard options from terraform plan options, in order', () => {
    const a = parseApplyArgs([
      '--dir',
      'infra',
      '-var',
      'x=1',
      '-var-file=prod.tfvars',
      '-target',
      'a.b',
      '--expect',
      'a.*',
      '-chdir=stack',
      '-parallelism=4',
      '-auto-approve',
    ]);
    expect(a).toMatchObject({ dir: 'infra', chdir: 'stack', autoApprove: true, expect: ['a.*'] });
    expect(a.planArgs).toEqual(['-var', 'x=1', '-var-file=prod.tfvars', '-target', 'a.b', '-parallelism=4']);
  });

  it.each([
    [['-auto-approve'], true],
    [['--auto-approve'], true],
    [['-auto-approve=true'], true],
    [['-auto-approve=false'], false],
    [[], false],
  ])('%j auto-approves: %s', (argv, expected) => {
    expect(parseApplyArgs(argv).autoApprove).toBe(expected);
  });

  it('takes a saved plan, and refuses plan options with it', () => {
    expect(parseApplyArgs(['saved.tfplan']).planFile).toBe('saved.tfplan');
    expect(() => parseApplyArgs(['saved.tfplan', '-var', 'x=1'])).toThrow(/-var x=1\) cannot change a saved plan/);
    expect(() => parseApplyArgs(['-target=a.b', 'saved.tfplan'])).toThrow(UsageError);
    expect(() => parseApplyArgs(['a.tfplan', 'b.tfplan'])).toThrow(UsageError);
  });

  it("with a saved plan takes what terraform apply PLANFILE takes (HashiCorp's automation pattern: -input=false)", () => {
    const args = parseApplyArgs(['-input=false', '-no-color', '-lock=false', '-lock-timeout', '5m', '-parallelism=4', '-compact-warnings', 'tfplan']);
    expect(args.planFile).toBe('tfplan');
    expect(args.planArgs).toEqual(['-no-color', '-lock=false', '-lock-timeout', '5m', '-parallelism=4', '-compact-warnings']);
    expect(parseApplyArgs(['-input', 'tfplan']).planArgs).toEqual([]);
  });

  it('needs --reason with --allow, and --allow with --reason', () => {
    expect(() => parseApplyArgs(['--allow', 'blast-radius'])).toThrow(/--reason/);
    expect(() => parseApplyArgs(['--allow', 'blast-radius', '--reason', '  '])).toThrow(/--reason/);
    expect(() => parseApplyArgs(['--reason', 'x'])).toThrow(/--allow/);
    expect(parseApplyArgs(['--allow', 'blast-radius=module.w.*', '--reason', 'CHG-1']).allow).toEqual([{ rule: 'blast-radius', address: 'module.w.*' }]);
  });

  it('refuses -out, unknown --options and a bad auto-approve value', () => {
    expect(() => parseApplyArgs(['-out=x'])).toThrow(UsageError);
    expect(() => parseApplyArgs(['--yes'])).toThrow(/unknown option --yes/);
    expect(() => parseApplyArgs(['-auto-approve=maybe'])).toThrow(UsageError);
  });

  it('passes to terraform apply only the options a saved plan accepts', () => {
    expect(applyOptions(['-var', 'x=1', '-lock=false', '-lock-timeout', '30s', '-parallelism=2', '-no-color', '-target=a.b'])).toEqual([
      '-lock=false',
      '-lock-timeout',
      '30s',
      '-parallelism=2',
      '-no-color',
    ]);
  });

  it.each([['-h'], ['-help'], ['--help'], ['-var', 'x=1', '-h'], ['--allow', 'blast-radius', '--help'], ['--yes', '-h']])(
    "%j asks for tfguard's help, before any other check",
    (...argv) => {
      expect(parseApplyArgs(argv).help).toBe(true);
    },
  );

  it('-h as the value of an option is that value, not help', () => {
    expect(parseApplyArgs(['-var', '-h']).help).toBe(false);
    expect(parseApplyArgs(['--reason', '-h', '--allow', 'blast-radius']).help).toBe(false);
    expect(parseApplyArgs([]).help).toBe(false);
  });

  it('hides -var values in the audit log', () => {
    expect(auditArgs(['-var', 'password=hunter2', '-var=token=abc=def', '-var-file=x.tfvars'])).toEqual([
      '-var',
      'password=(hidden)',
      '-var=token=(hidden)',
      '-var-file=x.tfvars',
    ]);
  });
});

const finding = (severity: 'block' | 'warn', rule = 'blast-radius'): ReportFinding => ({
  rule,
  severity,
  message: 'm',
  addresses: ['a.b'],
  details: [],
  docs: '',
});

describe('the apply decision', () => {
  it('refuses a blocking finding, whatever else', () => {
    for (const autoApprove of [true, false]) {
      for (const interactive of [true, false]) {
        expect(decideApply({ findings: [finding('block')], destroyed: 3, autoApprove, interactive }).action).toBe('refuse');
      }
    }
  });

  it('refuses -auto-approve with any finding, saying how to proceed', () => {
    const d = decideApply({ findings: [finding('warn', 'mass-destroy')], destroyed: 3, autoApprove: true, interactive: true });
    expect(d).toMatchObject({ action: 'refuse' });
    expect(d.action === 'refuse' && d.why).toMatch(/mass-destroy.*without -auto-approve.*--allow/s);
  });

  it('refuses findings without a terminal; asks with one, for a phrase that is not yes', () => {
    expect(decideApply({ findings: [finding('warn')], destroyed: 3, autoApprove: false, interactive: false }).action).toBe('refuse');
    expect(decideApply({ findings: [finding('warn')], destroyed: 3, autoApprove: false, interactive: true })).toMatchObject({
      action: 'ask',
      phrase: 'destroy 3',
    });
    expect(confirmationPhrase(0, 2)).toBe('accept 2');
  });

  it('applies a clean plan with -auto-approve, asks yes without, refuses without a terminal', () => {
    expect(decideApply({ findings: [], destroyed: 0, autoApprove: true, interactive: false }).action).toBe('apply');
    expect(decideApply({ findings: [], destroyed: 0, autoApprove: false, interactive: true })).toMatchObject({ action: 'ask', phrase: 'yes' });
    expect(decideApply({ findings: [], destroyed: 0, autoApprove: false, interactive: false }).action).toBe('refuse');
  });
});

describe('the apply decision with --allow overrides', () => {
  const overridden = [finding('block', 'blast-radius')];

  it('an overridden blocking finding is confirmed by a person, like a warning: -auto-approve refused, saying so', () => {
    const d = decideApply({ findings: [], overridden, destroyed: 3, autoApprove: true, interactive: true });
    expect(d).toEqual({
      action: 'refuse',
      why: expect.stringMatching(/^-auto-approve refused: 1 finding\(s\) \(overridden: blast-radius\) need a person\. .*a person still confirms on a terminal/),
    });
  });

  it('no terminal: refused; on a terminal: "destroy N", never "yes", naming the overrides', () => {
    expect(decideApply({ findings: [], overridden, destroyed: 3, autoApprove: false, interactive: false })).toMatchObject({
      action: 'refuse',
      why: expect.stringContaining('1 finding(s) (overridden: blast-radius) and no terminal: nobody can confirm.'),
    });
    expect(decideApply({ findings: [], overridden, destroyed: 3, autoApprove: false, interactive: true })).toEqual({
      action: 'ask',
      phrase: 'destroy 3',
      question: 'This plan destroys 3 instance(s), with 1 overridden finding(s) (listed above). To apply it anyway, type "destroy 3": ',
    });
    expect(decideApply({ findings: [finding('warn', 'mass-destroy')], overridden, destroyed: 0, autoApprove: false, interactive: true })).toMatchObject({
      phrase: 'accept 2',
    });
  });

  it('a blocking finding not overridden still refuses', () => {
    expect(decideApply({ findings: [finding('block', 'destroy-provisioner')], overridden, destroyed: 3, autoApprove: false, interactive: true }).action).toBe(
      'refuse',
    );
  });
});

describe('--allow overrides', () => {
  const result = check(fixturePlan('incident'));
  const ids = ['blast-radius', 'reset-on-destroy-replaced'];

  it('moves covered findings out, for this run, with the reason', () => {
    const { result: after, overridden } = applyOverrides(result, [{ rule: 'blast-radius' }], 'CHG-9 rebuild', ids);
    expect(after.findings.map((f) => f.rule)).toEqual(['reset-on-destroy-replaced']);
    expect(overridden).toEqual([expect.objectContaining({ rule: 'blast-radius', override: { rule: 'blast-radius', address: null, reason: 'CHG-9 rebuild' } })]);
    expect(after.decision).toBe('block');
  });

  it('needs the glob to cover every address; refuses unknown rules', () => {
    expect(applyOverrides(result, [{ rule: 'blast-radius', address: 'terraform_data.cp_reset_on_destroy["powder"]' }], 'x', ids).overridden).toEqual([]);
    expect(() => applyOverrides(result, [{ rule: 'nope' }], 'x', ids)).toThrow(UsageError);
  });
});

describe('the prompt', () => {
  function answer(text: string | null, expected: string) {
    const input = new PassThrough();
    const output = new PassThrough();
    const done = ask('Q? ', expected, { input, output });
    if (text === null) input.end();
    else input.write(`${text}\n`);
    return done;
  }

  it('accepts only the exact phrase', async () => {
    expect(await answer('destroy 3', 'destroy 3')).toBe(true);
    expect(await answer('  destroy 3  ', 'destroy 3')).toBe(true);
    expect(await answer('yes', 'destroy 3')).toBe(false);
    expect(await answer('', 'yes')).toBe(false);
  });

  it('takes end of input as no', async () => {
    expect(await answer(null, 'yes')).toBe(false);
  });
});

describe('the signals tfguard handles', () => {
  it('are every catchable fatal one, with 128+N exit codes from os.constants.signals', () => {
    expect(Object.fromEntries(FATAL_SIGNALS.map((s) => [s, signalExitCode(s)]))).toMatchObject({
      SIGHUP: 129,
      SIGINT: 130,
      SIGQUIT: 131,
      SIGUSR1: 138,
      SIGUSR2: 140,
      SIGPIPE: 141,
      SIGALRM: 142,
      SIGTERM: 143,
    });
    for (const s of FATAL_SIGNALS) expect(signalExitCode(s)).toBe(128 + constants.signals[s]);
    for (const s of ['SIGKILL', 'SIGSTOP', 'SIGCHLD', 'SIGWINCH', 'SIGCONT', 'SIGSEGV', 'SIGPROF']) {
      expect(FATAL_SIGNALS).not.toContain(s);
    }
  });

  it('are passed on to terraform as one it stops gracefully on: SIGINT, else SIGTERM', () => {
    expect(gracefulSignal('SIGINT')).toBe('SIGINT');
    for (const s of FATAL_SIGNALS.filter((s) => s !== 'SIGINT')) expect(gracefulSignal(s)).toBe('SIGTERM');
  });
});

describe('temp plan folders', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  const DAY = 24 * 3600 * 1000;
  /** Above the largest pid_max Linux allows (2^22): never a running process. */
  const NEVER_A_PID = 4_194_305;

  function tempRoot(): string {
    const root = mkdtempSync(join(tmpdir(), 'tfguard-units-'));
    roots.push(root);
    return root;
  }

  /** A folder holding a plan, last changed `ageMs` ago. */
  function planDir(root: string, name: string, ageMs: number): string {
    const path = join(root, name);
    mkdirSync(path);
    writeFileSync(join(path, 'reviewed.tfplan'), 'a plan');
    const when = (Date.now() - ageMs) / 1000;
    utimesSync(path, when, when);
    return path;
  }

  it('are named for the pid of the process that made them', async () => {
    const root = tempRoot();
    const dir = await makePlanDir(root);
    expect(dir.path).toMatch(new RegExp(`^${root}/tfguard-plan-${process.pid}-[A-Za-z0-9]{6}$`));
    dir.remove();
    expect(removeStalePlanDirs(root)).toEqual([]);
  });

  it('older than a day are removed when their process is gone or unknown; fresh ones and live ones are kept', () => {
    const root = tempRoot();
    // A pid that ran and is gone (and, should it have been reused by now, its folder is kept: still correct).
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    planDir(root, `tfguard-plan-${NEVER_A_PID}-aaaaaa`, 2 * DAY);
    planDir(root, `tfguard-plan-${exited.stdout}-dddddd`, 2 * DAY);
    planDir(root, `tfguard-plan-${process.pid}-bbbbbb`, 2 * DAY); // a live process: this one
    planDir(root, 'tfguard-plan-cccccc', 2 * DAY); // made before the pid was in the name
    planDir(root, `tfguard-plan-${NEVER_A_PID}-eeeeee`, DAY / 2); // fresh
    planDir(root, 'tfguard-plan-ffffff', DAY / 2); // fresh, legacy
    planDir(root, 'other-tool-gggggg', 2 * DAY); // not tfguard's

    const removed = removeStalePlanDirs(root);
    expect(removed).toContain(`tfguard-plan-${NEVER_A_PID}-aaaaaa`);
    expect(removed).toContain('tfguard-plan-cccccc');
    expect(removed.filter((n) => !n.endsWith('-dddddd')).sort()).toEqual([`tfguard-plan-${NEVER_A_PID}-aaaaaa`, 'tfguard-plan-cccccc']);
    const left = spawnSync('ls', [root], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(left).toEqual(
      expect.arrayContaining([`tfguard-plan-${process.pid}-bbbbbb`, `tfguard-plan-${NEVER_A_PID}-eeeeee`, 'tfguard-plan-ffffff', 'other-tool-gggggg']),
    );
    expect(left).not.toContain(`tfguard-plan-${NEVER_A_PID}-aaaaaa`);
    expect(left).not.toContain('tfguard-plan-cccccc');
  });

  it('are "now"-relative: the same folders a day later are removed, live ones still kept', () => {
    const root = tempRoot();
    planDir(root, `tfguard-plan-${NEVER_A_PID}-aaaaaa`, 0);
    planDir(root, `tfguard-plan-${process.pid}-bbbbbb`, 0);
    expect(removeStalePlanDirs(root)).toEqual([]);
    expect(removeStalePlanDirs(root, Date.now() + 2 * DAY)).toEqual([`tfguard-plan-${NEVER_A_PID}-aaaaaa`]);
  });

  it('never follow a symlink, and leave files alone', () => {
    const root = tempRoot();
    const outside = planDir(tempRoot(), 'precious', 2 * DAY);
    symlinkSync(outside, join(root, `tfguard-plan-${NEVER_A_PID}-link00`));
    const file = join(root, `tfguard-plan-${NEVER_A_PID}-file00`);
    writeFileSync(file, 'not a folder');
    const old = (Date.now() - 2 * DAY) / 1000;
    utimesSync(file, old, old);
    expect(removeStalePlanDirs(root)).toEqual([]);
    expect(spawnSync('ls', [outside], { encoding: 'utf8' }).stdout).toContain('reviewed.tfplan');
  });

  it('never fail: a temp dir that is missing or unreadable removes nothing', () => {
    expect(removeStalePlanDirs(join(tempRoot(), 'missing'))).toEqual([]);
    expect(removeStalePlanDirs('/proc/self/fd/999999')).toEqual([]);
  });
});
