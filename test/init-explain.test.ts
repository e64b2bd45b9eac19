/**
 * `tfguard init` (a starter .tfguard.json that check accepts and that changes no decision), `tfguard explain RULE`
 * (the rule's README section, default severity and options), and the JSON Schema of .tfguard.json (generated from
 * the zod schema, shipped in the package, never stale, agreeing with zod). The CLI runs built, with NO_COLOR=1.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { PER_FINDING_SEVERITY, starterConfigText } from '../src/commands/init.js';
import { readmePath } from '../src/commands/explain.js';
import { configJsonSchemaText, SCHEMA_FILE, SCHEMA_REF } from '../src/config/json-schema.js';
import { configSchema } from '../src/config/schema.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';
import { expectOneLineError, tfguard as cli } from './helpers/cli.js';

const tfguard = (args: string[], cwd = ROOT) => cli(args, { cwd });

const RULE_IDS = RULES.map((r) => r.meta.id);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DESIGN = join(ROOT, '..', 'shared', 'DESIGN.md');

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-init-explain-'));
let counter = 0;
const OWN_SCHEMA = join(ROOT, SCHEMA_FILE);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fresh(): string {
  const dir = join(tmp, `d${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The ```json blocks of a Markdown text that are configs (not reports): objects without a `tool` key. */
