/**
 * `tfguard check FOLDER`: the plan files under a folder (src/plan/discover.ts) are found by name, recursively, in
 * path order, each checked with its own folder's config and named by its path; a folder with none, or with a
 * file that is not a plan, is exit 2 with no report. Several documents in one input are named by position and
 * stderr says why; Terragrunt's log of `show -json` is refused with the flag that turns it off. The README's
 * "Many stacks" recipes: every tfguard command line in them is run, as written, on inputs shaped like what the
 * tools write (Terragrunt's --json-out-dir tree, a plan.json per unit, Atlantis's $PLANFILE and $SHOWFILE).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { discoverPlans, planKind } from '../src/plan/discover.js';
import { BIN, cliEnv, expectOneLineError, json, tfguard } from './helpers/cli.js';
import { FIXTURES_DIR, hasTerraform, needsTerraform, ROOT } from './helpers/env.js';

const INCIDENT = join(FIXTURES_DIR, 'incident');
const INCIDENT_PLAN = join(INCIDENT, 'plan.json');
/** A plan that passes with every rule at its defaults. */
const PASSING_PLAN = join(FIXTURES_DIR, 'add-worker', 'plan.json');
const SAVED_PLAN = join(INCIDENT, 'plan.tfplan');
const OFF = { rules: { 'blast-radius': 'off', 'destroy-provisioner': 'off', 'reset-on-destroy-replaced': 'off' } };
const PATTERNS = '(plan.json, *.plan.json, tfplan.json, *.tfplan.json, tfplan, *.tfplan; .git, node_modules, .terraform, .terragrunt-cache not searched)';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tfguard-folders-')));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A fresh folder with these files: a path ending in `/` is a folder; a value is a file to copy or a text. */
function tree(files: Record<string, string | { copy: string }>): string {
  const top = join(tmp, `t${n++}`);
  mkdirSync(top);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(top, rel);
    if (rel.endsWith('/')) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else cpSync(content.copy, path);
  }
  return top;
}

const plan = { copy: INCIDENT_PLAN };
const passing = { copy: PASSING_PLAN };

