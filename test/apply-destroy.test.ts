/**
 * `tfguard destroy ARGS` is `tfguard apply -destroy ARGS`, as `terraform destroy` is `terraform apply -destroy`:
 * the same review and decisions, the same options, no saved plan. Real terraform workspaces (builtin
 * `terraform_data`); the state after each run proves what was (not) destroyed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLY_HELP, DESTROY_HELP } from '../src/apply/help.js';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { auditRecords, copyWorkspace, killStragglers, makeWorkspace, scratchDir, stateList, tfguard, type Run } from './helpers/workspace.js';

const title = (text: string): string =>
  hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM.replace('saved binary plan tests', 'apply end-to-end tests')}]`;

const set = (keys: string[]): string => `
resource "terraform_data" "item" {
  for_each = toset(${JSON.stringify(keys)})
  input    = each.key
}
`;
const LONE = `
resource "terraform_data" "solo" {
  input = "solo"
}
`;

let two = '';
let four = '';
let lone = '';

beforeAll(() => {
  scratchDir();
  if (!hasTerraform) return;
  two = makeWorkspace('two', { 'main.tf': set(['a', 'b']) });
  four = makeWorkspace('four', { 'main.tf': set(['a', 'b', 'c', 'd']) });
  lone = makeWorkspace('lone', { 'main.tf': LONE });
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

const whole = (r: Run): string => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
const report = (ws: string, file: string): any => JSON.parse(readFileSync(join(ws, file), 'utf8'));
/** What a review judged: decision and findings (rule, severity, addresses). */
const judged = (r: any) => ({ decision: r.decision, summary: r.summary, findings: r.findings.map((f: any) => [f.rule, f.severity, f.addresses]) });

function expectOneLineError(r: Run, part: string): void {
  expect(r.code, whole(r)).toBe(2);
  expect(r.stderr.replace(/\n$/, '').split('\n')).toEqual([expect.stringContaining(part)]);
  expect(r.stderr).toMatch(/^tfguard: /);
  expect(r.stdout).toBe('');
}

describe('tfguard destroy', () => {
  it(title('two instances of one resource: judged as apply -destroy judges them; -auto-approve refused, nothing destroyed'), async () => {
    const ws = copyWorkspace(two, 'destroy-two');
    const viaApply = copyWorkspace(two, 'apply-destroy-two');
    const r = await tfguard(['destroy', '-auto-approve', '--format', 'json=report.json'], { cwd: ws });
    const a = await tfguard(['apply', '-destroy', '-auto-approve', '--format', 'json=report.json'], { cwd: viaApply });
    expect(r.code, whole(r)).toBe(1);
    expect(a.code, whole(a)).toBe(1);
    expect(judged(report(ws, 'report.json'))).toEqual(judged(report(viaApply, 'report.json')));
    expect(judged(report(ws, 'report.json'))).toMatchObject({
      decision: 'warn',
      summary: { delete: 2 },
      findings: [['blast-radius', 'warn', ['terraform_data.item["a"]', 'terraform_data.item["b"]']]],
    });
    expect(r.stderr).toContain('tfguard: refused: -auto-approve refused: 1 finding(s) (blast-radius) need a person.');
    expect(r.stdout).toContain('Plan: 0 to add, 0 to change, 2 to destroy.');
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]', 'terraform_data.item["b"]']);
    const audit = auditRecords(ws).at(-1);
    expect(audit).toMatchObject({ decision: 'refused', args: ['-destroy', '-auto-approve', '--format', 'json=report.json'], summary: { delete: 2 } });
  });

  it(title('four of four instances: mass-destroy blocks, as for apply -destroy; nothing destroyed'), async () => {
    const ws = copyWorkspace(four, 'destroy-four');
    const r = await tfguard(['destroy', '-auto-approve', '--format', 'json=report.json'], { cwd: ws });
    expect(r.code, whole(r)).toBe(1);
    const got = report(ws, 'report.json');
    expect(got.decision).toBe('block');
    expect(got.findings.find((f: any) => f.rule === 'mass-destroy')).toMatchObject({ severity: 'block' });
    expect(r.stderr).toContain('tfguard: refused: 1 blocking finding(s) (mass-destroy). Nothing was applied.');
    expect(stateList(ws)).toHaveLength(4);
  });

  it(title('a lone instance, no rule fires: -auto-approve destroys it, and the audit log says -destroy'), async () => {
    const ws = copyWorkspace(lone, 'destroy-lone');
    const r = await tfguard(['destroy', '-auto-approve'], { cwd: ws });
    expect(r.code, whole(r)).toBe(0);
    expect(r.stdout).toMatch(/^PASS: no rule fired\./m);
    expect(r.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 1 destroyed.');
    expect(stateList(ws)).toEqual([]);
    expect(auditRecords(ws).at(-1)).toMatchObject({ decision: 'applied', args: ['-destroy', '-auto-approve'], summary: { delete: 1 }, terraform_exit_code: 0 });
  });

  it(title('-destroy given as well is not doubled; -target narrows the destroy as for terraform destroy'), async () => {
    const ws = copyWorkspace(four, 'destroy-target');
    const r = await tfguard(['destroy', '-destroy', '-target=terraform_data.item["c"]', '-auto-approve'], { cwd: ws });
    expect(r.code, whole(r)).toBe(0);
    expect(stateList(ws)).toEqual(['terraform_data.item["a"]', 'terraform_data.item["b"]', 'terraform_data.item["d"]']);
    expect(auditRecords(ws).at(-1).args).toEqual(['-destroy', '-target=terraform_data.item["c"]', '-auto-approve']);
  });

  it(title('refuses a saved plan and -destroy=false before anything runs: exit 2, one line, nothing destroyed'), async () => {
    const ws = copyWorkspace(lone, 'destroy-refused');
    expectOneLineError(await tfguard(['destroy', '-auto-approve', 'saved.tfplan'], { cwd: ws }), 'tfguard: destroy: takes no saved plan (saved.tfplan)');
    expectOneLineError(await tfguard(['destroy', '-destroy=false', '-auto-approve'], { cwd: ws }), 'tfguard: destroy: -destroy=false contradicts destroy');
    expectOneLineError(await tfguard(['destroy', '--yes'], { cwd: ws }), 'tfguard: destroy: unknown option --yes');
    expect(stateList(ws)).toEqual(['terraform_data.solo']);
    expect(auditRecords(ws)).toEqual([]);
  });

  it("-h, -help, --help and tfguard help destroy print its help: apply -destroy, no PLANFILE, then apply's options", async () => {
    expect(DESTROY_HELP).toMatch(/^Usage: tfguard destroy /);
    expect(DESTROY_HELP).toContain('tfguard apply -destroy, as `terraform destroy` is `terraform apply -destroy`');
    expect(DESTROY_HELP).toContain('no PLANFILE');
    expect(DESTROY_HELP.endsWith(APPLY_HELP)).toBe(true);
    for (const args of [
      ['destroy', '-h'],
      ['destroy', '-help'],
      ['destroy', '--help'],
      ['help', 'destroy'],
    ]) {
      const r = await tfguard(args, { cwd: scratchDir() });
      expect(r.code, whole(r)).toBe(0);
      expect(r.stdout).toBe(DESTROY_HELP);
    }
  });
});
