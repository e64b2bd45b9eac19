/**
 * `tfguard apply` speaks terraform: `--no-color`, a non-empty NO_COLOR and terraform's own `-no-color` reach every
 * terraform run as one `-no-color` and turn off tfguard's colors; a machine `--format` never goes into terraform's
 * stdout (`=FILE` / `--output FILE` write a file, else stderr). Real terraform runs (builtin `terraform_data`),
 * through a wrapper that records each run's arguments and then executes the real binary.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyArgv, parseApplyArgs, reportTargets, withoutColor } from '../src/apply/args.js';
import { UsageError } from '../src/errors.js';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { auditRecords, baseEnv, BIN, copyWorkspace, freshDir, killStragglers, makeWorkspace, scratchDir, stateList } from './helpers/workspace.js';

const title = (text: string): string =>
  hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM.replace('saved binary plan tests', 'apply end-to-end tests')}]`;
const ESC = '\u001b';

/** Two resources: a safe change (a new one) or a blocking one (both destroyed, see BLOCK_CONFIG). */
const TF = `
variable "names" {
  type    = string
  default = "a"
}

resource "terraform_data" "item" {
  for_each = toset(split(",", var.names))
  input    = each.key
}
`;
/** Makes any destroy block: mass-destroy at one instance of any size of state. */
const BLOCK_CONFIG = JSON.stringify({ rules: { 'mass-destroy': { max: 1 } } });

let template = '';
let wrapper = '';

beforeAll(() => {
  scratchDir();
  if (!hasTerraform) return;
  template = makeWorkspace('flags', { 'main.tf': TF });
  // Records each run's arguments (one line, NUL-separated words), then runs the real terraform from PATH.
  wrapper = join(freshDir('wrapper'), 'terraform');
  writeFileSync(wrapper, '#!/bin/sh\nprintf "%s\\0" "$@" >> "$TFG_TEST_ARGS_LOG"\nprintf "\\n" >> "$TFG_TEST_ARGS_LOG"\nexec terraform "$@"\n');
  chmodSync(wrapper, 0o755);
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

interface RawRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Each terraform run's arguments, in order. */
  terraform: string[][];
}

/** The built CLI through the argument-recording wrapper; stdout and stderr exactly as written (escapes kept). */
function run(ws: string, args: string[], env: Record<string, string | undefined> = {}): RawRun {
  const log = join(ws, 'terraform-args.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, [BIN, 'apply', '--terraform-bin', wrapper, ...args], {
    cwd: ws,
    env: baseEnv({ TFG_TEST_ARGS_LOG: log, ...env }),
    input: '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  const terraform = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\0').slice(0, -1));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, terraform };
}

const runOf = (r: RawRun, sub: string): string[] => {
  const found = r.terraform.find((a) => a[0] === sub);
  if (!found) throw new Error(`no terraform ${sub} run; runs: ${JSON.stringify(r.terraform)}`);
  return found;
};
const count = (args: readonly string[], word: string): number => args.filter((a) => a === word).length;
const whole = (r: RawRun): string => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

