/**
 * `--format sarif`: every output validates against the official SARIF 2.1.0 schema kept in test/schemas (ajv,
 * draft-07, formats checked) — the incident, a pass plan, several plans, every fixture and every plan of the
 * shared corpus. Results carry the `.tf` file and line relative to the current directory, the resource
 * addresses as logical locations, the right level, their plan, a stable fingerprint; no secret.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RULES } from '../rules/index.js';
import { readSources } from '../src/commands/sources.js';
import { defaultConfig } from '../src/config/resolve.js';
import { runRules } from '../src/engine/run.js';
import { loadPlan, planFromJson } from '../src/plan/load.js';
import { FORMAT_NAMES, needsLocations } from '../src/report/index.js';
import { artifactPath, buildReport, relativeDir, type Report, type ReportFinding } from '../src/report/report.js';
import { buildSarif, formatSarifSet, pathToUri, sarifLevel } from '../src/report/sarif.js';
import { reportSet } from '../src/report/set.js';
import { CORPUS, FIXTURES_DIR, hasCorpus, jsonFilesUnder, NO_CORPUS, ROOT } from './helpers/env.js';
import { tfguard, type Run } from './helpers/cli.js';
import { makeFinding, makeReport } from './helpers/report.js';

const plan = (name: string) => `fixtures/${name}/plan.json`;
const INCIDENT = plan('incident');
const RULE_IDS = RULES.map((r) => r.meta.id);
const TODAY = '2026-06-01';

const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
// Ajv's default strict mode (unknown keywords and formats are errors); the schema's anyOf-of-required is valid draft-07.
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Validates against the SARIF 2.1.0 schema, with the errors in the failure message. */
function expectValidSarif(log: unknown, what: string): void {
  const ok = validate(log);
  expect(ok, `${what}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`).toBe(true);
}

function sarifOf(run: Run): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

// Each CLI run starts node (and hcl2json's WebAssembly when it reads sources): slow on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

let tmp: string;

beforeAll(async () => {
  // dist/ is built once by test/global-setup.ts.
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-sarif-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the schema', () => {
  it('is the SARIF 2.1.0 schema, and it rejects what it should', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
    expect(validate({ version: '2.1.0', runs: [] })).toBe(true);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x', helpUri: 'README.md#x' } } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x', rules: [{ id: 'r', helpUri: 'README.md#r' }] } } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'block' }] }] })).toBe(false);
  });
});

describe('--format sarif on the incident', () => {
  let log: any;
  beforeAll(() => {
    const run = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'sarif']);
    expect(run.code, run.stderr).toBe(1);
    log = sarifOf(run);
  });

  it('validates against the SARIF 2.1.0 schema; one run', () => {
    expectValidSarif(log, 'incident');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('the driver is tfguard and lists every registered rule, pointing at tfguard explain (no link: the package names no repository)', () => {
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'tfguard', version: '0.1.0' });
    expect(driver.informationUri).toBeUndefined();
    expect(driver.rules.map((r: any) => r.id)).toEqual(RULE_IDS);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const [i, rule] of RULES.entries()) {
      const d = driver.rules[i];
      expect(d.shortDescription.text).toBe(rule.meta.description);
      expect(d.fullDescription.text).toContain(rule.meta.description.replace(/\.$/, ''));
      expect(d.help.text.length).toBeGreaterThan(0);
      expect(d.helpUri).toBeUndefined();
      expect(d.help.text).toContain(`Documentation: tfguard explain ${rule.meta.id}`);
      expect(readme, `README section for ${rule.meta.id}`).toContain(`### \`${rule.meta.id}\``);
      expect(d.defaultConfiguration.level).toBe(rule.meta.severity === 'block' ? 'error' : 'warning');
    }
  });

  it('one result per finding, at the .tf file relative to the current directory and its line', () => {
    const results = log.runs[0].results;
    expect(results.map((r: any) => r.ruleId)).toEqual([
      'blast-radius',
      'destroy-provisioner',
      'destroy-provisioner',
      'destroy-provisioner',
      'reset-on-destroy-replaced',
    ]);
    for (const r of results) {
      expect(r.level).toBe('error');
      expect(r.ruleIndex).toBe(RULE_IDS.indexOf(r.ruleId));
      expect(r.locations).toHaveLength(1);
      expect(r.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'fixtures/incident/src/main.tf' },
        region: { startLine: 38 },
      });
      expect(r.properties.plan).toBe('fixtures/incident/plan.json');
      expect(r.properties.planDir).toBe('fixtures/incident/src');
    }
  });

  it('the resource addresses as logical locations, and the details, commands and suggestions as properties', () => {
    const [blast, fresh] = log.runs[0].results;
    const keys = ['fresh', 'powder', 'storm'];
    expect(blast.locations[0].logicalLocations).toEqual(
      keys.map((k) => ({ fullyQualifiedName: `terraform_data.cp_reset_on_destroy["${k}"]`, kind: 'resource' })),
    );
    expect(blast.properties.addresses).toEqual(keys.map((k) => `terraform_data.cp_reset_on_destroy["${k}"]`));
    expect(blast.properties.details[0].chain[0]).toContain('because it references terraform_data.machine_config["fresh"]');
    expect(blast.properties.suggestions).toContain('  ignore_changes = [triggers_replace]');
    expect(fresh.message.text).toContain('`talosctl reset --nodes 192.168.111.192 --graceful=false --reboot` — DESTRUCTIVE');
    expect(fresh.properties.commands[0]).toMatchObject({
      command: 'talosctl reset --nodes 192.168.111.192 --graceful=false --reboot',
      file: 'main.tf',
      line: 49,
    });
  });

  it('fingerprints are distinct, and stable across runs; the whole log is byte-identical', () => {
    const prints = log.runs[0].results.map((r: any) => r.partialFingerprints['tfguard/v1']);
    expect(new Set(prints).size).toBe(prints.length);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
    const again = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'sarif']);
    expect(again.stdout).toBe(`${JSON.stringify(log, null, 2)}\n`);
  });

  it('paths are relative to the current directory, not to the root module', () => {
    const run = tfguard(['check', 'plan.json', '--dir', 'src', '--format', 'sarif'], { cwd: join(FIXTURES_DIR, 'incident') });
    expect(run.code, run.stderr).toBe(1);
    const sarif = sarifOf(run);
    expectValidSarif(sarif, 'incident from its folder');
    for (const r of sarif.runs[0].results) expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('src/main.tf');
  });
});

