/**
 * The CI templates: the GitHub composite action (action.yml), the example workflow and the GitLab job template.
 * They parse as YAML and are wired as documented; their scripts are run for real — the action's steps with bash,
 * the workflow's comment script with a fake GitHub client, the GitLab job's tfguard command — against the
 * incident plan with the built CLI, so a wrong option or a lost exit code fails here, not in someone's pipeline.
 *
 * Report formats other engineers are still adding (github, sarif, markdown, junit): while one is not registered,
 * the verbatim run is skipped (its title says so) and a run with that format swapped for a registered one checks
 * everything else.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FORMAT_NAMES } from '../src/report/index.js';
import { FIXTURES_DIR, hasTerraform, needsTerraform, ROOT } from './helpers/env.js';

const BIN = join(ROOT, 'bin', 'tfguard.js');
const INCIDENT = join(FIXTURES_DIR, 'incident');

const load = (path: string): any => parse(readFileSync(join(ROOT, path), 'utf8'));
const action = load('action.yml');
const workflow = load('examples/github-workflow.yml');
const gitlab = load('examples/gitlab-ci.yml');

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-ci-templates-'));
let counter = 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder holding the incident plan (plan.json) next to its sources (main.tf). */
function incidentWorkspace(): string {
  const dir = join(tmp, `w${counter++}`);
  mkdirSync(dir);
  copyFileSync(join(INCIDENT, 'plan.json'), join(dir, 'plan.json'));
  copyFileSync(join(INCIDENT, 'src', 'main.tf'), join(dir, 'main.tf'));
  return dir;
}

// --- report formats ---------------------------------------------------------------------------------------------

const FORMAT_ARG = /--format (["']?)([a-z][a-z0-9-]*)(=?)/g;

function formatsIn(text: string): string[] {
  return [...text.matchAll(FORMAT_ARG)].map((m) => m[2]!);
}

function missingFormats(text: string): string[] {
  return [...new Set(formatsIn(text).filter((f) => !FORMAT_NAMES.includes(f)))];
}

/** The text with every unregistered format swapped for a registered one: text to stdout, json to a file. */
function withRegisteredFormats(text: string): string {
  return text.replace(FORMAT_ARG, (all, quote: string, name: string, eq: string) =>
    FORMAT_NAMES.includes(name) ? all : `--format ${quote}${eq ? 'json' : 'text'}${eq}`,
  );
}

/** The two ways a template's command is run: verbatim (skipped while a format is missing) and with swaps. */
function variants(text: string): { title: string; text: string; skip: boolean }[] {
  const missing = missingFormats(text);
  const verbatim = missing.length === 0 ? 'verbatim' : `verbatim [skipped: format ${missing.join(', ')} not registered yet]`;
  return [
    { title: verbatim, text, skip: missing.length > 0 },
    { title: `with registered formats only${missing.length ? ` (${missing.join(', ')} swapped)` : ''}`, text: withRegisteredFormats(text), skip: false },
  ];
}

// --- running GitHub steps ---------------------------------------------------------------------------------------

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only `${{ inputs.NAME }}` and `${{ steps.ID.outputs.NAME }}`: everything else in an env value is an error. */
function evaluate(value: unknown, ctx: { inputs: Record<string, string>; steps: Record<string, Record<string, string>> }): string {
  return String(value).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_all, expr: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) return ctx.inputs[m[1]!] ?? '';
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return ctx.steps[m[1]!]?.[m[2]!] ?? '';
    throw new Error(`unsupported expression in the test: ${expr}`);
  });
}

/** Runs a `run:` step as GitHub does (`bash --noprofile --norc -eo pipefail`), with the step's env evaluated. */
function runStep(step: any, opts: { cwd: string; env: Record<string, string>; ctx: Parameters<typeof evaluate>[1] }): Ran {
  const script = join(tmp, `step${counter++}.sh`);
  writeFileSync(script, step.run);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...opts.env };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(v, opts.ctx);
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: opts.cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const steps: any[] = action.runs.steps;
const checkStep = steps.find((s) => s.id === 'tfguard');
const uploadIndex = steps.findIndex((s) => String(s.uses ?? '').startsWith('github/codeql-action/upload-sarif@'));

