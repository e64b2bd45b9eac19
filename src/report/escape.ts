/**
 * Inert text: a value from a plan, the sources, the config or the command line is shown, never obeyed. What a
 * terminal or a viewer would act on instead of showing — C0 controls (ESC sequences, CR, LF, BEL, backspace, ...),
 * DEL, C1 controls (U+0080–U+009F), line and paragraph separators, bidi overrides and isolates, zero-width and
 * other invisible format characters (Unicode `Cf`), lone surrogates — is written as an escape: `\n`, `\r`, `\t`,
 * `\b`, `\f`, and `\uXXXX` (lowercase hex, one per UTF-16 unit, as JSON writes them) for the rest. Backslashes
 * stay as they are: a command's `\.` reads as written, and only what cannot be seen is escaped.
 */

const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

const NOT_PLAIN = /[^\x20-\x7e]/;
const NOT_PLAIN_OR_NEWLINE = /[^\x20-\x7e\n]/;

const SHORT: Readonly<Record<string, string>> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * Every unsafe character escaped, except those in `keep` (e.g. `'\n'` for a code block whose lines are the
 * value's lines, or for JSON text, whose own newlines are layout: JSON.stringify escapes C0 inside strings but
 * leaves DEL, C1 and format characters raw, and `\uXXXX` is the same character to a JSON reader).
 */
export function escapeControls(text: string, keep = ''): string {
  // Printable ASCII (and the kept newlines) has nothing to escape: a plain character class scans a 30 MB report
  // in a fifth of the time the Unicode property classes take.
  if (!(keep.includes('\n') ? NOT_PLAIN_OR_NEWLINE : NOT_PLAIN).test(text)) return text;
  return text.replace(UNSAFE, (c) => (keep.includes(c) ? c : escapeChar(c)));
}

/** A copy of a value (a report, an audit record) with every string in it escaped: for the terminal formats. */
export function escapeControlsDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map((v) => escapeControlsDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeControlsDeep(v)])) as T;
  }
  return value;
}

/** A value as pretty JSON text, ending with a newline; DEL, C1 and format characters as `\uXXXX` JSON escapes. */
export function jsonText(value: unknown): string {
  return `${escapeControls(JSON.stringify(value, null, 2), '\n')}\n`;
}
