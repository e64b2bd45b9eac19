/**
 * Waivers next to what they waive: `# tfguard:allow RULE reason="..." expires=YYYY-MM-DD` right above a resource
 * block, honoured by `check`, `apply` (a real terraform apply) and `scan`, with the rules of a `.tfguard.json`
 * waiver; a comment that cannot be read is an error naming its file and line. Also: `scan` reads the same
 * `.tfguard.json` as `check` (severities, waivers, an invalid config), and a config waiver whose glob matches
 * nothing in the plan is reported. The built CLI as a subprocess.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, hasTerraform, needsTerraform } from './helpers/env.js';
import { expectOneLineError, json, tfguard } from './helpers/cli.js';
import { killStragglers, makeWorkspace, tfguard as tfguardAsync } from './helpers/workspace.js';

const PLAN = join(FIXTURES_DIR, 'incident', 'plan.json');
const INCIDENT_TF = readFileSync(join(FIXTURES_DIR, 'incident', 'src', 'main.tf'), 'utf8');
const HEADER = 'resource "terraform_data" "cp_reset_on_destroy" {';
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tfguard-inline-')));
afterAll(() => {
  killStragglers();
  rmSync(tmp, { recursive: true, force: true });
});
let n = 0;

/** The incident's sources with these lines right above the reset helper's block, and a config if given. */
function sources(above: string, config?: object): string {
  const dir = join(tmp, `s${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'main.tf'), INCIDENT_TF.replace(HEADER, `${above}\n${HEADER}`));
  if (config) writeFileSync(join(dir, '.tfguard.json'), JSON.stringify(config));
  return dir;
}

const ALLOW = '# tfguard:allow destroy-provisioner reason="decommission script, reviewed CHG-12" expires=2099-03-31';
const headerLine = (dir: string) => readFileSync(join(dir, 'main.tf'), 'utf8').split('\n').indexOf(HEADER) + 1;

describe('check', () => {
  it('waives the findings of that rule on that block, with its place, reason and expiry; other rules still fire', () => {
    const dir = sources(`# The reset helpers.\n${ALLOW}`);
    const report = json(tfguard(['check', PLAN, '--dir', dir, '--format', 'json']));
    expect(report.findings.map((f: any) => f.rule)).not.toContain('destroy-provisioner');
    expect(report.findings.map((f: any) => f.rule)).toContain('blast-radius');
    expect(report.waived).toHaveLength(3);
    expect(report.waived[0].waiver).toMatchObject({ rule: 'destroy-provisioner', file: 'main.tf', line: headerLine(dir) - 1, expires: '2099-03-31' });
    const text = tfguard(['check', PLAN, '--dir', dir]).stdout;
    expect(text).toContain(`by tfguard:allow at main.tf:${headerLine(dir) - 1}: decommission script, reviewed CHG-12 (until 2099-03-31)`);
  });

  it('an expired one waives nothing and is reported', () => {
    const dir = sources(ALLOW.replace('2099-03-31', '2020-01-01'));
    const run = tfguard(['check', PLAN, '--dir', dir, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = json(run);
    expect(report.waived).toEqual([]);
    expect(report.expired_waivers).toEqual([expect.objectContaining({ rule: 'destroy-provisioner', matched: 3, line: headerLine(dir) - 1 })]);
  });

  it.each([
    ['no expiry', '# tfguard:allow destroy-provisioner reason="x"', 'give expires=YYYY-MM-DD'],
    ['no reason', '# tfguard:allow destroy-provisioner expires=2099-01-01', 'give reason="..."'],
    ['a blank reason', '// tfguard:allow destroy-provisioner reason="  " expires=2099-01-01', 'say why the finding is waived'],
    ['a bad date', '# tfguard:allow destroy-provisioner reason="x" expires=2099-13-01', 'expires: expected a date like 2026-12-31, got "2099-13-01"'],
    [
      'a mistyped rule',
      '# tfguard:allow destroy-provisoner reason="x" expires=2099-01-01',
      'unknown rule "destroy-provisoner"'.replace('provisioner"', 'provisoner" (did you mean "destroy-provisioner"?'),
    ],
    ['another word', '# tfguard:ignore destroy-provisioner', 'unknown tfguard comment "ignore"'],
    ['an unknown key', '# tfguard:allow destroy-provisioner reason="x" expire=2099-01-01', 'unknown key "expire" (did you mean "expires"?)'],
    ['an open quote', '# tfguard:allow destroy-provisioner reason="x expires=2099-01-01', 'cannot read'],
  ])('%s is an error naming the file and line (exit 2)', (_title, comment, message) => {
    const dir = sources(comment);
    expectOneLineError(tfguard(['check', PLAN, '--dir', dir]), `tfguard: main.tf:${headerLine(dir) - 1}: `, message);
    expectOneLineError(tfguard(['scan', dir]), `tfguard: main.tf:${headerLine(dir) - 1}: `, message);
  });

  it('a comment that stands above no block (a blank line, inside the block) is an error, never ignored', () => {
    for (const above of [`${ALLOW}\n`, '']) {
      const dir = sources(above);
      if (above === '') writeFileSync(join(dir, 'main.tf'), INCIDENT_TF.replace('  provisioner "local-exec" {', `  ${ALLOW}\n  provisioner "local-exec" {`));
      const line =
        readFileSync(join(dir, 'main.tf'), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('tfguard:allow')) + 1;
      expectOneLineError(
        tfguard(['check', PLAN, '--dir', dir]),
        `tfguard: main.tf:${line}: a tfguard:allow comment must stand right above a resource or removed block`,
      );
      expectOneLineError(tfguard(['scan', dir]), `main.tf:${line}: a tfguard:allow comment must stand right above`);
    }
  });

  it('a config waiver whose glob matches nothing in the plan is reported (text, JSON, markdown)', () => {
    const waiver = { rule: 'blast-radius', address: 'terraform_data.cp_reset_on_destory', reason: 'CHG-1', expires: '2099-01-01' };
    const dir = sources('', { waivers: [waiver] });
    const run = tfguard(['check', PLAN, '--dir', dir, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(json(run).unmatched_waivers).toEqual([waiver]);
    expect(tfguard(['check', PLAN, '--dir', dir]).stdout).toContain(
      'Unmatched waiver: blast-radius "terraform_data.cp_reset_on_destory" matches no resource in this plan and waives nothing',
    );
    expect(tfguard(['check', PLAN, '--dir', dir, '--format', 'markdown']).stdout).toContain('Unmatched waivers');
    // A glob that matches an instance of the plan is not unmatched, whether or not it waives a finding.
    const used = sources('', { waivers: [{ ...waiver, address: 'terraform_data.worker' }] });
    expect(json(tfguard(['check', PLAN, '--dir', used, '--format', 'json'])).unmatched_waivers).toEqual([]);
  });
});

describe('scan reads the same config as check', () => {
  const scanJson = (dir: string, ...extra: string[]) => {
    const run = tfguard(['scan', dir, '--format', 'json', ...extra]);
    return { code: run.code, report: json(run) };
  };

  it('honours a tfguard:allow comment', () => {
    const { code, report } = scanJson(sources(ALLOW));
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.waived[0]).toMatchObject({ rule: 'destroy-provisioner', waiver: { file: 'main.tf', reason: 'decommission script, reviewed CHG-12' } });
  });

  it('honours a config waiver, and a severity; "off" turns the check off', () => {
    const waiver = { rule: 'destroy-provisioner', address: 'terraform_data.cp_reset_on_destroy', reason: 'CHG-12', expires: '2099-01-01' };
    const waived = scanJson(sources('', { waivers: [waiver] }));
    expect(waived.code).toBe(0);
    expect(waived.report.scan.config).toMatch(/\.tfguard\.json$/);
    expect(waived.report.waived[0].waiver).toEqual(waiver);
    const warned = scanJson(sources('', { rules: { 'destroy-provisioner': 'warn' } }));
    expect([warned.code, warned.report.decision, warned.report.findings[0].severity]).toEqual([0, 'warn', 'warn']);
    const off = scanJson(sources('', { rules: { 'destroy-provisioner': { severity: 'off' } } }));
    expect([off.code, off.report.findings]).toEqual([0, []]);
    const expired = scanJson(sources('', { waivers: [{ ...waiver, expires: '2020-01-01' }] }));
    expect(expired.code).toBe(1);
    expect(expired.report.expired_waivers).toEqual([{ ...waiver, expires: '2020-01-01', matched: 1 }]);
  });

  it('an invalid config is an error (exit 2); --config reads another file; the header names the config', () => {
    const dir = sources('', { rules: { 'destroy-provisioner': 'loud' } });
    expectOneLineError(tfguard(['scan', dir]), '.tfguard.json: rules.destroy-provisioner: expected block, warn or off');
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ rules: { 'destroy-provisioner': 'off' } }));
    const run = tfguard(['scan', dir, '--config', other]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toContain(`· config ${other}`);
    expectOneLineError(tfguard(['scan', dir, '--config', join(dir, 'missing.json')]), 'missing.json: no such config file');
  });
});

