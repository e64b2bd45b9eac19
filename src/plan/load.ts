/**
 * Loading a plan: a JSON file, `-` for stdin, or a saved binary plan (which `terraform show -json` turns into
 * JSON). Every way a plan can be bad ends in one InputError line naming the file and the problem.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { runTerraform, TerraformFailure } from '../terraform/binary.js';
import { joinParts } from '../terraform/diagnostics.js';
import { decodeText } from './encoding.js';
import { normalizePlan, type Plan } from './model.js';
import { PlanJson } from './schema.js';
import { checkShape, explainParseError } from './shape.js';
import { formatIssues } from '../zod-issues.js';

export interface LoadOptions {
  terraformBin?: string | undefined;
  /** Where `terraform show` runs for a saved plan: the initialized root module. */
  cwd?: string | undefined;
  stdin?: NodeJS.ReadableStream;
}

export interface LoadedPlan {
  source: string;
  plan: Plan;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

async function readSource(source: string, stdin: NodeJS.ReadableStream): Promise<Buffer> {
  if (source === '-') return readStream(stdin);
  try {
    return await readFile(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${source}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${source}: is a directory, not a plan file`);
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw new InputError(`${source}: too large to read`);
    throw new InputError(`${source}: cannot read (${(error as Error).message})`);
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

/** `terraform show -json` on a saved binary plan; a plan from stdin goes through a private temp file. */
async function showSavedPlan(source: string, bytes: Buffer, opts: LoadOptions): Promise<string> {
  let dir: string | undefined;
  // terraform runs in opts.cwd (the root module), so a relative plan path must not be resolved from there.
  let file = resolve(source);
  try {
    if (source === '-') {
      dir = await mkdtemp(join(tmpdir(), 'tfguard-'));
      file = join(dir, 'stdin.tfplan');
      await writeFile(file, bytes, { mode: 0o600 });
    }
    return await runTerraform(['show', '-json', file], { flag: opts.terraformBin, cwd: opts.cwd });
  } catch (error) {
    const name = source === '-' ? '(stdin)' : source;
    throw new InputError(`${name}: is a saved binary plan and could not be read: ${savedPlanReason(error)}`);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

function parseJson(source: string, text: string): unknown {
  if (text.trim() === '') throw new InputError(`${source}: is empty (expected the output of \`terraform show -json\`)`);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(`${source}: nests too deeply to read`);
    throw explainParseError(source, text, error as Error);
  }
}

/**
 * The plan without its top-level nulls. Terraform never writes one (it leaves an empty field out); jq writes
 * null for a key the plan lacks (`jq '{format_version, resource_changes, prior_state}'` on an empty state).
 */
function withoutNulls(json: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== null));
}

/** Validates and normalizes parsed plan JSON. */
export function planFromJson(source: string, json: unknown): Plan {
  checkShape(source, json);
  try {
    const result = PlanJson.safeParse(withoutNulls(json));
    if (!result.success) throw new InputError(`${source}: not a valid plan: ${formatIssues(result.error.issues)}`);
    return normalizePlan(result.data);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(`${source}: nests too deeply to read`);
    throw error;
  }
}

export async function loadPlan(source: string, opts: LoadOptions = {}): Promise<LoadedPlan> {
  const bytes = await readSource(source, opts.stdin ?? process.stdin);
  const name = source === '-' ? '(stdin)' : source;
  const text = bytes.subarray(0, 4).equals(ZIP_MAGIC)
    ? await showSavedPlan(source, bytes, opts)
    : decodeText(name, bytes);
  return { source: name, plan: planFromJson(name, parseJson(name, text)) };
}