describe('--format sarif, other plans', () => {
  it('a pass plan: valid, no results, every rule still listed', () => {
    const run = tfguard(['check', plan('add-worker'), '--format', 'sarif']);
    expect(run.code, run.stderr).toBe(0);
    const sarif = sarifOf(run);
    expectValidSarif(sarif, 'add-worker');
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(RULES.length);
    expect(sarif.runs[0].properties.decision).toBe('pass');
  });

  it('levels: block is error, warn is warning', () => {
    expect(sarifLevel('block')).toBe('error');
    expect(sarifLevel('warn')).toBe('warning');
    const run = tfguard(['check', plan('removed-from-config'), '--dir', 'fixtures/removed-from-config/src', '--format', 'sarif']);
    expect(run.code, run.stderr).toBe(0);
    const sarif = sarifOf(run);
    expectValidSarif(sarif, 'removed-from-config');
    expect(sarif.runs[0].results.map((r: any) => [r.ruleId, r.level])).toEqual([['blast-radius', 'warning']]);
    // The block left the configuration: no file to point at, the addresses only.
    const location = sarif.runs[0].results[0].locations[0];
    expect(location.physicalLocation).toBeUndefined();
    expect(location.logicalLocations.map((l: any) => l.kind)).toEqual(['resource', 'resource']);
  });

  it('several plans: one run, every result says its plan, in its properties and its message', () => {
    const plans = [INCIDENT, plan('two-of-three-replaced'), plan('add-worker'), plan('removed-from-config')];
    const run = tfguard(['check', ...plans, '--format', 'sarif']);
    expect(run.code, run.stderr).toBe(1);
    const sarif = sarifOf(run);
    expectValidSarif(sarif, 'several plans');
    expect(sarif.runs).toHaveLength(1);
    const results = sarif.runs[0].results;
    expect(new Set(results.map((r: any) => r.properties.plan))).toEqual(new Set([INCIDENT, plan('two-of-three-replaced'), plan('removed-from-config')]));
    for (const r of results) expect(r.message.text.startsWith(`[${r.properties.plan}] `)).toBe(true);
    expect(sarif.runs[0].properties.plans.map((p: any) => [p.source, p.decision])).toEqual([
      [INCIDENT, 'block'],
      [plan('two-of-three-replaced'), 'block'],
      [plan('add-worker'), 'pass'],
      [plan('removed-from-config'), 'warn'],
    ]);
  });

  it('every fixture, with its sources read for locations, validates, alone and all together', async () => {
    const names = readdirSync(FIXTURES_DIR)
      .filter((n) => existsSync(join(FIXTURES_DIR, n, 'plan.json')))
      .sort();
    expect(names.length).toBeGreaterThan(10);
    const reports: Report[] = [];
    for (const n of names) {
      const dir = join(FIXTURES_DIR, n, 'src');
      const { plan: loaded } = await loadPlan(join(FIXTURES_DIR, n, 'plan.json'), {});
      const { state, locations } = await readSources(loaded, dir, { wantLocations: true });
      const result = runRules({ plan: loaded, config: defaultConfig(RULES), rules: RULES, today: TODAY, sources: state, ...(locations ? { locations } : {}) });
      const r = buildReport({ source: plan(n), dir: relativeDir(dir, ROOT), plan: loaded, result });
      reports.push(r);
      const log = buildSarif(reportSet([r]));
      expectValidSarif(log, n);
      for (const res of log.runs[0]!.results as any[]) {
        const uri = res.locations?.[0]?.physicalLocation?.artifactLocation.uri;
        if (uri !== undefined) expect(uri.startsWith(`fixtures/${n}/src/`), `${n}: ${uri}`).toBe(true);
      }
    }
    expectValidSarif(buildSarif(reportSet(reports)), 'every fixture');
  }, 60_000);

  it('never shows a secret of the plan', () => {
    const scenario = JSON.parse(readFileSync(join(FIXTURES_DIR, 'sensitive-values', 'scenario.json'), 'utf8')) as { secret: string };
    const run = tfguard(['check', plan('sensitive-values'), '--dir', 'fixtures/sensitive-values/src', '--format', 'sarif']);
    expect(run.code, run.stderr).toBe(1);
    expectValidSarif(sarifOf(run), 'sensitive-values');
    expect(run.stdout).toContain('(sensitive)');
    expect(run.stdout).not.toContain(scenario.secret);
  });

  it('waived findings are results with an external suppression that gives the reason and expiry', async () => {
    const dir = await mkdtemp(join(tmp, 'waived-'));
    await writeFile(join(dir, 'main.tf'), readFileSync(join(FIXTURES_DIR, 'incident', 'src', 'main.tf')));
    await writeFile(
      join(dir, '.tfguard.json'),
      JSON.stringify({
        waivers: [{ rule: 'blast-radius', address: 'terraform_data.cp_reset_on_destroy*', reason: 'CHG-42 planned rebuild', expires: '2099-12-31' }],
      }),
    );
    const run = tfguard(['check', INCIDENT, '--dir', dir, '--format', 'sarif']);
    expect(run.code, run.stderr).toBe(1);
    const sarif = sarifOf(run);
    expectValidSarif(sarif, 'waived');
    const waived = sarif.runs[0].results.filter((r: any) => r.suppressions);
    expect(waived).toHaveLength(1);
    expect(waived[0].ruleId).toBe('blast-radius');
    expect(waived[0].suppressions[0]).toMatchObject({ kind: 'external', state: 'accepted' });
    expect(waived[0].suppressions[0].justification).toContain('CHG-42 planned rebuild');
    expect(waived[0].suppressions[0].justification).toContain('2099-12-31');
  });
});