describe('apply', () => {
  const TF = (above: string) => `variable "v" {
  default = "1"
}

${above}
resource "terraform_data" "cleanup" {
  triggers_replace = var.v

  provisioner "local-exec" {
    when    = destroy
    command = "rm -rf ./scratch"
  }
}
`;

  it.skipIf(!hasTerraform)(
    needsTerraform('a real tfguard apply -auto-approve goes through with the comment, and is refused without it'),
    async () => {
      for (const [above, allowed] of [
        [ALLOW.replace('decommission script', 'scratch cleanup'), true],
        ['', false],
      ] as const) {
        const dir = makeWorkspace('inline-apply', { 'main.tf': TF(above) });
        mkdirSync(join(dir, 'scratch'));
        const run = await tfguardAsync(['apply', '-auto-approve', '-var', 'v=2', '-no-color'], { cwd: dir, timeout: 90_000 });
        if (allowed) {
          expect(run.code, run.stdout + run.stderr).toBe(0);
          expect(run.stdout).toContain('by tfguard:allow at main.tf:5: scratch cleanup, reviewed CHG-12 (until 2099-03-31)');
          expect(existsSync(join(dir, 'scratch'))).toBe(false);
        } else {
          expect(run.code).toBe(1);
          expect(run.stdout).toContain('BLOCK  destroy-provisioner');
          expect(existsSync(join(dir, 'scratch'))).toBe(true);
        }
      }
    },
    180_000,
  );
});
