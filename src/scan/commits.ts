/**
 * `--commits BASE..TIP` and `--commits TIP`: which commits a push adds, and which files each of them changes,
 * in a few git calls whatever the number of commits: `git rev-list` (counted first, so that a huge range is
 * refused before it is listed), one `git diff-tree --stdin` for every commit's changed files (merges: the files
 * that differ from every parent, `-c`), and one `git diff-tree BASE TIP` for what the whole range changes.
 *
 * BASE..TIP is every commit reachable from TIP and not from BASE; TIP alone is every commit reachable from TIP
 * that no remote-tracking ref has (`--not --remotes`): a push to a remote that has no base to compare with.
 */
import { InputError, UsageError } from '../errors.js';
import { git as runGit, lastLine, resolveCommit } from './git.js';

const OPTION = '--commits';
const git = (dir: string, args: string[], input?: Buffer) => runGit(dir, args, OPTION, input);

export const DEFAULT_MAX_COMMITS = 1000;

export interface Commit {
  sha: string;
  short: string;
  subject: string;
}

/** A regular file a commit leaves in its tree: path relative to DIR, `/`-separated, and its blob. */
export interface FileEntry {
  rel: string;
  blob: string;
}

export interface Range {
  /** As given. */
  spec: string;
  base: string | undefined;
  tip: string;
}

/** `BASE..TIP` or `TIP`, each end a commit; nothing git could read as an option. */
export async function resolveRange(dir: string, dirArg: string, spec: string): Promise<Range> {
  const ends = spec.split('..');
  if (ends.length > 2 || ends.some((end) => end === '' || end.startsWith('.'))) {
    throw new UsageError(`${OPTION} ${JSON.stringify(spec)}: give BASE..TIP or TIP`);
  }
  const [base, tip] = await Promise.all(
    ends.length === 2 ? ends.map((end) => resolveCommit(dir, dirArg, OPTION, end)) : [undefined, resolveCommit(dir, dirArg, OPTION, ends[0]!)],
  );
  return { spec, base, tip: tip! };
}

/** The bound on the number of commits: --max-commits, else TFGUARD_MAX_COMMITS, else 1000. */
export function maxCommits(option: string | undefined, env: string | undefined = process.env.TFGUARD_MAX_COMMITS): number {
  const [value, name] = option !== undefined ? [option, '--max-commits'] : env !== undefined && env !== '' ? [env, 'TFGUARD_MAX_COMMITS'] : [undefined, ''];
  if (value === undefined) return DEFAULT_MAX_COMMITS;
  if (!/^[1-9][0-9]*$/.test(value.trim())) throw new UsageError(`${name} ${JSON.stringify(value)}: not a whole number of commits (1 or more)`);
  return Number(value.trim());
}

function revisions(range: Range): string[] {
  // Full shas (resolved above): no user text reaches git here.
  return range.base === undefined ? [range.tip, '--not', '--remotes'] : [range.tip, `^${range.base}`];
}

/** The commits of the range, parents before children; more than `max` is an error (exit 2), never a pass. */
export async function listCommits(dir: string, range: Range, max: number): Promise<Commit[]> {
  const count = await git(dir, ['rev-list', '--count', ...revisions(range)]);
  if (!count.ok) throw new InputError(`${OPTION} ${range.spec}: git rev-list failed: ${lastLine(count.stderr)}`);
  const n = Number(count.stdout.toString('utf8').trim());
  if (n > max) {
    throw new InputError(
      `${OPTION} ${range.spec}: ${n} commits to scan, more than the limit of ${max}; nothing was checked. ` +
        'Push fewer commits at a time, or raise the limit (--max-commits, or TFGUARD_MAX_COMMITS in the environment of git push)',
    );
  }
  if (n === 0) return [];
  const list = await git(dir, ['rev-list', '--topo-order', '--reverse', '--format=%H %h %s', ...revisions(range)]);
  if (!list.ok) throw new InputError(`${OPTION} ${range.spec}: git rev-list failed: ${lastLine(list.stderr)}`);
  // `commit <sha>` then the formatted line, for each commit.
  const lines = list.stdout.toString('utf8').split('\n');
  const commits: Commit[] = [];
  for (let i = 1; i < lines.length; i += 2) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) ?(.*)$/.exec(lines[i]!);
    if (m) commits.push({ sha: m[1]!, short: m[2]!, subject: m[3]! });
  }
  return commits;
}

const ZERO = /^0+$/;
const REGULAR = new Set(['100644', '100755']);

interface RawRecord {
  /** Relative to DIR. */
  rel: string;
  /** The file before (the first parent's side) and after; undefined where there is no regular file. */
  before: FileEntry | undefined;
  after: FileEntry | undefined;
}

/**
 * Raw `diff-tree -z` output: `:<modes> <shas> <status>` then the path (`::...` for a merge's combined diff,
 * one mode and sha per parent, then the merge's own), after a commit line when several commits are read.
 * Only paths under DIR (prefix: DIR from the top of the repository); symbolic links and submodules are not files.
 */
function parseRaw(out: Buffer, prefix: string, onCommit: (sha: string) => void, onRecord: (record: RawRecord) => void): void {
  const fields = out.toString('utf8').split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!.replace(/^\n/, '');
    if (field === '') continue;
    if (!field.startsWith(':')) {
      onCommit(field.trim());
      continue;
    }
    const path = fields[++i] ?? '';
    if (!path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length);
    const parents = /^:+/.exec(field)![0].length;
    const parts = field.slice(parents).split(' ');
    const side = (at: number): FileEntry | undefined => {
      const mode = parts[at];
      const blob = parts[parents + 1 + at];
      return mode !== undefined && REGULAR.has(mode) && blob !== undefined && !ZERO.test(blob) ? { rel, blob } : undefined;
    };
    onRecord({ rel, before: side(0), after: side(parents) });
  }
}

/** Each commit's changed regular files under DIR, with their blobs (a deleted file is not there to scan). */
export async function changedFiles(dir: string, prefix: string, commits: readonly Commit[]): Promise<Map<string, FileEntry[]>> {
  const bySha = new Map<string, FileEntry[]>(commits.map((c) => [c.sha, []]));
  if (commits.length === 0) return bySha;
  const input = Buffer.from(commits.map((c) => `${c.sha}\n`).join(''));
  const diff = await git(dir, ['diff-tree', '--stdin', '-r', '-c', '--root', '--no-renames', '--no-abbrev', '-z'], input);
  if (!diff.ok) throw new InputError(`git diff-tree failed: ${lastLine(diff.stderr)}`);
  let current: FileEntry[] | undefined;
  parseRaw(
    diff.stdout,
    prefix,
    (sha) => {
      current = bySha.get(sha);
    },
    ({ after }) => {
      if (after) current?.push(after);
    },
  );
  return bySha;
}

/** What the whole range changes under DIR: every path that differs, and the regular files as they are at BASE. */
export async function changedSinceBase(dir: string, prefix: string, range: Range & { base: string }): Promise<{ paths: Set<string>; atBase: FileEntry[] }> {
  const diff = await git(dir, ['diff-tree', '-r', '--no-renames', '--no-abbrev', '-z', range.base, range.tip]);
  if (!diff.ok) throw new InputError(`git diff-tree ${range.spec} failed: ${lastLine(diff.stderr)}`);
  const paths = new Set<string>();
  const atBase: FileEntry[] = [];
  parseRaw(
    diff.stdout,
    prefix,
    () => {},
    ({ rel, before }) => {
      paths.add(rel);
      if (before) atBase.push(before);
    },
  );
  return { paths, atBase };
}
