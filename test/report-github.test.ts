/**
 * `--format github`: workflow commands a GitHub Actions runner turns into annotations. One command per line,
 * escaped the way the runner reads them back; file= and line= where a finding has a location; the decision
 * last; the job summary (GITHUB_STEP_SUMMARY) appended to, never truncated; no secret anywhere.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../src/commands/output.js';
import { command, escapeData, escapeProperty, formatGithubSet } from '../src/report/github.js';
import type { Report, ReportFinding } from '../src/report/report.js';
import { reportSet } from '../src/report/set.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';
import { tfguard as cli, type Run } from './helpers/cli.js';

const tfguard = (args: string[], env: Record<string, string> = {}) => cli(args, { env });

/** Tests that run the CLI several times: each run parses HCL, slow on a loaded machine. */
const CLI_TIMEOUT = 60_000;
const plan = (name: string) => `fixtures/${name}/plan.json`;
const INCIDENT = plan('incident');
const PASS_LINE = '::notice title=tfguard%3A pass::PASS: no rule fired.';

interface Command {
  name: string;
  props: Record<string, string>;
  /** The message as the runner reads it back (unescaped). */
  message: string;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

/** Parses stdout as the runner does: one command per line, `::name k=v,k=v::message`. */
function commands(stdout: string): Command[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
      if (!m) throw new Error(`not a workflow command: ${line}`);
      const props: Record<string, string> = {};
      for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
        const eq = kv.indexOf('=');
        props[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1));
      }
      return { name: m[1]!, props, message: unescapeData(m[3]!) };
    });
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-github-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function finding(rule: string, over: Partial<ReportFinding> = {}): ReportFinding {
  return { rule, severity: 'block', message: `${rule} fired`, addresses: ['terraform_data.x'], details: [], docs: `README.md#${rule}`, ...over };
}

function report(over: Partial<Report> & { dir?: string } = {}): Report {
  const findings = over.findings ?? [];
  const { dir, ...rest } = over;
  return {
    tool: 'tfguard',
    version: '0.1.0',
    plan: { source: 'plan.json', format_version: '1.2', terraform_version: '1.11.4', ...(dir === undefined ? {} : { dir }) } as Report['plan'],
    decision: findings.some((f) => f.severity === 'block') ? 'block' : findings.length > 0 ? 'warn' : 'pass',
    summary: { create: 0, update: 0, replace: 0, delete: 1, forget: 0, import: 0 },
    findings,
    waived: [],
    expired_waivers: [],
    config: null,
    ...rest,
  };
}

describe('escaping', () => {
  it('escapes data and properties exactly as GitHub requires', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext%3A a%2Cb');
    // % first: an already escaped-looking text is not read back as something else.
    expect(escapeData('%0A')).toBe('%250A');
    expect(command('error', { file: 'a,b:c.tf', line: 3, title: 'tfguard x' }, 'm')).toBe('::error file=a%2Cb%3Ac.tf,line=3,title=tfguard x::m');
  });

  it('keeps every finding on one line: text from a plan cannot start another command', () => {
    const hostile = 'terraform_data.x["a\\"<&>\n::error::pwned\r\n::set-env name=X::1%0A,:"]';
    const set = reportSet([report({ findings: [finding('blast-radius', { addresses: [hostile], message: 'boom\n::warning::fake' })] })]);
    const out = formatGithubSet(set);
    const lines = out.slice(0, -1).split('\n');
    expect(lines).toHaveLength(2);
    expect(out).not.toContain('\r');
    const [first] = commands(out);
    expect(first).toMatchObject({ name: 'error', props: { title: 'tfguard blast-radius' } });
    expect(first!.message).toBe(`boom\n::warning::fake\n- ${hostile}`);
  });

  it('joins the plan dir and the file with forward slashes, relative to the current directory', () => {
    const located = finding('destroy-provisioner', { location: { file: 'modules\\node/main,1.tf', line: 7 } });
    const [withDir] = commands(formatGithubSet(reportSet([report({ dir: 'stacks\\prod', findings: [located] })])));
    expect(withDir!.props).toEqual({ file: 'stacks/prod/modules/node/main,1.tf', line: '7', title: 'tfguard destroy-provisioner' });
    const [noDir] = commands(formatGithubSet(reportSet([report({ findings: [located] })])));
    expect(noDir!.props.file).toBe('modules/node/main,1.tf');
    const [dot] = commands(formatGithubSet(reportSet([report({ dir: '.', findings: [finding('x', { location: { file: 'main.tf', line: 1 } })] })])));
    expect(dot!.props.file).toBe('main.tf');
  });

  it('warns for warn findings and lists at most 20 addresses', () => {
    const addresses = Array.from({ length: 25 }, (_, i) => `terraform_data.n[${i}]`);
    const cmds = commands(formatGithubSet(reportSet([report({ findings: [finding('mass-destroy', { severity: 'warn', addresses })] })])));
    expect(cmds.map((c) => c.name)).toEqual(['warning', 'notice']);
    expect(cmds[0]!.message).toContain('- terraform_data.n[19]');
    expect(cmds[0]!.message).not.toContain('- terraform_data.n[20]');
    expect(cmds[0]!.message).toContain('… and 5 more');
    expect(cmds[1]!.message).toMatch(/^WARN: a person must review this plan; -auto-approve is refused \(1 warning\)\.$/);
  });
});