describe('locations for every finding', () => {
  it('needsLocations: sarif and github ask for the sources, other formats do not', () => {
    expect(FORMAT_NAMES).toEqual(expect.arrayContaining(['markdown', 'sarif']));
    expect(needsLocations(['sarif'])).toBe(true);
    expect(needsLocations(['text', 'github'])).toBe(true);
    expect(needsLocations(['text', 'json', 'markdown'])).toBe(false);
  });

  it('with sarif requested the sources are read although no rule needs them; the findings and decision are unchanged', async () => {
    const name = 'two-of-three-replaced';
    const args = ['check', plan(name), '--dir', `fixtures/${name}/src`];
    const json = JSON.parse(tfguard([...args, '--format', 'json']).stdout);
    expect(json.findings.map((f: any) => f.rule)).toEqual(['blast-radius']);
    expect(json.findings[0].location).toBeUndefined();
    expect(json.plan.dir).toBe(`fixtures/${name}/src`);

    const file = join(tmp, `${name}.sarif`);
    const both = tfguard([...args, '--format', 'json', '--format', `sarif=${file}`]);
    expect(both.code, both.stderr).toBe(json.decision === 'block' ? 1 : 0);
    const withLocations = JSON.parse(both.stdout);
    expect(withLocations.decision).toBe(json.decision);
    expect(withLocations.findings.map((f: any) => [f.rule, f.severity, f.addresses])).toEqual(json.findings.map((f: any) => [f.rule, f.severity, f.addresses]));
    expect(withLocations.findings[0].location).toEqual({ file: 'main.tf', line: expect.any(Number) });
    const sarif = JSON.parse(await readFile(file, 'utf8'));
    expectValidSarif(sarif, name);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: `fixtures/${name}/src/main.tf` },
      region: { startLine: withLocations.findings[0].location.line },
    });
  });

  it('readSources: sources read for locations never reach the rules', async () => {
    const dir = join(FIXTURES_DIR, 'two-of-three-replaced', 'src');
    const { plan: loaded } = await loadPlan(join(FIXTURES_DIR, 'two-of-three-replaced', 'plan.json'), {});
    const without = await readSources(loaded, dir);
    expect(without).toEqual({ state: { status: 'not-read' } });
    const read = await readSources(loaded, dir, { wantLocations: true });
    expect(read.state).toEqual({ status: 'not-read' });
    expect(read.locations?.blocks.size).toBeGreaterThan(0);
    const base = { plan: loaded, config: defaultConfig(RULES), rules: RULES, today: TODAY, sources: read.state };
    const plain = runRules(base);
    const located = runRules({ ...base, locations: read.locations! });
    expect(located.decision).toBe(plain.decision);
    expect(located.findings.map(({ location: _, ...f }) => f)).toEqual(plain.findings);
    expect(located.findings.every((f) => f.location)).toBe(true);
    // A folder without .tf files: nothing to read, no error.
    expect(await readSources(loaded, join(FIXTURES_DIR, 'two-of-three-replaced'), { wantLocations: true })).toEqual({ state: { status: 'not-read' } });
  });

  it('relativeDir and artifactPath: relative to the current directory, with /', () => {
    expect(relativeDir('/a/b', '/a/b')).toBe('.');
    expect(relativeDir('/a/b/c/d', '/a/b')).toBe('c/d');
    expect(relativeDir('c/d', '/a/b')).toBe('c/d');
    expect(relativeDir('/a/x', '/a/b')).toBe('../x');
    const at = (dir: string) => ({ plan: { source: 'p', dir, format_version: '1.2', terraform_version: null } });
    expect(artifactPath(at('.'), 'main.tf', '/r')).toBe('main.tf');
    expect(artifactPath(at('stacks/a'), 'modules/node/main.tf', '/r')).toBe('stacks/a/modules/node/main.tf');
    expect(artifactPath(at('stacks/a'), '../shared/x.tf', '/r')).toBe('stacks/shared/x.tf');
    expect(artifactPath(at('stacks/a'), '/r/modules/y/main.tf', '/r')).toBe('modules/y/main.tf');
    expect(artifactPath(at('..'), 'main.tf', '/r/sub')).toBe('../main.tf');
  });
});

