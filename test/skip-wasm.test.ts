/**
 * The scanner's WebAssembly loop (wasm/skip.ts, committed compiled in src/plan/skip-wasm.ts): the committed bytes
 * are what the source compiles to; it refuses what JSON.parse refuses, in the scanner's words, at the right byte;
 * it stops at a nesting no reader could take; and the cuts it finds (members) are the values under the keys a cut
 * names, whatever the spacing, the escapes in the keys, or where the value lies in the chunks.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlans } from '../src/plan/load.js';
import { JsonScanner, type ScanError, SKIP, type Cut, type Handler } from '../src/plan/scanner.js';
import { SKIP_WASM } from '../src/plan/skip-wasm.js';
import { ROOT } from './helpers/env.js';

/** A scanner whose documents hand the value of `key` to `handler` and skip everything else. */
function scannerFor(key?: string, handler?: Handler): JsonScanner {
  return new JsonScanner({ start: () => ({ enter: (k) => (k === key && handler ? handler : SKIP), capture: () => {} }), end: () => {} }, (t) => JSON.parse(t));
}

/** Scans `text` whole, skipping everything: the error, or 'ok'. */
function skipAll(text: string): string {
  const scanner = scannerFor();
  try {
    scanner.feed(Buffer.from(text));
    scanner.finish();
    return 'ok';
  } catch (error) {
    const e = error as ScanError;
    return `${e.problem} at ${e.offset}: ${e.message}`;
  }
}

