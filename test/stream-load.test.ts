/**
 * The streaming plan reader (src/plan/scanner.ts, builder.ts, load.ts): whatever the chunking, it builds the
 * same plan as the parsed-object path; several JSON documents in one input are several plans, each named by
 * its position and each held to every bad-input guarantee; what it drops (no-op values, prior values) it
 * drops only after collecting their secrets; and the fast entry checks never accept what the schema refuses.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { isValidChange, isValidPlanTop, isValidStateResource } from '../src/plan/fast-check.js';
import { loadPlan, loadPlans, planFromJson, type LoadedPlan } from '../src/plan/load.js';
import type { Plan } from '../src/plan/model.js';
import { PlanJson, ResourceChange, StateResource } from '../src/plan/schema.js';
import { json as reportJson, tfguard } from './helpers/cli.js';
import { FIXTURES_DIR } from './helpers/env.js';

const text = readFileSync(join(FIXTURES_DIR, 'incident', 'plan.json'), 'utf8');
const incident = JSON.parse(text);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfguard-stream-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** What a plan says, in plain data (Maps and Sets as sorted lists). */
function shape(plan: Plan): unknown {
  return JSON.parse(JSON.stringify(plan, (_k, v: unknown) => (v instanceof Map ? [...v].sort() : v instanceof Set ? [...v].sort() : v)));
}

/** The bytes in chunks of the given sizes, cycling. */
function chunked(bytes: Buffer, sizes: number[]): Readable {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    parts.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(parts);
}

async function rejection(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('\n');
    return error as InputError;
  }
  throw new Error('expected an InputError, but the input loaded');
}

/** A big change (past the size under which a change is parsed whole) so that its values are cut out. */
function bigChange(address: string, actions: string[], secret: string): Record<string, unknown> {
  const values = { id: address, blob: 'x'.repeat(4000), token: secret, nested: { list: [1, 2, { deep: 'v\u00e9"\\\n' }] } };
  return {
    address,
    mode: 'managed',
    type: 'terraform_data',
    name: address.split('.')[1]!.split('[')[0],
    change: { actions, before: values, after: values, after_unknown: {}, before_sensitive: { token: true }, after_sensitive: { token: true } },
  };
}

describe('the streamed plan is the parsed plan', () => {
  it.each([
    ['one byte at a time', [1]],
    ['odd chunks', [7, 3, 1, 64, 5]],
    ['chunks across every token', [2, 3]],
    ['one chunk', [1 << 30]],
  ])('the incident plan, %s', async (_what, sizes) => {
    const { plan } = await loadPlan('-', { stdin: chunked(Buffer.from(text), sizes) });
    expect(shape(plan)).toEqual(shape(planFromJson('-', incident)));
  });

  it('big changes whose values are cut out: values kept where the change acts, dropped for a no-op, secrets from both', async () => {
    const doc = {
      ...incident,
      resource_changes: [
        ...incident.resource_changes,
        bigChange('terraform_data.big["a"]', ['update'], 'update-secret-1'),
        bigChange('terraform_data.quiet["b"]', ['no-op'], 'no-op-secret-2'),
      ],
    };
    for (const sizes of [[1 << 30], [13, 101]]) {
      const { plan } = await loadPlan('-', { stdin: chunked(Buffer.from(JSON.stringify(doc)), sizes) });
      expect(shape(plan)).toEqual(shape(planFromJson('-', doc)));
      const update = plan.changes.find((c) => c.address === 'terraform_data.big["a"]')!;
      expect(update.before).toEqual((doc.resource_changes.at(-2) as any).change.before);
      const noop = plan.changes.find((c) => c.address === 'terraform_data.quiet["b"]')!;
      expect([noop.before, noop.after, noop.priorObject]).toEqual([null, null, true]);
      expect(plan.secrets).toContain('update-secret-1');
      expect(plan.secrets).toContain('no-op-secret-2');
    }
  });

  it('prior-state values are not kept, their sensitive strings are', async () => {
    const doc = structuredClone(incident);
    const resource = doc.prior_state.values.root_module.resources[0];
    resource.values = { ...resource.values, password: 'prior-state-secret' };
    resource.sensitive_values = { password: true };
    const { plan } = await loadPlan(await file('prior.json', JSON.stringify(doc)));
    expect(plan.prior.every((p) => !('values' in p))).toBe(true);
    expect(plan.secrets).toContain('prior-state-secret');
  });

  it('a pretty-printed plan with keys in another order and escapes in keys is the same plan', async () => {
    const reorder = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reorder)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reorder(x)]),
            )
          : v;
    const doc = reorder(incident) as Record<string, unknown>;
    const pretty = JSON.stringify(doc, null, 3).replace(/"before"/g, '"befor\\u0065"');
    const { plan } = await loadPlan(await file('pretty.json', pretty));
    expect(shape(plan)).toEqual(shape(planFromJson('x', JSON.parse(pretty))));
  });
});