describe('SARIF from reports written here', () => {
  const report = makeReport;
  const finding = (rule: string, over: Partial<ReportFinding> = {}): ReportFinding =>
    makeFinding(rule, { message: `Destroys ${rule}`, addresses: ['terraform_data.a'], ...over });

  it('hostile paths become valid URI references; plan-level findings have no logical location; unknown rules get a descriptor', () => {
    expect(pathToUri('stacks/my stack/"x"[0]%/main.tf')).toBe('stacks/my%20stack/%22x%22%5B0%5D%25/main.tf');
    const hostile = 'module.m["a b|<c>"].aws_instance.x["`y`"]';
    const log = buildSarif(
      reportSet([
        report({
          plan: { source: 'stacks/my stack/plan.json', dir: 'stacks/my stack', format_version: '1.2', terraform_version: null },
          findings: [
            finding('destroy-provisioner', { addresses: [hostile], location: { file: 'mod "x"/main.tf', line: 7 } }),
            finding('plan-incomplete', { addresses: ['(plan)'] }),
            finding('zz-custom', { severity: 'warn' }),
          ],
        }),
      ]),
    );
    expectValidSarif(log, 'hostile');
    const [withFile, planLevel, custom] = log.runs[0]!.results as any[];
    expect(withFile.locations[0].physicalLocation.artifactLocation.uri).toBe('stacks/my%20stack/mod%20%22x%22/main.tf');
    expect(withFile.locations[0].logicalLocations).toEqual([{ fullyQualifiedName: hostile, kind: 'resource' }]);
    expect(planLevel.locations).toBeUndefined();
    expect(custom.level).toBe('warning');
    expect(log.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual([...RULE_IDS, 'zz-custom']);
  });
});

describe.skipIf(!hasCorpus)(hasCorpus ? 'SARIF over the corpus' : `SARIF over the corpus [skipped: ${NO_CORPUS}]`, () => {
  it('every plan of the shared corpus gives valid SARIF, alone and all together', () => {
    const files = jsonFilesUnder(CORPUS).filter((f) => !f.startsWith('state/'));
    expect(files.length).toBeGreaterThan(0);
    const reports: Report[] = [];
    for (const name of files) {
      const loaded = planFromJson(name, JSON.parse(readFileSync(join(CORPUS, name), 'utf8')));
      const result = runRules({ plan: loaded, config: defaultConfig(RULES), rules: RULES, today: TODAY });
      const r = buildReport({ source: name, plan: loaded, result });
      reports.push(r);
      const log = JSON.parse(formatSarifSet(reportSet([r])));
      expectValidSarif(log, name);
      expect(log.runs[0].results).toHaveLength(r.findings.length);
    }
    expectValidSarif(JSON.parse(formatSarifSet(reportSet(reports))), 'the whole corpus');
  });
});
