/**
 * How large a `.tf` / `.tofu` file tfguard gives the HCL parser. The parser (Go in WebAssembly) needs about
 * 250 MB and 4 s per MiB of HCL here (1 MiB: 7 s, 340 MB; 4 MiB: 17 s, 1 GB; 10 MiB: 31 s, 2.2 GB) and runs out
 * of memory on 50 MB. Default 4 MiB; raise it with `"limits": { "tf_file_mb": N }` in `.tfguard.json` (check,
 * apply) or `TFGUARD_MAX_TF_FILE_MB=N` (every command, scan and the git hooks included; it wins over the
 * config). `.tf.json` files are read with JSON.parse and are not limited by it.
 */
import { UsageError } from '../errors.js';

export const DEFAULT_HCL_FILE_MB = 4;
export const DEFAULT_HCL_FILE_BYTES = DEFAULT_HCL_FILE_MB * 1024 * 1024;
export const HCL_LIMIT_ENV = 'TFGUARD_MAX_TF_FILE_MB';

function mb(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
}

export function tooLarge(size: number, limit: number): string {
  return (
    `${mb(size)}, larger than the ${mb(limit)} limit for a Terraform file the HCL parser reads ` +
    `(it needs about 250 MB of memory per MiB); raise it with ${HCL_LIMIT_ENV}=N or "limits": { "tf_file_mb": N } in .tfguard.json`
  );
}

/** The limit in bytes: the environment variable, else the config's `limits.tf_file_mb`, else the default. */
export function hclFileLimit(configMb?: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[HCL_LIMIT_ENV];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${HCL_LIMIT_ENV}=${raw}: give a number of MiB greater than 0`);
    return Math.floor(n * 1024 * 1024);
  }
  return Math.floor((configMb ?? DEFAULT_HCL_FILE_MB) * 1024 * 1024);
}
