/**
 * Turns zod issues into `path: problem` text a person can act on. Given the input that was checked (and, to
 * suggest a key, the schema), a problem names what was expected and what was found:
 * `rules.mass-destroy.severity: expected block, warn or off, got "warning"`, `rules: unknown rule "mass-destroi"
 * (did you mean "mass-destroy"?)`.
 */
import type { z } from 'zod';
import { nearest } from './nearest.js';

export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out ? `.${String(step)}` : String(step);
  }
  return out || '(top level)';
}

/** What the messages are made from: the checked input, and the schema for the keys an object may have. */
export interface IssueContext {
  input: unknown;
  schema?: z.ZodType;
}

type Issue = z.core.$ZodIssue;

const MAX_SHOWN = 60;

/** A value as JSON, cut short. */
export function shownValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at = input;
  for (const step of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}

/** `a, b or c`. */
export function oneOf(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' && /^[\w-]+$/.test(v) ? v : JSON.stringify(v)));
  return words.length <= 1 ? (words[0] ?? 'nothing') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

const ARTICLE: Record<string, string> = { object: 'an object', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false' };

/** What this file reads of zod 4's schema nodes (their `_zod.def`). */
interface ZodNode {
  _zod?: { def?: ZodDef };
}
interface ZodDef {
  type?: string;
  innerType?: ZodNode;
  in?: ZodNode;
  options?: ZodNode[];
  element?: ZodNode;
  shape?: Record<string, ZodNode>;
}

/** The node through optional, default and pipe wrappers. */
function unwrap(start: ZodNode | undefined): ZodNode | undefined {
  let node = start;
  for (let i = 0; node && i < 20; i++) {
    const def = node._zod?.def;
    if (def?.innerType) node = def.innerType;
    else if (def?.type === 'pipe') node = def.in;
    else return node;
  }
  return node;
}

/** A union's member of the given type (object or array), unwrapped. */
const member = (union: ZodNode | undefined, type: string): ZodNode | undefined =>
  unwrap(union?._zod?.def?.options?.find((o) => unwrap(o)?._zod?.def?.type === type));

/** The zod schema's node at a path (through optional, default, pipe, array and union), as far as it goes. */
function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): ZodNode | undefined {
  let at = schema as ZodNode | undefined;
  for (const step of path) {
    at = unwrap(at);
    if (at?._zod?.def?.type === 'union') at = member(at, typeof step === 'number' ? 'array' : 'object');
    const d = at?._zod?.def;
    if (typeof step === 'number') at = d?.type === 'array' ? d.element : undefined;
    else at = d?.type === 'object' && typeof step === 'string' ? d.shape?.[step] : undefined;
  }
  at = unwrap(at);
  if (at?._zod?.def?.type === 'union') at = member(at, 'object');
  return at;
}

function keysAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string[] {
  const def = schemaAt(schema, path)?._zod?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** `unknown rule "x" (did you mean "y"?)` */
function unknownWord(what: string, value: string, known: readonly string[], hint = ''): string {
  const near = nearest(value, known);
  const mean = near === undefined ? '' : `did you mean ${JSON.stringify(near)}?`;
  const extra = [mean, hint].filter((x) => x !== '').join(' ');
  return `unknown ${what} ${JSON.stringify(value)}${extra ? ` (${extra})` : ''}`;
}

interface Line {
  path: PropertyKey[];
  message: string;
}

/** A rule id is a key under `rules`, and the value of a waiver's `rule`. */
const isRuleKey = (path: readonly PropertyKey[]) => path.length === 1 && path[0] === 'rules';
const isRuleValue = (path: readonly PropertyKey[]) => path.at(-1) === 'rule';
const RULES_HINT = 'tfguard rules lists them';

function lines(issue: Issue, ctx: IssueContext, prefix: PropertyKey[] = []): Line[] {
  const path = [...prefix, ...issue.path];
  const got = () => shownValue(valueAt(ctx.input, path));
  switch (issue.code) {
    case 'invalid_union': {
      const branches = issue.errors.filter((b) => b.length > 0);
      // A branch that got past the value's type (the object branch, for an object) says what is wrong inside it.
      const deeper = branches.filter((b) => b.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
      if (deeper.length > 0) {
        const best = deeper.reduce((a, b) => (b.length < a.length ? b : a));
        return best.flatMap((i) => lines(i, ctx, path));
      }
      const expected = branches.flatMap((b) => b.map(expectation));
      const object = path.length === 2 && path[0] === 'rules' ? 'an object with "severity" and the rule\'s options' : undefined;
      const said = expected.map((e) => (e === 'an object' && object ? object : e));
      return [{ path, message: `expected ${said.join(', or ')}, got ${got()}` }];
    }
    case 'invalid_value': {
      const value = valueAt(ctx.input, path);
      if (issue.values.length > 5 && typeof value === 'string') {
        const known = issue.values.map(String);
        return [{ path, message: isRuleValue(path) ? unknownWord('rule', value, known, RULES_HINT) : unknownWord('value', value, known) }];
      }
      return [{ path, message: `expected ${expectation(issue)}, got ${got()}` }];
    }
    case 'invalid_type':
      return [{ path, message: `expected ${expectation(issue)}, got ${got()}` }];
    case 'unrecognized_keys': {
      const known = keysAt(ctx.schema, path);
      return issue.keys.map((key) => ({
        path,
        message: isRuleKey(path) ? unknownWord('rule', key, known, RULES_HINT) : unknownWord('key', key, known),
      }));
    }
    case 'invalid_format':
      return [{ path, message: `${issue.message}, got ${got()}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

function expectation(issue: Issue): string {
  if (issue.code === 'invalid_value') return oneOf(issue.values);
  if (issue.code === 'invalid_type') return ARTICLE[issue.expected] ?? issue.expected;
  return issue.message;
}

export function formatIssues(issues: readonly Issue[], max = 3, ctx?: IssueContext): string {
  const all = ctx ? issues.flatMap((i) => lines(i, ctx)) : issues.map((i) => ({ path: [...i.path], message: i.message }));
  const shown = all.slice(0, max).map((l) => `${issuePath(l.path)}: ${l.message}`);
  const more = all.length > max ? ` (and ${all.length - max} more)` : '';
  return shown.join('; ') + more;
}
