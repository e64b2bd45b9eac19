/**
 * The scanner's hot loop in WebAssembly (wasm/skip.ts, compiled into skip-wasm.ts): it reads the values no
 * handler looks into, checking every byte with the same states as scanner.ts, at full speed from the first byte.
 * The scanner hands it a value's open containers and state, and takes them back where it stops.
 */
import { SKIP_WASM } from './skip-wasm.js';

interface Exports {
  memory: WebAssembly.Memory;
  run(i: number, n: number): number;
  members(i: number, n: number, out: number, inner: number, capacity: number): number;
  elements(i: number, n: number, out: number, capacity: number, first: number, small: number): number;
  STACK: WebAssembly.Global;
  DATA: WebAssembly.Global;
  MAX_DEPTH: WebAssembly.Global;
}

/** Slots of the state block (wasm/skip.ts). */
export const STATE = 0;
export const ESC = 1;
export const NUM = 2;
export const IS_KEY = 3;
export const LITERAL = 4;
export const LITERAL_AT = 5;
export const DEPTH = 6;
export const ERROR = 7;
export const DONE = 8;
export const STOP = 9;

/** What is wrong at the byte where `run` stopped (E_* of wasm/skip.ts). */
export const E_ESCAPE = 1;
export const E_UNICODE = 2;
export const E_CONTROL = 3;
export const E_NUMBER = 4;
export const E_LITERAL = 5;
export const E_VALUE = 6;
export const E_ARRAY_NEXT = 7;
export const E_OBJECT_FIRST = 8;
export const E_KEY = 9;
export const E_COLON = 10;
export const E_OBJECT_NEXT = 11;
export const E_DEEP = 12;

let module: WebAssembly.Module | undefined;

/**
 * Compiles the module now, if it is not yet (and this node has WebAssembly). V8 decides how it compiles a
 * module's code (baseline, then optimized when hot) when the module is compiled: the HCL parser's worker
 * (src/hcl/parser.ts) changes that for the parser, and calls this before it starts, so that the plan reader keeps its own.
 */
export function compileSkipper(): WebAssembly.Module | undefined {
  if (typeof WebAssembly !== 'undefined') module ??= new WebAssembly.Module(SKIP_WASM);
  return module;
}

/** One scanner's instance: its own memory, which holds the chunk being read. */
export class Skipper {
  private readonly exports: Exports;
  private readonly stackAt: number;
  private readonly dataAt: number;
  readonly maxDepth: number;
  /** The state block; remade when the memory grows. */
  state: Int32Array;
  private bytes: Uint8Array;
  /** The chunk the memory holds. */
  private chunk: Buffer | null = null;

  constructor() {
    if (typeof WebAssembly === 'undefined') throw new Error('this node runs without WebAssembly (node --jitless?), which tfguard needs to read a plan');
    this.exports = new WebAssembly.Instance(compileSkipper()!, {}).exports as unknown as Exports;
    this.stackAt = this.exports.STACK.value as number;
    this.dataAt = this.exports.DATA.value as number;
    this.maxDepth = this.exports.MAX_DEPTH.value as number;
    this.state = new Int32Array(this.exports.memory.buffer, 0, 16);
    this.bytes = new Uint8Array(this.exports.memory.buffer);
  }

  /** Makes the memory at least `need` bytes long (its contents stay). */
  private reserve(need: number): void {
    const memory = this.exports.memory;
    if (memory.buffer.byteLength >= need) return;
    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    this.state = new Int32Array(memory.buffer, 0, 16);
    this.bytes = new Uint8Array(memory.buffer);
  }

  /** Copies the chunk into the memory, unless it is there already. */
  private load(chunk: Buffer): void {
    if (this.chunk === chunk) return;
    this.reserve(this.dataAt + chunk.length);
    this.bytes.set(chunk, this.dataAt);
    this.chunk = chunk;
  }

  /**
   * The members of an object read and checked by `run` (its bytes; `chunk` and `start` when they lie in the
   * chunk the memory holds, so that they need no copy): five numbers each, depth (1, or 2 under a key whose value
   * is an object, with `inner`; plus 256 when the key holds an escape), where its key starts and ends (quotes
   * included) and where its value does, from bytes[0].
   */
  members(bytes: Buffer, chunk: Buffer | null, start: number, inner: boolean): Uint32Array {
    // Anything written goes after the chunk, which stays for the values that follow.
    let free = this.dataAt + (this.chunk?.length ?? 0);
    let at: number;
    if (chunk !== null && chunk === this.chunk) at = this.dataAt + start;
    else {
      at = free;
      this.reserve(at + bytes.length);
      this.bytes.set(bytes, at);
      free += bytes.length;
    }
    // Room for a record per 64 bytes at first (a change has a dozen members); read again with room for all
    // when there are more.
    const out = (free + 7) & ~7;
    let capacity = Math.max(256, bytes.length >> 6);
    this.reserve(out + capacity * 20);
    let count = this.exports.members(at, at + bytes.length, out, inner ? 1 : 0, capacity);
    if (count > capacity) {
      capacity = count;
      this.reserve(out + capacity * 20);
      count = this.exports.members(at, at + bytes.length, out, inner ? 1 : 0, capacity);
    }
    const records = new Uint32Array(this.exports.memory.buffer, out, count * 5).slice();
    for (let r = 0; r < records.length; r += 5) for (let k = 1; k < 5; k++) records[r + k] = records[r + k]! - at;
    return records;
  }

  /**
   * The objects of an array at chunk[i, n), one after another from where a value may start (after '[' when
   * `first`, else after ','): where each starts and ends, two numbers each, at most `capacity` of them (wasm/skip.ts
   * `elements`). Each is read and checked, except those of at most `small` bytes when `small` is not 0: those are
   * only bracketed, for the caller to check. The state block says where it stopped (STOP) and the array's state
   * there (STATE).
   */
  elements(chunk: Buffer, i: number, n: number, first: boolean, capacity: number, small: number): Uint32Array {
    this.load(chunk);
    const out = (this.dataAt + chunk.length + 7) & ~7;
    this.reserve(out + capacity * 8);
    const count = this.exports.elements(this.dataAt + i, this.dataAt + n, out, capacity, first ? 1 : 0, small);
    const records = new Uint32Array(this.exports.memory.buffer, out, count * 2).slice();
    for (let r = 0; r < records.length; r++) records[r] = records[r]! - this.dataAt;
    this.state[STOP] = this.state[STOP]! - this.dataAt;
    return records;
  }

  /**
   * Reads chunk[i, n) with the open containers `kinds` (1 object, 2 array: what the stack of scanner.ts holds
   * above the caller's level) and the state block as set by the caller. Returns where it stopped; the block says
   * why (ERROR, DONE, or neither: the chunk is read) and `kinds` is left holding the containers still open.
   */
  run(chunk: Buffer, i: number, n: number, kinds: number[], from: number): number {
    this.load(chunk);
    const depth = kinds.length - from;
    if (depth > this.maxDepth) {
      this.state[ERROR] = E_DEEP;
      return i;
    }
    const stack = this.bytes;
    for (let k = 0; k < depth; k++) stack[this.stackAt + k] = kinds[from + k]!;
    this.state[DEPTH] = depth;
    const end = this.exports.run(this.dataAt + i, this.dataAt + n) - this.dataAt;
    const left = this.state[DEPTH]!;
    kinds.length = from;
    for (let k = 0; k < left; k++) kinds.push(stack[this.stackAt + k]!);
    return end;
  }
}