describe('apply: colors', () => {
  it('-no-color once to terraform; NO_COLOR or --no-color adds it, -no-color given is not repeated', () => {
    const base = parseApplyArgs(['-var', 'x=1']);
    expect(withoutColor(base, {})).toBe(base);
    expect(withoutColor(base, { NO_COLOR: '' })).toBe(base);
    expect(withoutColor(base, { NO_COLOR: '1' })).toMatchObject({ color: false, planArgs: ['-var', 'x=1', '-no-color'] });
    expect(withoutColor(parseApplyArgs(['--no-color', '-var', 'x=1']), {})).toMatchObject({ color: false, planArgs: ['-var', 'x=1', '-no-color'] });
    expect(withoutColor(parseApplyArgs(['-no-color', '-var', 'x=1', '-no-color', '--no-color']), { NO_COLOR: 'yes' })).toMatchObject({
      color: false,
      planArgs: ['-no-color', '-var', 'x=1'],
    });
    // A saved plan: -no-color is among what terraform apply PLANFILE takes.
    expect(withoutColor(parseApplyArgs(['-input=false', 'tfplan']), { NO_COLOR: '1' }).planArgs).toEqual(['-no-color']);
  });

  it(title('without any no-color setting terraform colors its output (what the tests below turn off)'), () => {
    const ws = copyWorkspace(template, 'color-on');
    const r = run(ws, ['-auto-approve', '-var', 'names=a,b'], { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(r.code, whole(r)).toBe(0);
    expect(r.stdout).toContain(ESC);
    expect(count(runOf(r, 'plan'), '-no-color')).toBe(0);
  });

  it.each([
    ['--no-color', ['--no-color'], {}],
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ["terraform's -no-color", ['-no-color'], {}],
    ['-no-color, --no-color and NO_COLOR together', ['-no-color', '--no-color'], { NO_COLOR: '1' }],
  ] as [string, string[], Record<string, string>][])(
    title('%s: -no-color once to terraform plan and terraform apply, no escape byte in the whole run'),
    (_name, flags, env) => {
      const ws = copyWorkspace(template, 'no-color');
      // FORCE_COLOR would color tfguard's own report: each of these settings must win over it.
      const r = run(ws, [...flags, '-auto-approve', '-var', 'names=a,b'], { NO_COLOR: undefined, FORCE_COLOR: '1', ...env });
      expect(r.code, whole(r)).toBe(0);
      expect(r.stdout).toContain('Apply complete!');
      expect(r.stdout, 'stdout').not.toContain(ESC);
      expect(r.stderr, 'stderr').not.toContain(ESC);
      expect(count(runOf(r, 'plan'), '-no-color')).toBe(1);
      expect(count(runOf(r, 'apply'), '-no-color')).toBe(1);
      expect(stateList(ws)).toEqual(['terraform_data.item["a"]', 'terraform_data.item["b"]']);
    },
  );

  it(title('a saved plan: -no-color reaches terraform apply PLANFILE, and tfguard reports without colors'), () => {
    const ws = copyWorkspace(template, 'no-color-saved');
    const plan = spawnSync('terraform', ['plan', '-input=false', '-no-color', '-var', 'names=a,c', '-out=saved.tfplan'], {
      cwd: ws,
      env: baseEnv(),
      encoding: 'utf8',
    });
    expect(plan.status, plan.stderr).toBe(0);
    const r = run(ws, ['-input=false', '-auto-approve', 'saved.tfplan'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(r.code, whole(r)).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(r.terraform.some((a) => a[0] === 'plan')).toBe(false);
    expect(count(runOf(r, 'apply'), '-no-color')).toBe(1);
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]', 'terraform_data.item["c"]']);
  });
});

describe('apply: report formats', () => {
  it('--format and --output go where check sends them; a machine format without a file goes to stderr', () => {
    expect(reportTargets([], undefined)).toEqual([{ format: 'text' }]);
    expect(reportTargets(['json'], undefined)).toEqual([{ format: 'json', stderr: true }]);
    expect(reportTargets(['json'], 'r.json')).toEqual([{ format: 'json', file: 'r.json' }]);
    expect(reportTargets(['text', 'sarif=r.sarif'], undefined)).toEqual([{ format: 'text' }, { format: 'sarif', file: 'r.sarif' }]);
    for (const f of ['sarif', 'junit', 'markdown', 'github']) expect(reportTargets([f], undefined)).toEqual([{ format: f, stderr: true }]);
    expect(parseApplyArgs(['--format', 'json=r.json', '--format', 'text']).targets).toEqual([{ format: 'json', file: 'r.json' }, { format: 'text' }]);
    expect(() => parseApplyArgs(['--format', 'yaml'])).toThrow(/unknown --format yaml/);
    expect(() => parseApplyArgs(['--format', 'json', '--format', 'text'])).toThrow(UsageError);
    expect(() => parseApplyArgs(['--format', 'json=a.json', '--output', 'b.json'])).toThrow(/--output goes with a --format that has no =FILE/);
  });

  it(title("--format json=FILE -auto-approve on a safe plan: stdout is terraform's alone, FILE the JSON report (pass)"), () => {
    const ws = copyWorkspace(template, 'json-file');
    const r = run(ws, ['--format', 'json=report.json', '-auto-approve', '-var', 'names=a,b']);
    expect(r.code, whole(r)).toBe(0);
    expect(r.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(r.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    // Nothing of tfguard's: no report (text or JSON), no `tfguard:` line.
    expect(r.stdout).not.toMatch(/tfguard|"decision"|PASS/);
    const report = JSON.parse(readFileSync(join(ws, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ tool: 'tfguard', decision: 'pass', findings: [], summary: { create: 1, delete: 0 } });
    expect(r.stderr).toContain('tfguard: pass (0 finding(s)); report written to report.json');
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]', 'terraform_data.item["b"]']);
  });

  it(title('--format json=FILE on a blocked plan: the file says block, exit 1, nothing applied'), () => {
    const ws = copyWorkspace(template, 'json-block');
    writeFileSync(join(ws, '.tfguard.json'), BLOCK_CONFIG);
    const r = run(ws, ['--format', 'json=report.json', '-auto-approve', '-var', 'names=b']);
    expect(r.code, whole(r)).toBe(1);
    expect(r.stdout).not.toMatch(/tfguard|"decision"/);
    const report = JSON.parse(readFileSync(join(ws, 'report.json'), 'utf8'));
    expect(report.decision).toBe('block');
    expect(report.findings.map((f: any) => [f.rule, f.severity, f.addresses])).toContainEqual(['mass-destroy', 'block', ['terraform_data.item["a"]']]);
    expect(r.stderr).toContain('tfguard: refused: 1 blocking finding(s) (mass-destroy). Nothing was applied.');
    expect(runOf(r, 'plan')).toBeTruthy();
    expect(r.terraform.some((a) => a[0] === 'apply')).toBe(false);
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]']);
    const audit = auditRecords(ws).at(-1);
    expect(audit.decision).toBe('refused');
    expect(audit.findings.map((f: any) => f.rule)).toContain('mass-destroy');
  });

  it(title('--format json --output FILE writes the file; --format json alone goes to stderr, never stdout'), () => {
    const ws = copyWorkspace(template, 'json-output');
    const toFile = run(ws, ['--format', 'json', '--output', 'out.json', '-auto-approve', '-var', 'names=a,b']);
    expect(toFile.code, whole(toFile)).toBe(0);
    expect(JSON.parse(readFileSync(join(ws, 'out.json'), 'utf8')).decision).toBe('pass');
    expect(toFile.stdout).not.toMatch(/tfguard|"decision"/);

    const toStderr = run(ws, ['--format', 'json', '-auto-approve', '-var', 'names=a,b,c']);
    expect(toStderr.code, whole(toStderr)).toBe(0);
    expect(toStderr.stdout).toContain('Apply complete! Resources: 1 added');
    expect(toStderr.stdout).not.toMatch(/tfguard|"decision"/);
    const json = toStderr.stderr.slice(toStderr.stderr.indexOf('{\n'), toStderr.stderr.lastIndexOf('\n}') + 2);
    expect(JSON.parse(json)).toMatchObject({ tool: 'tfguard', decision: 'pass', summary: { create: 1 } });
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]', 'terraform_data.item["b"]', 'terraform_data.item["c"]']);
  });

  it(title('the text report stays on stdout, as before'), () => {
    const ws = copyWorkspace(template, 'text');
    const r = run(ws, ['-auto-approve', '-var', 'names=a,b']);
    expect(r.code, whole(r)).toBe(0);
    expect(r.stdout).toMatch(/^PASS/m);
    expect(r.stderr).not.toContain('"decision"');
  });

  it(title('a report file that cannot be written: exit 2, one line, nothing applied'), () => {
    const ws = copyWorkspace(template, 'json-unwritable');
    const r = run(ws, ['--format', 'json=no/such/dir/report.json', '-auto-approve', '-var', 'names=a,b']);
    expect(r.code, whole(r)).toBe(2);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('tfguard: ')),
    ).toEqual([expect.stringMatching(/^tfguard: no\/such\/dir\/report\.json: cannot write the report/)]);
    expect(r.stderr).not.toContain('    at ');
    expect(r.terraform.some((a) => a[0] === 'apply')).toBe(false);
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]']);
  });
});

