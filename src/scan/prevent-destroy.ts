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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { Sources } from '../hcl/types.js';
import type { TerraformTree } from './terraform.js';
import type { ScanFinding } from './types.js';
import { isSkippedPath } from './walk.js';

const TERRAFORM_FILE = /\.(tf|tofu)(\.json)?$/;

export interface GitBase {
  ref: string;
  commit: string;
  /** DIR relative to the repository's top, `/`-terminated ('' at the top). */
  prefix: string;
}

async function git(dir: string, args: string[], input?: Buffer): Promise<{ ok: boolean; stdout: Buffer; stderr: string }> {
  const { execa } = await import('execa');
  try {
    const result = await execa('git', ['-C', dir, ...args], {
      reject: false,
      encoding: 'buffer',
      stripFinalNewline: false,
      ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
      env: { GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    });
    if (result.failed && result.exitCode === undefined) {
      throw new InputError(`--base needs git, which cannot be run: ${oneLine(String(result.shortMessage ?? result.message))}`);
    }
    return { ok: result.exitCode === 0, stdout: Buffer.from(result.stdout), stderr: Buffer.from(result.stderr).toString('utf8') };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--base needs git, which cannot be run: ${oneLine((error as Error).message)}`);
  }
}

/** Checks that DIR is in a git repository and that REF names a commit; exit 2 otherwise. */
export async function resolveBase(dir: string, dirArg: string, ref: string): Promise<GitBase> {
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`--base ${JSON.stringify(ref)}: not a git ref`);
  const top = await git(dir, ['rev-parse', '--show-prefix']);
  if (!top.ok) {
    throw new InputError(`${dirArg}: not in a git repository, so --base ${ref} cannot be compared (${lastLine(top.stderr)})`);
  }
  const prefix = top.stdout.toString('utf8').replace(/\r?\n$/, '');
  const commit = await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!commit.ok) throw new InputError(`--base ${ref}: git cannot resolve it to a commit in ${dirArg}`);
  return { ref, commit: commit.stdout.toString('utf8').trim(), prefix };
}

/** Terraform files under DIR that were deleted or changed since REF, with their text at REF. */
async function changedAtBase(dir: string, base: GitBase): Promise<{ rel: string; text: string }[]> {
  const diff = await git(dir, ['diff', '--name-only', '-z', '--no-renames', '--relative', '--diff-filter=DMT', base.commit, '--', '.']);
  if (!diff.ok) throw new InputError(`git diff ${base.ref} failed: ${lastLine(diff.stderr)}`);
  const rels = diff.stdout
    .toString('utf8')
    .split('\0')
    .filter((rel) => rel !== '' && TERRAFORM_FILE.test(rel) && !path.posix.basename(rel).startsWith('.') && !isSkippedPath(rel));
  if (rels.length === 0) return [];
  const input = Buffer.from(rels.map((rel) => `${base.commit}:${base.prefix}${rel}\n`).join(''));
  const batch = await git(dir, ['cat-file', '--batch'], input);
  if (!batch.ok) throw new InputError(`git cat-file at ${base.ref} failed: ${lastLine(batch.stderr)}`);
  const out: { rel: string; text: string }[] = [];
  let at = 0;
  for (const rel of rels) {
    const eol = batch.stdout.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = batch.stdout.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^\S+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // `missing`: not a file at REF
    const size = Number(m[2]);
    if (m[1] === 'blob') out.push({ rel, text: batch.stdout.subarray(at, at + size).toString('utf8') });
    at += size + 1;
  }
  return out;
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
          sources = await loadSources(folder);
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
    tree.removed
      .filter(({ block }) => !block.destroy)
      .map(({ block, rel }) => `${path.posix.dirname(rel)}\0${block.from.replace(/\[[^\]]*\]$/, '')}`),
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

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return oneLine(lines[lines.length - 1] ?? 'no output');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

