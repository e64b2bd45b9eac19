/**
 * The scanner's fast path (the WebAssembly loop, src/plan/skip.ts, under src/plan/scanner.ts `quiet`) must read
 * exactly as the handler-level state machine: whatever the chunking, a plan — or a plan with one byte changed —
 * gives the same values and cuts, or the same error at the same offset; and it is refused when JSON.parse refuses it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURE, JsonScanner, SKIP, type Cut, type Handler } from '../src/plan/scanner.js';
import { FIXTURES_DIR } from './helpers/env.js';
import { random } from './helpers/random.js';

const CHANGE_CUT: Cut = { cut: new Map([['change', new Set(['before', 'after', 'after_unknown'])]]) };

/** Reads the bytes in chunks of the given sizes (cycled): what it captured, or the error. */
function read(bytes: Buffer, sizes: number[]): string {
  const out: unknown[] = [];
  const changes: Handler = {
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
    }
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