describe('a file larger than a chunk', () => {
  it('is read into one buffer chunk after chunk: entries and keys across the 8 MiB boundaries come out whole', async () => {
    // About 20 MB of big changes with varied sizes, so that entries, cut values and keys straddle the chunks; one
    // acts (its values are kept), the others are no-ops; each holds a secret of its own.
    const changes = Array.from({ length: 3500 }, (_, i) => {
      const c = bigChange(`terraform_data.n["k${i}"]`, [i % 700 === 0 ? 'update' : 'no-op'], `secret-${i}`);
      (c.change as { before: { blob: string } }).before = { ...(c.change as { before: object }).before, blob: 'y'.repeat(1000 + ((i * 37) % 3000)) } as never;
      return c;
    });
    const doc = { ...incident, resource_changes: [...incident.resource_changes, ...changes] };
    const path = await file('big.json', JSON.stringify(doc));
    const { plan } = await loadPlan(path);
    expect(shape(plan)).toEqual(shape(planFromJson(path, doc)));
    expect(plan.secrets).toContain('secret-3499');
  });
});

describe('several documents in one input', () => {
  const both = (sep: string) => `${text.trim()}${sep}${JSON.stringify({ ...incident, resource_changes: incident.resource_changes.slice(0, 2) })}\n`;

  it.each([
    ['one per line', '\n'],
    ['back to back', ''],
    ['CRLF and blank lines', '\r\n\r\n'],
  ])('%s: one plan each, named by position', async (_what, sep) => {
    const path = await file('two.json', both(sep));
    const plans: LoadedPlan[] = await loadPlans(path);
    expect(plans.map((p) => p.source)).toEqual([`${path} #1`, `${path} #2`]);
    expect(plans.map((p) => p.plan.changes.length)).toEqual([incident.resource_changes.length, 2]);
    const fromStdin = await loadPlans('-', { stdin: chunked(Buffer.from(both(sep)), [5, 11]) });
    expect(fromStdin.map((p) => p.source)).toEqual(['(stdin) #1', '(stdin) #2']);
  });

  it('loadPlan, which takes one plan, refuses two', async () => {
    const error = await rejection(loadPlan(await file('two-for-one.json', both('\n'))));
    expect(error.message).toContain('holds 2 plans');
  });

  it.each([
    ['truncated', (t: string) => t.slice(0, 500), '#2: is truncated'],
    ['a state', () => JSON.stringify({ format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } }), '#2: this is a state, not a plan'],
    ['an unknown action', (t: string) => t.replace('"no-op"', '"explode"'), '#2: not a valid plan: resource_changes['],
    ['invalid JSON', (t: string) => t.replace('"mode":', '"mode"'), '#2: is not valid JSON ('],
  ])('the second document %s: refused, naming it', async (_what, edit, message) => {
    const path = await file('bad-second.json', `${text.trim()}\n${edit(text.trim())}\n`);
    const error = await rejection(loadPlans(path));
    expect(error.message).toContain(`${path} ${message}`);
  });

  it('text after the documents is text around the JSON', async () => {
    const error = await rejection(loadPlans(await file('noise.json', `${text.trim()}\n::debug::exitcode: 0\n`)));
    expect(error.message).toContain('has text around the plan JSON');
  });

  it("terraform plan -json's event stream is named for what it is", async () => {
    const events = [
      { '@level': 'info', '@message': 'Terraform 1.11.4', '@module': 'terraform.ui', terraform: '1.11.4', type: 'version', ui: '1.2' },
      { '@level': 'info', '@message': 'Plan: 1 to add', '@module': 'terraform.ui', type: 'change_summary' },
    ];
    const error = await rejection(loadPlans(await file('events.json', events.map((e) => JSON.stringify(e)).join('\n'))));
    expect(error.message).toContain('is the UI event stream of `terraform plan -json`');
  });

  it('tfguard check reports each plan of the input, the worst decision wins', () => {
    const input = Buffer.from(
      `${JSON.stringify({ ...incident, resource_changes: incident.resource_changes.filter((c: any) => c.change.actions[0] !== 'delete') })}\n${text}`,
    );
    const run = tfguard(['check', '-', '--format', 'json'], { input, cwd: dir });
    const report = reportJson(run);
    expect(report.plans.map((p: any) => p.plan.source)).toEqual(['(stdin) #1', '(stdin) #2']);
    expect(report.plans[1].decision).toBe('block');
    expect(report.decision).toBe('block');
    expect(run.code).toBe(1);
  });
});

