/**
 * Which `.tf` files need the HCL parser at all. hcl2json costs ~100 ms to start and a few ms a file; most files
 * of a large configuration (variables, outputs, providers, locals) hold nothing tfguard reads. A file is parsed
 * when its text may hold something a reader needs (a cheap text test: `mayMatter`), or when it does not look
 * sound (`looksSound`): a file tfguard skips must never hide a syntax error it would have reported.
 *
 * The text tests only ever say "maybe": a word in a comment or a string makes a file parsed, never skipped. What
 * loadSources reads from a parsed file is exactly its `resource`, `data`, `removed` and `module` blocks and its
 * `tfguard:` comments (blocks.ts, load.ts), and in HCL native syntax a block type is a bare word that cannot be
 * escaped, quoted or built by `dynamic` (no dynamic resource, module, removed, provisioner or lifecycle block):
 * a file without any of those words has none of those blocks. `.tf.json` files are always parsed (JSON.parse).
 */

/** The words of every block loadSources reads, and inline waivers: the default test. */
export const SOURCE_WORDS = /\b(?:resource|data|removed|module)\b|tfguard:/;

/**
 * What `tfguard scan` reads without `--base`: destroy-time provisioners (in resource and removed blocks), module
 * calls (which modules a block is in, which folders are roots), removed blocks and inline waivers. A resource
 * block without a provisioner gives no scan finding, and its file needs no parse.
 */
export const SCAN_WORDS = /\b(?:provisioner|removed|module)\b|tfguard:/;

/** A text test: true when the file may hold something the reader needs. */
export type MayMatter = (text: string) => boolean;

export const sourceWords: MayMatter = (text) => SOURCE_WORDS.test(text);
export const scanWords: MayMatter = (text) => SCAN_WORDS.test(text);

// biome-ignore lint/suspicious/noConstEnum: inlined by tsc and esbuild (used within this file only), no lookup per byte
const enum C {
  TAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SPACE = 0x20,
  BANG = 0x21,
  QUOTE = 0x22,
  HASH = 0x23,
  DOLLAR = 0x24,
  PERCENT = 0x25,
  STAR = 0x2a,
  COMMA = 0x2c,
  MINUS = 0x2d,
  SLASH = 0x2f,
  LT = 0x3c,
  EQ = 0x3d,
  GT = 0x3e,
  BACKSLASH = 0x5c,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
  LBRACKET = 0x5b,
  RBRACKET = 0x5d,
  LPAREN = 0x28,
  RPAREN = 0x29,
}

/** Bytes that may stand outside strings and comments in HCL native syntax (ASCII only: anything else is unusual). */
const CODE = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-{}[]()=,.:?!<>+*/%&|" \t\r\n#') CODE[c.charCodeAt(0)] = 1;

const CLOSER: Record<number, number> = { [C.LBRACE]: C.RBRACE, [C.LBRACKET]: C.RBRACKET, [C.LPAREN]: C.RPAREN };

/**
 * A conservative check that HCL text is well formed: comments, quoted strings (escapes, `${...}` and `%{...}`
 * templates with the expressions in them), heredocs, balanced brackets, only HCL's characters outside strings, and
 * an attribute's `=` followed by a value on its line. It says false for anything it does not follow — then the
 * file is parsed and the parser says what is wrong — so a file it passes is one the parser reads, as far as a
 * missing brace, quote, comment end, heredoc end or value goes. Invalid text it passes (two words where one
 * should be) holds none of the blocks tfguard reads, and Terraform refuses it at plan time.
 */
type Resume = { kind: 'string' } | { kind: 'heredoc'; marker: string; indented: boolean };

