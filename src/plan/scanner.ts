/**
 * A validating JSON byte scanner for plans of any size: it reads UTF-8 bytes chunk by chunk, checks the syntax
 * of every byte (structure, literals, numbers, string escapes and control characters), and hands over only the
 * values a handler asks for, each as its own slice of text, which the caller `JSON.parse`s. Everything else is
 * checked and skipped, never kept: memory follows what is asked for, not the size of the input. Several
 * documents back to back (one per line, or not) are read one after the other. The levels handlers look into are
 * read here; the values inside them (most of the bytes) by a WebAssembly loop with the same states (skip.ts).
 */

import {
  DONE,
  E_ARRAY_NEXT,
  E_COLON,
  E_CONTROL,
  E_DEEP,
  E_ESCAPE,
  E_KEY,
  E_LITERAL,
  E_NUMBER,
  E_OBJECT_FIRST,
  E_OBJECT_NEXT,
  E_UNICODE,
  E_VALUE,
  ERROR,
  ESC,
  IS_KEY,
  STOP,
  LITERAL,
  LITERAL_AT,
  NUM,
  STATE,
  Skipper,
} from './skip.js';
import { buildCut, cutsInner, utf8, valueAt } from './cut.js';

/** What a handler does with a value inside its container. */
export const SKIP = 0;
export const CAPTURE = 1;

/**
 * Capture a value with some of its parts cut out, unparsed: keys of its top object mapped to `true` (cut that
 * value) or to the keys of the object under them to cut (`change` → before, after). A cut part that is `null`
 * stays; any other is replaced by `0` in the parsed value and handed over as bytes, keyed `key` or `key.inner`.
 */
export interface Cut {
  cut: ReadonlyMap<string, true | ReadonlySet<string>>;
}
export type Action = typeof SKIP | typeof CAPTURE | Handler | Cut;

/** Decides, for each value of one object or array, whether to skip it, capture it, or descend into it. */
export interface Handler {
  /** At the start of a value: its key (object) or index (array) and its first byte. A handler descends. */
  enter(key: string | number, first: number): Action;
  /** A captured value, parsed; `at` is the byte offset where it starts; `cuts`: the parts a Cut took out. */
  capture(key: string | number, value: unknown, at: number, cuts?: Map<string, Buffer>): void;
  /** A skipped value: its first byte says what it is (`{`, `[`, `"`, a digit, `t`, `f`, `n`). */
  skipped?(key: string | number, first: number): void;
  /** The container closed. */
  close?(): void;
  /**
   * An array handler whose `enter` gives this cut for every element that is an object: the scanner then reads
   * runs of such elements at once (WebAssembly finds where each ends, one JSON.parse reads a run of small
   * ones), and `enter` is not asked for them. Each is still captured one by one, in order.
   */
  each?: Cut;
}

export interface DocumentSink {
  /** A document starts (`{` at the top level): the handler of its top object. */
  start(index: number, at: number): Handler;
  /** The document's top object closed. */
  end(index: number): void;
}

export type ScanProblem = 'syntax' | 'truncated' | 'noise' | 'not-object' | 'empty' | 'deep';

export class ScanError extends Error {
  constructor(
    readonly problem: ScanProblem,
    /** Byte offset in the UTF-8 stream. */
    readonly offset: number,
    /** 0-based document index the problem is in. */
    readonly document: number,
    detail: string,
    /** The byte at `offset` (-1 at the end of the input). */
    readonly byte = -1,
  ) {
    super(detail);
  }
}

// States.
const S_DOC = 0; // between documents
const S_VALUE = 1; // after ':'
const S_ARR_FIRST = 2; // after '['
const S_ARR_NEXT = 3; // after an array value
const S_ARR_VALUE = 4; // after ',' in an array
const S_OBJ_FIRST = 5; // after '{'
const S_OBJ_KEY = 6; // after ',' in an object
const S_COLON = 7; // after a key
const S_OBJ_NEXT = 8; // after an object value
const S_STRING = 9;
const S_NUMBER = 10;
const S_LITERAL = 11;

// Number sub-states; the accepting ones may end the number.
const N_MINUS = 0,
  N_ZERO = 1,
  N_INT = 2,
  N_DOT = 3,
  N_FRAC = 4,
  N_E = 5,
  N_ESIGN = 6,
  N_EXP = 7;
const ACCEPTING = [false, true, true, false, true, false, false, true];