describe('which files are plans', () => {
  it.each([
    ['plan.json', 'json'],
    ['tfplan.json', 'json'],
    ['prod.plan.json', 'json'],
    ['prod.tfplan.json', 'json'],
    ['tfplan', 'saved'],
    ['prod.tfplan', 'saved'],
    ['tfplan.tfplan', 'saved'],
    ['.plan.json', undefined],
    ['.tfplan', undefined],
    ['Plan.json', undefined],
    ['plan.JSON', undefined],
    ['myplan.json', undefined],
    ['default.json', undefined],
    ['plan.json.bak', undefined],
    ['tfplan.bin', undefined],
    ['terraform.tfstate', undefined],
  ])('%s: %s', (name, kind) => {
    expect(planKind(name)).toBe(kind);
  });

  it('finds them recursively in path order, folder by folder, and enters no cache, package or git folder', async () => {
    const top = tree({
      'b.plan.json': '',
      'a/plan.json': '',
      'a/z/tfplan.json': '',
      'a.b/plan.json': '',
      'a/notes.json': '',
      'A/plan.json': '',
      '.git/plan.json': '',
      'node_modules/x/plan.json': '',
      'a/.terraform/plan.json': '',
      'unit/.terragrunt-cache/h1/h2/tfplan': '',
      'unit/.terragrunt-cache/h1/h2/plan.json': '',
      'unit/prod.tfplan': '',
      'dir.plan.json/': '',
    });
    const { plans, skipped } = await discoverPlans(top);
    expect(plans.map((p) => p.path.slice(top.length + 1))).toEqual([
      'A/plan.json',
      'a/plan.json',
      'a/z/tfplan.json',
      'a.b/plan.json',
      'b.plan.json',
      'unit/prod.tfplan',
    ]);
    expect(plans.map((p) => p.kind)).toEqual(['json', 'json', 'json', 'json', 'json', 'saved']);
    expect(plans[2]!.dir).toBe(join(top, 'a', 'z'));
    expect(skipped).toEqual([]);
  });

  it('names each plan by the folder as given, then the path below it', async () => {
    const top = tree({ 'stacks/net/plan.json': '' });
    const cwd = process.cwd();
    process.chdir(top);
    try {
      expect((await discoverPlans('stacks/')).plans.map((p) => p.path)).toEqual(['stacks/net/plan.json']);
      expect((await discoverPlans('./stacks')).plans.map((p) => p.path)).toEqual(['stacks/net/plan.json']);
      expect((await discoverPlans('.')).plans.map((p) => p.path)).toEqual(['stacks/net/plan.json']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a folder with a JSON plan: its saved plans are not read, and each is said', async () => {
    const top = tree({ 'app/plan.json': '', 'app/tfplan': '', 'app/old.tfplan': '', 'other/tfplan': '' });
    const { plans, skipped } = await discoverPlans(top);
    expect(plans.map((p) => p.path.slice(top.length + 1))).toEqual(['app/plan.json', 'other/tfplan']);
    expect(skipped.map((s) => [s.path.slice(top.length + 1), s.instead.slice(top.length + 1)])).toEqual([
      ['app/old.tfplan', 'app/plan.json'],
      ['app/tfplan', 'app/plan.json'],
    ]);
  });

  it('symbolic links: to a file, read; to a folder, not followed', async () => {
    const top = tree({ 'real/plan.json': '', 'elsewhere/deep/plan.json': '' });
    mkdirSync(join(top, 'linked'));
    symlinkSync(join(top, 'real', 'plan.json'), join(top, 'linked', 'tfplan.json'));
    symlinkSync(join(top, 'elsewhere'), join(top, 'real', 'loop'));
    symlinkSync(join(top, 'nowhere'), join(top, 'linked', 'dangling.plan.json'));
    await expect(discoverPlans(top)).rejects.toThrow(`${join(top, 'linked', 'dangling.plan.json')}: cannot read (ENOENT)`);
    rmSync(join(top, 'linked', 'dangling.plan.json'));
    const { plans } = await discoverPlans(top);
    expect(plans.map((p) => p.path.slice(top.length + 1))).toEqual(['elsewhere/deep/plan.json', 'linked/tfplan.json', 'real/plan.json']);
  });
});

describe('tfguard check FOLDER', () => {
  /** A git repository with two stacks: `a` takes the top config (rules off), `b` has its own (defaults). */
  function repo(): string {
    const top = tree({ '.tfguard.json': JSON.stringify(OFF), 'stacks/a/plan.json': plan, 'stacks/b/plan.json': plan, 'stacks/b/.tfguard.json': '{}' });
    cpSync(join(INCIDENT, 'src'), join(top, 'stacks', 'a'), { recursive: true });
    cpSync(join(INCIDENT, 'src'), join(top, 'stacks', 'b'), { recursive: true });
    execFileSync('git', ['init', '-q', top]);
    return top;
  }

  it("checks every plan under it with its own folder's config, named by path; the worst decision wins", () => {
    const top = repo();
    const run = tfguard(['check', 'stacks/', '--format', 'json'], { cwd: top });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    const report = json(run);
    expect(report.decision).toBe('block');
    expect(report.plans.map((p: any) => [p.plan.source, p.plan.dir, p.config, p.decision])).toEqual([
      ['stacks/a/plan.json', 'stacks/a', '.tfguard.json', 'pass'],
      ['stacks/b/plan.json', 'stacks/b', 'stacks/b/.tfguard.json', 'block'],
    ]);
    // The same names and configs as naming the files one by one.
    const byFile = json(tfguard(['check', 'stacks/a/plan.json', 'stacks/b/plan.json', '--format', 'json'], { cwd: top }));
    expect(byFile.plans.map((p: any) => [p.plan.source, p.config])).toEqual(report.plans.map((p: any) => [p.plan.source, p.config]));
    const text = tfguard(['check', 'stacks'], { cwd: top }).stdout;
    expect(text).toContain('stacks/a/plan.json (Terraform 1.11.4, format 1.2) · config .tfguard.json');
    expect(text).toContain('stacks/b/plan.json (Terraform 1.11.4, format 1.2) · config stacks/b/.tfguard.json');
  });

  it('only passing plans: exit 0; --dir makes every plan use DIR', () => {
    const top = repo();
    writeFileSync(join(top, 'stacks', 'b', '.tfguard.json'), JSON.stringify(OFF));
    expect(tfguard(['check', 'stacks'], { cwd: top }).code).toBe(0);
    const dir = join(top, 'strict');
    mkdirSync(dir);
    writeFileSync(join(dir, '.tfguard.json'), '{}');
    const run = tfguard(['check', 'stacks', '--dir', 'strict', '--format', 'json'], { cwd: top });
    expect(run.code).toBe(1);
    expect(json(run).plans.map((p: any) => [p.plan.dir, p.config])).toEqual([
      ['strict', 'strict/.tfguard.json'],
      ['strict', 'strict/.tfguard.json'],
    ]);
  });

  it('folders and files together; a file given twice is read once', () => {
    const top = tree({ 'x/a/plan.json': passing, 'y/plan.json': passing, 'z.plan.json': plan });
    const run = tfguard(['check', 'x', 'y/plan.json', 'x/a/plan.json', 'z.plan.json', '--format', 'json'], { cwd: top });
    expect(run.code, run.stderr).toBe(1);
    expect(json(run).plans.map((p: any) => [p.plan.source, p.decision])).toEqual([
      ['x/a/plan.json', 'pass'],
      ['y/plan.json', 'pass'],
      ['z.plan.json', 'block'],
    ]);
  });

  it.each([
    ['an empty folder', {}],
    ['only other files', { 'main.tf': '', 'notes/plan.txt': '', 'default.json': '{}' }],
    ['plans only where nothing is searched', { '.terraform/plan.json': plan, 'node_modules/p/plan.json': plan, 'u/.terragrunt-cache/h/tfplan': '' }],
  ])('%s: exit 2, one line naming the patterns, never a pass', (_what, files) => {
    const top = tree({ 'stacks/': '', ...files });
    expectOneLineError(tfguard(['check', 'stacks'], { cwd: top }), `stacks: no plan file found in this folder or below it ${PATTERNS}`);
    // Also next to a plan that passes.
    const with_ = tree({ 'stacks/': '', 'ok/plan.json': passing });
    expectOneLineError(tfguard(['check', 'ok', 'stacks'], { cwd: with_ }), 'stacks: no plan file found');
  });

  it.each([
    ['empty', '', 'is empty'],
    ['truncated', () => readFileSync(INCIDENT_PLAN, 'utf8').slice(0, 900), 'is truncated'],
    ['a state', JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } }), 'this is a state, not a plan'],
    ['not a plan', '{"x": 1}', 'stacks/b/plan.json: '],
  ])('a found plan that is %s: exit 2 naming it, no report for the others', (_what, content, message) => {
    const top = tree({
      'stacks/a/plan.json': passing,
      'stacks/b/plan.json': typeof content === 'function' ? content() : content,
      'stacks/c/plan.json': passing,
    });
    expectOneLineError(tfguard(['check', 'stacks', '--format', 'json'], { cwd: top }), 'stacks/b/plan.json', message);
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot)(`an unreadable folder below: exit 2 naming it${isRoot ? ' [skipped: root reads every folder]' : ''}`, () => {
    const top = tree({ 'stacks/a/plan.json': passing, 'stacks/locked/plan.json': passing });
    chmodSync(join(top, 'stacks', 'locked'), 0o000);
    try {
      expectOneLineError(tfguard(['check', 'stacks'], { cwd: top }), 'stacks/locked: cannot read this folder (EACCES)');
    } finally {
      chmodSync(join(top, 'stacks', 'locked'), 0o755);
    }
  });

  it.skipIf(!hasTerraform)(
    needsTerraform('a saved plan found in a folder is shown with terraform there'),
    () => {
      const top = tree({ 'stacks/prod/tfplan': { copy: SAVED_PLAN }, 'stacks/dev/plan.json': passing });
      const run = tfguard(['check', 'stacks', '--format', 'json'], { cwd: top });
      expect(run.code, run.stderr).toBe(1);
      expect(json(run).plans.map((p: any) => [p.plan.source, p.plan.dir, p.decision])).toEqual([
        ['stacks/dev/plan.json', 'stacks/dev', 'pass'],
        ['stacks/prod/tfplan', 'stacks/prod', 'block'],
      ]);
      // A saved plan terraform cannot read fails closed, named.
      writeFileSync(join(top, 'stacks', 'prod', 'tfplan'), readFileSync(SAVED_PLAN).subarray(0, 300));
      expectOneLineError(tfguard(['check', 'stacks'], { cwd: top }), 'stacks/prod/tfplan: is a saved binary plan and could not be read');
    },
    60_000,
  );

  it('a saved plan next to a JSON plan is not read, and stderr says so', () => {
    // Not a zip at all: reading it would be exit 2, so exit 1 shows it was left out.
    const top = tree({ 'stacks/prod/plan.json': plan, 'stacks/prod/tfplan': 'not a plan' });
    const run = tfguard(['check', 'stacks', '--format', 'json'], { cwd: top });
    expect(run.code, run.stderr).toBe(1);
    expect(json(run).plan.source).toBe('stacks/prod/plan.json');
    expect(run.stderr).toBe('tfguard: stacks/prod/tfplan: not read: stacks/prod/plan.json in the same folder is checked (name a saved plan to check it)\n');
    // Named, it is read (and here refused).
    expectOneLineError(tfguard(['check', 'stacks', 'stacks/prod/tfplan'], { cwd: top }), 'stacks/prod/tfplan: is not JSON');
  });
});

