/**
 * Loading plans: every bad input ends in one InputError line that names the file and the problem; good
 * inputs (files, stdin, BOM, saved binary plans, huge or deeply nested plans) load.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { defaultConfig } from '../src/config/resolve.js';
import { runRules } from '../src/engine/run.js';
import { InputError } from '../src/errors.js';
import { loadPlan, planFromJson } from '../src/plan/load.js';
import { formatJson } from '../src/report/json.js';
import { buildReport } from '../src/report/report.js';
import { formatText } from '../src/report/text.js';
import { errorLine, parseDiagnostics } from '../src/terraform/diagnostics.js';
import { CORPUS, FIXTURES_DIR, hasCorpus, hasTerraform, jsonFilesUnder, NO_CORPUS, needsTerraform } from './helpers/env.js';
import { changesOnly, jqDel } from './helpers/trim.js';

const INCIDENT_JSON = join(FIXTURES_DIR, 'incident', 'plan.json');
const INCIDENT_TFPLAN = join(FIXTURES_DIR, 'incident', 'plan.tfplan');
const STATE_MESSAGE = 'this is a state, not a plan';

let dir: string;
let incidentText: string;
let incident: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfguard-load-'));
  incidentText = await readFile(INCIDENT_JSON, 'utf8');
  incident = JSON.parse(incidentText) as Record<string, unknown>;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file into the temp folder and returns its path. */
async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** A deep copy of the incident plan with changes applied. */
function incidentWith(edit: (plan: any) => void): Record<string, unknown> {
  const copy = structuredClone(incident);
  edit(copy);
  return copy;
}

/** The InputError a promise rejects with (fails the test for any other outcome). */
async function rejection(promise: Promise<unknown>): Promise<InputError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an InputError, but the input loaded').toBeInstanceOf(InputError);
  return caught as InputError;
}

/** The InputError a synchronous call throws. */
function thrown(fn: () => unknown): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an InputError, but the input loaded').toBeInstanceOf(InputError);
  return caught as InputError;
}

/** One line, starting with the source, naming the problem. */
function expectOneLine(error: InputError, source: string, problem: string | RegExp): void {
  expect(error.message).not.toContain('\n');
  expect(error.message.startsWith(`${source}: `), `"${error.message}" should start with "${source}: "`).toBe(true);
  if (typeof problem === 'string') expect(error.message).toContain(problem);
  else expect(error.message).toMatch(problem);
}

async function expectLoadError(path: string, problem: string | RegExp): Promise<InputError> {
  const error = await rejection(loadPlan(path));
  expectOneLine(error, path, problem);
  return error;
}

describe('loadPlan: files that cannot be read', () => {
  it('a missing file', async () => {
    await expectLoadError(join(dir, 'does-not-exist.json'), 'no such file');
  });

  it('a directory', async () => {
    await expectLoadError(dir, 'is a directory');
  });

  it('an empty file', async () => {
    await expectLoadError(await file('empty.json', ''), 'is empty');
  });

  it('a whitespace-only file', async () => {
    await expectLoadError(await file('blank.json', ' \n\t\r\n  \n'), 'is empty');
  });
});

