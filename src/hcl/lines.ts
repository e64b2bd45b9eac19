/**
 * Lines: hcl2json gives no positions, so block headers are found by searching the file text, in the order
 * the parsed blocks come.
 */
import { escapeRegExp, type Json } from './json-values.js';
import type { DirectiveComment } from './types.js';

/** A parsed `.tf` file with its text, for finding lines. */
export interface ParsedFile {
  abs: string;
  /** As shown to people: relative to the root module, or absolute when outside it. */
  display: string;
  text: string;
  json: Json;
  /** `.tf.json` (JSON syntax): block headers cannot be searched the HCL way. */
  isJson: boolean;
}

export interface BlockAt {
  line: number;
  /** Offsets of the block header and of the next top-level block (where its provisioners must end). */
  start?: number;
  end?: number;
}

/** A `tfguard:` comment (`#` or `//`), at the start of a line or after code; group 1 is what follows `tfguard:`. */
const DIRECTIVE = /(?:^|\s)(?:#|\/\/)\s*tfguard:(.*)$/;
const COMMENT_LINE = /^\s*(?:#|\/\/)/;

export const TOP_LEVEL = /^(?:resource|data|removed|module|variable|output|locals|provider|terraform|moved|import|check)\b[^\n]*\{/gm;

/** Finds block headers in a file's text, in the order the parsed blocks come. */
export class Locator {
  private readonly lineStarts: number[] = [0];
  private readonly topLevel: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly file: ParsedFile) {
    const text = file.text;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    if (!file.isJson) for (const m of text.matchAll(TOP_LEVEL)) this.topLevel.push(m.index);
  }

  /** The N-th `resource "TYPE" "NAME" {` (or `data`) of the file, for the N-th parsed block of that name. */
  resource(mode: 'managed' | 'data', type: string, name: string): BlockAt {
    const kind = mode === 'managed' ? 'resource' : 'data';
    const n = this.next(`${kind} ${type} ${name}`);
    if (this.file.isJson) return { line: this.jsonLine([kind, type, name]) };
    const header = new RegExp(`^[ \\t]*${kind}[ \\t]+${label(type)}[ \\t]+${label(name)}[ \\t]*\\{`, 'gm');
    return this.nth(header, n);
  }

  /** The N-th `removed {` of the file, for the N-th parsed removed block. */
  removed(): BlockAt {
    const n = this.next('removed');
    if (this.file.isJson) return { line: this.jsonLine(['removed']) };
    return this.nth(/^[ \t]*removed[ \t]*\{/gm, n);
  }

  /** The line of the K-th `provisioner "TYPE" {` inside the block. */
  provisioner(at: BlockAt, type: string, k: number): number | undefined {
    if (at.start === undefined) return undefined;
    const header = new RegExp(`^[ \\t]*provisioner[ \\t]+${label(type)}[ \\t]*\\{`, 'gm');
    header.lastIndex = at.start + 1;
    let found = -1;
    for (let i = 0; i <= k; i++) {
      const m = header.exec(this.file.text);
      if (!m || (at.end !== undefined && m.index >= at.end)) return undefined;
      found = m.index;
    }
    return this.lineOf(found);
  }

  /** Every `tfguard:` comment of the file. */
  directives(): DirectiveComment[] {
    if (this.file.isJson) return [];
    return this.textLines().flatMap((text, i) => {
      const m = DIRECTIVE.exec(text);
      return m ? [{ file: this.file.display, line: i + 1, text: m[1]!.trim() }] : [];
    });
  }

  /** The `tfguard:` comments in the run of whole-line comments right above a block header. */
  directivesAbove(at: BlockAt): DirectiveComment[] {
    if (this.file.isJson || at.start === undefined) return [];
    const lines = this.textLines();
    const out: DirectiveComment[] = [];
    for (let i = at.line - 2; i >= 0 && COMMENT_LINE.test(lines[i]!); i--) {
      const m = DIRECTIVE.exec(lines[i]!);
      if (m) out.unshift({ file: this.file.display, line: i + 1, text: m[1]!.trim() });
    }
    return out;
  }

  private lines?: string[];

  private textLines(): string[] {
    this.lines ??= this.file.text.split(/\r?\n/);
    return this.lines;
  }

  private next(key: string): number {
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    return n;
  }

  /** Line 1 when the header cannot be found (a block written in an unusual way). */
  private nth(re: RegExp, n: number): BlockAt {
    const matches = [...this.file.text.matchAll(re)];
    const m = matches[n];
    if (!m) return { line: 1 };
    const start = m.index;
    const end = this.topLevel.find((t) => t > start);
    return { line: this.lineOf(start), start, ...(end === undefined ? {} : { end }) };
  }

  /** JSON syntax, best effort: the first `"KEY":` of each key in turn, line 1 when one is missing. */
  private jsonLine(keys: string[]): number {
    let from = 0;
    for (const key of keys) {
      const re = new RegExp(`"${escapeRegExp(key)}"\\s*:`, 'g');
      re.lastIndex = from;
      const m = re.exec(this.file.text);
      if (!m) return 1;
      from = m.index;
    }
    return this.lineOf(from);
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** A block label as written: quoted or bare. */
export function label(value: string): string {
  const v = escapeRegExp(value);
  return `(?:"${v}"|${v}(?![\\w-]))`;
}