describe('several documents in one input', () => {
  const text = readFileSync(INCIDENT_PLAN, 'utf8').trim();
  const passingText = readFileSync(PASSING_PLAN, 'utf8').trim();

  it('are named by position, and stderr says the plan JSON names no unit', () => {
    const run = tfguard(['check', '-', '--format', 'json'], { input: `${passingText}\n${text}\n${passingText}\n`, cwd: tmp });
    expect(run.code).toBe(1);
    expect(json(run).plans.map((p: any) => [p.plan.source, p.decision])).toEqual([
      ['(stdin) #1', 'pass'],
      ['(stdin) #2', 'block'],
      ['(stdin) #3', 'pass'],
    ]);
    expect(run.stderr).toBe(
      'tfguard: (stdin) holds 3 plans (JSON documents), named #1 to #3 in the order they come: plan JSON does not say which folder or unit it is from\n',
    );
    // One document: nothing to say.
    expect(tfguard(['check', '-'], { input: passingText, cwd: tmp }).stderr).toBe('');
  });

  it('a file of several documents found in a folder: named by its path and position', () => {
    const top = tree({ 'stacks/all.plan.json': `${passingText}\n${passingText}\n` });
    const run = tfguard(['check', 'stacks', '--format', 'json'], { cwd: top });
    expect(run.code).toBe(0);
    expect(json(run).plans.map((p: any) => p.plan.source)).toEqual(['stacks/all.plan.json #1', 'stacks/all.plan.json #2']);
    expect(run.stderr).toContain('tfguard: stacks/all.plan.json holds 2 plans (JSON documents)');
  });

  it("Terragrunt's log of show -json (0.67+, logging on) is refused with the flag that turns it off", () => {
    // The shape Terragrunt's docs show for run-all: time, level, [unit], the binary, then the line terraform printed.
    const log = [
      '14:27:45.359 INFO   The stack at . will be processed in the following order for command show:',
      `14:27:45.422 STDOUT [unit-2] terraform: ${passingText}`,
      `14:27:45.423 STDOUT [unit-1] terraform: ${text}`,
    ].join('\n');
    const fix = 'run terragrunt with --log-disable (before 0.73: --terragrunt-log-disable)';
    expectOneLineError(tfguard(['check', '-'], { input: `${log}\n`, cwd: tmp }), "(stdin): is Terragrunt's log of terraform's output", fix);
    // Without the INFO line, and with the colors Terragrunt gives a terminal.
    const colored = `\u001b[0m14:27:45.422\u001b[0m \u001b[34mSTDOUT\u001b[0m [unit-2] \u001b[2mtofu:\u001b[0m ${passingText}\n`;
    expectOneLineError(tfguard(['check', '-'], { input: colored, cwd: tmp }), 'Terragrunt', fix);
    // Other text around the JSON keeps its own words.
    expectOneLineError(
      tfguard(['check', '-'], { input: `[command]/usr/bin/terraform show -json tfplan\n${passingText}\n`, cwd: tmp }),
      'has text around the plan JSON',
    );
  });
});

