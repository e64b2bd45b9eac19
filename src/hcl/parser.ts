/**
 * The HCL parser, `@cdktf/hcl2json` (Terraform's own HCL library compiled from Go to WebAssembly), run in a
 * worker thread so that however it fails, tfguard says so in one line and exits 2:
 * - a file it cannot parse: its error, as today;
 * - a Go runtime crash (`fatal error: out of memory`, a panic): Go prints it to fd 2 with `fs.writeSync` and then
 *   never answers again. The worker catches those writes and reports the first line;
 * - WebAssembly that cannot start (`Cannot allocate Wasm memory` under a memory limit), an exception in the
 *   worker, the worker dying: every pending parse is rejected with the reason.
 * After a failure the parser is not used again: the run ends with the error. The worker is started on the first
 * parse (its WebAssembly start-up, ~100 ms, is paid only by commands that read sources) and does not keep the
 * process alive while idle.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { compileSkipper } from '../plan/skip.js';

export type ParseFn = (fileName: string, text: string) => Promise<Record<string, unknown>>;

/** The parser failed as a whole, not on one file's syntax. */
export class ParserFailure extends Error {
  override name = 'ParserFailure';
}

/**
 * The worker, as CommonJS source: it loads the parser module named in workerData, catches what Go writes to
 * fd 1 and 2 and what it logs (only a crash does either), and answers `{ id, fileName, text }` with `{ id, json }` or
 * `{ id, error }`.
 */
const WORKER_SOURCE = `
// The parser's WebAssembly is compiled by V8's baseline compiler only. By default V8 also recompiles its hot
// functions with the optimizing compiler in the background: on 2 cores that took a core from the parse, and the
// process then waited ~0.2 s at exit for those compile jobs (a scan of 301 files: 0.79 s -> 0.45 s without them).
// V8 flags are the process's, and V8 reads these when it compiles a module: they are set back once the parser is
// compiled (its first answer), and the plan reader's module is compiled before this worker starts.
const v8 = require('node:v8');
v8.setFlagsFromString('--liftoff-only');
let compiled = false;
function restoreFlags() {
  if (compiled) return;
  compiled = true;
  v8.setFlagsFromString('--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering');
}
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const writeSync = fs.writeSync;
let said = '';
function say(text) {
  if (said.length >= 4096) return;
  said += text;
  parentPort.postMessage({ crash: said });
}
fs.writeSync = function (fd, data, ...rest) {
  if (fd !== 1 && fd !== 2) return writeSync.call(this, fd, data, ...rest);
  say(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
};
// Go's exit ("exit code: 2") and anything else the parser would print: a sign that it is gone.
for (const name of ['log', 'info', 'warn', 'error', 'debug']) console[name] = (...args) => say(args.join(' ') + '\\n');
process.on('unhandledRejection', (reason) => {
  parentPort.postMessage({ crash: String((reason && reason.message) || reason) });
});
const { parse } = require(workerData.module);
parentPort.on('message', ({ id, fileName, text }) => {
  let pending;
  try {
    pending = parse(fileName, text);
  } catch (error) {
    pending = Promise.reject(error);
  }
  pending.then(
    (json) => {
      restoreFlags();
      parentPort.postMessage({ id, json });
    },
    (error) => {
      restoreFlags();
      parentPort.postMessage({ id, error: String((error && error.message) || error) });
    },
  );
});
`;

interface Pending {
  resolve: (json: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** The first line that says what went wrong: Go's `fatal error: ...` / `panic: ...`, else the first line. */
function crashReason(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /^(fatal error|panic|runtime: out of memory)/.test(l)) ?? lines[0] ?? 'no reason given';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

let version: string | undefined;

/** The parser's version, which the parse cache (cache.ts) keys its entries on. */
export function parserVersion(): string {
  if (version === undefined) {
    try {
      const pkg = createRequire(import.meta.url)('@cdktf/hcl2json/package.json') as { version?: unknown };
      version = String(pkg.version);
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/** A parser backed by one worker running `module` (default: @cdktf/hcl2json). */
export function workerParser(module = createRequire(import.meta.url).resolve('@cdktf/hcl2json')): ParseFn {
  let worker: Worker | undefined;
  let failure: ParserFailure | undefined;
  let next = 0;
  const pending = new Map<number, Pending>();

  const fail = (reason: string): void => {
    failure ??= new ParserFailure(`the HCL parser failed (${reason})`);
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
    const w = worker;
    worker = undefined;
    void w?.terminate();
  };

  const start = (): Worker => {
    compileSkipper();
    // Not `stdout: true`/`stderr: true`: those streams keep the process alive after the last parse. The worker
    // sends what it would print as a message instead.
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module } });
    w.unref();
    w.on('message', (m: { id?: number; json?: Record<string, unknown>; error?: string; crash?: string }) => {
      if (m.crash !== undefined) return fail(crashReason(m.crash));
      const p = m.id === undefined ? undefined : pending.get(m.id);
      if (!p) return;
      pending.delete(m.id!);
      if (pending.size === 0) w.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.json ?? {});
    });
    w.on('error', (error) => fail(crashReason(error.message)));
    w.on('exit', (code) => {
      if (pending.size > 0 || worker === w) fail(`its worker exited with code ${code}`);
    });
    return w;
  };

  return (fileName, text) => {
    if (failure) return Promise.reject(failure);
    worker ??= start();
    const id = next++;
    const w = worker;
    // While a parse is pending, the worker keeps the process alive: its answer is awaited.
    w.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ id, fileName, text });
    });
  };
}
