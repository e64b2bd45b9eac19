/**
 * Address globs. Patterns are picomatch patterns with three choices made for Terraform addresses:
 * `[`, `]` and `"` are literal characters (so `aws_instance.web["a"]` matches itself), `*` matches any
 * run of characters including `.`, `/`, `[` and `"`, and `?` matches one character. Braces work:
 * `{a,b}`. A pattern matches an instance when it matches its instance address or its resource address
 * (the instance address without its last key), so `aws_s3_bucket.backups` covers every instance of it.
 */
import picomatch from 'picomatch';
import { resourceAddress } from '../plan/address.js';

const OPTIONS = { nobracket: true, noextglob: true, dot: true, bash: true, nonegate: true } as const;

export type Matcher = (text: string) => boolean;

const compiled = new Map<string, Matcher>();

/** A matcher for plain names (types, resource names): true when any pattern matches. Compiled once per list. */
export function nameMatcher(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  const key = JSON.stringify(patterns);
  let match = compiled.get(key);
  if (!match) {
    // picomatch reads `"` as quoting and drops it; escaped, it is the literal character of `["key"]`.
    match = picomatch(patterns.map((p) => p.replaceAll('"', '\\"')), OPTIONS);
    compiled.set(key, match);
  }
  return match;
}

/** A matcher for instance addresses. */
export function addressMatcher(patterns: readonly string[]): Matcher {
  const match = nameMatcher(patterns);
  return (address) => match(address) || match(resourceAddress(address));
}

/** The patterns (of those given) that match an address. */
export function matchingPatterns(patterns: readonly string[], address: string): string[] {
  return patterns.filter((p) => addressMatcher([p])(address));
}
