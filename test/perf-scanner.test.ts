/**
 * The scanner's fast path (the WebAssembly loop, src/plan/skip.ts, under src/plan/scanner.ts `quiet`) must read
 * exactly as the handler-level state machine: whatever the chunking, a plan — or a plan with one byte changed —
 * gives the same values and cuts, or the same error at the same offset; and it is refused when JSON.parse refuses it.
 * Arrays whose handler cuts every object alike (`Handler.each`: resource_changes, prior-state resources) are read
 * a run of elements at a time: the same again, element by element or not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURE, JsonScanner, SKIP, type Cut, type Handler } from '../src/plan/scanner.js';
import { FIXTURES_DIR } from './helpers/env.js';
import { random } from './helpers/random.js';

const CHANGE_CUT: Cut = { cut: new Map([['change', new Set(['before', 'after', 'after_unknown'])]]) };

/** Reads the bytes in chunks of the given sizes (cycled): what it captured, or the error. */
function read(bytes: Buffer, sizes: number[], each = true): string {
  const out: unknown[] = [];
  const changes: Handler = {
    ...(each ? { each: CHANGE_CUT } : {}),
    enter: () => CHANGE_CUT,
    // A value that spans chunks is always cut, a small one in one chunk is parsed whole: put the cuts back.
    capture: (i, value, at, cuts) => {
      for (const [key, raw] of cuts ?? []) {
        const [outer, inner] = key.split('.') as [string, string | undefined];
        const holder = value as Record<string, Record<string, unknown>>;
        if (inner === undefined) (holder as Record<string, unknown>)[outer] = JSON.parse(raw.toString('utf8'));
        else holder[outer]![inner] = JSON.parse(raw.toString('utf8'));
      }
      out.push([i, value, at]);
    },
  };
  const prior: Handler = { enter: () => CAPTURE, capture: (k, v, at) => out.push(['prior', k, v, at]) };
  const scanner = new JsonScanner(
    {
      start: () => ({
        enter: (key) => (key === 'resource_changes' ? changes : key === 'prior_state' ? prior : key === 'format_version' ? CAPTURE : SKIP),
        capture: (k, v) => out.push([k, v]),
        skipped: (k, first) => out.push(['skipped', k, first]),
      }),
      end: (index) => out.push(['end', index]),
    },
    (text) => JSON.parse(text),
  );
  try {
    let k = 0;
    for (let i = 0; i < bytes.length; k++) {
      const size = sizes[k % sizes.length]!;
      scanner.feed(bytes.subarray(i, i + size));
      i += size;
    }
    const documents = scanner.finish();
    return JSON.stringify({ documents, out });
  } catch (error) {
    const e = error as { problem?: string; offset?: number; message: string };
    return JSON.stringify({ error: [e.problem, e.offset, e.message] });
  }
}

const PLAN = readFileSync(join(FIXTURES_DIR, 'incident', 'plan.json'));
/** The same plan written with spaces and newlines, as `json.dumps` and `jq` write it. */
const PRETTY = Buffer.from(JSON.stringify(JSON.parse(PLAN.toString('utf8')), null, 2));