/**
 * Runs the action as GitHub would after `npm ci`: the check step, then (the upload being GitHub's) the last step,
 * which must exit with tfguard's code. The action's own folder is this repository, built by global-setup.
 */
function runAction(inputs: Record<string, string>, opts: { cwd: string; checkRun?: string }) {
  const withDefaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries<any>(action.inputs)) withDefaults[name] = inputs[name] ?? String(spec.default ?? '');
  const runnerTemp = join(tmp, `runner${counter++}`);
  mkdirSync(runnerTemp);
  const files = { GITHUB_OUTPUT: join(runnerTemp, 'output'), GITHUB_STEP_SUMMARY: join(runnerTemp, 'summary') };
  const env = { GITHUB_ACTION_PATH: ROOT, RUNNER_TEMP: runnerTemp, ...files };
  const ctx = { inputs: withDefaults, steps: {} as Record<string, Record<string, string>> };
  const check = runStep({ ...checkStep, run: opts.checkRun ?? checkStep.run }, { cwd: opts.cwd, env, ctx });
  const outputs = readOutputs(files.GITHUB_OUTPUT);
  ctx.steps.tfguard = outputs;
  writeFileSync(files.GITHUB_OUTPUT, '');
  const last = runStep(steps[steps.length - 1], { cwd: opts.cwd, env, ctx });
  const summary = existsSync(files.GITHUB_STEP_SUMMARY) ? readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') : '';
  return { check, outputs, last, summary };
}

