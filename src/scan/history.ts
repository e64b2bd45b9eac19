/**
 * `scan --commits`: what each commit of a range adds, read from git without checking anything out. Per commit,
 * only the files it changes that the scan reads (Terraform files, scripts and CI files: walk.ts decides) are
 * written to a temp folder, at their place under DIR, and scanned by the same code as DIR (walk,
 * loadTerraform, autoApproveFindings); every blob comes out of one `git cat-file --batch`. With a base, the
 * files the range changes are read the same way as they are at the base, to tell what the range adds from
 * what the remote already has (attribute.ts).
 *
 * A changed file is read without the unchanged files beside it: the findings of a scan are each about one
 * block or one command line, and a directory's other files are the same as in the commit before. A changed file
 * that DIR holds as it is (the same blob id: the last commits of a push, mostly) is not read again: its findings
 * are DIR's.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { autoApproveFindings } from './auto-approve.js';
import { changedFiles, changedSinceBase, listCommits, resolveRange, type Commit, type FileEntry, type Range } from './commits.js';
import { git, lastLine, readBlobs, repositoryPrefix } from './git.js';
import { loadTerraform, type TerraformTree } from './terraform.js';
import type { ScanFinding } from './types.js';
import { mayScan, walk } from './walk.js';

/**
 * Files that may run commands and are larger than this are not read (auto-approve.ts does not read them either);
 * nor is a larger file of DIR hashed to compare it with a commit's.
 */
const MAX_COMMAND_FILE = 4 * 1024 * 1024;
/** Commits scanned at once. */
const PARALLEL = 8;

/** One scanned version of some files: a commit's changed files, or the same paths at the base. */
export interface Snapshot {
  /** Paths (relative to DIR) that were read. */
  files: Set<string>;
  /** Paths (relative to DIR) the commit changed to what DIR holds: their findings are DIR's. */
  sameAsDir: Set<string>;
  tree: TerraformTree;
  autoApprove: ScanFinding[];
}

export interface History {
  range: Range;
  commits: (Commit & Snapshot)[];
  /** With a base: every path the range changes, and those files as they are at the base (undefined: unreadable). */
  base?: { paths: Set<string>; snapshot: Snapshot | undefined };
  /** Files read, over all commits. */
  files: number;
}