describe('loadPlan: text that is not plan JSON', () => {
  it('plain text', async () => {
    await expectLoadError(await file('text.json', 'Error: No configuration files\n'), 'is not JSON');
  });

  it('a real plan cut in half', async () => {
    const half = incidentText.slice(0, Math.floor(incidentText.length / 2));
    await expectLoadError(await file('half.json', half), 'is truncated');
  });

  it('a real plan cut anywhere (after a comma, a key, a number, inside a string) is reported as truncated', async () => {
    // Every 97th cut point, plus the cuts right after each kind of token.
    const cuts = new Set<number>();
    for (let n = 1; n < incidentText.length - 1; n += 97) cuts.add(n);
    for (const token of [',', ':', '"', '[', '{', '1', 'e', 'l']) {
      const at = incidentText.indexOf(token, 100);
      if (at > 0) cuts.add(at + 1);
    }
    for (const n of cuts) {
      const path = await file('cut.json', incidentText.slice(0, n));
      const error = await rejection(loadPlan(path));
      expect(error.message, `cut at ${n}`).toBe(`${path}: is truncated: the JSON ends before it is complete`);
    }
  });

  it('the setup-terraform wrapper: a command line before and a debug line after the JSON', async () => {
    const wrapped = `[command]/usr/bin/terraform show -json plan\n${incidentText}\n::debug::exitcode: 0\n`;
    const error = await expectLoadError(await file('wrapped.json', wrapped), 'has text around the plan JSON');
    expect(error.message).toContain('terraform_wrapper: false');
  });

  it('the wrapper around a pretty-printed plan', async () => {
    const pretty = JSON.stringify(JSON.parse(incidentText), null, 2);
    await expectLoadError(await file('pretty-wrapped.json', `[command]/usr/bin/terraform show -json plan\n${pretty}\n`), 'has text around the plan JSON');
  });

  it('text after the JSON only', async () => {
    await expectLoadError(await file('after.json', `${incidentText}\n::debug::exitcode: 0\n`), 'has text around the plan JSON');
  });

  it.each([
    ['an array', '[{"format_version":"1.2"}]'],
    ['a number', '42'],
    ['a string', '"format_version"'],
    ['null', 'null'],
  ])('%s at the top level', async (_what, text) => {
    await expectLoadError(await file('top.json', text), 'is not a plan (the top level is not a JSON object)');
  });
});

describe('loadPlan: states are refused', () => {
  // With no corpus, one placeholder test is listed (and skipped) so the skip reason shows.
  const stateFiles = hasCorpus ? jsonFilesUnder(join(CORPUS, 'state')) : [NO_CORPUS];

  it.skipIf(!hasCorpus)('the corpus has state files to check', () => {
    expect(stateFiles.length).toBeGreaterThan(0);
  });

  it.skipIf(!hasCorpus).each(stateFiles)('state/%s is refused as a state', async (name) => {
    const path = join(CORPUS, 'state', name);
    await expectLoadError(path, STATE_MESSAGE);
  });

  it('a raw terraform.tfstate file', async () => {
    const tfstate = {
      version: 4,
      terraform_version: '1.11.4',
      serial: 7,
      lineage: '0f4cbb5e-6b63-4a0c-9a6e-1b2f7c1d9e22',
      outputs: {},
      resources: [
        {
          mode: 'managed',
          type: 'terraform_data',
          name: 'cp_reset_on_destroy',
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [{ index_key: 'powder', schema_version: 0, attributes: { id: 'x' } }],
        },
      ],
      check_results: null,
    };
    await expectLoadError(await file('terraform.tfstate', JSON.stringify(tfstate, null, 2)), STATE_MESSAGE);
  });

  it('an empty state ({"format_version":"1.0"}) is not a plan', async () => {
    const path = await file('empty-state.json', '{"format_version":"1.0"}');
    const error = await expectLoadError(path, /not a plan/);
    expect(error.message).toContain('planned_values');
  });
});

describe('planFromJson: format_version', () => {
  it('refuses an unknown major version 2.0', () => {
    const error = thrown(() =>
      planFromJson(
        'v2.json',
        incidentWith((p) => (p.format_version = '2.0')),
      ),
    );
    expectOneLine(error, 'v2.json', 'format_version 2.0 is not supported');
  });

  it('accepts a newer minor version 1.9', () => {
    const plan = planFromJson(
      'v19.json',
      incidentWith((p) => (p.format_version = '1.9')),
    );
    expect(plan.formatVersion).toBe('1.9');
    expect(plan.changes).toHaveLength(9);
  });

  it('accepts 0.1 (Terraform 0.12)', () => {
    expect(
      planFromJson(
        'v01.json',
        incidentWith((p) => (p.format_version = '0.1')),
      ).formatVersion,
    ).toBe('0.1');
  });

  it.each([
    ['a number', 1.2],
    ['null', null],
    ['an object', { major: 1 }],
  ])('refuses a format_version that is %s', (_what, version) => {
    const error = thrown(() =>
      planFromJson(
        'fv.json',
        incidentWith((p) => (p.format_version = version)),
      ),
    );
    expectOneLine(error, 'fv.json', 'format_version must be a string like "1.2"');
  });

  it('refuses a format_version that is not MAJOR.MINOR', () => {
    const error = thrown(() =>
      planFromJson(
        'fv.json',
        incidentWith((p) => (p.format_version = 'one')),
      ),
    );
    expectOneLine(error, 'fv.json', /format_version: expected a version like "1\.2"/);
  });

  it('refuses a plan with no format_version', () => {
    const error = thrown(() =>
      planFromJson(
        'nofv.json',
        incidentWith((p) => delete p.format_version),
      ),
    );
    expectOneLine(error, 'nofv.json', 'has no format_version');
  });
});

