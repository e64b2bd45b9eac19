/**
 * Every way a secret can be written in a plan, or in a report made from it, as literal strings (compared as
 * they are, never as patterns with a group per character: those make V8's regular expressions slow).
 *
 * In the plan, a value is held:
 * - as it is;
 * - JSON-escaped by Go's encoder (`jsonencode`, every provider): `&`, `<`, `>`, U+2028 and U+2029 become
 *   `\u0026`, `\u003c`, `\u003e`, `\u2028`, `\u2029`; twice for a `jsonencode` of a `jsonencode`; also in
 *   JavaScript's style (those five as they are), once or twice;
 * - HCL-quoted, as Terraform writes an instance key in an address (`\"`, `\\`, `\u2028`, `$${`, `%%{`), also
 *   when the key is itself a JSON string;
 * - percent-encoded: `urlencode` (Go's url.QueryEscape: `+` for a space, `!*'()` encoded), encodeURIComponent
 *   (`%20`), and `urlencode(jsonencode(...))`.
 * tfguard writes any of these with a `'` shell-quoted (`'\''`: a `-target` suggestion), and JSON-escapes it once
 * more (JavaScript's JSON.stringify: a value shown inside an object). Nothing else: a JSON report escapes the
 * strings of a report that was redacted before it was rendered (see redactRendered).
 */

/** Characters none of these encodings changes: a secret made only of them is its own only form. */
const PLAIN = /^[A-Za-z0-9_.~-]*$/;
export const isPlain = (secret: string): boolean => PLAIN.test(secret);

/** JavaScript's JSON.stringify, without the quotes. */
export const jsEscape = (s: string): string => JSON.stringify(s).slice(1, -1);

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Go's encoding/json: JavaScript's escapes, and HTML's `&<>` and JavaScript's line terminators. */
export const goEscape = (s: string): string => jsEscape(s).replace(/[&<>\u2028\u2029]/g, unicodeEscape);

/** Not printable for Go (strconv.IsPrint): control, format, unassigned characters and every space but ' '. */
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;
const SHORT: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string as Terraform quotes an instance key in an address (HCL's quoting, Go's escapes for the rest). */
export function hclQuote(s: string): string {
  const chars = [...s];
  return chars
    .map((c, i) => {
      if (SHORT[c]) return SHORT[c];
      if ((c === '$' || c === '%') && chars[i + 1] === '{') return c + c;
      if (c === ' ' || !NON_PRINTABLE.test(c)) return c;
      const code = c.codePointAt(0)!;
      return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('');
}

/** encodeURIComponent, or nothing for a string it cannot encode (a lone surrogate). */
function uriEncode(s: string): string[] {
  try {
    return [encodeURIComponent(s)];
  } catch {
    return [];
  }
}

/** Terraform's urlencode (Go's url.QueryEscape). */
const queryEscape = (uri: string) => uri.replace(/%20/g, '+').replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const shellQuoted = (s: string) => s.replaceAll("'", `'\\''`);

/** The forms a plan can hold a value in. */
function planForms(secret: string): string[] {
  const go = goEscape(secret);
  const js = jsEscape(secret);
  const uri = uriEncode(secret);
  return [secret, go, goEscape(go), js, jsEscape(js), hclQuote(secret), hclQuote(go), ...uri, ...uri.map(queryEscape), ...uriEncode(go).map(queryEscape)];
}

/** Every literal form of a secret, without repeats. */
export function secretForms(secret: string): string[] {
  if (isPlain(secret)) return [secret];
  const written = new Set(planForms(secret).flatMap((f) => [f, shellQuoted(f)]));
  const forms = new Set(written);
  for (const f of written) forms.add(jsEscape(f));
  return [...forms];
}
