/**
 * One walk of the tree under DIR with fs: the directories that hold Terraform files, and the files that may run
 * `terraform apply` (shell scripts, Makefiles, CI definitions, package.json, Taskfiles, justfiles).
 *
 * Skipped: `.git`, `node_modules`, `.terraform` and every other dot-directory except the CI ones (`.github`,
 * `.gitlab`, `.circleci`). Symbolic links to directories are not followed (no loops); a symlinked file counts.
 */
import type { Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isTerraformFile } from '../hcl/files.js';

/** How a file that may run commands is read: its comment syntax and where commands sit. */
export type CommandFileKind = 'shell' | 'make' | 'github-actions' | 'gitlab-ci' | 'ci' | 'package-json' | 'taskfile' | 'justfile';

export interface CommandFile {
  /** Absolute path. */
  abs: string;
  /** Relative to DIR, `/`-separated. */
  rel: string;
  kind: CommandFileKind;
}

export interface WalkResult {
  /** Absolute directories holding `.tf`, `.tf.json`, `.tofu` or `.tofu.json` files, sorted, with their file names. */
  terraformDirs: { dir: string; files: string[] }[];
  /** Number of Terraform files seen. */
  terraformFiles: number;
  commandFiles: CommandFile[];
}

const SKIP = new Set(['.git', 'node_modules', '.terraform', '.terragrunt-cache']);
const CI_DOT_DIRS = new Set(['.github', '.gitlab', '.circleci']);
const SHEBANG = /^#!.*[/\s](?:ba|z|k|da|a)?sh\b/;

/** True when a path relative to DIR runs through a skipped directory (`..` steps aside). */
export function isSkippedPath(rel: string): boolean {
  const parts = rel.split(/[\\/]/);
  parts.pop();
  return parts.some((p) => p !== '..' && p !== '.' && (SKIP.has(p) || (p.startsWith('.') && !CI_DOT_DIRS.has(p))));
}

export async function walk(root: string): Promise<WalkResult> {
  const result: WalkResult = { terraformDirs: [], terraformFiles: 0, commandFiles: [] };
  const visit = async (dir: string, rel: string, inCi: boolean): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing Terraform could read either
    }
    const tfHere: string[] = [];
    const children: Promise<void>[] = [];
    for (const entry of entries) {
      const name = entry.name;
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (entry.isDirectory()) {
        if (SKIP.has(name)) continue;
        if (name.startsWith('.') && !CI_DOT_DIRS.has(name)) continue;
        children.push(visit(abs, relPath, inCi || CI_DOT_DIRS.has(name)));
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (!inCi && isTerraformFile(name)) {
        tfHere.push(name);
        continue;
      }
      children.push(
        commandKind(abs, relPath, name, entry).then((kind) => {
          if (kind) result.commandFiles.push({ abs, rel: relPath, kind });
        }),
      );
    }
    if (tfHere.length > 0) {
      result.terraformDirs.push({ dir, files: tfHere.sort() });
      result.terraformFiles += tfHere.length;
    }
    await Promise.all(children);
  };
  await visit(root, '', false);
  result.terraformDirs.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  result.commandFiles.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}

async function commandKind(abs: string, rel: string, name: string, entry: Dirent): Promise<CommandFileKind | undefined> {
  const kind = commandKindByName(rel, name);
  if (kind !== 'shebang') return kind;
  return (await hasShellShebang(abs, entry)) ? 'shell' : undefined;
}

/** What a file's name and place say it runs; 'shebang' for a file without an extension, which its first line tells. */
function commandKindByName(rel: string, name: string): CommandFileKind | 'shebang' | undefined {
  const lower = name.toLowerCase();
  if (/\.(sh|bash|zsh|ksh)$/.test(lower)) return 'shell';
  if (lower === 'makefile' || lower === 'gnumakefile' || lower.endsWith('.mk')) return 'make';
  if (lower === 'package.json') return 'package-json';
  if (/^taskfile(\.dist)?\.ya?ml$/.test(lower)) return 'taskfile';
  if (lower === 'justfile' || lower === '.justfile' || lower.endsWith('.just')) return 'justfile';
  const yaml = /\.ya?ml$/.test(lower);
  if (yaml && /^\.github\/(workflows\/[^/]+|(.+\/)?action\.ya?ml)$/.test(rel)) return 'github-actions';
  if (yaml && (lower === '.gitlab-ci.yml' || lower.endsWith('.gitlab-ci.yml') || lower.endsWith('.gitlab-ci.yaml') || rel.startsWith('.gitlab/'))) {
    return 'gitlab-ci';
  }
  if (yaml && (rel === '.circleci/config.yml' || /^(azure-pipelines|bitbucket-pipelines|buildspec|cloudbuild|\.drone|\.woodpecker)\.ya?ml$/.test(lower))) {
    return 'ci';
  }
  return name.includes('.') ? undefined : 'shebang';
}

/**
 * Whether walk would read the file at REL (relative to DIR, `/`-separated), as Terraform or as a file that may
 * run commands (or one whose shebang decides): for reading only those files out of git.
 */
export function mayScan(rel: string): 'terraform' | 'commands' | 'shebang' | undefined {
  if (isSkippedPath(rel)) return undefined;
  const parts = rel.split('/');
  const name = parts.pop()!;
  if (isTerraformFile(name) && !parts.some((p) => CI_DOT_DIRS.has(p))) return 'terraform';
  const kind = commandKindByName(rel, name);
  return kind === undefined ? undefined : kind === 'shebang' ? 'shebang' : 'commands';
}

/** At most this many files open at once for shebang reads (a tree of thousands of extensionless files). */
const MAX_OPEN = 32;
let active = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= MAX_OPEN) await new Promise<void>((resolve) => waiting.push(resolve));
  else active++;
  try {
    return await fn();
  } finally {
    // Hand the slot to the next in line, or give it back.
    const next = waiting.shift();
    if (next) next();
    else active--;
  }
}

function hasShellShebang(abs: string, entry: Dirent): Promise<boolean> {
  return limited(() => readShebang(abs, entry));
}

async function readShebang(abs: string, entry: Dirent): Promise<boolean> {
  try {
    if (entry.isSymbolicLink() && !(await stat(abs)).isFile()) return false;
    const handle = await open(abs, 'r');
    try {
      const buf = Buffer.alloc(128);
      const { bytesRead } = await handle.read(buf, 0, 128, 0);
      return SHEBANG.test(buf.subarray(0, bytesRead).toString('latin1').split('\n')[0]!);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