describe('the byte scanner checks what it skips', () => {
  it.each([
    ['a bad literal', '{"x":tru}', "'}' in a literal"],
    ['a bad number', '{"x":01}', "'1' in a number"],
    ['a missing comma', '{"x":1 "y":2}', "where ',' or '}' was expected"],
    ['a bad escape', '{"x":"\\q"}', 'a bad escape'],
    ['a raw control character', '{"x":"a\u0001b"}', 'a control character'],
    ['a bracket that closes the wrong thing', '{"x":[1}', "where ',' or ']' was expected"],
  ])('%s in a section no rule reads is still invalid JSON, with its byte offset', async (_what, section, problem) => {
    const bad = text.trim().replace('"planned_values":', `"resource_drift":${section},"planned_values":`);
    const path = await file('skipped.json', bad);
    const error = await rejection(loadPlan(path));
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is not valid JSON \\(.*at byte \\d+\\)$`));
    expect(error.message).toContain(problem);
  });
});

describe('the fast entry checks accept only what the schema accepts', () => {
  const values: unknown[] = [
    undefined,
    null,
    true,
    0,
    -1.5,
    '',
    'x',
    'managed',
    'data',
    [],
    ['delete'],
    ['no-op'],
    ['create', 'delete'],
    ['bad'],
    [[1, 'a']],
    [1],
    {},
    { id: 'x' },
    { id: 1 },
  ];
  const change = incident.resource_changes[0];

  it.each(['address', 'mode', 'type', 'name', 'index', 'previous_address', 'module_address', 'provider_name', 'deposed', 'action_reason', 'change'])(
    'resource_changes[].%s',
    (key) => {
      for (const v of values) {
        const entry = { ...change, [key]: v };
        if (isValidChange(entry)) expect(ResourceChange.safeParse(entry).success, `${key}=${JSON.stringify(v)}`).toBe(true);
      }
    },
  );

  it.each(['actions', 'replace_paths', 'importing', 'generated_config', 'before'])('resource_changes[].change.%s', (key) => {
    for (const v of values) {
      const entry = { ...change, change: { ...change.change, [key]: v } };
      if (isValidChange(entry)) expect(ResourceChange.safeParse(entry).success, `${key}=${JSON.stringify(v)}`).toBe(true);
    }
  });

  it.each(['address', 'mode', 'type', 'name', 'index'])('prior_state resources[].%s', (key) => {
    const resource = incident.prior_state.values.root_module.resources[0];
    for (const v of values) {
      const entry = { ...resource, [key]: v };
      if (isValidStateResource(entry)) expect(StateResource.safeParse(entry).success, `${key}=${JSON.stringify(v)}`).toBe(true);
    }
  });

  it.each([
    ...['format_version', 'terraform_version', 'planned_values', 'variables', 'resource_changes', 'output_changes', 'prior_state', 'configuration'],
    ...['deferred_changes', 'deferred_action_invocations', 'action_invocations', 'errored', 'complete', 'applyable', 'timestamp'],
  ])('the document: %s, and what lies under it', (key) => {
    const at = (doc: unknown, path: string[], v: unknown): unknown => {
      if (path.length === 0) return v;
      const [head, ...rest] = path as [string, ...string[]];
      const holder = (Array.isArray(doc) ? [...doc] : { ...(doc as object) }) as Record<string, unknown>;
      holder[head] = at(holder[head], rest, v);
      return holder;
    };
    const under: Record<string, string[][]> = {
      variables: [
        ['variables', 'x'],
        ['variables', 'x', 'value'],
      ],
      output_changes: [
        ['output_changes', 'o'],
        ['output_changes', 'o', 'before'],
      ],
      prior_state: [
        ['prior_state', 'values'],
        ['prior_state', 'values', 'root_module'],
        ['prior_state', 'values', 'root_module', 'resources'],
        ['prior_state', 'values', 'root_module', 'resources', '0'],
        ['prior_state', 'values', 'root_module', 'resources', '0', 'mode'],
        ['prior_state', 'values', 'root_module', 'address'],
        ['prior_state', 'values', 'root_module', 'child_modules'],
        ['prior_state', 'values', 'root_module', 'child_modules', '0'],
      ],
      configuration: [
        ['configuration', 'root_module'],
        ['configuration', 'root_module', 'resources'],
        ['configuration', 'root_module', 'resources', '0'],
        ['configuration', 'root_module', 'resources', '0', 'provisioners'],
        ['configuration', 'root_module', 'resources', '0', 'provisioners', '0'],
        ['configuration', 'root_module', 'resources', '0', 'expressions'],
        ['configuration', 'root_module', 'resources', '0', 'mode'],
        ['configuration', 'root_module', 'variables'],
        ['configuration', 'root_module', 'variables', 'v'],
        ['configuration', 'root_module', 'variables', 'v', 'sensitive'],
        ['configuration', 'root_module', 'module_calls'],
        ['configuration', 'root_module', 'module_calls', 'm'],
        ['configuration', 'root_module', 'module_calls', 'm', 'source'],
        ['configuration', 'root_module', 'module_calls', 'm', 'module'],
      ],
      deferred_changes: [
        ['deferred_changes', '0'],
        ['deferred_changes', '0', 'reason'],
        ['deferred_changes', '0', 'resource_change'],
        ['deferred_changes', '0', 'resource_change', 'address'],
      ],
    };
    const docs = [
      incident,
      { ...incident, variables: { x: { value: 1 } }, output_changes: { o: {} }, deferred_changes: [{ reason: 'r', resource_change: { address: 'a.b' } }] },
    ];
    for (const doc of docs) {
      for (const path of [[key], ...(under[key] ?? [])]) {
        for (const v of [...values, { a: 1 }, [{}], '1.2', 'v1.2']) {
          const mutated = at(doc, path, v);
          if (isValidPlanTop(mutated)) expect(PlanJson.safeParse(mutated).success, `${path.join('.')}=${JSON.stringify(v)}`).toBe(true);
        }
      }
    }
    expect(isValidPlanTop(incident)).toBe(true);
  });

  it('every change and prior resource of the fixtures passes the fast check (zod is the exception)', () => {
    expect(incident.resource_changes.every(isValidChange)).toBe(true);
    expect(incident.prior_state.values.root_module.resources.every(isValidStateResource)).toBe(true);
  });
});
