/**
 * Installing, removing and describing tfguard's git hooks. Where hooks live is git's answer
 * (`git rev-parse --git-path hooks`), so `core.hooksPath` (relative to the top of the working tree when relative)
 * and linked worktrees (which share the main repository's hooks) are respected.
 *
 * A hook file is tfguard's when it holds the marker line (script.ts). Anything else is someone else's: it is
 * never overwritten or removed, only moved aside to `<hook>.tfguard-backup` (or `.tfguard-backup.N`) with
 * `--force`, and moved back by uninstall.
 */
import { chmod, lstat, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { hookScript, isTfguardHook, recordedRunner, type HookName, type Runner } from './script.js';

export interface Repo {
  /** The top of the working tree. */
  top: string;
  /** Where git looks for hooks (absolute). */
  hooksDir: string;
  /** core.hooksPath as configured, if set. */
  hooksPath: string | undefined;
}

async function git(dir: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const { execa } = await import('execa');
  const result = await execa('git', ['-C', dir, ...args], { reject: false, stdin: 'ignore', env: { LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' } });
  if (result.failed && result.exitCode === undefined) {
    throw new InputError(`git cannot be run: ${String(result.shortMessage ?? result.message).split('\n')[0]}`);
  }
  return { ok: result.exitCode === 0, stdout: String(result.stdout).trim(), stderr: String(result.stderr).trim() };
}

/** The repository holding DIR, and its hooks folder. */
export async function findRepo(dirArg: string): Promise<Repo> {
  const dir = path.resolve(dirArg);
  try {
    if (!(await stat(dir)).isDirectory()) throw new InputError(`${dirArg}: not a directory`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${dirArg}: no such directory`);
  }
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  if (!top.ok || top.stdout === '') {
    const inside = await git(dir, ['rev-parse', '--git-dir']);
    if (inside.ok) throw new InputError(`${dirArg}: a bare repository has no working tree to check, so no hook is installed there`);
    throw new InputError(`${dirArg}: not in a git repository (${top.stderr.split('\n').at(-1) || 'git rev-parse failed'})`);
  }
  // Asked from the top: a relative core.hooksPath is relative to where git runs hooks, the top of the working tree.
  const hooks = await git(top.stdout, ['rev-parse', '--git-path', 'hooks']);
  if (!hooks.ok || hooks.stdout === '') throw new InputError(`${dirArg}: git cannot tell where its hooks are (${hooks.stderr || 'no output'})`);
  const configured = await git(top.stdout, ['config', '--get', 'core.hooksPath']);
  return {
    top: top.stdout,
    hooksDir: path.resolve(top.stdout, hooks.stdout),
    hooksPath: configured.ok && configured.stdout !== '' ? configured.stdout : undefined,
  };
}

/** A path as a person would type it from the top of the repository. */
export function shown(repo: Repo, file: string): string {
  const rel = path.relative(repo.top, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** The hook file's text, or undefined when there is none (a dangling symlink reads as a foreign hook). */
async function readHook(file: string): Promise<string | undefined> {
  if (!(await exists(file))) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return ''; // a symlink to nothing: someone's, not tfguard's
    throw new InputError(`${file}: cannot read it (${(error as Error).message})`);
  }
}

const BACKUP = '.tfguard-backup';

/** Backups of HOOK in the hooks folder, oldest first: `<hook>.tfguard-backup`, then `.1`, `.2`, ... */
export async function backups(hooksDir: string, hook: HookName): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(hooksDir);
  } catch {
    return [];
  }
  const prefix = `${hook}${BACKUP}`;
  const numbered = (name: string): number => (name === prefix ? 0 : Number(name.slice(prefix.length + 1)));
  return names
    .filter((n) => n === prefix || new RegExp(`^${prefix.replaceAll('.', '\\.')}\\.[1-9][0-9]*$`).test(n))
    .sort((a, b) => numbered(a) - numbered(b))
    .map((n) => path.join(hooksDir, n));
}

async function nextBackup(hooksDir: string, hook: HookName): Promise<string> {
  const first = path.join(hooksDir, `${hook}${BACKUP}`);
  if (!(await exists(first))) return first;
  for (let n = 1; ; n++) {
    const candidate = `${first}.${n}`;
    if (!(await exists(candidate))) return candidate;
  }
}

export interface InstallResult {
  repo: Repo;
  file: string;
  /** What was there before: nothing, tfguard's own hook (replaced), or another hook (moved to `backup`). */
  before: 'none' | 'tfguard' | 'foreign';
  backup?: string;
}

/** Thrown when a hook that is not tfguard's is in the way; the command turns it into exit 2. */
export class ForeignHookError extends InputError {
  override name = 'ForeignHookError';
}

export async function installHook(opts: { dir: string; hook: HookName; force: boolean; runner: Runner }): Promise<InstallResult> {
  const repo = await findRepo(opts.dir);
  const file = path.join(repo.hooksDir, opts.hook);
  const current = await readHook(file);
  let before: InstallResult['before'] = 'none';
  let backup: string | undefined;
  if (current !== undefined) {
    if (isTfguardHook(current)) {
      before = 'tfguard';
    } else if (!opts.force) {
      throw new ForeignHookError(
        `${shown(repo, file)} already exists and is not tfguard's; nothing was changed (--force moves it to ${opts.hook}${BACKUP} first)`,
      );
    } else {
      before = 'foreign';
      backup = await nextBackup(repo.hooksDir, opts.hook);
      await rename(file, backup);
    }
  }
  await mkdir(repo.hooksDir, { recursive: true });
  // Written beside the hook and renamed over it: git never runs half a script.
  const temp = path.join(repo.hooksDir, `.${opts.hook}.tfguard-${process.pid}.tmp`);
  try {
    await writeFile(temp, hookScript(opts.hook, opts.runner), { mode: 0o755 });
    await chmod(temp, 0o755); // whatever the umask
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    if (backup) await rename(backup, file).catch(() => {});
    throw new InputError(`${shown(repo, file)}: cannot write the hook (${(error as Error).message})`);
  }
  return { repo, file, before, ...(backup ? { backup } : {}) };
}

export interface UninstallResult {
  repo: Repo;
  file: string;
  removed: boolean;
  /** The backup moved back into place, if any. */
  restored?: string;
}

export async function uninstallHook(opts: { dir: string; hook: HookName }): Promise<UninstallResult> {
  const repo = await findRepo(opts.dir);
  const file = path.join(repo.hooksDir, opts.hook);
  const current = await readHook(file);
  if (current === undefined) return { repo, file, removed: false };
  if (!isTfguardHook(current)) {
    throw new ForeignHookError(`${shown(repo, file)} is not tfguard's hook (no tfguard marker line); nothing was removed`);
  }
  await unlink(file);
  const newest = (await backups(repo.hooksDir, opts.hook)).at(-1);
  if (newest) {
    await rename(newest, file);
    return { repo, file, removed: true, restored: newest };
  }
  return { repo, file, removed: true };
}

export interface HookState {
  hook: HookName;
  file: string;
  state: 'none' | 'tfguard' | 'foreign';
  /** For tfguard's hook: how it runs tfguard, and whether that launcher is still there. */
  runner?: Runner & { present: boolean };
  executable: boolean;
  backups: string[];
}

export async function hookStates(dir: string, hooks: readonly HookName[]): Promise<{ repo: Repo; hooks: HookState[] }> {
  const repo = await findRepo(dir);
  const states: HookState[] = [];
  for (const hook of hooks) {
    const file = path.join(repo.hooksDir, hook);
    const text = await readHook(file);
    const kept = await backups(repo.hooksDir, hook);
    if (text === undefined) {
      states.push({ hook, file, state: 'none', executable: false, backups: kept });
      continue;
    }
    let executable = false;
    try {
      executable = ((await stat(file)).mode & 0o111) !== 0;
    } catch {
      // dangling symlink
    }
    if (!isTfguardHook(text)) {
      states.push({ hook, file, state: 'foreign', executable, backups: kept });
      continue;
    }
    const runner = recordedRunner(text);
    states.push({
      hook,
      file,
      state: 'tfguard',
      executable,
      backups: kept,
      ...(runner ? { runner: { ...runner, present: await exists(runner.cli) } } : {}),
    });
  }
  return { repo, hooks: states };
}