export function looksSound(text: string): boolean {
  const n = text.length;
  // Open brackets; a template expression (`${`) is a '{' after which its string or heredoc resumes.
  const stack: number[] = [];
  const resume: (Resume | undefined)[] = [];
  let i = 0;

  /**
   * Reads template text from i until its end: the closing quote (a string) or the marker line (a heredoc, read
   * from the start of a line when `atLineStart`). Returns the index after it, 'open' at a `${` or `%{` (i is
   * after it, its expression comes next), or false when it never ends or its end is not clear.
   */
  const template = (r: Resume, atLineStart: boolean): number | 'open' | false => {
    let lineStart = atLineStart ? i : -1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (r.kind === 'string') {
        if (c === C.QUOTE) return i + 1;
        if (c === C.LF || c === C.CR) return false; // a quoted string never spans lines
        if (c === C.BACKSLASH) {
          i += 2;
          continue;
        }
      } else if (i === lineStart) {
        const end = text.indexOf('\n', i);
        const line = text.slice(i, end < 0 ? n : end).replace(/\r$/, '');
        if (line.trim() === r.marker) {
          // The marker alone on its line ends it (indented only after `<<-`); written any other way, unclear.
          if (line === r.marker || (r.indented && line.trimStart() === r.marker)) return end < 0 ? n : end;
          return false;
        }
      }
      if ((c === C.DOLLAR || c === C.PERCENT) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === C.LBRACE) {
        if (i > 0 && text.charCodeAt(i - 1) === c) return false; // `$$${`: left to the parser
        i += 3; // `$${` and `%%{` are literal text
        continue;
      }
      if ((c === C.DOLLAR || c === C.PERCENT) && text.charCodeAt(i + 1) === C.LBRACE) {
        if (i > 0 && text.charCodeAt(i - 1) === c) return false;
        stack.push(C.LBRACE);
        resume.push(r);
        i += 2;
        return 'open';
      }
      if (c === C.LF) lineStart = i + 1;
      i++;
    }
    return false;
  };

  /** Reads a string or heredoc from i; false when it does not end as it should. */
  const read = (r: Resume, atLineStart: boolean): boolean => {
    const got = template(r, atLineStart);
    if (got === false) return false;
    if (got !== 'open') i = got;
    return true;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || CODE[c] === 0) return false;
    if (c === C.SPACE || c === C.TAB || c === C.CR || c === C.LF) {
      i++;
      continue;
    }
    if (c === C.HASH || (c === C.SLASH && text.charCodeAt(i + 1) === C.SLASH)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === C.SLASH && text.charCodeAt(i + 1) === C.STAR) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 2;
      continue;
    }
    if (c === C.QUOTE) {
      i++;
      if (!read({ kind: 'string' }, false)) return false;
      continue;
    }
    if (c === C.LT && text.charCodeAt(i + 1) === C.LT) {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 256));
      if (!m) return false; // `<<` that starts no heredoc: left to the parser
      i += m[0].length;
      if (!read({ kind: 'heredoc', marker: m[2]!, indented: m[1] === '-' }, true)) return false;
      continue;
    }
    if (c === C.LBRACE || c === C.LBRACKET || c === C.LPAREN) {
      stack.push(c);
      resume.push(undefined);
      i++;
      continue;
    }
    if (c === C.RBRACE || c === C.RBRACKET || c === C.RPAREN) {
      const open = stack.pop();
      const r = resume.pop();
      if (open === undefined || CLOSER[open] !== c) return false;
      i++;
      if (r !== undefined && !read(r, false)) return false;
      continue;
    }
    if (c === C.EQ) {
      const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
      const next = text.charCodeAt(i + 1);
      if (next === C.EQ || next === C.GT || prev === C.BANG || prev === C.LT || prev === C.GT || prev === C.EQ) {
        i++;
        continue;
      }
      // An attribute's value starts on its line.
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === C.SPACE || text.charCodeAt(j) === C.TAB)) j++;
      const v = j < n ? text.charCodeAt(j) : C.LF;
      if (v === C.LF || v === C.CR || v === C.HASH || v === C.SLASH || v === C.COMMA || v === C.EQ || v === C.RBRACE || v === C.RBRACKET || v === C.RPAREN)
        return false;
      i = j;
      continue;
    }
    i++;
  }
  return stack.length === 0;
}