describe('README: Many stacks: Terragrunt, Atlantis, matrices', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Many stacks: Terragrunt, Atlantis, matrices');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
  const prose = section.replace(/```\w+\n[\s\S]*?```/g, '');
  /** Every `tfguard check ...` command in the section: in code blocks, and in inline code in the text. */
  const commands = [...blocks.flatMap((b) => b.body.split('\n')), ...[...prose.matchAll(/`((?:npx --no-install )?tfguard check \S[^`]*)`/g)].map((m) => m[1]!)]
    .filter((line) => /\btfguard check\b/.test(line))
    .map((line) =>
      line
        .slice(line.indexOf('tfguard check'))
        .split(/\s*(?:\||&&|;|>|\))\s*/)[0]!
        .trim(),
    );

  /** `tfguard check --help`: each option, and whether it takes a value. */
  const help = tfguard(['check', '--help']).stdout;
  const options = new Map([...help.matchAll(/^\s+(?:-\w, )?(--[\w-]+)( <\w+>)?/gm)].map((m) => [m[1]!, m[2] !== undefined]));

  it('the section is there, and its commands are these', () => {
    expect(start).toBeGreaterThan(0);
    expect(readme.indexOf('## CI')).toBeLessThan(start);
    expect(commands).toEqual([
      'tfguard check plans',
      'tfguard check .',
      'tfguard check -',
      'tfguard check $SHOWFILE',
      'tfguard check stacks/',
      'tfguard check stacks --format github',
    ]);
  });

  it('each command uses only options tfguard check has, with their values', () => {
    expect(options.get('--format')).toBe(true);
    expect(options.get('--no-color')).toBe(false);
    for (const command of commands) {
      const words = command.split(/\s+/).slice(2);
      const plans: string[] = [];
      for (let i = 0; i < words.length; i++) {
        const word = words[i]!;
        if (!word.startsWith('--')) {
          plans.push(word);
          continue;
        }
        const name = word.split('=')[0]!;
        expect(options.has(name), `${command}: ${name} is not an option of tfguard check`).toBe(true);
        if (options.get(name) && !word.includes('=')) expect(words[++i], `${command}: ${name} needs a value`).toBeDefined();
      }
      expect(plans.length, command).toBeGreaterThan(0);
    }
  });

  /** A folder with `tfguard` on PATH running this checkout's CLI, as an install would. */
  const shim = join(tmp, 'bin');
  mkdirSync(shim);
  writeFileSync(join(shim, 'tfguard'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });

  /** One line of the README run by sh, as written (npx --no-install tfguard: the tfguard on PATH). */
  function sh(line: string, cwd: string, env: Record<string, string> = {}, input = '') {
    const script = line.replace('npx --no-install tfguard', 'tfguard');
    const result = spawnSync('sh', ['-c', script], { cwd, input, encoding: 'utf8', env: cliEnv({ PATH: `${shim}:${process.env.PATH}`, ...env }) });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  function readmeLine(pattern: RegExp): string {
    const line = blocks.flatMap((b) => b.body.split('\n')).find((l) => pattern.test(l));
    expect(line, String(pattern)).toBeDefined();
    return line!.trim();
  }

  it('Terragrunt --json-out-dir: its tree (plans/<unit path>/tfplan.json) checked as a folder', () => {
    expect(readmeLine(/json-out-dir/)).toBe('terragrunt run --all --json-out-dir "$PWD/plans" -- plan');
    const top = tree({ 'plans/app1/tfplan.json': passing, 'plans/app2/tfplan.json': plan, 'plans/project-2/project-2-app1/tfplan.json': passing });
    const run = sh(`${readmeLine(/tfguard check plans$/)} --format json`, top);
    expect(run.code, run.stderr).toBe(1);
    expect(json(run).plans.map((p: any) => [p.plan.source, p.decision])).toEqual([
      ['plans/app1/tfplan.json', 'pass'],
      ['plans/app2/tfplan.json', 'block'],
      ['plans/project-2/project-2-app1/tfplan.json', 'pass'],
    ]);
  });

  it('Terragrunt, a plan.json per unit: the units checked, the cache and the saved plans next to them left out', () => {
    const top = tree({
      'root.hcl': '',
      'live/vpc/terragrunt.hcl': '',
      'live/vpc/plan.json': passing,
      'live/vpc/tfplan': 'saved plan (left out: plan.json is next to it)',
      'live/vpc/.terragrunt-cache/h1/h2/tfplan': 'the saved plan where terraform ran',
      'live/cluster/terragrunt.hcl': '',
      'live/cluster/plan.json': plan,
    });
    const run = sh(readmeLine(/tfguard check \.$/), top);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/live\/cluster\/plan\.json[\s\S]*live\/vpc\/plan\.json/);
    expect(run.stderr).toContain('tfguard: live/vpc/tfplan: not read: live/vpc/plan.json in the same folder is checked');
  });

  it('Terragrunt, every plan through one pipe: one document per unit, one per line', () => {
    const line = readmeLine(/\| npx --no-install tfguard check -$/);
    const piped = `${readFileSync(PASSING_PLAN, 'utf8').trim()}\n${readFileSync(INCIDENT_PLAN, 'utf8').trim()}\n`;
    const run = sh(line.slice(line.indexOf('npx')), tmp, {}, piped);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('(stdin) #2');
    expect(run.stderr).toContain('(stdin) holds 2 plans');
  });

  it.skipIf(!hasTerraform)(
    needsTerraform("Atlantis: the workflow's run step, with $PLANFILE and $SHOWFILE as Atlantis sets them"),
    () => {
      const yaml = blocks.find((b) => b.lang === 'yaml' && b.body.includes('workflows:'))!;
      const steps = parse(yaml.body).workflows.tfguard.plan.steps;
      expect(steps.slice(0, 2)).toEqual(['init', 'plan']);
      const run = steps[2].run as string;
      expect(run).toBe('terraform show -json $PLANFILE > $SHOWFILE && tfguard check $SHOWFILE');
      // The project folder: its sources, its config; Atlantis's file names (<workspace>.tfplan, <workspace>.json).
      const project = tree({ '.tfguard.json': '{}' });
      cpSync(join(INCIDENT, 'src'), project, { recursive: true });
      cpSync(SAVED_PLAN, join(project, 'default.tfplan'));
      const env = { PLANFILE: join(project, 'default.tfplan'), SHOWFILE: join(project, 'default.json') };
      const blocked = sh(run, project, env);
      expect(blocked.code, blocked.stderr).toBe(1);
      expect(blocked.stdout).toContain('config .tfguard.json');
      expect(blocked.stdout).toContain('blast-radius');
      writeFileSync(join(project, '.tfguard.json'), JSON.stringify(OFF));
      expect(sh(run, project, env).code).toBe(0);
      // A plan terraform cannot show: the step fails before tfguard, never a pass.
      writeFileSync(env.PLANFILE, 'not a plan');
      expect(sh(run, project, env).code).not.toBe(0);
    },
    60_000,
  );

  it('GitHub Actions matrix: a job per stack through the action, with inputs the action has', () => {
    const yaml = blocks.find((b) => b.lang === 'yaml' && b.body.includes('matrix:'))!;
    const job = parse(yaml.body).jobs.tfguard;
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    const step = job.steps.find((s: any) => typeof s.uses === 'string' && s.uses.includes('tfguard'));
    for (const input of Object.keys(step.with)) expect(Object.keys(action.inputs), input).toContain(input);
    expect(step.with.plan).toBe('stacks/${{ matrix.stack }}/plan.json');
    expect(step.with['sarif-category']).toContain('${{ matrix.stack }}');
    const setup = job.steps.find((s: any) => String(s.uses).startsWith('hashicorp/setup-terraform'));
    expect(setup.with.terraform_wrapper).toBe(false);
    // One job for them all: the folder, every stack's plan.json in one report.
    const top = tree({ 'stacks/network/plan.json': passing, 'stacks/cluster/plan.json': plan });
    const run = sh('npx --no-install tfguard check stacks --format github', top);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('::error');
  });
});
