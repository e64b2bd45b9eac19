/**
 * A captured object with parts cut out (scanner.ts `Cut`), built from its members (skip.ts) as JSON.parse would
 * build it: the keys in their order, the last of a repeated key winning, `__proto__` an own key like any other.
 * A cut part (not null) is `0` in the object and handed over as bytes; every other value is read from its bytes,
 * plain strings, numbers and literals without a parse.
 */
import type { Cut } from './scanner.js';

/**
 * Node's own UTF-8 slicer, which `toString` calls after checking its arguments (a large plan has millions of short
 * strings; the scanner reads its keys and scalars with it too). `toString` where a Node version lacks it.
 */
const native = Buffer.prototype as unknown as { utf8Slice?: (this: Buffer, start: number, end: number) => string };
const utf8Slice = native.utf8Slice;
export const utf8 = utf8Slice
  ? (b: Buffer, s: number, e: number): string => utf8Slice.call(b, s, e)
  : (b: Buffer, s: number, e: number): string => b.toString('utf8', s, e);

type Names = [string, Buffer][];

/** Keys plans hold in every change and every resource: matched as bytes, so that each is one string, not a new one per entry. */
const KNOWN: Names = [
  'address',
  'module_address',
  'mode',
  'type',
  'name',
  'index',
  'provider_name',
  'change',
  'actions',
  'before',
  'after',
  'after_unknown',
  'before_sensitive',
  'after_sensitive',
  'replace_paths',
  'action_reason',
  'previous_address',
  'importing',
  'deposed',
  'generated_config',
  'schema_version',
  'values',
  'sensitive_values',
  'depends_on',
  'tainted',
  'create_before_destroy',
].map((k) => [k, Buffer.from(k)]);

/** The cut's names at depth 1 and 2, then the known keys, as bytes; made once per cut. */
const namesOfCut = new WeakMap<Cut['cut'], [Names, Names]>();

function namesOf(cut: Cut['cut']): [Names, Names] {
  let names = namesOfCut.get(cut);
  if (!names) {
    const inner = new Set<string>();
    for (const v of cut.values()) if (v !== true) for (const k of v) inner.add(k);
    const outer: Names = [...cut.keys()].map((k) => [k, Buffer.from(k)]);
    names = [
      [...outer, ...KNOWN],
      [...[...inner].map((k): [string, Buffer] => [k, Buffer.from(k)]), ...KNOWN],
    ];
    namesOfCut.set(cut, names);
  }
  return names;
}

/** Whether the cut names keys at depth 2 (members must list them). */
export function cutsInner(cut: Cut['cut']): boolean {
  for (const v of cut.values()) if (v !== true) return true;
  return false;
}

/** The name whose bytes are bytes[start, end), or undefined. */
function matchName(names: Names, bytes: Buffer, start: number, end: number): string | undefined {
  const length = end - start;
  // Indexed, not `for of` with destructuring: this runs for every member of every change.
  for (let m = 0; m < names.length; m++) {
    const name = names[m]![1];
    if (name.length !== length) continue;
    let k = 0;
    while (k < length && name[k] === bytes[start + k]) k++;
    if (k === length) return names[m]![0];
  }
  return undefined;
}

/** The key at bytes[start, end) (quotes included); `escaped`: it holds an escape. */
function keyOf(names: Names, bytes: Buffer, start: number, end: number, escaped: boolean, parse: (text: string) => unknown): string {
  if (escaped) return parse(utf8(bytes, start, end)) as string;
  return matchName(names, bytes, start + 1, end - 1) ?? utf8(bytes, start + 1, end - 1);
}

/**
 * The value at bytes[start, end) (checked by the scanner), as JSON.parse gives it: a plain string, a number or a
 * literal without it.
 */
export function valueAt(bytes: Buffer, start: number, end: number, parse: (text: string) => unknown): unknown {
  const first = bytes[start]!;
  if (first === 0x22) {
    for (let k = start + 1; k < end - 1; k++) if (bytes[k] === 0x5c) return parse(utf8(bytes, start, end));
    return utf8(bytes, start + 1, end - 1);
  }
  if (first === 0x74) return true;
  if (first === 0x66) return false;
  if (first === 0x6e) return null;
  if (first === 0x7b || first === 0x5b) {
    if (end - start === 2) return first === 0x7b ? {} : [];
    return parse(utf8(bytes, start, end));
  }
  // A number (checked by the scanner): Number reads JSON's number syntax as JSON.parse does.
  return Number(utf8(bytes, start, end));
}

/** Sets a key as JSON.parse does: `__proto__` is a key, not the prototype. */
function set(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/**
 * The object at `bytes` with the cut's parts cut out, from its members (five numbers each: depth, plus 256 when
 * the key holds an escape; where the key starts and ends, quotes included; where the value starts and ends).
 * `parse` is JSON.parse with the caller's errors.
 */
export function buildCut(
  cut: Cut['cut'],
  bytes: Buffer,
  members: Uint32Array,
  parse: (text: string) => unknown,
): { value: Record<string, unknown>; cuts: Map<string, Buffer> } {
  const [outerNames, innerNames] = namesOf(cut);
  const value: Record<string, unknown> = {};
  const cuts = new Map<string, Buffer>();
  const n = members.length;
  let r = 0;
  while (r < n) {
    const key = keyOf(outerNames, bytes, members[r + 1]!, members[r + 2]!, members[r]! >= 256, parse);
    const from = members[r + 3]!;
    const to = members[r + 4]!;
    r += 5;
    // The members of this value, when it is an object (listed only when the cut names keys at depth 2).
    const inner = r;
    while (r < n && (members[r]! & 0xff) === 2) r += 5;
    const spec = cut.get(key);
    const first = bytes[from];
    // A repeated key: its last value is the one that stands, with only its own parts cut.
    if (cuts.size > 0) for (const name of cuts.keys()) if (name === key || name.startsWith(`${key}.`)) cuts.delete(name);
    if (spec === undefined || first === 0x6e) set(value, key, valueAt(bytes, from, to, parse));
    else if (spec === true) {
      set(value, key, 0);
      cuts.set(key, bytes.subarray(from, to));
    } else if (first !== 0x7b) set(value, key, valueAt(bytes, from, to, parse));
    else {
      const object: Record<string, unknown> = {};
      for (let q = inner; q < r; q += 5) {
        const name = keyOf(innerNames, bytes, members[q + 1]!, members[q + 2]!, members[q]! >= 256, parse);
        const start = members[q + 3]!;
        const end = members[q + 4]!;
        if (spec.has(name) && bytes[start] !== 0x6e) {
          set(object, name, 0);
          cuts.set(`${key}.${name}`, bytes.subarray(start, end));
        } else {
          set(object, name, valueAt(bytes, start, end, parse));
          cuts.delete(`${key}.${name}`);
        }
      }
      set(value, key, object);
    }
  }
  return { value, cuts };
}
