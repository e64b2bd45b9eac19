/**
 * `--base REF`: resource blocks that had `lifecycle { prevent_destroy = true }` at REF and no longer have it
 * in the working tree, in the same directory (a block may move between files of a module), or that were
 * deleted together with it. A block deleted with a `removed { lifecycle { destroy = false } }` in its place is
 * forgotten, not destroyed, and is not reported.
 *
 * Only the Terraform files that differ from REF (`git diff --name-only REF`) are read at REF: an unchanged file
 * has the same blocks. They come out of git in one `git cat-file --batch` and are read by the same code as
 * the working tree (loadSources), from a temporary folder per directory.
 */
import { hclFileLimit } from '../hcl/limits.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { isTerraformFile } from '../hcl/files.js';
import type { Sources } from '../hcl/types.js';
import type { TerraformTree } from './terraform.js';
import type { ScanFinding } from './types.js';
import { git as runGit, lastLine, readBlobs, repositoryPrefix, resolveCommit } from './git.js';
import { isSkippedPath } from './walk.js';

export interface GitBase {
  ref: string;
  commit: string;
  /** DIR relative to the repository's top, `/`-terminated ('' at the top). */
  prefix: string;
}

const git = (dir: string, args: string[], input?: Buffer) => runGit(dir, args, '--base', input);

/** Checks that DIR is in a git repository and that REF names a commit; exit 2 otherwise. */
export async function resolveBase(dir: string, dirArg: string, ref: string): Promise<GitBase> {
  const prefix = await repositoryPrefix(dir, dirArg, '--base', `--base ${ref} cannot be compared`);
  return { ref, commit: await resolveCommit(dir, dirArg, '--base', ref), prefix };
}

/** Terraform files under DIR that were deleted or changed since REF, with their text at REF. */
async function changedAtBase(dir: string, base: GitBase): Promise<{ rel: string; text: string }[]> {
  const diff = await git(dir, ['diff', '--name-only', '-z', '--no-renames', '--relative', '--diff-filter=DMT', base.commit, '--', '.']);
  if (!diff.ok) throw new InputError(`git diff ${base.ref} failed: ${lastLine(diff.stderr)}`);
  const rels = diff.stdout
    .toString('utf8')
    .split('\0')
    .filter((rel) => rel !== '' && isTerraformFile(path.posix.basename(rel)) && !isSkippedPath(rel));
  if (rels.length === 0) return [];
  const blobs = await readBlobs(
    dir,
    rels.map((rel) => `${base.commit}:${base.prefix}${rel}`),
    '--base',
  );
  return rels.flatMap((rel, i) => {
    const blob = blobs[i];
    return blob === undefined ? [] : [{ rel, text: blob.toString('utf8') }]; // missing: not a file at REF
  });
}

export interface BaseBlock {
  local: string;
  relDir: string;
  file: string;
  line: number;
}