describe('planFromJson: resource changes', () => {
  it('an unknown action names the path and the action', () => {
    const json = incidentWith((p) => (p.resource_changes[0].change.actions = ['delete', 'explode']));
    const error = thrown(() => planFromJson('act.json', json));
    expectOneLine(error, 'act.json', 'resource_changes[0].change.actions');
    expect(error.message).toContain('unknown action');
    expect(error.message).toContain('["delete","explode"]');
  });

  it.each([[['create', 'create']], [['delete', 'create', 'delete']], [[]], [['replace']]])('refuses the action list %j', (actions) => {
    const json = incidentWith((p) => (p.resource_changes[2].change.actions = actions));
    const error = thrown(() => planFromJson('act.json', json));
    expectOneLine(error, 'act.json', 'resource_changes[2].change.actions: unknown action');
  });

  it('a bad mode names the path', () => {
    const json = incidentWith((p) => (p.resource_changes[1].mode = 'weird'));
    const error = thrown(() => planFromJson('mode.json', json));
    expectOneLine(error, 'mode.json', 'resource_changes[1].mode');
  });

  it('a change without an address names the path', () => {
    const json = incidentWith((p) => delete p.resource_changes[3].address);
    const error = thrown(() => planFromJson('addr.json', json));
    expectOneLine(error, 'addr.json', 'resource_changes[3].address');
  });

  it('resource_changes that is not a list', () => {
    const json = incidentWith((p) => (p.resource_changes = { a: 1 }));
    expectOneLine(
      thrown(() => planFromJson('rc.json', json)),
      'rc.json',
      'resource_changes',
    );
  });

  it('many problems are summarized on one line', () => {
    const json = incidentWith((p) => {
      for (const rc of p.resource_changes) rc.mode = 'weird';
    });
    const error = thrown(() => planFromJson('many.json', json));
    expectOneLine(error, 'many.json', /\(and \d+ more\)/);
  });
});

describe('loadPlan: encodings', () => {
  it('UTF-8 with non-ASCII text loads; the same text in Latin-1 is refused, naming the byte', async () => {
    const text = JSON.stringify(incidentWith((p) => (p.resource_changes[0].change.before.input.note = 'Größe')));
    expect((await loadPlan(await file('utf8.json', text))).plan.changes).toHaveLength(9);
    await expectLoadError(await file('latin1.json', Buffer.from(text, 'latin1')), /is not UTF-8 \(byte 0xF6 at offset \d+: Latin-1/);
  });

  it('UTF-16 LE with a BOM loads from a file and from stdin', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(incidentText, 'utf16le')]);
    expect((await loadPlan(await file('u16.json', bytes))).plan.changes).toHaveLength(9);
    expect((await loadPlan('-', { stdin: Readable.from([bytes]) })).plan.changes).toHaveLength(9);
  });

  it('UTF-16 cut to an odd number of bytes, or with an unpaired surrogate, is refused', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(incidentText, 'utf16le')]);
    await expectLoadError(await file('odd.json', bytes.subarray(0, bytes.length - 1)), 'UTF-16 with an odd number of bytes');
    const lone = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":"', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('"}', 'utf16le')]);
    await expectLoadError(await file('lone.json', lone), 'is not valid UTF-16');
  });

  it('a file with NUL bytes that is not UTF-16/32 is named as binary', async () => {
    await expectLoadError(await file('nul.json', Buffer.from([0x7b, 0x7b, 0, 0x7d, 0x7d])), 'holds NUL bytes');
  });
});