describe('github on the incident', { timeout: CLI_TIMEOUT }, () => {
  let run: Run;
  let locations: Map<string, { file: string; line: number }>;
  beforeAll(() => {
    run = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'github']);
    const report = JSON.parse(tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'json']).stdout) as Report;
    locations = new Map(report.findings.filter((f) => f.location).map((f) => [f.message, f.location!]));
  });

  it('prints one ::error per finding, titled with its rule, then the decision', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    const cmds = commands(run.stdout);
    expect(cmds.map((c) => [c.name, c.props.title])).toEqual([
      ['error', 'tfguard blast-radius'],
      ['error', 'tfguard destroy-provisioner'],
      ['error', 'tfguard destroy-provisioner'],
      ['error', 'tfguard destroy-provisioner'],
      ['error', 'tfguard reset-on-destroy-replaced'],
      ['error', 'tfguard: blocked'],
    ]);
    expect(cmds.at(-1)!.message).toBe('BLOCKED: do not apply this plan. 5 blocking findings, 0 warnings.');
    // The message, then the addresses, on lines the runner puts back together.
    const blast = cmds[0]!.message.split('\n');
    expect(blast[0]).toMatch(/^The plan replaces 3 of 3 instances of terraform_data\.cp_reset_on_destroy/);
    expect(blast.slice(1)).toEqual(['fresh', 'powder', 'storm'].map((k) => `- terraform_data.cp_reset_on_destroy["${k}"]`));
    expect(run.stdout).toContain('%0A- terraform_data.cp_reset_on_destroy["fresh"]');
    expect(run.stdout).toContain('title=tfguard blast-radius::');
  });

  it('points destroy-provisioner findings at the .tf file, relative to the current directory', () => {
    const cmds = commands(run.stdout).filter((c) => c.props.title === 'tfguard destroy-provisioner');
    expect(cmds).toHaveLength(3);
    for (const c of cmds) {
      const location = locations.get(c.message.split('\n')[0]!);
      expect(location, 'the JSON report has a location for this finding').toBeDefined();
      expect(location!.file).toBe('main.tf');
      expect(c.props.file).toBe('fixtures/incident/src/main.tf');
      expect(c.props.line).toBe(String(location!.line));
      expect(readFileSync(join(ROOT, c.props.file!), 'utf8').split('\n')[Number(c.props.line) - 1]).toMatch(/cp_reset_on_destroy|provisioner/);
    }
    expect(run.stdout).toMatch(/^::error file=fixtures\/incident\/src\/main\.tf,line=\d+,title=tfguard destroy-provisioner::/m);
    // Every finding with a location has file= and line=, and only those.
    for (const c of commands(run.stdout).slice(0, -1)) {
      const location = locations.get(c.message.split('\n')[0]!);
      expect(c.props.file, c.props.title).toBe(location ? `fixtures/incident/src/${location.file}` : undefined);
      expect(c.props.line, c.props.title).toBe(location ? String(location.line) : undefined);
    }
  });
});