describe('destroy arguments', () => {
  it('tfguard destroy ARGS is tfguard apply -destroy ARGS, -destroy never twice', () => {
    expect(destroyArgv([])).toEqual(['-destroy']);
    expect(destroyArgv(['-auto-approve', '-var', 'x=1'])).toEqual(['-destroy', '-auto-approve', '-var', 'x=1']);
    expect(destroyArgv(['-var', 'x=1', '-destroy'])).toEqual(['-var', 'x=1', '-destroy']);
    expect(destroyArgv(['-destroy=true'])).toEqual(['-destroy=true']);
    expect(parseApplyArgs(destroyArgv(['-target=a.b']), 'destroy').planArgs).toEqual(['-destroy', '-target=a.b']);
    expect(() => parseApplyArgs(destroyArgv(['saved.tfplan']), 'destroy')).toThrow(/destroy: takes no saved plan \(saved\.tfplan\)/);
    expect(() => parseApplyArgs(destroyArgv(['-destroy=false']), 'destroy')).toThrow(/destroy: -destroy=false contradicts destroy/);
    expect(() => parseApplyArgs(destroyArgv(['--yes']), 'destroy')).toThrow(/^destroy: unknown option --yes/);
    expect(parseApplyArgs(destroyArgv(['-h']), 'destroy').help).toBe(true);
  });
});