// --- action.yml -------------------------------------------------------------------------------------------------

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.inputs.plan.required).toBe(true);
    for (const name of ['dir', 'config', 'fail-on', 'sarif-file', 'comment']) expect(action.inputs[name], name).toBeDefined();
    expect(action.inputs['sarif-file'].default).toBe('tfguard.sarif');
    expect(action.inputs.comment.default).toBe('tfguard.md');
    expect(action.inputs['fail-on'].default).toBe('block');
    expect(Object.keys(action.outputs).sort()).toEqual(['applied', 'comment-file', 'decision', 'sarif-file']);
    expect(action.outputs.decision.value).toBe('${{ steps.tfguard.outputs.decision }}');
    expect(action.outputs['sarif-file'].value).toBe('${{ inputs.sarif-file }}');
    expect(action.outputs['comment-file'].value).toBe('${{ inputs.comment }}');
  });

  it('sets up node 20 and installs tfguard with npm ci in the action folder', () => {
    const node = steps.find((s) => String(s.uses ?? '').startsWith('actions/setup-node@'));
    expect(node.uses).toBe('actions/setup-node@v4');
    expect(String(node.with['node-version'])).toBe('20');
    const install = steps.find((s) => /\bnpm ci\b/.test(s.run ?? ''));
    expect(install['working-directory']).toBe('${{ github.action_path }}');
    expect(steps.indexOf(node)).toBeLessThan(steps.indexOf(install));
    expect(steps.indexOf(install)).toBeLessThan(steps.indexOf(checkStep));
  });

  it("checks with --format github, sarif=FILE and markdown=FILE, uploads SARIF always, and exits with tfguard's code last", () => {
    expect(checkStep.run).toContain('--format github');
    expect(checkStep.run).toContain('--format "sarif=$TFGUARD_SARIF"');
    expect(checkStep.run).toContain('--format "markdown=$TFGUARD_COMMENT"');
    expect(checkStep.env.TFGUARD_SARIF).toBe('${{ inputs.sarif-file }}');
    expect(checkStep.env.TFGUARD_COMMENT).toBe('${{ inputs.comment }}');
    const upload = steps[uploadIndex];
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v3');
    expect(upload.if).toMatch(/^always\(\)/);
    expect(upload.with.sarif_file).toBe('${{ inputs.sarif-file }}');
    expect(uploadIndex).toBeGreaterThan(steps.indexOf(checkStep));
    const last = steps[steps.length - 1];
    expect(uploadIndex).toBeLessThan(steps.length - 1);
    expect(last.if).toBe('always()');
    expect(last.run).toMatch(/exit "\$TFGUARD_EXIT_CODE"\s*$/);
    expect(last.env.TFGUARD_EXIT_CODE).toBe('${{ steps.tfguard.outputs.exit-code }}');
  });

  it("is documented: every input and output in the README's CI section", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## CI\n'), readme.indexOf('\n## Configuration'));
    expect(section.length).toBeGreaterThan(100);
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(section, name).toContain(`\`${name}\``);
  });

  it('never pastes an expression into a script (inputs go through env)', () => {
    for (const step of steps) if (step.run) expect(step.run, step.name).not.toContain('${{');
  });

  describe.each(variants(checkStep.run))('runs tfguard on the incident plan, $title', ({ text, skip }) => {
    it.skipIf(skip)('blocked: decision block, reports written, the last step exits 1', () => {
      const ws = incidentWorkspace();
      const { check, outputs, last, summary } = runAction({ plan: 'plan.json' }, { cwd: ws, checkRun: text });
      expect(check.code, check.stderr).toBe(0);
      expect(outputs['exit-code'], check.stderr).toBe('1');
      expect(outputs.decision).toBe('block');
      expect(outputs['sarif-written']).toBe('true');
      expect(readFileSync(join(ws, 'tfguard.sarif'), 'utf8').length).toBeGreaterThan(0);
      if (text.includes('--format github')) {
        // tfguard adds the Markdown report to the job summary itself, once.
        const markdown = readFileSync(join(ws, 'tfguard.md'), 'utf8').trim();
        expect(summary.split(markdown)).toHaveLength(2);
      }
      expect(last.code).toBe(1);
      expect(last.stdout).toContain('tfguard: block (exit 1)');
    });

    it.skipIf(skip)('inputs: dir, config, fail-on never, file names, several plans one per line', () => {
      const ws = join(tmp, `w${counter++}`);
      mkdirSync(join(ws, 'out'), { recursive: true });
      writeFileSync(join(ws, 'relaxed.json'), JSON.stringify({ rules: { 'reset-on-destroy-replaced': 'warn' } }));
      const plans = `\n  ${join(INCIDENT, 'plan.json')}\n${join(FIXTURES_DIR, 'add-worker', 'plan.json')}  \n`;
      const { outputs, last } = runAction(
        { plan: plans, dir: join(INCIDENT, 'src'), config: 'relaxed.json', 'fail-on': 'never', 'sarif-file': 'out/a.sarif', comment: 'out/a.md' },
        { cwd: ws, checkRun: text },
      );
      expect(outputs['exit-code']).toBe('0');
      expect(outputs.decision).toBe('block');
      expect(existsSync(join(ws, 'out', 'a.sarif'))).toBe(true);
      expect(existsSync(join(ws, 'out', 'a.md'))).toBe(true);
      expect(last.code).toBe(0);
    });

    it.skipIf(skip)('an unreadable plan: decision error, no report to upload, the last step exits 2', () => {
      const ws = incidentWorkspace();
      writeFileSync(join(ws, 'tfguard.sarif'), 'stale');
      const { outputs, last } = runAction({ plan: 'missing.json' }, { cwd: ws, checkRun: text });
      expect(outputs['exit-code']).toBe('2');
      expect(outputs.decision).toBe('error');
      expect(outputs['sarif-written']).toBeUndefined();
      expect(existsSync(join(ws, 'tfguard.sarif')), 'a stale report is removed').toBe(false);
      expect(last.code).toBe(2);
    });
  });

  it(needsTerraform('apply: a saved plan that passes is applied by tfguard apply, whose audit log is uploaded; a blocked one is not'), {
    timeout: 180_000,
    skip: !hasTerraform,
  }, () => {
    const applyStep = steps.find((s) => s.id === 'apply');
    const upload = steps.find((s) => String(s.uses ?? '').startsWith('actions/upload-artifact@'));
    expect(applyStep.if).toBe("inputs.apply == 'true' && steps.tfguard.outputs.exit-code == '0'");
    expect(action.inputs.apply.default).toBe('false');
    expect(upload.if).toBe("always() && inputs.upload-audit-log == 'true' && steps.apply.outputs.audit-log != ''");
    expect(upload.with).toMatchObject({ path: '${{ steps.apply.outputs.audit-log }}', 'include-hidden-files': true, 'if-no-files-found': 'ignore' });
    expect(steps.indexOf(applyStep)).toBeGreaterThan(steps.indexOf(checkStep));
    expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(applyStep));

    const ws = join(tmp, `apply${counter++}`);
    mkdirSync(ws);
    writeFileSync(join(ws, 'main.tf'), 'resource "terraform_data" "app" {\n  input = "v1"\n}\n');
    const tfEnv = { TF_CLI_CONFIG_FILE: join(tmp, 'empty.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    writeFileSync(tfEnv.TF_CLI_CONFIG_FILE, '');
    for (const run of ['terraform init -input=false', 'terraform plan -input=false -out=tfplan']) {
      const r = runStep({ run }, { cwd: ws, env: tfEnv, ctx: { inputs: {}, steps: {} } });
      expect(r.code, r.stderr).toBe(0);
    }
    const runnerTemp = join(tmp, `runner${counter++}`);
    mkdirSync(runnerTemp);
    const out = join(runnerTemp, 'output');
    const env = { ...tfEnv, GITHUB_ACTION_PATH: ROOT, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: join(runnerTemp, 'summary') };
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries<any>(action.inputs)) inputs[name] = String(spec.default ?? '');
    Object.assign(inputs, { plan: 'tfplan', apply: 'true' });
    const ctx = { inputs, steps: {} as Record<string, Record<string, string>> };
    const step = (s: any) => {
      writeFileSync(out, '');
      const r = runStep({ ...s, run: s === checkStep ? withRegisteredFormats(s.run) : s.run }, { cwd: ws, env, ctx });
      return { r, outputs: readOutputs(out) };
    };
    ctx.steps.tfguard = step(checkStep).outputs;
    expect(ctx.steps.tfguard['exit-code']).toBe('0');
    const applied = step(applyStep);
    expect(applied.r.code, applied.r.stderr).toBe(0);
    ctx.steps.apply = applied.outputs;
    expect(applied.outputs).toMatchObject({ 'exit-code': '0', applied: 'true', 'audit-log': './.tfguard/audit.jsonl' });
    const log = readFileSync(join(ws, '.tfguard', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.at(-1).decision).toBe('applied');
    expect(runStep({ run: 'terraform state list' }, { cwd: ws, env: tfEnv, ctx }).stdout).toContain('terraform_data.app');
    expect(step(steps[steps.length - 1]).r.code).toBe(0);

    // A blocked check: the apply step's condition is false, and the last step exits 1 (not "apply did not run").
    const blocked = { inputs, steps: { tfguard: { 'exit-code': '1', decision: 'block' } } };
    const last = runStep(steps[steps.length - 1], { cwd: ws, env, ctx: blocked });
    expect(last.code).toBe(1);
  });

  it('fails closed when tfguard never ran: the last step exits 2', () => {
    const last = runStep(steps[steps.length - 1], { cwd: tmp, env: {}, ctx: { inputs: {}, steps: {} } });
    expect(last.code).toBe(2);
    expect(last.stdout).toContain('::error');
  });
});

