/**
 * The second guard: every string a plan marks sensitive anywhere is redacted, in every form it can take
 * (./encodings.ts), from everything tfguard writes — each report format, the GitHub job summary and the audit
 * log — even where a provider or a function copied it into an attribute without a mask. Secrets shorter than
 * MIN_SECRET_LENGTH are never searched for (see collectSecrets): they are masked only where the plan marks them.
 */
import { buildMatcher, findSecrets, type SecretsMatcher } from './matcher.js';

/** What a sensitive value is shown as, wherever it is. */
export const SENSITIVE = '(sensitive)';

const compiled = new WeakMap<ReadonlySet<string>, SecretsMatcher | null>();

/** What finds a set of secrets: one regular expression (of literals) and its anchors, built once per set. */
export function secretsMatcher(secrets: ReadonlySet<string>): SecretsMatcher | null {
  let m = compiled.get(secrets);
  if (m === undefined) {
    m = buildMatcher(secrets);
    compiled.set(secrets, m);
  }
  return m;
}

/** Replaces every form of every known secret in a text by `(sensitive)`. */
export function redactText(text: string, secrets: ReadonlySet<string>): string {
  const m = secretsMatcher(secrets);
  if (!m) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of findSecrets(text, m)) {
    out += text.slice(from, start) + SENSITIVE;
    from = end;
  }
  return from === 0 ? text : out + text.slice(from);
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