describe('planFromJson: plans trimmed with jq', () => {
  it("the issue's filter, {format_version, terraform_version, resource_changes}, keeps a plan", () => {
    const plan = planFromJson('trimmed.json', changesOnly(incident));
    expect(plan.changes.map((c) => c.address)).toEqual(planFromJson('whole.json', incident).changes.map((c) => c.address));
    expect(plan.trimmed).toBe(true);
  });

  it('dropping planned_values, prior_state or configuration alone keeps a plan', () => {
    for (const key of ['planned_values', 'prior_state', 'configuration']) {
      expect(planFromJson(`no-${key}.json`, jqDel(incident, [key])).changes, key).toHaveLength(9);
    }
  });

  it('no planned_values and resource_changes empty, null or not a list: not a plan', () => {
    const base = { format_version: '1.2', terraform_version: '1.11.4' };
    expectOneLine(
      thrown(() => planFromJson('e.json', { ...base, resource_changes: [] })),
      'e.json',
      'has no planned_values and resource_changes is empty: not a plan',
    );
    expectOneLine(
      thrown(() => planFromJson('n.json', { ...base, resource_changes: null })),
      'n.json',
      'resource_changes is null',
    );
    expectOneLine(
      thrown(() => planFromJson('o.json', { ...base, resource_changes: { a: 1 } })),
      'o.json',
      'resource_changes is an object',
    );
  });

  it('a state with resource_changes trimmed in is still refused by its state markers', () => {
    const state = { version: 4, serial: 3, lineage: 'x', format_version: '1.0', resource_changes: incident.resource_changes };
    expectOneLine(
      thrown(() => planFromJson('s.json', state)),
      's.json',
      STATE_MESSAGE,
    );
  });

  it.skipIf(!hasCorpus)(hasCorpus ? 'every corpus plan with resource_changes, trimmed, loads with the same changes' : NO_CORPUS, () => {
    let trimmed = 0;
    for (const name of jsonFilesUnder(CORPUS).filter((f) => !f.startsWith('state/'))) {
      const json = JSON.parse(readFileSync(join(CORPUS, name), 'utf8'));
      if (!Array.isArray(json.resource_changes) || json.resource_changes.length === 0) continue;
      const plan = planFromJson(name, changesOnly(json));
      expect(
        plan.changes.map((c) => [c.address, c.action]),
        name,
      ).toEqual(planFromJson(name, json).changes.map((c) => [c.address, c.action]));
      trimmed++;
    }
    expect(trimmed).toBeGreaterThan(40);
  });
});

describe('the UI event stream of terraform plan -json', () => {
  it('one event, which is valid JSON on its own, is named for what it is', () => {
    const event = { '@level': 'info', '@message': 'Terraform 1.11.4', '@module': 'terraform.ui', terraform: '1.11.4', type: 'version', ui: '1.2' };
    expectOneLine(
      thrown(() => planFromJson('ev.json', event)),
      'ev.json',
      'is the UI event stream of `terraform plan -json`',
    );
  });
});

