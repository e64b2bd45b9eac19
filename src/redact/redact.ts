/**
 * The second guard: every string a plan marks sensitive anywhere is redacted, in every form it can take
 * (./encodings.ts), from everything tfguard writes — each report format, the GitHub job summary and the audit
 * log — even where a provider or a function copied it into an attribute without a mask. Secrets shorter than
 * MIN_SECRET_LENGTH are never searched for (see collectSecrets): they are masked only where the plan marks them.
 */
import { secretForms } from './encodings.js';

/** What a sensitive value is shown as, wherever it is. */
export const SENSITIVE = '(sensitive)';

const compiled = new WeakMap<ReadonlySet<string>, RegExp | null>();
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One regular expression for a set of secrets, compiled once per set: every form of every secret as a literal,
 * longest first (`hunter22-admin` before `hunter22`; a secret's escaped form before its raw one, so that a
 * secret ending in a backslash leaves no half escape behind).
 */
export function secretsPattern(secrets: ReadonlySet<string>): RegExp | null {
  let re = compiled.get(secrets);
  if (re === undefined) {
    const forms = new Set<string>();
    for (const secret of secrets) for (const form of secretForms(secret)) forms.add(form);
    const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    re = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : null;
    compiled.set(secrets, re);
  }
  return re;
}

/** Replaces every form of every known secret in a text by `(sensitive)`. */
export function redactText(text: string, secrets: ReadonlySet<string>): string {
  const re = secretsPattern(secrets);
  return re ? text.replace(re, SENSITIVE) : text;
}

/** A copy of a value with every string in it — object keys too — redacted. */
export function redactDeep<T>(value: T, secrets: ReadonlySet<string>): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k, secrets), redactDeep(v, secrets)])) as T;
  }
  return value;
}

/**
 * What tfguard writes, from a value and how it renders (a report format, the audit log's JSON line): every
 * string of the value is redacted before it is rendered — a renderer that escapes (`&amp;` in junit, `%25` in
 * github, `\&` in markdown) would otherwise hide a secret from a search of its output — and the rendered text
 * is searched once more.
 */
export function redactRendered<T>(value: T, secrets: ReadonlySet<string>, render: (value: T) => string): string {
  if (secrets.size === 0) return render(value);
  return redactText(render(redactDeep(value, secrets)), secrets);
}