describe('the scanner reads the same at any chunking, fast path or not', () => {
  it('a plan, compact and pretty, at chunks of 1, 2, 3, 7, 64 bytes and whole', () => {
    for (const bytes of [PLAN, PRETTY]) {
      const whole = read(bytes, [bytes.length]);
      expect(JSON.parse(whole).documents).toBe(1);
      for (const sizes of [[1], [2], [3], [7], [64], [5, 1, 9]]) expect(read(bytes, sizes) === whole, `chunks of ${sizes}`).toBe(true);
      expect(read(bytes, [bytes.length], false) === whole, 'element by element').toBe(true);
    }
  });

  /** resource_changes of every kind of element: small and large objects (cut), other values, deep ones, empty ones. */
  function mixedPlan(pretty: boolean, count = 9000): Buffer {
    const changes: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const address = `terraform_data.n["${i}"]`;
      const change = { actions: ['delete'], before: { id: `id-${i}` }, after: null, after_unknown: {}, before_sensitive: {} };
      if (i % 97 === 5) change.before = { id: `id-${i}`, blob: 'x'.repeat(3000), list: [1, 2, { a: 'b' }] };
      if (i % 500 === 7) changes.push(null, 'a string', [1, [2]], 3.5, {});
      if (i % 1000 === 9) change.before = JSON.parse(`${'['.repeat(60)}1${']'.repeat(60)}`);
      changes.push({ address, mode: 'managed', type: 'terraform_data', name: 'n', index: String(i), change });
    }
    return Buffer.from(JSON.stringify({ format_version: '1.2', resource_changes: changes, prior_state: { values: {} } }, null, pretty ? 2 : 0));
  }

  it('9,000 changes with large, empty and non-object elements among them: the same, run by run or element by element', () => {
    for (const bytes of [mixedPlan(false), mixedPlan(true)]) {
      const whole = read(bytes, [bytes.length], false);
      expect(JSON.parse(whole).out.length).toBeGreaterThan(9000);
      for (const sizes of [[bytes.length], [65536], [4099], [777, 64 * 1024]]) expect(read(bytes, sizes) === whole, `chunks of ${sizes}`).toBe(true);
    }
  });

  it('an element that is wrong in the middle of a run: the same error at the same offset, run by run or not', () => {
    const plan = mixedPlan(false);
    const at = plan.indexOf('terraform_data.n[\\"4321\\"]');
    expect(at).toBeGreaterThan(0);
    const deep = `{"address":"deep","change":{"before":${'['.repeat(20000)}${']'.repeat(20000)}}}`;
    const colon = plan.indexOf(':', plan.indexOf('"mode"', at));
    const edits: [Buffer, boolean][] = [
      [Buffer.concat([plan.subarray(0, colon), Buffer.from(';'), plan.subarray(colon + 1)]), true],
      [Buffer.concat([plan.subarray(0, at), Buffer.from([0x01]), plan.subarray(at)]), true],
      [Buffer.concat([plan.subarray(0, at), Buffer.from('\\q'), plan.subarray(at)]), true],
      // Deep: read by the run's parse, or by the element's own when that one fails.
      [Buffer.concat([plan.subarray(0, at - 13), Buffer.from(`${deep},`), plan.subarray(at - 13)]), false],
    ];
    for (const [bytes, refused] of edits) {
      const whole = read(bytes, [bytes.length], false);
      if (refused) expect(JSON.parse(whole).error, 'refused').toBeDefined();
      for (const sizes of [[bytes.length], [65536], [4099]]) expect(read(bytes, sizes), `chunks of ${sizes}`).toBe(whole);
    }
  });

  it('120 mixed plans with one byte changed in resource_changes: the same, run by run or element by element', () => {
    const next = random(31);
    const bytesOf = '{}[]":,\\ \n0a-.etnu"\u0001';
    let refused = 0;
    for (let k = 0; k < 120; k++) {
      const base = mixedPlan(k % 2 === 1, 1200);
      const from = base.indexOf('resource_changes');
      const at = from + Math.floor(next() * (base.indexOf('prior_state') - from));
      const b = bytesOf.charCodeAt(Math.floor(next() * bytesOf.length));
      const bytes = k % 3 === 0 ? Buffer.concat([base.subarray(0, at), base.subarray(at + 1)]) : Buffer.from(base).fill(b, at, at + 1);
      const one = read(bytes, [bytes.length], false);
      if (JSON.parse(one).error) refused++;
      for (const sizes of [[bytes.length], [4099]]) {
        const got = read(bytes, sizes);
        if (got !== one) expect(got.slice(0, 300), `edit at ${at}, chunks of ${sizes}`).toBe(one.slice(0, 300));
        expect(got === one, `edit at ${at}, chunks of ${sizes}`).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(30);
  });

  it('300 plans with one byte changed: the same result at every chunking, refused when JSON.parse refuses it', () => {
    const next = random(29);
    const bytesOf = '{}[]":,\\ \n0a-.etnu"';
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const base = k % 2 === 0 ? PLAN : PRETTY;
      const at = Math.floor(next() * base.length);
      const b = bytesOf.charCodeAt(Math.floor(next() * bytesOf.length));
      const edit = next();
      const bytes =
        edit < 0.34
          ? Buffer.concat([base.subarray(0, at), base.subarray(at + 1)])
          : edit < 0.67
            ? Buffer.concat([base.subarray(0, at), Buffer.from([b]), base.subarray(at)])
            : Buffer.from(base).fill(b, at, at + 1);
      const whole = read(bytes, [bytes.length]);
      for (const sizes of [[1], [3], [1 + Math.floor(next() * 40)]]) {
        const got = read(bytes, sizes);
        if (got !== whole) expect(got.slice(0, 300), `edit at ${at}, chunks of ${sizes}`).toBe(whole.slice(0, 300));
        expect(got === whole, `edit at ${at}, chunks of ${sizes}`).toBe(true);
      }
      let parses = true;
      try {
        JSON.parse(bytes.toString('utf8'));
      } catch {
        parses = false;
      }
      const result = JSON.parse(whole);
      if (!parses) {
        // Several documents back to back are read as several plans; anything else JSON.parse refuses, so does it.
        if (!(result.documents > 1)) expect(result.error, `edit at ${at}`).toBeDefined();
        refused++;
      } else expect(result.error, `edit at ${at}`).toBeUndefined();
    }
    expect(refused).toBeGreaterThan(50);
  });
});
