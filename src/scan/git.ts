/**
 * Git for `scan --base` and `scan --commits`: one runner (no locks taken, C locale, bytes out) and one reader of
 * `git cat-file --batch`. The environment is inherited, so that the hook's GIT_DIR and GIT_WORK_TREE hold.
 */
import { InputError, UsageError } from '../errors.js';

export interface GitRun {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

/** `git -C DIR ARGS`; `what` names the option that needs git in the error when git cannot be run at all. */
export async function git(dir: string, args: string[], what: string, input?: Buffer): Promise<GitRun> {
  const { execa } = await import('execa');
  try {
    const result = await execa('git', ['-C', dir, ...args], {
      reject: false,
      encoding: 'buffer',
      stripFinalNewline: false,
      maxBuffer: 1024 * 1024 * 1024,
      ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
      env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    });
    if (result.failed && result.exitCode === undefined) {
      throw new InputError(`${what} needs git, which cannot be run: ${oneLine(String(result.shortMessage ?? result.message))}`);
    }
    return { ok: result.exitCode === 0, stdout: Buffer.from(result.stdout), stderr: Buffer.from(result.stderr).toString('utf8') };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${what} needs git, which cannot be run: ${oneLine((error as Error).message)}`);
  }
}

/**
 * The objects named by `names` (`<commit>:<path>` or blob ids), read in one `git cat-file --batch`: for each
 * name, its content when it is a blob, undefined when it is missing or not a blob.
 */
export async function readBlobs(dir: string, names: readonly string[], what: string): Promise<(Buffer | undefined)[]> {
  if (names.length === 0) return [];
  const batch = await git(dir, ['cat-file', '--batch'], what, Buffer.from(names.map((n) => `${n}\n`).join('')));
  if (!batch.ok) throw new InputError(`git cat-file failed: ${lastLine(batch.stderr)}`);
  const out: (Buffer | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < names.length; i++) {
    const eol = batch.stdout.indexOf(0x0a, at);
    if (eol < 0) throw new InputError('git cat-file --batch ended early');
    const header = batch.stdout.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^\S+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      out.push(undefined); // `<name> missing`, `<name> ambiguous`
      continue;
    }
    const size = Number(m[2]);
    out.push(m[1] === 'blob' ? batch.stdout.subarray(at, at + size) : undefined);
    at += size + 1;
  }
  return out;
}

/**
 * DIR relative to the top of its repository, `/`-terminated ('' at the top); outside a repository an error that
 * says what cannot be done (`--base main cannot be compared`).
 */
export async function repositoryPrefix(dir: string, dirArg: string, option: string, cannot: string): Promise<string> {
  const top = await git(dir, ['rev-parse', '--show-prefix'], option);
  if (!top.ok) throw new InputError(`${dirArg}: not in a git repository, so ${cannot} (${lastLine(top.stderr)})`);
  return top.stdout.toString('utf8').replace(/\r?\n$/, '');
}

/** The commit REF names (full sha), given to OPTION; never a string git could read as an option. */
export async function resolveCommit(dir: string, dirArg: string, option: string, ref: string): Promise<string> {
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`${option} ${JSON.stringify(ref)}: not a git ref`);
  const commit = await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], option);
  if (!commit.ok) throw new InputError(`${option} ${ref}: git cannot resolve it to a commit in ${dirArg}`);
  return commit.stdout.toString('utf8').trim();
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return oneLine(lines[lines.length - 1] ?? 'no output');
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
