/**
 * Loading plans: a JSON file, `-` for stdin, or a saved binary plan (whose `terraform show -json` output is
 * streamed in). One reader serves every size: the bytes are decoded and scanned chunk by chunk (scanner.ts),
 * and only the parts the rules use are kept (builder.ts), so a plan larger than any string loads in memory that
 * follows its changes, not its bytes. Several JSON documents in one input (Terragrunt's `run-all show -json`,
 * plans concatenated by a script) are several plans. Every way a plan can be bad ends in one InputError line
 * naming the file (and the document) and the problem.
 */
import { readSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { runTerraformStreaming, TerraformFailure } from '../terraform/binary.js';
import { joinParts } from '../terraform/diagnostics.js';
import { PlanBuilder, walk } from './builder.js';
import { Utf8Decoder } from './encoding.js';
import type { Plan } from './model.js';
import { JsonScanner, ScanError } from './scanner.js';
import { checkShape, explainParseError } from './shape.js';

export interface LoadOptions {
  terraformBin?: string | undefined;
  /** Where `terraform show` runs for a saved plan: the initialized root module. */
  cwd?: string | undefined;
  stdin?: NodeJS.ReadableStream;
}

export interface LoadedPlan {
  /** The file (`(stdin)`), and `#N` after it when the input holds several documents. */
  source: string;
  plan: Plan;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const CHUNK = 8 << 20;
/** Input that is not a JSON object is read whole to say what it is, up to this much. */
const MAX_NOT_OBJECT = 256 << 20;

async function* fileChunks(source: string): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(source, 'r');
  } catch (error) {
    throw readError(source, error);
  }
  try {
    // A regular file is read with blocking reads: a read waits for no thread (the scanner has nothing else to do
    // meanwhile). A pipe or a device (`<(terraform show -json ...)`) is read through the event loop. Every chunk
    // is read into the same buffer (fresh memory costs a page fault per 4 KiB): a chunk is valid until the next
    // one is read, and whoever keeps a part of one copies it.
    const info = await handle.stat();
    const size = info.isFile() ? Math.min(CHUNK, info.size + 1) : CHUNK;
    const buffer = Buffer.allocUnsafeSlow(size);
    for (;;) {
      let bytesRead;
      try {
        bytesRead = info.isFile() ? readSync(handle.fd, buffer, 0, size, null) : (await handle.read(buffer, 0, size, null)).bytesRead;
      } catch (error) {
        throw readError(source, error);
      }
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function readError(source: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${source}: no such file`);
  if (code === 'EISDIR') return new InputError(`${source}: is a directory, not a plan file`);
  return new InputError(`${source}: cannot read (${(error as Error).message})`);
}

async function* streamChunks(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

/**
 * Reads the documents of one input, pushed chunk by chunk: decodes, scans, builds a plan per document. Input
 * that does not start with a JSON object is kept (up to a limit) to say what it is, as a whole.
 */
class DocumentReader {
  private head: Buffer[] = [];
  private headBytes = 0;
  private decoder?: Utf8Decoder;
  private readonly scanner: JsonScanner;
  private builder?: PlanBuilder;
  private readonly plans: Plan[] = [];
  private notObject?: Buffer[];
  private notObjectBytes = 0;
  /** UTF-8 bytes scanned so far. */
  private scanned = 0;
  /** A syntax error at whitespace, held until the end shows whether anything but whitespace follows. */
  private broken?: ScanError;

  constructor(private readonly name: string) {
    this.scanner = new JsonScanner(
      {
        start: (index) => {
          this.builder = new PlanBuilder(this.docName(index));
          return this.builder.root;
        },
        end: () => {
          this.plans.push(this.builder!.finish());
          this.builder = undefined;
        },
      },
      (text, _at, index) => this.parse(text, index),
    );
  }

  private docName(index: number): string {
    return index === 0 ? this.name : `${this.name} #${index + 1}`;
  }

  private parse(text: string, index: number): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (error instanceof RangeError) throw new InputError(`${this.docName(index)}: nests too deeply to read`);
      throw new InputError(`${this.docName(index)}: is not valid JSON (${(error as Error).message})`);
    }
  }

  push(chunk: Buffer): void {
    if (!this.decoder) {
      this.headBytes += chunk.length;
      if (this.headBytes < 4) {
        // Copied: more is read (maybe into the same memory) before the head is used.
        this.head.push(Buffer.from(chunk));
        return;
      }
      // The first chunk as it is (a whole small plan): no copy.
      const head = this.head.length === 0 ? chunk : Buffer.concat([...this.head, chunk]);
      this.head = [];
      // The decoder keeps the first bytes, to name an encoding: a copy of them.
      this.decoder = new Utf8Decoder(this.name, Buffer.from(head.subarray(0, 4)));
      chunk = head;
    }
    this.scan(this.decoder.push(chunk));
  }

  private scan(bytes: Buffer): void {
    const start = this.scanned;
    this.scanned += bytes.length;
    if (this.notObject) return this.keep(bytes);
    if (this.broken) return this.afterBreak(bytes);
    try {
      this.scanner.feed(bytes);
    } catch (error) {
      // A cut inside a string, then a newline: truncated if only whitespace follows (as JSON.parse's reading was).
      if (error instanceof ScanError && error.problem === 'syntax' && WHITESPACE.has(error.byte)) {
        this.broken = error;
        return this.afterBreak(bytes.subarray(error.offset - start + 1));
      }
      if (!(error instanceof ScanError) || error.problem !== 'not-object') throw this.explain(error);
      this.notObject = [];
      this.keep(bytes);
    }
  }

  private afterBreak(bytes: Buffer): void {
    for (const b of bytes) if (!WHITESPACE.has(b)) throw this.explain(this.broken);
  }

  private keep(bytes: Buffer): void {
    if (this.notObjectBytes >= MAX_NOT_OBJECT) return;
    this.notObject!.push(Buffer.from(bytes));
    this.notObjectBytes += bytes.length;
  }

  end(): LoadedPlan[] {
    if (!this.decoder) {
      const head = Buffer.concat(this.head);
      this.decoder = new Utf8Decoder(this.name, head);
      this.scan(this.decoder.push(head));
    }
    this.decoder.end();
    if (this.notObject) return [{ source: this.name, plan: this.wholeText() }];
    if (this.broken) throw new InputError(`${this.docName(this.broken.document)}: is truncated: the JSON ends before it is complete`);
    try {
      this.scanner.finish();
    } catch (error) {
      throw this.explain(error);
    }
    const several = this.plans.length > 1;
    return this.plans.map((plan, i) => ({ source: several ? `${this.name} #${i + 1}` : this.name, plan }));
  }

  /** Input that does not start with `{`: an array, a scalar, or text around the JSON, judged as a whole. */
  private wholeText(): Plan {
    const text = Buffer.concat(this.notObject!).toString('utf8');
    if (this.notObjectBytes >= MAX_NOT_OBJECT) {
      throw explainParseError(this.name, text, new Error(text.includes('"format_version"') ? 'non-whitespace character after JSON' : 'not JSON'));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      if (error instanceof RangeError) throw new InputError(`${this.name}: nests too deeply to read`);
      throw explainParseError(this.name, text, error as Error);
    }
    return planFromJson(this.name, json);
  }

  private explain(error: unknown): unknown {
    if (!(error instanceof ScanError)) return error;
    const name = this.docName(error.document);
    switch (error.problem) {
      case 'empty':
        return new InputError(`${this.name}: is empty (expected the output of \`terraform show -json\`)`);
      case 'truncated':
        return new InputError(`${name}: is truncated: the JSON ends before it is complete`);
      case 'deep':
        return new InputError(`${name}: nests too deeply to read`);
      case 'noise':
        return new InputError(
          `${this.name}: has text around the plan JSON (a wrapper such as setup-terraform's? ` +
            'use its terraform_wrapper: false, or redirect only `terraform show -json` stdout)',
        );
      default:
        return new InputError(`${name}: is not valid JSON (${error.message} at byte ${error.offset})`);
    }
  }
}