// --- examples/github-workflow.yml -------------------------------------------------------------------------------

describe('examples/github-workflow.yml', () => {
  const job: any = Object.values(workflow.jobs)[0];
  const wsteps: any[] = job.steps;
  const tfguardStep = wsteps.find((s) => /\/tfguard@/.test(s.uses ?? ''));
  const commentStep = wsteps.find((s) => String(s.uses ?? '').startsWith('actions/github-script@'));

  it('has the permissions the comment and the SARIF upload need', () => {
    const permissions = { ...workflow.permissions, ...job.permissions };
    expect(permissions).toMatchObject({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
  });

  it('sets up terraform without the wrapper, and explains why', () => {
    const setup = wsteps.find((s) => String(s.uses ?? '').startsWith('hashicorp/setup-terraform@'));
    expect(setup.uses).toBe('hashicorp/setup-terraform@v3');
    expect(setup.with.terraform_wrapper).toBe(false);
    const text = readFileSync(join(ROOT, 'examples', 'github-workflow.yml'), 'utf8');
    expect(text).toMatch(/wrapper[\s\S]*tfguard[\s\S]*exits 2/);
  });

  it('inits, plans to tfplan, writes plan.json and gives it to the action (placeholder owner your-org)', () => {
    const runs = wsteps.map((s) => s.run ?? '');
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    const init = at(/^terraform init\b/);
    const plan = at(/^terraform plan\b.*-out=tfplan\b/);
    const show = at(/^terraform show -json tfplan > plan\.json\s*$/);
    expect(init).toBeGreaterThanOrEqual(0);
    expect(plan).toBeGreaterThan(init);
    expect(show).toBeGreaterThan(plan);
    expect(wsteps.indexOf(tfguardStep)).toBeGreaterThan(show);
    expect(tfguardStep.uses).toBe('your-org/tfguard@v0');
    expect(tfguardStep.with.plan).toBe('plan.json');
    for (const input of Object.keys(tfguardStep.with)) expect(action.inputs, `input ${input}`).toHaveProperty(input);
    for (const [name, spec] of Object.entries<any>(action.inputs)) if (spec.required) expect(tfguardStep.with, name).toHaveProperty(name);
  });

  it("comments from the action's Markdown file, after a failure too", () => {
    expect(commentStep.uses).toBe('actions/github-script@v7');
    expect(commentStep.if).toMatch(/^always\(\)/);
    expect(commentStep.env.REPORT_FILE).toBe(action.inputs.comment.default);
    expect(commentStep.with.script).toContain('<!-- tfguard-report -->');
    expect(wsteps.indexOf(commentStep)).toBeGreaterThan(wsteps.indexOf(tfguardStep));
  });

  /** Runs the comment script with a fake `github` client holding `existing` comments. */
  async function comment(existing: { id: number; body: string; user: { type: string } }[], reportFile: string) {
    const calls: { method: string; params: any }[] = [];
    const record = (method: string) => async (params: any) => {
      calls.push({ method, params });
      return { data: [] };
    };
    const github = {
      paginate: async (fn: unknown, params: any) => {
        calls.push({ method: 'paginate', params });
        expect(fn).toBe(github.rest.issues.listComments);
        return existing;
      },
      rest: { issues: { listComments: record('listComments'), updateComment: record('updateComment'), createComment: record('createComment') } },
    };
    const context = {
      repo: { owner: 'acme', repo: 'infra' },
      issue: { number: 7 },
      serverUrl: 'https://github.com',
      runId: 42,
      payload: { pull_request: { head: { sha: '0123456789abcdef' } } },
    };
    const saved = { REPORT_FILE: process.env.REPORT_FILE, DECISION: process.env.DECISION };
    process.env.REPORT_FILE = reportFile;
    process.env.DECISION = 'error';
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
      await new AsyncFunction('require', 'github', 'context', commentStep.with.script)(createRequire(import.meta.url), github, context);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    return calls.filter((c) => c.method !== 'paginate');
  }

  it('creates one comment with the marker and the report when there is none', async () => {
    const report = join(tmp, `report${counter++}.md`);
    writeFileSync(report, '## tfguard: BLOCKED\n');
    const calls = await comment([{ id: 1, body: 'LGTM', user: { type: 'User' } }], report);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('createComment');
    expect(calls[0]!.params).toMatchObject({ owner: 'acme', repo: 'infra', issue_number: 7 });
    expect(calls[0]!.params.body).toMatch(/^<!-- tfguard-report -->\n## tfguard: BLOCKED/);
    expect(calls[0]!.params.body).toContain('0123456');
  });

  it('updates the comment that carries the marker instead of adding another', async () => {
    const report = join(tmp, `report${counter++}.md`);
    writeFileSync(report, '<!-- tfguard-report -->\n## tfguard: pass\n');
    const calls = await comment(
      [
        { id: 1, body: 'quoting <!-- tfguard-report --> by hand', user: { type: 'User' } },
        { id: 2, body: '<!-- tfguard-report -->\nold', user: { type: 'Bot' } },
      ],
      report,
    );
    expect(calls.map((c) => c.method)).toEqual(['updateComment']);
    expect(calls[0]!.params.comment_id).toBe(2);
    expect(calls[0]!.params.body.match(/<!-- tfguard-report -->/g)).toHaveLength(1);
    expect(calls[0]!.params.body).toContain('## tfguard: pass');
  });

  it('says tfguard could not check the plan when there is no report, so an old pass does not stand', async () => {
    const calls = await comment([{ id: 2, body: '<!-- tfguard-report -->\npass', user: { type: 'Bot' } }], join(tmp, 'absent.md'));
    expect(calls.map((c) => c.method)).toEqual(['updateComment']);
    expect(calls[0]!.params.body).toContain('could not check the plan');
  });

  it(needsTerraform('its terraform steps make a plan.json that tfguard (through the action) checks: exit 0, not 2'), {
    timeout: 120_000,
    skip: !hasTerraform,
  }, () => {
    const ws = join(tmp, `tf${counter++}`);
    cpSync(join(INCIDENT, 'src'), ws, { recursive: true });
    const env = { TF_CLI_CONFIG_FILE: join(tmp, 'empty.tfrc'), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    writeFileSync(env.TF_CLI_CONFIG_FILE, '');
    for (const step of wsteps.filter((s) => /^terraform /.test(s.run ?? ''))) {
      const r = runStep(step, { cwd: ws, env, ctx: { inputs: {}, steps: {} } });
      expect(r.code, `${step.run}\n${r.stderr}`).toBe(0);
    }
    const text = withRegisteredFormats(checkStep.run);
    const { outputs, last } = runAction({ ...tfguardStep.with }, { cwd: ws, checkRun: text });
    // A plan from nothing creates everything: nothing is destroyed, so tfguard passes.
    expect(outputs['exit-code']).toBe('0');
    expect(outputs.decision).toBe('pass');
    expect(last.code).toBe(0);
  });
});

// --- examples/gitlab-ci.yml -------------------------------------------------------------------------------------

describe('examples/gitlab-ci.yml', () => {
  const template = gitlab['.tfguard'];
  const script: string[] = template.script;
  const tfguardLines = script.filter((l) => /\btfguard\b/.test(l));

  it('is a hidden .tfguard job and an example job extending it', () => {
    expect(template).toBeDefined();
    const jobs = Object.entries<any>(gitlab).filter(([name, job]) => !name.startsWith('.') && job?.extends);
    expect(jobs.map(([, job]) => job.extends)).toContain('.tfguard');
  });

  it('plans, writes plan.json with terraform show -json, and checks it with JUnit and Markdown reports', () => {
    expect(script.some((l) => /^terraform plan\b.*-out=tfplan\b/.test(l))).toBe(true);
    expect(script).toContain('terraform show -json tfplan > plan.json');
    expect(tfguardLines).toEqual(['tfguard check plan.json --format junit=tfguard.xml --format markdown=tfguard.md --format text']);
  });

  it('keeps its artifacts always, and gives GitLab the JUnit report tfguard writes', () => {
    expect(template.artifacts.when).toBe('always');
    const junit = String(template.artifacts.reports.junit);
    expect(junit.endsWith('tfguard.xml')).toBe(true);
    expect(tfguardLines[0]).toContain(`junit=${junit.split('/').pop()}`);
  });

  describe.each(variants(tfguardLines.join('\n')))('its tfguard command on the incident plan, $title', ({ text, skip }) => {
    it.skipIf(skip)('parses with the real CLI and blocks: exit 1, not 2, reports written', () => {
      const ws = incidentWorkspace();
      const words = text.split(/\s+/);
      expect(words[0]).toBe('tfguard');
      expect(text, 'no quoting to interpret').not.toMatch(/["'$\\]/);
      const r = spawnSync(process.execPath, [BIN, ...words.slice(1)], { cwd: ws, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toContain('blast-radius');
      for (const m of text.matchAll(/--format [a-z]+=(\S+)/g)) expect(existsSync(join(ws, m[1]!)), m[1]).toBe(true);
    });
  });
});

// --- tfguard's own scan ------------------------------------------------------------------------------------------

describe('the templates pass tfguard scan', () => {
  it('action.yml, the workflow in .github/workflows and the GitLab job in .gitlab-ci.yml: exit 0', () => {
    const dir = join(tmp, `scan${counter++}`);
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    copyFileSync(join(ROOT, 'action.yml'), join(dir, 'action.yml'));
    copyFileSync(join(ROOT, 'examples', 'github-workflow.yml'), join(dir, '.github', 'workflows', 'tfguard.yml'));
    copyFileSync(join(ROOT, 'examples', 'gitlab-ci.yml'), join(dir, '.gitlab-ci.yml'));
    const r = spawnSync(process.execPath, [BIN, 'scan', dir, '--format', 'json'], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });
});
