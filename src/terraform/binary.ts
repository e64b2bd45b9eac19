/**
 * The terraform (or tofu) binary. Which one: `--terraform-bin`, else `TFGUARD_TERRAFORM_BIN`, else `terraform`,
 * else `tofu`. execa is loaded only when a command runs one (it is a quarter of tfguard's start-up); `terraform
 * show -json` streams its output to the plan reader through node's own child_process, never as one string.
 */
import { spawn } from 'node:child_process';
import type { ExecaError } from 'execa';
import { TerraformError } from '../errors.js';
import { errorLine, lastLine, parseDiagnostics, type Diagnostic } from './diagnostics.js';

export interface BinaryChoice {
  /** The flag's value, if any. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export function candidates({ flag, env = process.env }: BinaryChoice): string[] {
  if (flag) return [flag];
  if (env.TFGUARD_TERRAFORM_BIN) return [env.TFGUARD_TERRAFORM_BIN];
  return ['terraform', 'tofu'];
}

/** The binary failed; `diagnostics` are Terraform's own, for callers that pick the part that matters to them. */
export class TerraformFailure extends TerraformError {
  override name = 'TerraformFailure';
  constructor(
    /** What ran: `terraform show -json FILE`. */
    readonly command: string,
    readonly diagnostics: Diagnostic[],
    detail: string,
  ) {
    super(`${command} failed: ${detail}`);
  }
}

function isMissing(error: unknown): boolean {
  return (error as ExecaError | undefined)?.code === 'ENOENT';
}

/** The first candidate binary that runs, with its version (`<bin> version -json`). */
export async function resolveTerraform(opts: BinaryChoice & { cwd?: string }): Promise<{ bin: string; version: string | null }> {
  const bins = candidates(opts);
  const { execa } = await import('execa');
  for (const bin of bins) {
    try {
      const result = await execa(bin, ['version', '-json'], { cwd: opts.cwd, stdin: 'ignore', reject: false, env: { CHECKPOINT_DISABLE: '1' } });
      if (result.failed && isMissing(result)) continue;
      let version: string | null = null;
      try {
        version = (JSON.parse(String(result.stdout)) as { terraform_version?: string }).terraform_version ?? null;
      } catch {
        version = null;
      }
      return { bin, version };
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
  }
  throw new TerraformError(`no ${bins.join(' or ')} binary found (set --terraform-bin or TFGUARD_TERRAFORM_BIN)`);
}

const MAX_STDERR = 1 << 20;

/** Runs one binary, handing its stdout to `onStdout` chunk by chunk; 'missing' when it does not exist. */
function spawnStreaming(bin: string, args: string[], cwd: string | undefined, onStdout: (chunk: Buffer) => void): Promise<'missing' | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let readerError: unknown;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (readerError !== undefined) return;
      try {
        onStdout(chunk);
      } catch (error) {
        readerError = error;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error));
    child.on('close', (code, signal) => {
      if (spawnError?.code === 'ENOENT') return resolve('missing');
      const command = `${bin} ${args.join(' ')}`;
      if (spawnError) return reject(new TerraformFailure(command, [], spawnError.message));
      if (readerError !== undefined && (code === 0 || signal !== null)) return reject(readerError);
      if (code !== 0) {
        const diagnostics = parseDiagnostics(stderr);
        const detail = errorLine(diagnostics) ?? lastLine(stderr) ?? `Command failed with exit code ${code}: ${command}`;
        return reject(new TerraformFailure(command, diagnostics, detail));
      }
      resolve(undefined);
    });
  });
}

/** `<bin> args...` with the first binary that exists, its stdout streamed to `onStdout` (never one string). */
export async function runTerraformStreaming(
  args: string[],
  opts: BinaryChoice & { cwd?: string | undefined },
  onStdout: (chunk: Buffer) => void,
): Promise<void> {
  const bins = candidates(opts);
  for (const bin of bins) {
    if ((await spawnStreaming(bin, args, opts.cwd, onStdout)) !== 'missing') return;
  }
  throw new TerraformError(`no ${bins.join(' or ')} binary found (set --terraform-bin or TFGUARD_TERRAFORM_BIN)`);
}
