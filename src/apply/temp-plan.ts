/**
 * The private temp folder that holds the reviewed plan: `tfguard-plan-<pid>-XXXXXX` in the temp dir, removed
 * on every way out. A folder can still be left behind (tfguard killed with SIGKILL, the machine lost power),
 * and a plan holds secrets: each start removes the folders of processes that are gone.
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'tfguard-plan-';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PlanDir {
  path: string;
  /** Removes the folder now (and no longer at exit). */
  remove: () => void;
}

/** A new private folder named for this process, removed at exit too — Ctrl-C and crashes included. */
export async function makePlanDir(dir = tmpdir()): Promise<PlanDir> {
  const path = await mkdtemp(join(dir, `${PREFIX}${process.pid}-`));
  const remove = () => rmSync(path, { recursive: true, force: true });
  process.once('exit', remove);
  return {
    path,
    remove: () => {
      process.off('exit', remove);
      remove();
    },
  };
}

/** The pid in `tfguard-plan-<pid>-XXXXXX`; undefined for the names made before the pid was in them. */
function ownerPid(name: string): number | undefined {
  const m = /^(\d+)-[^-]+$/.exec(name.slice(PREFIX.length));
  const pid = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process runs: only "no such process" (ESRCH) says it does not; EPERM is someone else's. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the `tfguard-plan-*` folders in `dir` that are older than a day, owned by this user, and belong to no
 * running process (pid not running, or no pid in the name). Symlinks are never followed; a folder whose pid runs
 * is always kept (even if that pid now belongs to another program). Errors are ignored: cleaning up never stands
 * in the way of an apply. Returns the names removed.
 */
export function removeStalePlanDirs(dir = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      if (now - stat.mtimeMs < DAY_MS) continue;
      const pid = ownerPid(name);
      if (pid !== undefined && isRunning(pid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // gone meanwhile, not ours to remove, ...: leave it
    }
  }
  return removed;
}
