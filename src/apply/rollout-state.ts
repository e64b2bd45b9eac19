/**
 * What `tfguard apply --resume` needs to know of a staged rollout that stopped: `.tfguard/rollout.json` in the
 * root module. It holds no secret (addresses are redacted as in the audit log, -var values are never kept):
 * the run id, the batch size, how many stages were applied, why it stopped, and the members whose health checks
 * have not passed yet (the last stage applied, or being applied when tfguard was stopped). It is written before
 * each stage is applied and removed when the rollout completes, or when it stops having applied nothing.
 * While it exists every other `tfguard apply` is refused: a rollout is finished (or the file removed) first.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { redactDeep } from '../redact/redact.js';
import { makeDirs } from './audit.js';

export const ROLLOUT_FILE = join('.tfguard', 'rollout.json');

const StateSchema = z.object({
  version: z.literal(1),
  run_id: z.string().regex(/^[\w-]+$/),
  started: z.string(),
  updated: z.string(),
  batch: z.number().int().min(1),
  applied: z.number().int().min(0),
  pending_health: z.array(z.string()),
  stopped: z.string().nullable(),
});

export type RolloutState = z.infer<typeof StateSchema>;

export function rolloutPath(dir: string): string {
  return join(dir, ROLLOUT_FILE);
}

/** The stopped rollout of this root module, if any; a damaged file is an error (nothing is applied). */
export function readRollout(dir: string): RolloutState | undefined {
  const path = rolloutPath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`${path}: cannot read the stopped rollout (${(error as Error).message})`);
  }
  try {
    return StateSchema.parse(JSON.parse(text));
  } catch {
    throw new InputError(`${path}: not a rollout tfguard wrote; remove it to start over (nothing was applied)`);
  }
}

/** Writes the state (redacted), atomically: a crash leaves the old file or the new one, never half of one. */
export async function writeRollout(dir: string, state: RolloutState, secrets: ReadonlySet<string>): Promise<void> {
  const path = rolloutPath(dir);
  try {
    await makeDirs(join(dir, '.tfguard'));
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(redactDeep({ ...state, updated: new Date().toISOString() }, secrets), null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (error) {
    throw new InputError(`${path}: cannot record the rollout, so nothing more is applied (${(error as Error).message})`);
  }
}

export function removeRollout(dir: string): void {
  rmSync(rolloutPath(dir), { force: true });
}

/** A run id: `20250107-021300-3fa1` (UTC time and 4 random hex digits); fits a Proxmox snapshot name. */
export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(2).toString('hex')}`;
}