describe('deep and large plans', () => {
  const DEPTH = 200_000;

  it(`a value nested ${DEPTH} levels deep inside before loads or is refused with an InputError`, async () => {
    const deep = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
    const marker = '"__DEEP__"';
    const json = incidentWith((p) => {
      p.resource_changes[0].change.before = '__DEEP__';
    });
    const text = JSON.stringify(json).replace(marker, deep);
    const path = await file('deep.json', text);
    let loaded;
    try {
      loaded = await loadPlan(path);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expectOneLine(error as InputError, path, /nests too deeply/);
      return;
    }
    // It loaded: the rules, the report and every format must cope with it too.
    const result = runRules({ plan: loaded.plan, config: defaultConfig(RULES), rules: RULES, today: '2026-01-01' });
    const report = buildReport({ source: loaded.source, plan: loaded.plan, result });
    expect(result.decision).toBe('block');
    expect(() => JSON.parse(formatJson(report))).not.toThrow();
    expect(formatText(report)).toContain('BLOCKED');
  });

  it('a deep value marked sensitive (a deep mask) does not overflow secret collection', () => {
    let value: unknown = 'deep-secret-value';
    let mask: unknown = true;
    for (let i = 0; i < DEPTH; i++) {
      value = { a: value };
      mask = { a: mask };
    }
    const json = incidentWith((p) => {
      p.resource_changes[0].change.before = value;
      p.resource_changes[0].change.before_sensitive = mask;
    });
    let plan;
    try {
      plan = planFromJson('deepmask.json', json);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expectOneLine(error as InputError, 'deepmask.json', /nests too deeply/);
      return;
    }
    expect(plan.changes).toHaveLength(9);
  });

  it('modules nested deeply in prior_state end in an InputError or load, never a RangeError', () => {
    let module: Record<string, unknown> = { address: 'module.x', resources: [] };
    for (let i = 0; i < 50_000; i++) module = { address: 'module.x', resources: [], child_modules: [module] };
    const json = incidentWith((p) => {
      p.prior_state.values.root_module.child_modules = [module];
    });
    try {
      const plan = planFromJson('deepmods.json', json);
      expect(plan.prior).toHaveLength(8);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expectOneLine(error as InputError, 'deepmods.json', /nests too deeply/);
    }
  });

  it('a plan with 20,000 resource changes loads', () => {
    const N = 20_000;
    const changes = [];
    const prior = [];
    for (let i = 0; i < N; i++) {
      const address = `module.shard[${i % 10}].terraform_data.node["n-${i}"]`;
      changes.push({
        address,
        module_address: `module.shard[${i % 10}]`,
        mode: 'managed',
        type: 'terraform_data',
        name: 'node',
        index: `n-${i}`,
        provider_name: 'terraform.io/builtin/terraform',
        change: {
          actions: i % 100 === 0 ? ['delete', 'create'] : ['no-op'],
          before: { id: `id-${i}`, input: { ip: `10.0.${i >> 8}.${i & 255}` } },
          after: { id: `id-${i}`, input: { ip: `10.0.${i >> 8}.${i & 255}` } },
          after_unknown: {},
          before_sensitive: {},
          after_sensitive: {},
        },
      });
      prior.push({ address, mode: 'managed', type: 'terraform_data', name: 'node', index: `n-${i}`, values: {} });
    }
    const plan = planFromJson('large.json', {
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: changes,
      prior_state: { format_version: '1.0', values: { root_module: { resources: prior } } },
    });
    expect(plan.changes).toHaveLength(N);
    expect(plan.prior).toHaveLength(N);
    expect(plan.changes.filter((c) => c.action === 'replace')).toHaveLength(N / 100);
    expect(plan.changes[12_345]!.groupAddress).toBe('module.shard.terraform_data.node');
    expect(plan.changes[12_345]!.resourceAddress).toBe('module.shard[5].terraform_data.node');
  });
});

describe('loadPlan: good inputs', () => {
  it('reads a plan file', async () => {
    const { source, plan } = await loadPlan(INCIDENT_JSON);
    expect(source).toBe(INCIDENT_JSON);
    expect(plan.formatVersion).toBe('1.2');
    expect(plan.terraformVersion).toBe('1.11.4');
    expect(plan.changes).toHaveLength(9);
  });

  it('reads - from the stdin stream option, as (stdin)', async () => {
    const half = Math.floor(incidentText.length / 2);
    // Several chunks, strings and buffers, split in the middle of the document.
    const stdin = Readable.from([Buffer.from(incidentText.slice(0, half)), incidentText.slice(half)], { objectMode: true });
    const { source, plan } = await loadPlan('-', { stdin });
    expect(source).toBe('(stdin)');
    expect(plan.changes.map((c) => c.address)).toEqual((incident.resource_changes as { address: string }[]).map((c) => c.address));
  });

  it('names (stdin) in errors from stdin', async () => {
    const error = await rejection(loadPlan('-', { stdin: Readable.from([Buffer.from('')]) }));
    expectOneLine(error, '(stdin)', 'is empty');
    const noise = await rejection(loadPlan('-', { stdin: Readable.from([Buffer.from(`[command]terraform show -json\n${incidentText}`)]) }));
    expectOneLine(noise, '(stdin)', 'has text around the plan JSON');
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const path = await file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(incidentText)]));
    const { plan } = await loadPlan(path);
    expect(plan.changes).toHaveLength(9);
  });

  it('accepts a pretty-printed plan with CRLF line ends', async () => {
    const path = await file('pretty.json', JSON.stringify(incident, null, 2).replaceAll('\n', '\r\n'));
    expect((await loadPlan(path)).plan.changes).toHaveLength(9);
  });
});