describe('github with other plans', { timeout: CLI_TIMEOUT }, () => {
  it('prints only the notice for a passing plan', () => {
    const run = tfguard(['check', plan('add-worker'), '--format', 'github']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${PASS_LINE}\n`);
    expect(run.stderr).toBe('');
  });

  it('warns, and passes, on a plan with warnings only', () => {
    const run = tfguard(['check', plan('removed-from-config'), '--format', 'github']);
    expect(run.code, run.stderr).toBe(0);
    const cmds = commands(run.stdout);
    expect(cmds.slice(0, -1).every((c) => c.name === 'warning')).toBe(true);
    expect(cmds.length).toBeGreaterThan(1);
    expect(cmds.at(-1)).toMatchObject({ name: 'notice', props: { title: 'tfguard: review' } });
  });

  it('prefixes messages with the plan when there are several', () => {
    const plans = [plan('add-worker'), plan('removed-from-config'), INCIDENT];
    const run = tfguard(['check', ...plans, '--format', 'github']);
    expect(run.code, run.stderr).toBe(1);
    const cmds = commands(run.stdout);
    const findings = cmds.slice(0, -1);
    const reports = (JSON.parse(tfguard(['check', ...plans, '--format', 'json']).stdout) as { plans: Report[] }).plans;
    expect(reports.map((r) => r.plan.source)).toEqual(plans);
    for (const r of reports) {
      const mine = findings.filter((c) => c.message.startsWith(`${r.plan.source}: `));
      expect(
        mine.map((c) => c.props.title),
        r.plan.source,
      ).toEqual(r.findings.map((f) => `tfguard ${f.rule}`));
      expect(
        mine.map((c) => c.message.split('\n')[0]),
        r.plan.source,
      ).toEqual(r.findings.map((f) => `${r.plan.source}: ${f.message}`));
    }
    expect(findings.length).toBe(reports.reduce((n, r) => n + r.findings.length, 0));
    expect(findings.filter((c) => c.message.startsWith(`${INCIDENT}: `)).length).toBeGreaterThan(0);
    expect(cmds.at(-1)!.message).toMatch(/^BLOCKED: do not apply this plan \(3 plans\)\. \d+ blocking findings?, \d+ warnings?\.$/);
  });
});

describe('GITHUB_STEP_SUMMARY', { timeout: CLI_TIMEOUT }, () => {
  it('appends the report to the job summary on every run, never truncating it', async () => {
    const summary = join(await mkdtemp(join(tmp, 'summary-')), 'step_summary.md');
    await writeFile(summary, '# an earlier step\n\n');
    const env = { GITHUB_STEP_SUMMARY: summary };
    const first = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'github'], env);
    expect(first.code, first.stderr).toBe(1);
    const once = await readFile(summary, 'utf8');
    expect(once.startsWith('# an earlier step\n\n')).toBe(true);
    expect(once.length).toBeGreaterThan('# an earlier step\n\n'.length + 200);
    expect(once).toContain('blast-radius');
    expect(once).toContain('terraform_data.cp_reset_on_destroy');
    expect(once).not.toMatch(/\u001b\[/);
    // stdout is still only workflow commands.
    expect(() => commands(first.stdout)).not.toThrow();

    const second = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'github'], env);
    expect(second.code).toBe(1);
    const twice = await readFile(summary, 'utf8');
    expect(twice.startsWith(once)).toBe(true);
    expect(twice.length).toBe(2 * once.length - '# an earlier step\n\n'.length);
  });

  it('is written when github goes to a file too, and not without a github target', async () => {
    const dir = await mkdtemp(join(tmp, 'summary-'));
    const summary = join(dir, 'step_summary.md');
    await writeFile(summary, '');
    const env = { GITHUB_STEP_SUMMARY: summary };
    expect(tfguard(['check', plan('add-worker'), '--format', 'text'], env).code).toBe(0);
    expect(tfguard(['check', plan('add-worker'), '--format', 'json', '--format', `junit=${join(dir, 'r.xml')}`], env).code).toBe(0);
    expect(await readFile(summary, 'utf8')).toBe('');
    const run = tfguard(['check', plan('add-worker'), '--format', 'text', '--format', `github=${join(dir, 'gh.txt')}`], env);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(dir, 'gh.txt'), 'utf8')).toBe(`${PASS_LINE}\n`);
    expect((await readFile(summary, 'utf8')).length).toBeGreaterThan(0);
  });

  it('an unwritable summary file is an error (exit 2), never a silent pass', async () => {
    const dir = await mkdtemp(join(tmp, 'summary-'));
    const run = tfguard(['check', plan('add-worker'), '--format', 'github'], { GITHUB_STEP_SUMMARY: join(dir, 'missing', 'summary.md') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tfguard: GITHUB_STEP_SUMMARY .*cannot append/);
  });
});

describe('github and secrets', { timeout: CLI_TIMEOUT }, () => {
  const { secret } = JSON.parse(readFileSync(join(FIXTURES_DIR, 'sensitive-values', 'scenario.json'), 'utf8')) as { secret: string };

  it('never prints the secret of fixtures/sensitive-values, nor writes it to the job summary', async () => {
    const summary = join(await mkdtemp(join(tmp, 'secret-')), 'step_summary.md');
    const run = tfguard(['check', plan('sensitive-values'), '--dir', 'fixtures/sensitive-values/src', '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('title=tfguard destroy-provisioner');
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    const written = await readFile(summary, 'utf8');
    expect(written).toContain('destroy-provisioner');
    expect(written).not.toContain(secret);
  });

  it('redacts a secret that workflow-command escaping would otherwise change (% , : in it)', async () => {
    const secret = 'tok%en,with:colons-42';
    const located = { file: `${secret}.tf`, line: 1 };
    const set = reportSet([report({ findings: [finding('destroy-provisioner', { message: `runs curl -H 'token: ${secret}'`, location: located })] })]);
    const out = join(await mkdtemp(join(tmp, 'redact-')), 'gh.txt');
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      await writeReports(set, new Set([secret]), [{ format: 'github', file: out }]);
    } finally {
      process.stderr.write = stderr;
    }
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain(escapeData(secret));
    expect(text).not.toContain(escapeProperty(secret));
    expect(
      commands(text)
        .map((c) => `${c.props.file ?? ''} ${c.message}`)
        .join('\n'),
    ).not.toContain(secret);
    expect(text).toContain('(sensitive)');
  });
});