/**
 * Why `terraform show` could not read a saved plan, in Terraform's words. Terraform tries the file as a state
 * too; for a zip that half of its message (`State read error: ...`) is noise and is left out.
 */
function savedPlanReason(error: unknown): string {
  if (!(error instanceof TerraformFailure)) return (error as Error).message;
  const first = error.diagnostics.find((d) => d.severity === 'Error');
  if (!first) return error.message;
  const planParts = first.paragraphs.filter((p) => p.startsWith('Plan read error:'));
  const reason = joinParts([`Error: ${first.summary}`, ...(planParts.length > 0 ? planParts : first.paragraphs)]);
  const made = /plan file was created by Terraform (\S+), but this is/.exec(reason);
  const hint = made ? `; show it with Terraform ${made[1]} (--terraform-bin PATH)` : '';
  return `${error.command} failed: ${reason}${hint}`;
}

/** `terraform show -json` on a saved binary plan, streamed; a plan from stdin goes through a private temp file. */
async function showSavedPlan(source: string, name: string, rest: AsyncIterator<Buffer>, head: Buffer, opts: LoadOptions): Promise<LoadedPlan[]> {
  let dir: string | undefined;
  // terraform runs in opts.cwd (the root module), so a relative plan path must not be resolved from there.
  let file = resolve(source);
  const reader = new DocumentReader(name);
  try {
    if (source === '-') {
      const chunks = [head];
      for (let next = await rest.next(); !next.done; next = await rest.next()) chunks.push(next.value);
      dir = await mkdtemp(join(tmpdir(), 'tfguard-'));
      file = join(dir, 'stdin.tfplan');
      await writeFile(file, Buffer.concat(chunks), { mode: 0o600 });
    }
    await runTerraformStreaming(['show', '-json', file], { flag: opts.terraformBin, cwd: opts.cwd }, (chunk) => reader.push(chunk));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${name}: is a saved binary plan and could not be read: ${savedPlanReason(error)}`);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  return reader.end();
}

/** Every plan in one input: one for a plan file, one per document for concatenated `show -json` output. */
export async function loadPlans(source: string, opts: LoadOptions = {}): Promise<LoadedPlan[]> {
  const name = source === '-' ? '(stdin)' : source;
  const chunks = source === '-' ? streamChunks(opts.stdin ?? process.stdin) : fileChunks(source);
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    // The first 4 bytes tell a saved plan (a zip) from JSON text.
    const head: Buffer[] = [];
    let size = 0;
    while (size < 4) {
      const next = await iterator.next();
      if (next.done) break;
      // A piece too short to tell is copied: the next read may reuse its memory.
      head.push(size + next.value.length < 4 ? Buffer.from(next.value) : next.value);
      size += next.value.length;
    }
    const first = head.length === 1 ? head[0]! : Buffer.concat(head);
    if (first.subarray(0, 4).equals(ZIP_MAGIC)) return await showSavedPlan(source, name, iterator, first, opts);
    const reader = new DocumentReader(name);
    reader.push(first);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) reader.push(next.value);
    return reader.end();
  } finally {
    // A bad input stops the reading early: the file is closed all the same.
    await iterator.return?.(undefined);
  }
}

/** The one plan of an input; an input with several documents is refused (tfguard check takes them). */
export async function loadPlan(source: string, opts: LoadOptions = {}): Promise<LoadedPlan> {
  const plans = await loadPlans(source, opts);
  if (plans.length > 1) {
    const name = source === '-' ? '(stdin)' : source;
    throw new InputError(`${name}: holds ${plans.length} plans (JSON documents); give one plan here, or check them all with tfguard check`);
  }
  return plans[0]!;
}

/** Validates and normalizes parsed plan JSON, through the same builder as a streamed plan. */
export function planFromJson(source: string, json: unknown): Plan {
  checkShape(source, json);
  const builder = new PlanBuilder(source);
  try {
    walk(builder.root, json);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(`${source}: nests too deeply to read`);
    throw error;
  }
  return builder.finish();
}
