/**
 * The audit log: one JSON line per `tfguard apply` (and, when it runs them, one per runbook command and per stage
 * of a staged rollout), appended (never truncated) to `.tfguard/audit.jsonl` in the
 * root module or the configured path. It is opened before anything is applied: a log that cannot be written
 * refuses the apply. No sensitive values: findings keep rule, severity and addresses, not messages, and once the
 * plan is read every record is redacted the way the reports are (an instance key can be a secret).
 */
import { closeSync, writeSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Summary } from '../engine/summary.js';
import { InputError } from '../errors.js';
import { redactRendered } from '../redact/redact.js';

export const DEFAULT_AUDIT_LOG = join('.tfguard', 'audit.jsonl');

/**
 * `interrupted`: a signal stopped tfguard before `terraform apply` started, so nothing (more) was applied. `ran`:
 * a runbook command that succeeded (one that failed is `failed`, one stopped by a signal `interrupted`).
 */
export type AuditDecision = 'refused' | 'declined' | 'interrupted' | 'applied' | 'failed' | 'ran';

export interface AuditRecord {
  time: string;
  user: string;
  host: string;
  cwd: string;
  dir: string;
  terraform: { bin: string | null; version: string | null };
  args: string[];
  plan: { file: string | null; sha256: string | null; format_version: string | null };
  summary: Summary | null;
  findings: { rule: string; severity: string; addresses: string[] }[];
  waived: { rule: string; addresses: string[]; address: string; reason: string; expires: string }[];
  overrides: { rule: string; address: string | null; reason: string; addresses: string[] }[];
  expect: string[];
  decision: AuditDecision;
  why: string;
  terraform_exit_code: number | null;
  /** Shared by every line of one run (`{run_id}` of the runbook; kept by `--resume`). */
  run_id?: string;
  /** A staged rollout (its summary line): stages planned, applied, batch size. */
  rollout?: { stages: number; applied: number; batch: number; resumed: boolean };
  /** One stage of a staged rollout. */
  stage?: { index: number; of: number; group: string | null; targets: string[] };
  /** A runbook command: its phase, name, the command as run, and how it ended. */
  command?: { phase: string; name: string; run: string; address: string | null; exit_code: number | null; timed_out: boolean; seconds: number };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export function auditIdentity(): Pick<AuditRecord, 'time' | 'user' | 'host' | 'cwd'> {
  return { time: new Date().toISOString(), user: currentUser(), host: hostname(), cwd: process.cwd() };
}

export function auditPath(dir: string, configured?: string): string {
  return resolve(dir, configured ?? DEFAULT_AUDIT_LOG);
}

/**
 * `mkdir -p`, one level at a time. Not `mkdir(..., { recursive: true })`: Node's spins forever at 100% CPU where
 * mkdir reports ENOENT under a parent that exists (a path under /proc, a dangling symlink), and the apply hangs.
 */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    await makeDirs(dirname(dir));
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

export class AuditLog {
  private secrets: ReadonlySet<string> = new Set();

  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
  ) {}

  /** Opens the log for appending, creating its folder; any failure is an InputError (the apply is refused). */
  static async open(path: string): Promise<AuditLog> {
    try {
      await makeDirs(dirname(path));
      return new AuditLog(path, await open(path, 'a', 0o600));
    } catch (error) {
      throw new InputError(`${path}: cannot write the audit log, so nothing is applied (${(error as Error).message})`);
    }
  }

  /** From now on, every record is written with these secrets redacted (the reviewed plan's, as in its reports). */
  redacting(secrets: ReadonlySet<string>): void {
    this.secrets = secrets;
  }

  private line(record: AuditRecord): string {
    return `${redactRendered(record, this.secrets, (r) => JSON.stringify(r))}\n`;
  }

  /** Appends one line; the log stays open for the next one (close() when done). */
  async append(record: AuditRecord): Promise<void> {
    if (!this.handle) throw new Error('audit log already closed');
    await this.handle.appendFile(this.line(record));
  }

  /** For a signal handler that must record and exit at once. */
  appendSync(record: AuditRecord): void {
    const handle = this.handle;
    if (!handle) return;
    this.handle = undefined;
    writeSync(handle.fd, this.line(record));
    closeSync(handle.fd);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