export async function scanCommits(dir: string, dirArg: string, spec: string, max: number): Promise<History> {
  const prefix = await repositoryPrefix(dir, dirArg, '--commits', `the commits of ${spec} cannot be read`);
  const range = await resolveRange(dir, dirArg, spec);
  const commits = await listCommits(dir, range, max);
  const [changed, sinceBase] = await Promise.all([
    changedFiles(dir, prefix, commits),
    range.base !== undefined && commits.length > 0 ? changedSinceBase(dir, prefix, { ...range, base: range.base }) : undefined,
  ]);
  const wanted = (files: FileEntry[]) => files.filter((f) => mayScan(f.rel) !== undefined);
  const perCommit = commits.map((c) => wanted(changed.get(c.sha) ?? []));
  const inDir = await blobIdsInDir(dir, perCommit.flat());
  const toRead = perCommit.map((files) => files.filter((f) => inDir.get(f.rel) !== f.blob));
  const atBase = sinceBase ? wanted(sinceBase.atBase) : [];
  const blobs = await fetchBlobs(dir, [...toRead.flat(), ...atBase]);

  const tmp = await mkdtemp(path.join(tmpdir(), 'tfguard-commits-'));
  try {
    const scanned: (Commit & Snapshot)[] = [];
    for (let i = 0; i < commits.length; i += PARALLEL) {
      const batch = commits.slice(i, i + PARALLEL).map(async (commit, j) => {
        const sameAsDir = new Set(perCommit[i + j]!.filter((f) => inDir.get(f.rel) === f.blob).map((f) => f.rel));
        try {
          return { ...commit, ...(await scanFiles(path.join(tmp, String(i + j)), toRead[i + j]!, blobs)), sameAsDir };
        } catch (error) {
          if (error instanceof InputError) throw new InputError(`in commit ${commit.short} "${commit.subject}": ${error.message}`);
          throw error;
        }
      });
      scanned.push(...(await Promise.all(batch)));
    }
    let base: History['base'];
    if (sinceBase) {
      // A base that does not parse hides nothing: what the commits add is then all reported.
      const snapshot = await scanFiles(path.join(tmp, 'base'), atBase, blobs).catch((error: unknown) => {
        if (error instanceof InputError) return undefined;
        throw error;
      });
      base = { paths: sinceBase.paths, snapshot };
    }
    return { range, commits: scanned, ...(base ? { base } : {}), files: perCommit.reduce((n, f) => n + f.length, 0) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The blob id git would give each of these files as DIR holds it (sha-1 or sha-256, as the ids given are). */
async function blobIdsInDir(dir: string, files: FileEntry[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const algorithm = files[0]?.blob.length === 64 ? 'sha256' : 'sha1';
  await Promise.all(
    [...new Set(files.map((f) => f.rel))].map(async (rel) => {
      let content: Buffer;
      try {
        if ((await stat(path.join(dir, rel))).size > MAX_COMMAND_FILE) return; // read from git instead
        content = await readFile(path.join(dir, rel));
      } catch {
        return; // not in DIR
      }
      ids.set(rel, createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex'));
    }),
  );
  return ids;
}

/** The blobs of these files, by blob id: files that may run commands only up to MAX_COMMAND_FILE bytes. */
async function fetchBlobs(dir: string, files: FileEntry[]): Promise<Map<string, Buffer>> {
  const ids = [...new Set(files.map((f) => f.blob))];
  const terraform = new Set(files.filter((f) => mayScan(f.rel) === 'terraform').map((f) => f.blob));
  const others = ids.filter((id) => !terraform.has(id));
  const small = new Set(terraform);
  if (others.length > 0) {
    const sizes = await git(dir, ['cat-file', '--batch-check'], '--commits', Buffer.from(others.map((id) => `${id}\n`).join('')));
    if (!sizes.ok) throw new InputError(`git cat-file failed: ${lastLine(sizes.stderr)}`);
    for (const line of sizes.stdout.toString('utf8').split('\n')) {
      const m = /^(\S+) blob (\d+)$/.exec(line);
      if (m && Number(m[2]) <= MAX_COMMAND_FILE) small.add(m[1]!);
    }
  }
  const read = [...small];
  const contents = await readBlobs(dir, read, '--commits');
  const out = new Map<string, Buffer>();
  read.forEach((id, i) => {
    const blob = contents[i];
    if (blob === undefined) throw new InputError(`git cannot read blob ${id}`);
    out.set(id, blob);
  });
  return out;
}

/** Writes the files under FOLDER at their place under DIR and scans them as `scan` scans DIR. */
async function scanFiles(folder: string, files: FileEntry[], blobs: Map<string, Buffer>): Promise<Snapshot> {
  const written = files.filter((f) => blobs.has(f.blob));
  if (written.length === 0) return { files: new Set(), sameAsDir: new Set(), tree: await loadTerraform(folder, []), autoApprove: [] };
  await mkdir(folder, { recursive: true });
  await Promise.all([...new Set(written.map((f) => path.posix.dirname(f.rel)))].map((d) => mkdir(path.join(folder, d), { recursive: true })));
  await Promise.all(written.map((f) => writeFile(path.join(folder, f.rel), blobs.get(f.blob)!)));
  const found = await walk(folder);
  const [tree, autoApprove] = await Promise.all([
    loadTerraform(
      folder,
      found.terraformDirs.map((d) => d.dir),
    ),
    autoApproveFindings(found.commandFiles),
  ]);
  return { files: new Set(written.map((f) => f.rel)), sameAsDir: new Set(), tree, autoApprove };
}