describe('the WebAssembly loop', () => {
  it('is what wasm/skip.ts compiles to (npm run wasm after changing it)', () => {
    const built = execFileSync(process.execPath, [join(ROOT, 'scripts', 'wasm.mjs'), '--print'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(built === SKIP_WASM.toString('base64'), 'src/plan/skip-wasm.ts is stale: run npm run wasm').toBe(true);
  });

  it('refuses bad JSON inside a skipped value, saying what and where', () => {
    const at = (text: string, bad: string) => `syntax at ${text.indexOf(bad)}`;
    const cases: [string, string, string][] = [
      ['{"a":{"b":"x\u0001y"}}', '\u0001', 'a control character (byte 0x01) in a string'],
      ['{"a":{"b":"x\\qy"}}', 'q', 'a bad escape \\q in a string'],
      ['{"a":{"b":"\\u12G4"}}', 'G', 'a bad \\u escape in a string'],
      ['{"a":[1,]}', ']', "']' where a value was expected"],
      ['{"a":[1 2]}', '2', "'2' where ',' or ']' was expected"],
      ['{"a":{"b" 1}}', '1', "'1' where ':' was expected"],
      ['{"a":{"b":1 "c":2}}', '"c"', `'"' where ',' or '}' was expected`],
      ['{"a":{,}}', ',', "',' where a key or '}' was expected"],
      ['{"a":{"b":1,}}', '}}', "'}' where a key was expected"],
      ['{"a":[tru]}', ']', "']' in a literal"],
      ['{"a":[01]}', '1]', "'1' in a number"],
      ['{"a":[1.e5]}', 'e5', "'e' in a number"],
    ];
    for (const [text, bad, message] of cases) {
      expect(skipAll(text), text).toBe(`${at(text, bad)}: ${message}`);
      expect(() => JSON.parse(text), text).toThrow();
    }
    expect(skipAll('{"a":{"b":["x\\u00e9\\n",-0.5e-3,true,false,null,{}],"c":[]}}')).toBe('ok');
  });

  it('refuses a nesting deeper than a million containers: nests too deeply to read', async () => {
    const deep = 1_100_000;
    const text = `{"format_version":"1.2","planned_values":${'['.repeat(deep)}${']'.repeat(deep)}}`;
    expect(skipAll(text)).toMatch(/^deep at \d+: nests too deeply$/);
    const stdin = (async function* () {
      yield Buffer.from(text);
    })();
    await expect(loadPlans('-', { stdin: stdin as unknown as NodeJS.ReadableStream })).rejects.toThrow('(stdin): nests too deeply to read');
    // Deep, but not that deep, is only skipped.
    expect(skipAll(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`)).toBe('ok');
  });

  it('cuts the values under the named keys: spacing, escaped keys, null values, nested look-alikes, any chunking', () => {
    const cut: Cut = { cut: new Map([['change', new Set(['before', 'after'])]]) };
    const filler = 'x'.repeat(3000);
    // `before` under `other` and inside `after` are not the change's; an escaped key is the key it spells.
    const element =
      `{ "address" : "a", "other": {"before": "${filler}"},\n  "chang\\u0065" :\t{ "actions": ["update"], ` +
      `"before" : { "id": "1", "nested": {"before": [1, 2]} } , "after":null, "aft\\u0065r_unknown": {},` +
      ` "after" : [ "${filler}" ] } }`;
    const text = `{"resource_changes":[${element}]}`;
    for (const size of [text.length, 1, 7, 100]) {
      const got: [unknown, Record<string, string>][] = [];
      const changes: Handler = {
        enter: () => cut,
        capture: (_i, value, _at, cuts) => got.push([value, Object.fromEntries([...(cuts ?? [])].map(([k, v]) => [k, v.toString('utf8')]))]),
      };
      const scanner = scannerFor('resource_changes', changes);
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) scanner.feed(bytes.subarray(i, i + size));
      scanner.finish();
      expect(got).toHaveLength(1);
      const [value, cuts] = got[0]!;
      // The second `after` is the one that stays in JSON.parse's reading; both are cut, the last one is kept.
      expect(cuts, `chunks of ${size}`).toEqual({ 'change.before': '{ "id": "1", "nested": {"before": [1, 2]} }', 'change.after': `[ "${filler}" ]` });
      expect(value).toEqual({ address: 'a', other: { before: filler }, change: { actions: ['update'], before: 0, after: 0, after_unknown: {} } });
    }
  });
});

describe('a cut object is built as JSON.parse builds it', () => {
  const cut: Cut = { cut: new Map([['change', new Set(['before'])]]) };
  /** Captures `element` (made larger than the scanner parses whole) with the cut; the cut parts put back. */
  function rebuilt(element: string): unknown {
    const text = `{"resource_changes":[${element}]}`;
    let got: unknown;
    const changes: Handler = {
      enter: () => cut,
      capture: (_i, value, _at, cuts) => {
        for (const [key, raw] of cuts ?? []) {
          const [outer, inner] = key.split('.') as [string, string];
          (value as Record<string, Record<string, unknown>>)[outer]![inner] = JSON.parse(raw.toString('utf8'));
        }
        got = value;
      },
    };
    const scanner = scannerFor('resource_changes', changes);
    scanner.feed(Buffer.from(text));
    scanner.finish();
    return got;
  }

  it('keys, repeated keys, __proto__, escapes, numbers, literals, empty and nested containers', () => {
    const pad = `"pad": "${'p'.repeat(2100)}"`;
    const elements = [
      `{${pad}, "a": 1, "a": 2, "__proto__": {"x": 1}, "n": -0, "big": 1e400, "f": 1.5E-3, "t": true, "f2": false, "z": null}`,
      `{${pad}, "k\\u0065y": "v\\"q\\u00e9\\n", "é": "ü", "o": { }, "e": [ ], "l": [1, {"a": [2]}], "s": "\\\\"}`,
      `{${pad}, "change": {"actions": ["update"], "bef\\u006fre": {"id": "1"}, "__proto__": 5, "after": {"b": 2}}, "change": {"before": null}}`,
      `{${pad}, "change": {"before": {"secret": "s"}, "before": {"id": "2"}}, "other": {"before": 3}}`,
      `{${pad}, "change": "not an object", "before": {"id": 1}}`,
      `{${pad}, "change": {"before": {"secret": "s"}, "before": null}}`,
    ];
    for (const element of elements) {
      const got = rebuilt(element);
      expect(got, element.slice(2110)).toEqual(JSON.parse(element));
      expect(Object.keys(got as object)).toEqual(Object.keys(JSON.parse(element)));
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    }
  });
});

describe('members of an object with many keys', () => {
  it('lists them all, however many (more than the first room for them)', () => {
    const cut: Cut = { cut: new Map([['values', true]]) };
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const element = { ...many, values: { a: 1 }, last: 'x' };
    const text = `{"list":[${JSON.stringify(element)}]}`;
    let got: [unknown, Map<string, Buffer> | undefined] | undefined;
    const scanner = scannerFor('list', { enter: () => cut, capture: (_i, v, _at, cuts) => (got = [v, cuts]) });
    scanner.feed(Buffer.from(text));
    scanner.finish();
    expect(got![0]).toEqual({ ...many, values: 0, last: 'x' });
    expect(got![1]!.get('values')!.toString()).toBe('{"a":1}');
  });
});

describe('the state it hands back', () => {
  it('a chunk that ends inside an escape, in a value that ends in the next chunk, leaves no escape behind', () => {
    // Each value is read by the WebAssembly loop; the second one's first key must not inherit the first one's escape.
    const text = '{"a":[{"k":"x\\n"},{"address":"y","b":"\\u00e9\\"","c":[true,-1.5e3,null]}],"z":{"q":"\\/"}}';
    const bytes = Buffer.from(text);
    for (let p = 1; p < bytes.length; p++) {
      for (const q of [p + 1, p + 3, bytes.length]) {
        const scanner = scannerFor();
        scanner.feed(bytes.subarray(0, p));
        scanner.feed(bytes.subarray(p, q));
        scanner.feed(bytes.subarray(q));
        expect(scanner.finish(), `split at ${p} and ${q}`).toBe(1);
      }
    }
  });
});
