/**
 * Address globs, matched in time linear in the pattern times the address (never exponential: a `protect` glob
 * like `*?*?*?...` once made a regex engine run for minutes):
 * - `*` matches any run of characters, `.`, `/`, `[` and `"` included; `?` matches one character;
 * - `{a,b}` matches either (nested braces work; a group without a comma, or unclosed, is literal);
 * - `\x` is the character x; every other character — `[`, `]` and `"` among them — is literal, so
 *   `aws_instance.web["a"]` matches itself.
 * A pattern matches an instance when it matches its instance address or its resource address (the instance
 * address without its last key), so `aws_s3_bucket.backups` covers every instance of it.
 *
 * Limits, refused when the config is loaded (exit 2): a pattern longer than MAX_GLOB_LENGTH characters, or
 * whose braces expand to more than MAX_ALTERNATIVES patterns.
 */
import { resourceAddress } from '../plan/address.js';

export const MAX_GLOB_LENGTH = 1000;
export const MAX_ALTERNATIVES = 256;

export type Matcher = (text: string) => boolean;

/** A pattern that is refused, with the reason. */
export class GlobError extends Error {
  override name = 'GlobError';
}

const STAR = 0;
const ONE = 1;
/** A compiled alternative: code points (as strings) and the two wildcards. */
type Token = string | typeof STAR | typeof ONE;

/** The end (index of the closing `}`) of the brace group opening at `start`, and its top-level commas. */
function braceGroup(chars: readonly string[], start: number): { end: number; commas: number[] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = start; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return { end: i, commas };
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return undefined;
}

/** Brace expansion into token lists, at most MAX_ALTERNATIVES of them. */
function expand(chars: readonly string[], pattern: string): Token[][] {
  let out: Token[][] = [[]];
  const append = (tails: Token[][]): void => {
    if (out.length * tails.length > MAX_ALTERNATIVES) {
      throw new GlobError(`${JSON.stringify(pattern)}: its braces make more than ${MAX_ALTERNATIVES} patterns`);
    }
    out = out.flatMap((head) => tails.map((tail) => [...head, ...tail]));
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) {
      append([[chars[++i]!]]);
    } else if (c === '*') {
      append([[STAR]]);
    } else if (c === '?') {
      append([[ONE]]);
    } else if (c === '{') {
      const group = braceGroup(chars, i);
      if (!group || group.commas.length === 0) {
        append([[c]]);
        continue;
      }
      const bounds = [i, ...group.commas, group.end];
      const tails: Token[][] = [];
      for (let k = 0; k + 1 < bounds.length; k++) tails.push(...expand(chars.slice(bounds[k]! + 1, bounds[k + 1]), pattern));
      append(tails);
      i = group.end;
    } else {
      append([[c]]);
    }
  }
  return out;
}

/** Runs of `*` collapse into one: the same language, and the matcher never revisits them. */
function simplify(tokens: Token[]): Token[] {
  return tokens.filter((t, i) => !(t === STAR && tokens[i - 1] === STAR));
}

/**
 * Whether the tokens match the text: the classic wildcard walk that, on a mismatch, resumes after the last `*`
 * one character further on. Each `*` is revisited at most text-length times: O(pattern × text), no recursion.
 */
function matchTokens(tokens: readonly Token[], text: readonly string[]): boolean {
  let p = 0;
  let i = 0;
  let star = -1;
  let resume = 0;
  while (i < text.length) {
    const t = tokens[p];
    if (p < tokens.length && (t === ONE || t === text[i])) {
      p++;
      i++;
    } else if (t === STAR) {
      star = p++;
      resume = i;
    } else if (star >= 0) {
      p = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[p] === STAR) p++;
  return p === tokens.length;
}

/** Compiles one pattern, or throws GlobError saying why it is refused. */
export function compileGlob(pattern: string): Matcher {
  const chars = Array.from(pattern);
  if (chars.length > MAX_GLOB_LENGTH) throw new GlobError(`${JSON.stringify(pattern.slice(0, 40))}…: longer than ${MAX_GLOB_LENGTH} characters`);
  // Most patterns (resource types) have no braces or escapes: their tokens are their characters.
  if (!/[*?{}\\]/.test(pattern)) return (text) => text === pattern;
  const alternatives = (/[{}\\]/.test(pattern) ? expand(chars, pattern) : [chars.map((c): Token => (c === '*' ? STAR : c === '?' ? ONE : c))]).map(simplify);
  return (text) => {
    const points = Array.from(text);
    return alternatives.some((tokens) => matchTokens(tokens, points));
  };
}

/** Why a pattern is refused, or undefined when it is fine (for the config schema). */
export function globProblem(pattern: string): string | undefined {
  try {
    compileGlob(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof GlobError) return error.message;
    throw error;
  }
}

const compiled = new Map<string, Matcher>();
const MAX_ANSWERS = 4096;

/** A matcher for plain names (types, resource names): true when any pattern matches. Compiled once per list. */
export function nameMatcher(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  const key = JSON.stringify(patterns);
  let match = compiled.get(key);
  if (!match) {
    const each = patterns.map(compileGlob);
    // Rules ask about the same few types for every change: each answer is kept (up to a bound).
    const answers = new Map<string, boolean>();
    match = (text) => {
      let answer = answers.get(text);
      if (answer === undefined) {
        answer = each.some((m) => m(text));
        if (answers.size < MAX_ANSWERS) answers.set(text, answer);
      }
      return answer;
    };
    compiled.set(key, match);
  }
  return match;
}

/** A matcher for instance addresses. */
export function addressMatcher(patterns: readonly string[]): Matcher {
  const match = nameMatcher(patterns);
  return (address) => match(address) || match(resourceAddress(address));
}
