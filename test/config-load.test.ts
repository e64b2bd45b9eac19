/**
 * `.tfguard.json` as a person meets it: found like tflint's and eslint's (DIR, else the nearest folder above it up
 * to the top of the git repository), named in the text header and the JSON report, and refused with a line that
 * says which key is wrong, what was expected and what was found (JSON syntax: line and column; a mistyped rule id:
 * the nearest one). The built CLI as a subprocess, in real git repositories.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from './helpers/env.js';
import { expectOneLineError, json, tfguard } from './helpers/cli.js';

const INCIDENT_PLAN = join(FIXTURES_DIR, 'incident', 'plan.json');
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tfguard-config-')));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A git repository whose stack (REPO/stacks/prod) holds the incident's sources; configs by relative path. */
function repo(configs: Record<string, string | object>, opts: { git?: boolean } = {}): { top: string; stack: string } {
  const top = join(tmp, `r${n++}`);
  const stack = join(top, 'stacks', 'prod');
  mkdirSync(stack, { recursive: true });
  cpSync(join(FIXTURES_DIR, 'incident', 'src'), stack, { recursive: true });
  if (opts.git !== false) execFileSync('git', ['init', '-q', top]);
  for (const [rel, content] of Object.entries(configs)) {
    writeFileSync(join(top, rel), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return { top, stack };
}

const check = (dir: string, ...extra: string[]) => tfguard(['check', INCIDENT_PLAN, '--dir', dir, ...extra], { cwd: dir });
const OFF = { rules: { 'blast-radius': 'off', 'destroy-provisioner': 'off', 'reset-on-destroy-replaced': 'off' } };

describe('discovery', () => {
  it('reads .tfguard.json at the top of the git repository for a stack below it, and names it', () => {
    const { stack } = repo({ '.tfguard.json': OFF });
    const text = check(stack);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/ · config \/.*\/r\d+\/\.tfguard\.json$/);
    const report = json(check(stack, '--format', 'json'));
    expect(report.decision).toBe('pass');
    expect(report.config).toMatch(/\/r\d+\/\.tfguard\.json$/);
  });

  it('prefers the nearest: DIR over its parents', () => {
    const { top, stack } = repo({ '.tfguard.json': OFF, 'stacks/prod/.tfguard.json': { rules: {} } });
    const report = json(tfguard(['check', INCIDENT_PLAN, '--dir', stack, '--format', 'json'], { cwd: top }));
    expect(report.decision).toBe('block');
    expect(report.config).toBe('stacks/prod/.tfguard.json');
  });

  it('stops at the top of the git repository: a config above it does not apply', () => {
    const outer = join(tmp, `outer${n++}`);
    mkdirSync(outer);
    writeFileSync(join(outer, '.tfguard.json'), JSON.stringify(OFF));
    const stack = join(outer, 'repo', 'prod');
    mkdirSync(stack, { recursive: true });
    cpSync(join(FIXTURES_DIR, 'incident', 'src'), stack, { recursive: true });
    execFileSync('git', ['init', '-q', join(outer, 'repo')]);
    const run = check(stack);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toContain(' · no config (every rule at its defaults)');
    expect(json(check(stack, '--format', 'json')).config).toBeNull();
  });

  it("several plans: each plan's folder finds its own config (its own file, else the one at the top)", () => {
    const { top } = repo({ '.tfguard.json': OFF });
    for (const name of ['a', 'b']) {
      mkdirSync(join(top, 'stacks', name));
      cpSync(join(FIXTURES_DIR, 'incident', 'src'), join(top, 'stacks', name), { recursive: true });
      cpSync(INCIDENT_PLAN, join(top, 'stacks', name, 'plan.json'));
    }
    writeFileSync(join(top, 'stacks', 'b', '.tfguard.json'), '{}');
    const run = tfguard(['check', 'stacks/a/plan.json', 'stacks/b/plan.json', '--format', 'json'], { cwd: top });
    expect(run.code).toBe(1);
    expect(json(run).plans.map((p: any) => [p.plan.source, p.config, p.decision])).toEqual([
      ['stacks/a/plan.json', '.tfguard.json', 'pass'],
      ['stacks/b/plan.json', 'stacks/b/.tfguard.json', 'block'],
    ]);
    const text = tfguard(['check', 'stacks/a/plan.json', 'stacks/b/plan.json'], { cwd: top }).stdout;
    expect(text).toContain('stacks/a/plan.json (Terraform 1.11.4, format 1.2) · config .tfguard.json');
    expect(text).toContain('stacks/b/plan.json (Terraform 1.11.4, format 1.2) · config stacks/b/.tfguard.json');
  });

  it('outside a git repository, only DIR is read', () => {
    const { stack } = repo({ '.tfguard.json': OFF }, { git: false });
    expect(check(stack).code).toBe(1);
  });

  it('--config wins over discovery, and an invalid discovered config is an error (exit 2)', () => {
    const { top, stack } = repo({ '.tfguard.json': '{ "rules": { "mass-destroy": "loud" } }', 'other.json': OFF });
    expectOneLineError(check(stack), '.tfguard.json: rules.mass-destroy: expected block, warn or off');
    expect(check(stack, '--config', join(top, 'other.json')).code).toBe(0);
  });
});

describe('errors name the key, what was expected and what was found', () => {
  const cases: [string, string | object, string][] = [
    ['a severity', { rules: { 'mass-destroy': { severity: 'warning' } } }, 'rules.mass-destroy.severity: expected block, warn or off, got "warning"'],
    [
      'a rule entry',
      { rules: { 'mass-destroy': 3 } },
      `rules.mass-destroy: expected block, warn or off, or an object with "severity" and the rule's options, got 3`,
    ],
    ['an option', { rules: { 'mass-destroy': { max: '25' } } }, 'rules.mass-destroy.max: expected a number, got "25"'],
    ['an option name', { rules: { 'mass-destroy': { maxx: 25 } } }, 'rules.mass-destroy: unknown key "maxx" (did you mean "max"?)'],
    ['a rule id', { rules: { 'mass-destroi': 'warn' } }, 'rules: unknown rule "mass-destroi" (did you mean "mass-destroy"? tfguard rules lists them)'],
    [
      "a waiver's rule",
      { waivers: [{ rule: 'blast-raduis', address: 'x', reason: 'r', expires: '2030-01-01' }] },
      'waivers[0].rule: unknown rule "blast-raduis" (did you mean "blast-radius"?',
    ],
    ['a rule id nothing is near', { rules: { zzz: 'off' } }, 'rules: unknown rule "zzz" (tfguard rules lists them)'],
    ['a top-level key', { protec: [] }, '(top level): unknown key "protec" (did you mean "protect"?)'],
    [
      'a date',
      { waivers: [{ rule: 'blast-radius', address: 'x', reason: 'r', expires: '31.12.2030' }] },
      'waivers[0].expires: expected a date like 2026-12-31, got "31.12.2030"',
    ],
    [
      'a trailing comma',
      '{\n  "rules": {\n    "mass-destroy": "warn",\n  }\n}\n',
      'is not valid JSON: line 4, column 3: Expected double-quoted property name (a trailing comma? JSON allows none)',
    ],
    ['a missing colon', '{\n  "protect" []\n}', 'is not valid JSON: line 2, column 13:'],
    ['a cut-off file', '{ "rules": ', 'is not valid JSON: line 1, column 12: the file ends too early'],
  ];
  it.each(cases)('%s', (_title, config, message) => {
    const { stack } = repo({ 'stacks/prod/.tfguard.json': config });
    expectOneLineError(check(stack), `tfguard: .tfguard.json: ${message}`);
  });
});