/** What had prevent_destroy at REF, read per directory; a directory whose files do not parse at REF warns. */
async function protectedAtBase(files: { rel: string; text: string }[], ref: string): Promise<{ blocks: BaseBlock[]; unreadable: ScanFinding[] }> {
  const byDir = new Map<string, { rel: string; text: string }[]>();
  for (const f of files) {
    const relDir = path.posix.dirname(f.rel);
    byDir.set(relDir, [...(byDir.get(relDir) ?? []), f]);
  }
  const { loadSources } = await import('../hcl/load.js');
  const tmp = await mkdtemp(path.join(tmpdir(), 'tfguard-base-'));
  try {
    const results = await Promise.all(
      [...byDir].map(async ([relDir, group], i) => {
        const folder = path.join(tmp, `d${i}`);
        await mkdir(folder);
        await Promise.all(group.map((f) => writeFile(path.join(folder, path.posix.basename(f.rel)), f.text)));
        let sources: Sources;
        try {
          sources = await loadSources(folder, { maxHclFileBytes: hclFileLimit() });
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          const first = group[0]!.rel;
          const finding: ScanFinding = {
            rule: 'prevent-destroy-removed',
            severity: 'warn',
            message: `At ${ref}, ${relDir === '.' ? '' : `${relDir}/`}${error.message}: a prevent_destroy removed there cannot be verified`,
            file: first,
            line: 1,
          };
          return { blocks: [] as BaseBlock[], unreadable: [finding] };
        }
        const blocks: BaseBlock[] = [];
        for (const b of sources.blocks.values()) {
          if (b.module !== '' || b.mode !== 'managed' || !b.lifecycle.preventDestroy) continue;
          const file = relDir === '.' ? b.file : `${relDir}/${b.file}`;
          blocks.push({ local: `${b.type}.${b.name}`, relDir, file, line: b.line });
        }
        return { blocks, unreadable: [] as ScanFinding[] };
      }),
    );
    return { blocks: results.flatMap((r) => r.blocks), unreadable: results.flatMap((r) => r.unreadable) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export interface BaseProtected {
  ref: string;
  /** Terraform files that differ from REF and were read at REF. */
  files: number;
  blocks: BaseBlock[];
  unreadable: ScanFinding[];
}

/** What had prevent_destroy at REF in the files changed since; independent of the working tree's parse. */
export async function protectedAtBaseOf(dir: string, base: GitBase): Promise<BaseProtected> {
  const changed = await changedAtBase(dir, base);
  if (changed.length === 0) return { ref: base.ref, files: 0, blocks: [], unreadable: [] };
  const { blocks, unreadable } = await protectedAtBase(changed, base.ref);
  return { ref: base.ref, files: changed.length, blocks, unreadable };
}

export function preventDestroyFindings(tree: TerraformTree, base: BaseProtected): ScanFinding[] {
  const { blocks, unreadable } = base;
  // The working tree, per directory: each block's prevent_destroy, location and addresses; forgotten blocks.
  const now = new Map<string, { preventDestroy: boolean; file: string; line: number; addresses: Set<string> }>();
  for (const { block, rel, addresses } of tree.blocks) {
    if (block.mode !== 'managed') continue;
    const key = `${path.posix.dirname(rel)}\0${block.type}.${block.name}`;
    const seen = now.get(key);
    if (seen) {
      seen.preventDestroy ||= block.lifecycle.preventDestroy;
      for (const a of addresses) seen.addresses.add(a);
    } else {
      now.set(key, { preventDestroy: block.lifecycle.preventDestroy, file: rel, line: block.line, addresses: new Set(addresses) });
    }
  }
  const forgotten = new Set(
    tree.removed.filter(({ block }) => !block.destroy).map(({ block, rel }) => `${path.posix.dirname(rel)}\0${block.from.replace(/\[[^\]]*\]$/, '')}`),
  );
  const modules = tree.modulePaths;

  const findings: ScanFinding[] = [...unreadable];
  for (const b of blocks) {
    const key = `${b.relDir}\0${b.local}`;
    const current = now.get(key);
    if (current?.preventDestroy) continue;
    if (current) {
      findings.push({
        rule: 'prevent-destroy-removed',
        severity: 'block',
        message:
          `${b.local} no longer has lifecycle { prevent_destroy = true } (it had at ${base.ref}, ${b.file}:${b.line}): ` +
          'Terraform will now destroy or replace it without refusing. Put it back, or remove it in a change of its own that a person reviews.',
        file: current.file,
        line: current.line,
        addresses: [...current.addresses].sort(),
      });
      continue;
    }
    if (forgotten.has(key)) continue;
    const paths = [...(modules.get(b.relDir) ?? new Set(['']))].sort();
    findings.push({
      rule: 'prevent-destroy-removed',
      severity: 'block',
      message:
        `${b.local}, protected by prevent_destroy = true at ${base.ref}, was deleted together with its protection: ` +
        'the next apply destroys it. Use a removed block with lifecycle { destroy = false } to stop managing it without destroying it.',
      file: b.file,
      line: b.line,
      addresses: paths.map((m) => (m ? `${m}.${b.local}` : b.local)),
    });
  }
  return findings;
}