const OBJECT = 1;
const ARRAY = 2;
/** The literal a byte starts, by byte: `t`rue, `f`alse, `n`ull. */
const LITERALS: (number[] | undefined)[] = new Array(256).fill(undefined);
for (const word of ['true', 'false', 'null']) LITERALS[word.charCodeAt(0)] = [...Buffer.from(word)];

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
/** The bytes that may follow '\\' in a string, by byte. */
const ESCAPES = new Uint8Array(256);
for (const b of [0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74, 0x75]) ESCAPES[b] = 1;
function shown(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The literals by their id in the WebAssembly loop's state: true, false, null. */
const LITERAL_IDS = [0x74, 0x66, 0x6e];
/** Where the byte stands that the WebAssembly loop refused, by its E_* code. */
const PLACE: Record<number, string> = {
  [E_NUMBER]: 'in a number',
  [E_LITERAL]: 'in a literal',
  [E_VALUE]: 'where a value was expected',
  [E_ARRAY_NEXT]: "where ',' or ']' was expected",
  [E_OBJECT_FIRST]: "where a key or '}' was expected",
  [E_KEY]: 'where a key was expected',
  [E_COLON]: "where ':' was expected",
  [E_OBJECT_NEXT]: "where ',' or '}' was expected",
};

/** A captured value this small is parsed whole, its cuts ignored: cutting costs more than it saves there. */
const SMALL = 2048;
/** At most this many elements read by one call of `elements`, and this many small ones parsed by one JSON.parse. */
const ELEMENTS = 4096;
const RUN = 256;

/** Text of a byte range held in pieces of earlier chunks plus the current one. */
function textOf(pieces: Buffer[], chunk: Buffer, start: number, end: number): string {
  if (pieces.length === 0) return utf8(chunk, start, end);
  return Buffer.concat([...pieces, chunk.subarray(0, end)]).toString('utf8');
}

/** The bytes of such a range (no copy when it lies in one chunk). */
function bytesOf(pieces: Buffer[], chunk: Buffer, start: number, end: number): Buffer {
  return pieces.length === 0 ? chunk.subarray(start, end) : Buffer.concat([...pieces, chunk.subarray(0, end)]);
}

export class JsonScanner {
  private state = S_DOC;
  private readonly kinds: number[] = [];
  /** The handler of each open container (null inside skipped or captured values). */
  private readonly handlers: (Handler | null)[] = [];
  private readonly keys: (string | number)[] = [];
  private offset = 0; // bytes before the current chunk
  private documents = 0;
  private inDocument = false;
  // Strings.
  private escape = 0; // 0 none, 1 after '\', 2..5 hex digits of \u to come
  private isKey = false;
  /** The string being read (at a handler's level) holds an escape. */
  private escaped = false;
  private keyStart = -1;
  private keyPieces: Buffer[] = [];
  // Numbers and literals.
  private num = 0;
  private literal: number[] = [];
  private literalAt = 0;
  // The value being captured.
  private capDepth = -1;
  private capStart = -1;
  private capAbs = 0;
  private capPieces: Buffer[] = [];
  private capHandler: Handler | null = null;
  private capKey: string | number = 0;
  /** `quiet` read to the end of the value it was in. */
  private ended = false;
  /** The cut of the value being captured. */
  private cutSpec: Cut['cut'] | null = null;
  /** The WebAssembly loop, made when first needed. */
  private skipper: Skipper | null = null;
  /** A run of bracketed elements was refused: the next elements are checked byte by byte (`elements`). */
  private checkNext = false;

  constructor(
    private readonly sink: DocumentSink,
    /** Parses captured text: JSON.parse, with errors the caller words. */
    private readonly parse: (text: string, at: number, document: number) => unknown,
  ) {}

  /** 0-based index of the document being read (or the next one). */
  get document(): number {
    return this.inDocument ? this.documents - 1 : this.documents;
  }

  private fail(problem: ScanProblem, at: number, detail: string): never {
    throw new ScanError(problem, at, this.document, detail, this.byteAt(at));
  }

  private chunk: Buffer = Buffer.alloc(0);

  private byteAt(at: number): number {
    return this.chunk[at - this.offset] ?? -1;
  }

  feed(chunk: Buffer): void {
    this.chunk = chunk;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.kinds.length > this.handlers.length) {
        i = this.quiet(chunk, i, n);
        if (this.ended) this.endValue(chunk, i);
        continue;
      }
      const state = this.state;
      if (state === S_STRING) {
        i = this.string(chunk, i, n);
        continue;
      }
      if (state === S_NUMBER) {
        i = this.number(chunk, i, n);
        continue;
      }
      if (state === S_LITERAL) {
        i = this.literalBytes(chunk, i, n);
        continue;
      }
      const c = chunk[i]!;
      if (isWs(c)) {
        i++;
        continue;
      }
      switch (state) {
        case S_DOC:
          if (c !== 0x7b) this.fail(this.documents === 0 ? 'not-object' : 'noise', this.offset + i, shown(c));
          this.inDocument = true;
          this.documents++;
          this.kinds.push(OBJECT);
          this.handlers.push(this.sink.start(this.documents - 1, this.offset + i));
          this.keys.push('');
          this.state = S_OBJ_FIRST;
          i++;
          break;
        case S_VALUE:
          i = this.value(chunk, i, c);
          break;
        case S_ARR_FIRST:
        case S_ARR_VALUE: {
          const each = c === 0x7b ? this.handlers[this.kinds.length - 1]?.each : undefined;
          if (each) {
            const next = this.elements(chunk, i, n, each);
            // Nothing read (the object is wrong, or goes on into the next chunk): the element is read below.
            if (next !== i || this.state !== state) {
              i = next;
              break;
            }
          }
          if (state === S_ARR_FIRST && c === 0x5d) i = this.close(chunk, i);
          else i = this.value(chunk, i, c);
          break;
        }
        case S_ARR_NEXT:
          if (c === 0x2c) {
            this.state = S_ARR_VALUE;
            i++;
          } else if (c === 0x5d) i = this.close(chunk, i);
          else this.fail('syntax', this.offset + i, `${shown(c)} where ',' or ']' was expected`);
          break;
        case S_OBJ_FIRST:
        case S_OBJ_KEY:
          if (c === 0x22) {
            this.isKey = true;
            this.escaped = false;
            this.keyStart = i;
            this.keyPieces = [];
            this.state = S_STRING;
            i++;
          } else if (c === 0x7d && state === S_OBJ_FIRST) i = this.close(chunk, i);
          else this.fail('syntax', this.offset + i, `${shown(c)} where ${state === S_OBJ_FIRST ? "a key or '}'" : 'a key'} was expected`);
          break;
        case S_COLON:
          if (c !== 0x3a) this.fail('syntax', this.offset + i, `${shown(c)} where ':' was expected`);
          this.state = S_VALUE;
          i++;
          break;
        case S_OBJ_NEXT:
          if (c === 0x2c) {
            this.state = S_OBJ_KEY;
            i++;
          } else if (c === 0x7d) i = this.close(chunk, i);
          else this.fail('syntax', this.offset + i, `${shown(c)} where ',' or '}' was expected`);
          break;
      }
    }
    // Keep what an open capture or key has read of this chunk: copied, as the chunk's memory may be read into
    // again (load.ts reads a file into one buffer).
    if (this.capStart >= 0) {
      this.capPieces.push(Buffer.from(chunk.subarray(this.capStart)));
      this.capStart = 0;
    }
    if (this.state === S_STRING && this.isKey && this.keyStart >= 0) {
      this.keyPieces.push(Buffer.from(chunk.subarray(this.keyStart)));
      this.keyStart = 0;
    }
    this.offset += n;
  }

  /** The input ended: anything open is a truncation; no document at all is an empty input. */
  finish(): number {
    if (this.state === S_NUMBER && this.kinds.length === 0) this.endValue(Buffer.alloc(0), 0);
    if (this.state !== S_DOC || this.kinds.length > 0) this.fail('truncated', this.offset, 'the JSON ends before it is complete');
    if (this.documents === 0) this.fail('empty', this.offset, 'no JSON');
    return this.documents;
  }

  /** A value starts at chunk[i] (first byte c). */
  private value(_chunk: Buffer, i: number, c: number): number {
    const depth = this.kinds.length;
    const handler = this.handlers[depth - 1] ?? null;
    let child: Handler | null = null;
    if (handler) {
      const key = this.kinds[depth - 1] === ARRAY ? (this.keys[depth - 1] as number) : this.keys[depth - 1]!;
      const action = handler.enter(key, c);
      const cut = typeof action === 'object' && 'cut' in action ? action.cut : null;
      if (action === CAPTURE || cut || (typeof action === 'object' && c !== 0x7b && c !== 0x5b)) {
        this.cutSpec = cut && c === 0x7b ? cut : null;
        // A new list only when the last capture used it: most captured values have no pieces.
        this.capDepth = depth;
        this.capStart = i;
        this.capAbs = this.offset + i;
        if (this.capPieces.length > 0) this.capPieces = [];
        this.capHandler = handler;
        this.capKey = key;
      } else if (action === SKIP) handler.skipped?.(key, c);
      else child = action as Handler;
    }
    if (c === 0x7b || c === 0x5b) {
      this.kinds.push(c === 0x7b ? OBJECT : ARRAY);
      // Only containers a handler descends into get a frame; the rest is read by `quiet`.
      if (child) {
        this.handlers.push(child);
        this.keys.push(c === 0x7b ? '' : 0);
      }
      this.state = c === 0x7b ? S_OBJ_FIRST : S_ARR_FIRST;
      return i + 1;
    }
    if (c === 0x22) {
      this.isKey = false;
      this.escaped = false;
      this.state = S_STRING;
      return i + 1;
    }
    if (c === 0x2d || isDigit(c)) {
      this.num = c === 0x2d ? N_MINUS : c === 0x30 ? N_ZERO : N_INT;
      this.state = S_NUMBER;
      return i + 1;
    }
    const literal = LITERALS[c];
    if (!literal) this.fail('syntax', this.offset + i, `${shown(c)} where a value was expected`);
    this.literal = literal;
    this.literalAt = 1;
    this.state = S_LITERAL;
    return i + 1;
  }

  /** A value ended just before chunk[end]: the container's next state, a capture delivered, a key counted. */
  private endValue(chunk: Buffer, end: number): void {
    const depth = this.kinds.length;
    if (depth === this.capDepth) {
      const handler = this.capHandler!;
      const at = this.capAbs;
      const pieces = this.capPieces;
      const start = this.capStart;
      this.capDepth = -1;
      this.capStart = -1;
      if (pieces.length > 0) this.capPieces = [];
      this.capHandler = null;
      const spec = this.cutSpec;
      this.cutSpec = null;
      if (spec !== null && end - start + (pieces.length > 0 ? 1 << 20 : 0) > SMALL)
        this.captureCut(handler, this.capKey, spec, bytesOf(pieces, chunk, start, end), pieces.length === 0 ? chunk : null, start, at);
      else
        handler.capture(
          this.capKey,
          pieces.length === 0 ? this.scalar(chunk, start, end, at) : this.parse(textOf(pieces, chunk, start, end), at, this.document),
          at,
        );
    }
    if (depth === 0) {
      this.state = S_DOC;
      return;
    }
    if (this.kinds[depth - 1] === ARRAY) {
      this.keys[depth - 1] = (this.keys[depth - 1] as number) + 1;
      this.state = S_ARR_NEXT;
    } else this.state = S_OBJ_NEXT;
  }

  /**
   * Objects of an array whose handler cuts each alike (`Handler.each`), from chunk[i] (where a value starts):
   * WebAssembly finds as many as lie whole in the chunk, and each is captured as `endValue` would capture it,
   * runs of small ones parsed by one JSON.parse. Small ones are only bracketed there, not checked byte by byte:
   * the run's JSON.parse checks them. When it refuses a run, the scanner goes back to the run's first element and
   * reads on checking every byte (`checkNext`), so that what is wrong is found, and worded, as anywhere else.
   * Returns where the scanner goes on, in the state set.
   */
  private elements(chunk: Buffer, i: number, n: number, each: Cut): number {
    const skipper = (this.skipper ??= new Skipper());
    const depth = this.kinds.length;
    const handler = this.handlers[depth - 1]!;
    let index = this.keys[depth - 1] as number;
    const checked = this.checkNext;
    this.checkNext = false;
    for (;;) {
      const before = this.state;
      const records = skipper.elements(chunk, i, n, this.state === S_ARR_FIRST, ELEMENTS, checked ? 0 : SMALL);
      this.state = skipper.state[STATE]!;
      i = skipper.state[STOP]!;
      const count = records.length / 2;
      let k = 0;
      while (k < count) {
        const start = records[2 * k]!;
        const end = records[2 * k + 1]!;
        if (end - start > SMALL) {
          this.captureCut(handler, index++, each.cut, chunk.subarray(start, end), chunk, start, this.offset + start);
          k++;
          continue;
        }
        // A run of small elements, up to the next large one: one parse, its values captured in order.
        let last = k;
        while (last + 1 < count && last + 1 - k < RUN && records[2 * last + 3]! - records[2 * last + 2]! <= SMALL) last++;
        const values = this.parseRun(chunk, records, k, last, !checked);
        if (values === undefined) {
          this.state = k === 0 ? before : S_ARR_VALUE;
          this.checkNext = true;
          this.keys[depth - 1] = index;
          return start;
        }
        for (let r = k; r <= last; r++) handler.capture(index++, values[r - k], this.offset + records[2 * r]!);
        k = last + 1;
      }
      if (count < ELEMENTS) break;
    }
    this.keys[depth - 1] = index;
    return i;
  }

  /**
   * A captured object built from its members with the cut's parts cut out (cut.ts): `bytes` are its bytes, at
   * `start` in `chunk` when they lie in the chunk the WebAssembly memory holds (then they are not copied again).
   */
  private captureCut(handler: Handler, key: string | number, spec: Cut['cut'], bytes: Buffer, chunk: Buffer | null, start: number, at: number): void {
    const members = this.skipper!.members(bytes, chunk, start, cutsInner(spec));
    const { value, cuts } = buildCut(spec, bytes, members, (text) => this.parse(text, at, this.document));
    handler.capture(key, value, at, cuts);
  }

  /**
   * Elements k..last (records of `elements`), parsed by one JSON.parse. When it refuses them: undefined for
   * bracketed ones, which the caller reads again checked; checked ones are parsed one by one, so that the error is
   * the one their element gives.
   */
  private parseRun(chunk: Buffer, records: Uint32Array, k: number, last: number, bracketed: boolean): unknown[] | undefined {
    try {
      const values: unknown = JSON.parse(`[${utf8(chunk, records[2 * k]!, records[2 * last + 1]!)}]`);
      if (Array.isArray(values) && values.length === last - k + 1) return values;
    } catch {
      // Below.
    }
    if (bracketed) return undefined;
    const values: unknown[] = [];
    for (let r = k; r <= last; r++)
      values.push(valueAt(chunk, records[2 * r]!, records[2 * r + 1]!, (text) => this.parse(text, this.offset + records[2 * r]!, this.document)));
    return values;
  }

  /** A captured value within one chunk, read as cut.ts reads a member's (a string the state says is plain at once). */
  private scalar(chunk: Buffer, start: number, end: number, at: number): unknown {
    if (chunk[start] === 0x22 && !this.escaped) return utf8(chunk, start + 1, end - 1);
    return valueAt(chunk, start, end, (text) => this.parse(text, at, this.document));
  }

  private close(chunk: Buffer, i: number): number {
    this.kinds.pop();
    const handler = this.handlers.pop();
    this.keys.pop();
    handler?.close?.();
    if (this.kinds.length === 0) {
      this.inDocument = false;
      this.sink.end(this.documents - 1);
      this.state = S_DOC;
      return i + 1;
    }
    this.endValue(chunk, i + 1);
    return i + 1;
  }

  /**
   * Every byte inside a value no handler looks into (most of a plan), read by the WebAssembly loop (skip.ts)
   * from the state here, until the value ends (then the container that holds it goes on) or the chunk does.
   */
  private quiet(chunk: Buffer, i: number, n: number): number {
    const skipper = (this.skipper ??= new Skipper());
    const block = skipper.state;
    block[STATE] = this.state;
    block[ESC] = this.escape;
    block[NUM] = this.num;
    block[IS_KEY] = this.isKey ? 1 : 0;
    block[LITERAL] = LITERAL_IDS.indexOf(this.literal[0] ?? 0x74);
    block[LITERAL_AT] = this.literalAt;
    const end = skipper.run(chunk, i, n, this.kinds, this.handlers.length);
    const out = skipper.state;
    if (out[ERROR] !== 0) this.failAt(out[ERROR]!, end);
    // Taken back whether or not the value ended (then the caller ends it, and endValue sets the state after it):
    // an escape begun at the end of one chunk and read in the next must not outlive the value it was in.
    this.ended = out[DONE] === 1;
    this.state = out[STATE]!;
    this.escape = out[ESC]!;
    this.num = out[NUM]!;
    this.isKey = out[IS_KEY] === 1;
    this.literal = LITERALS[LITERAL_IDS[out[LITERAL]!]!]!;
    this.literalAt = out[LITERAL_AT]!;
    return end;
  }

  /** What the WebAssembly loop found wrong at the byte at chunk[i], in the words of the handler-level loop. */
  private failAt(error: number, i: number): never {
    const at = this.offset + i;
    const c = this.chunk[i] ?? -1;
    switch (error) {
      case E_ESCAPE:
        return this.fail('syntax', at, `a bad escape \\${String.fromCharCode(c)} in a string`);
      case E_UNICODE:
        return this.fail('syntax', at, 'a bad \\u escape in a string');
      case E_CONTROL:
        return this.fail('syntax', at, `a control character (${shown(c)}) in a string`);
      case E_DEEP:
        return this.fail('deep', at, 'nests too deeply');
      default:
        return this.fail('syntax', at, `${shown(c)} ${PLACE[error] ?? 'where it cannot be'}`);
    }
  }

  private string(chunk: Buffer, i: number, n: number): number {
    while (i < n) {
      if (this.escape !== 0) {
        const c = chunk[i]!;
        if (this.escape === 1) {
          if (ESCAPES[c] === 0) this.fail('syntax', this.offset + i, `a bad escape \\${String.fromCharCode(c)} in a string`);
          this.escape = c === 0x75 ? 5 : 0;
        } else {
          if (!isHex(c)) this.fail('syntax', this.offset + i, 'a bad \\u escape in a string');
          this.escape = this.escape === 2 ? 0 : this.escape - 1;
        }
        i++;
        continue;
      }
      // The body of a string: stop at '"', '\' or a control character.
      let c = chunk[i]!;
      while (c !== 0x22 && c !== 0x5c && c >= 0x20) {
        if (++i === n) return n;
        c = chunk[i]!;
      }
      if (c === 0x5c) {
        this.escape = 1;
        this.escaped = true;
        i++;
        continue;
      }
      if (c !== 0x22) this.fail('syntax', this.offset + i, `a control character (${shown(c)}) in a string`);
      i++;
      if (this.isKey) {
        this.keyEnd(chunk, i);
        this.state = S_COLON;
      } else this.endValue(chunk, i);
      return i;
    }
    return i;
  }

  private keyEnd(chunk: Buffer, end: number): void {
    const depth = this.kinds.length;
    if (this.handlers[depth - 1]) {
      if (this.keyPieces.length === 0 && !this.escaped) this.keys[depth - 1] = utf8(chunk, this.keyStart + 1, end - 1);
      else this.keys[depth - 1] = JSON.parse(textOf(this.keyPieces, chunk, this.keyStart, end)) as string;
    }
    this.keyStart = -1;
    this.keyPieces = [];
  }

  private number(chunk: Buffer, i: number, n: number): number {
    while (i < n) {
      const c = chunk[i]!;
      const s = this.num;
      let next = -1;
      if (isDigit(c)) next = s === N_MINUS ? (c === 0x30 ? N_ZERO : N_INT) : s === N_ZERO ? -2 : s === N_DOT ? N_FRAC : s === N_E || s === N_ESIGN ? N_EXP : s;
      else if (c === 0x2e) next = s === N_ZERO || s === N_INT ? N_DOT : -2;
      else if (c === 0x65 || c === 0x45) next = s === N_ZERO || s === N_INT || s === N_FRAC ? N_E : -2;
      else if (c === 0x2b || c === 0x2d) next = s === N_E ? N_ESIGN : -2;
      if (next === -2) this.fail('syntax', this.offset + i, `${shown(c)} in a number`);
      if (next === -1) {
        if (!ACCEPTING[s]) this.fail('syntax', this.offset + i, `${shown(c)} in a number`);
        this.endValue(chunk, i);
        return i;
      }
      this.num = next;
      i++;
    }
    return i;
  }

  private literalBytes(chunk: Buffer, i: number, n: number): number {
    const literal = this.literal;
    while (i < n && this.literalAt < literal.length) {
      if (chunk[i] !== literal[this.literalAt]) this.fail('syntax', this.offset + i, `${shown(chunk[i]!)} in a literal`);
      this.literalAt++;
      i++;
    }
    if (this.literalAt === literal.length) this.endValue(chunk, i);
    return i;
  }
}