describe('loadPlan: saved binary plans', () => {
  it.skipIf(!hasTerraform)(
    needsTerraform('fixtures/incident/plan.tfplan gives the same changes as plan.json'),
    async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'tfguard-show-'));
      try {
        const binary = await loadPlan(INCIDENT_TFPLAN, { cwd });
        const json = await loadPlan(INCIDENT_JSON);
        expect(binary.source).toBe(INCIDENT_TFPLAN);
        expect(binary.plan.changes.map((c) => c.address)).toEqual(json.plan.changes.map((c) => c.address));
        expect(binary.plan.changes.map((c) => c.action)).toEqual(json.plan.changes.map((c) => c.action));
      } finally {
        await rm(cwd, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it.skipIf(!hasTerraform)(
    needsTerraform('a saved binary plan on stdin'),
    async () => {
      const bytes = await readFile(INCIDENT_TFPLAN);
      const { source, plan } = await loadPlan('-', { stdin: Readable.from([bytes]), cwd: dir });
      expect(source).toBe('(stdin)');
      expect(plan.changes.filter((c) => c.action === 'replace')).toHaveLength(3);
    },
    60_000,
  );

  it('a missing terraform binary is an InputError that names the binary', async () => {
    const error = await rejection(loadPlan(INCIDENT_TFPLAN, { terraformBin: '/nonexistent/terraform' }));
    expectOneLine(error, INCIDENT_TFPLAN, 'saved binary plan');
    expect(error.message).toContain('/nonexistent/terraform');
  });

  it.skipIf(!hasTerraform)(
    needsTerraform('a zip that is not a plan is an InputError'),
    async () => {
      // A zip file's local header magic followed by junk: terraform show refuses it.
      const path = await file('junk.tfplan', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
      const error = await rejection(loadPlan(path, { cwd: dir }));
      expectOneLine(error, path, 'is a saved binary plan and could not be read');
      // Terraform's own error line, without its colored box drawing, with its reason.
      expect(error.message).toMatch(/failed: Error: Failed to read the given file as a state or plan file: Plan read error: .*zip: not a valid zip file/);
      expect(error.message).not.toMatch(/[\u001b╷│╵]/);
      expect(error.message).not.toContain('State read error');
    },
    60_000,
  );

  it.skipIf(!hasTerraform)(
    needsTerraform('parseDiagnostics reads real terraform stderr: a warning box, then the error with its detail'),
    async () => {
      const path = await file('junk2.tfplan', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
      // A CLI configuration file that does not exist makes terraform print a warning box first.
      const result = spawnSync('terraform', ['show', '-json', path], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'missing.tfrc'), FORCE_COLOR: '1' },
      });
      expect(result.status).toBe(1);
      const diagnostics = parseDiagnostics(result.stderr);
      expect(diagnostics.map((d) => d.severity)).toEqual(['Warning', 'Error']);
      const error = diagnostics[1]!;
      expect(error.summary).toBe('Failed to read the given file as a state or plan file');
      // Wrapped lines are joined: each paragraph is one line.
      expect(error.paragraphs.at(-1)).toMatch(
        /^Plan read error: couldn't load the provided path as either a local plan file \(zip: not a valid zip file\) or a saved cloud plan/,
      );
      expect(errorLine(diagnostics)).toMatch(/^Error: Failed to read the given file as a state or plan file: State read error: /);
    },
    60_000,
  );

  it.skipIf(!hasTerraform)(
    needsTerraform('a relative plan path is read from the current folder, not from cwd'),
    async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'tfguard-root-module-'));
      try {
        const relativePath = relative(process.cwd(), INCIDENT_TFPLAN);
        expect(relativePath.startsWith('/')).toBe(false);
        const { source, plan } = await loadPlan(relativePath, { cwd });
        expect(source).toBe(relativePath);
        expect(plan.changes).toHaveLength(9);
      } finally {
        await rm(cwd, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