function configExamples(markdown: string): unknown[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((m) => {
      try {
        return JSON.parse(m[1]!) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })
    .filter(
      (v): v is Record<string, unknown> => !!v && typeof v === 'object' && !('tool' in v) && ['rules', 'protect', 'waivers', 'audit'].some((k) => k in v),
    );
}

// --- tfguard init -----------------------------------------------------------------------------------------------

describe('tfguard init', () => {
  it('writes a starter .tfguard.json: $schema, every rule at its defaults, protect empty, no waivers; offers the hook', () => {
    const dir = fresh();
    const run = tfguard(['init', '--dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('tfguard hook install');
    expect(run.stdout).toContain('tfguard explain');
    expect(existsSync(join(dir, '.git', 'hooks')), 'the hook is offered, not installed').toBe(false);
    const text = readFileSync(join(dir, '.tfguard.json'), 'utf8');
    // No tfguard in a node_modules above DIR, no published URL: the schema of the tfguard that ran.
    expect(text).toBe(starterConfigText(OWN_SCHEMA));
    const config = JSON.parse(text);
    expect(Object.keys(config)).toEqual(['$schema', 'rules', 'protect']);
    expect(config.$schema).toBe(OWN_SCHEMA);
    expect(config.protect).toEqual([]);
    expect(Object.keys(config.rules)).toEqual(RULE_IDS);
    for (const rule of RULES) {
      const entry = config.rules[rule.meta.id];
      const options = rule.meta.options.parse({});
      const severity = PER_FINDING_SEVERITY.has(rule.meta.id) ? {} : { severity: rule.meta.severity };
      if (typeof entry === 'string') expect({ severity: entry, ...options }, rule.meta.id).toEqual({ ...severity, ...options });
      else expect(entry, rule.meta.id).toEqual({ ...severity, ...options });
    }
  });

  it('writes a config that tfguard check accepts', () => {
    const dir = fresh();
    expect(tfguard(['init'], dir).code).toBe(0);
    expect(existsSync(join(dir, '.tfguard.json'))).toBe(true);
    const run = tfguard(['check', join(FIXTURES_DIR, 'incident', 'plan.json'), '--dir', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout).config).toContain('.tfguard.json');
  });

  it('changes no decision and no finding: every fixture checks the same with the starter config as without one', () => {
    const names = readdirSync(FIXTURES_DIR)
      .filter((n) => existsSync(join(FIXTURES_DIR, n, 'plan.json')) && existsSync(join(FIXTURES_DIR, n, 'src')))
      .sort();
    expect(names.length).toBeGreaterThan(10);
    const results: Record<string, unknown[]> = {};
    for (const variant of ['without', 'with']) {
      const root = join(tmp, `${variant}${counter++}`);
      for (const name of names) {
        // The plan next to its sources: check reads each plan's folder (sources and .tfguard.json).
        cpSync(join(FIXTURES_DIR, name, 'src'), join(root, name), { recursive: true });
        copyFileSync(join(FIXTURES_DIR, name, 'plan.json'), join(root, name, 'plan.json'));
        if (variant === 'with') writeFileSync(join(root, name, '.tfguard.json'), starterConfigText());
      }
      const run = tfguard(['check', ...names.map((n) => join(n, 'plan.json')), '--format', 'json', '--fail-on', 'never'], root);
      expect(run.code, run.stderr).toBe(0);
      results[variant] = JSON.parse(run.stdout).plans.map((p: Record<string, unknown>) => {
        const { config, ...rest } = p;
        if (variant === 'with') expect(String(config)).toMatch(/\.tfguard\.json$/);
        else expect(config).toBeNull();
        return rest;
      });
    }
    expect(results.with).toEqual(results.without);
  }, 60_000);

  it('refuses to overwrite an existing file (exit 2, file unchanged); --force overwrites it', () => {
    const dir = fresh();
    const path = join(dir, '.tfguard.json');
    writeFileSync(path, '{ "protect": ["module.database.*"] }\n');
    expectOneLineError(tfguard(['init', '--dir', dir]), 'already exists', '--force');
    expect(readFileSync(path, 'utf8')).toBe('{ "protect": ["module.database.*"] }\n');
    const forced = tfguard(['init', '--dir', dir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(starterConfigText(OWN_SCHEMA));
  });

  it('refuses a --dir that is not a directory (exit 2)', () => {
    expectOneLineError(tfguard(['init', '--dir', join(tmp, 'no-such-dir')]), 'no such directory');
  });

  it('points $schema at the nearest node_modules/tfguard above the root module', () => {
    const repo = fresh();
    mkdirSync(join(repo, 'node_modules', 'tfguard', 'schema'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'tfguard', SCHEMA_FILE), '{}');
    mkdirSync(join(repo, 'infra', 'prod'), { recursive: true });
    expect(tfguard(['init', '--dir', join(repo, 'infra', 'prod')]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(repo, 'infra', 'prod', '.tfguard.json'), 'utf8')).$schema).toBe(
      '../../node_modules/tfguard/schema/tfguard.schema.json',
    );
    expect(tfguard(['init', '--dir', repo]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(repo, '.tfguard.json'), 'utf8')).$schema).toBe(SCHEMA_REF);
  });

  it('gives no severity exactly to the rules whose README default severity is not a single one', () => {
    for (const rule of RULES) {
      const line = /^Default severity: (.*)$/m.exec(README.split(`### \`${rule.meta.id}\``)[1] ?? '')?.[1];
      expect(line, rule.meta.id).toBeDefined();
      const single = line === `${rule.meta.severity}.`;
      expect(PER_FINDING_SEVERITY.has(rule.meta.id), `${rule.meta.id}: "Default severity: ${line}"`).toBe(!single);
    }
  });
});

// --- tfguard explain --------------------------------------------------------------------------------------------

describe('tfguard explain', () => {
  it('finds the README from the source (vitest) as the built CLI does from dist', () => {
    expect(readmePath()).toBe(join(ROOT, 'README.md'));
  });

  it.each(RULE_IDS)('%s: its README section, default severity and default options', (id) => {
    const rule = RULES.find((r) => r.meta.id === id)!;
    const run = tfguard(['explain', id]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^Default severity: ${rule.meta.severity}${PER_FINDING_SEVERITY.has(id) ? ' \\(.*warn.*\\)' : ''}$`, 'm'));
    const options = rule.meta.options.parse({});
    expect(run.stdout).toContain(`Default options: ${Object.keys(options).length ? JSON.stringify(options) : 'none'}\n`);
    // The section as a reader sees it: from its heading to the next heading.
    const section = `### ${README.split(/^#{2,3} /m)
      .find((s) => s.startsWith(`\`${id}\``))!
      .trimEnd()}`;
    expect(run.stdout).toContain(`\n\n${section}\n`);
    expect(run.stdout.trimEnd().endsWith(section)).toBe(true);
  });

  it('an unknown rule: exit 2 with the list of rule ids', () => {
    expectOneLineError(tfguard(['explain', 'mass-destory']), 'unknown rule "mass-destory" (did you mean "mass-destroy"?)', ...RULE_IDS);
  });

  it('no rule: exit 2', () => {
    expect(tfguard(['explain']).code).toBe(2);
  });
});

// --- the JSON Schema --------------------------------------------------------------------------------------------

describe('schema/tfguard.schema.json', () => {
  const committed = readFileSync(join(ROOT, SCHEMA_FILE), 'utf8');
  const schema = JSON.parse(committed);
  // `format: date` is checked by the pattern zod puts next to it.
  const validate = new Ajv({ allErrors: true, strict: true, formats: { date: true } }).compile(schema);
  const zod = configSchema(RULES);

  it('equals a fresh generation from the zod schema (run `npm run schema` when this fails)', () => {
    expect(committed, 'schema/tfguard.schema.json is stale: run `npm run schema`').toBe(configJsonSchemaText());
  });

  it('accepts the starter config of tfguard init', () => {
    expect(validate(JSON.parse(starterConfigText())), JSON.stringify(validate.errors)).toBe(true);
  });

  it("accepts the README's example config", () => {
    const examples = configExamples(README);
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const example of examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it.skipIf(!existsSync(DESIGN))(`accepts DESIGN.md's example config${existsSync(DESIGN) ? '' : ` [skipped: ${DESIGN} is absent]`}`, () => {
    const examples = configExamples(readFileSync(DESIGN, 'utf8'));
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const example of examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  const cases: [string, unknown][] = [
    ['empty', {}],
    ['$schema', { $schema: './node_modules/tfguard/schema/tfguard.schema.json' }],
    ['severity string', { rules: { 'blast-radius': 'warn' } }],
    ['severity and options', { rules: { 'mass-destroy': { severity: 'off', max: 3, fraction: 1 } } }],
    ['options only', { rules: { 'stateful-destroy': { types: ['aws_*'] } } }],
    ['audit', { audit: { log: 'audit.jsonl' } }],
    ['waiver', { waivers: [{ rule: 'blast-radius', address: 'x.*', reason: 'CHG-1', expires: '2026-02-28' }] }],
    ['unknown top-level key', { rule: {} }],
    ['$comment (not allowed)', { $comment: 'notes' }],
    ['unknown rule', { rules: { 'mass-destory': 'off' } }],
    ['unknown severity', { rules: { 'mass-destroy': 'error' } }],
    ['unknown option', { rules: { 'mass-destroy': { maximum: 3 } } }],
    ['option of the wrong type', { rules: { 'mass-destroy': { max: '3' } } }],
    ['max 0', { rules: { 'mass-destroy': { max: 0 } } }],
    ['fraction above 1', { rules: { 'mass-destroy': { fraction: 1.5 } } }],
    ['max not an integer', { rules: { 'mass-destroy': { max: 2.5 } } }],
    ['empty protect glob', { protect: [''] }],
    ['waiver without reason', { waivers: [{ rule: 'blast-radius', address: 'x', expires: '2026-01-01' }] }],
    ['waiver with a blank reason', { waivers: [{ rule: 'blast-radius', address: 'x', reason: '   ', expires: '2026-01-01' }] }],
    ['waiver with a bad date', { waivers: [{ rule: 'blast-radius', address: 'x', reason: 'r', expires: '2026-02-30' }] }],
    ['waiver of an unknown rule', { waivers: [{ rule: 'nope', address: 'x', reason: 'r', expires: '2026-01-01' }] }],
    ['audit without log', { audit: {} }],
  ];

  it.each(cases)('agrees with the zod schema: %s', (_name, config) => {
    const byZod = zod.safeParse(config).success;
    expect(validate(config), JSON.stringify(validate.errors)).toBe(byZod);
  });

  it('describes every rule for editors, with its default severity', () => {
    for (const rule of RULES) {
      const entry = schema.properties.rules.properties[rule.meta.id];
      expect(entry.description).toContain(rule.meta.description);
      expect(entry.description).toContain(`Default severity: ${rule.meta.severity}`);
    }
  });
});

// --- the package ------------------------------------------------------------------------------------------------

describe('the npm package', () => {
  it('ships the JSON Schema (where init points $schema) and the README (what explain reads)', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout)[0].files as { path: string }[]).map((f) => f.path);
    expect(files).toContain(SCHEMA_FILE);
    expect(files).toContain('README.md');
    expect(files).toContain('dist/src/commands/explain.js');
    expect(files).toContain('dist/src/commands/init.js');
    expect(SCHEMA_REF).toBe(`./node_modules/tfguard/${SCHEMA_FILE}`);
  }, 60_000);
});
