/**
 * Every Terraform root module under DIR, read with loadSources (the same parsing code as `check`), each file
 * parsed once.
 *
 * One loadSources call reads them all: a generated root in a temporary folder (`main.tf.json`) calls every
 * directory that holds Terraform files as a local module, so loadSources' per-call cache parses a module
 * shared by several roots only once. A directory that another directory calls (as loadSources resolves the
 * call) is a module, not a root: what was read under it as a root of its own is dropped, and its blocks keep
 * the addresses they have in the roots that call it (`module.db.aws_db_instance.main`).
 *
 * Only files that may hold what scan reports are parsed (src/hcl/prefilter.ts): a provisioner, a removed block,
 * a module call or a `tfguard:` comment. `allBlocks` (for `--base`, which compares every resource block's
 * prevent_destroy with the base) parses every file that has a block.
 */
import { hclFileLimit } from '../hcl/limits.js';
import { scanWords, sourceWords } from '../hcl/prefilter.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { DirectiveComment, RemovedBlock, ResourceBlock, Sources } from '../hcl/types.js';
import { isSkippedPath } from './walk.js';

/** A block, with the addresses it has in every root that reads it. */
export interface Located<B> {
  block: B;
  /** The block's address in each root (module path + type.name), de-duplicated. */
  addresses: string[];
  /** Module paths without keys, '' for a root. */
  modules: string[];
  /** Absolute file. */
  abs: string;
  /** Relative to DIR, `/`-separated (`../x` when a root calls a module outside DIR). */
  rel: string;
}

export interface TerraformTree {
  /** DIR, absolute. */
  dir: string;
  /** Root module directories, absolute. */
  roots: string[];
  /** Blocks in files of the repository (not `.terraform/modules` and other skipped folders), once per file+line. */
  blocks: Located<ResourceBlock>[];
  removed: Located<RemovedBlock>[];
  /** Module paths under which each directory (relative to DIR) is read: '' for a root. */
  modulePaths: Map<string, Set<string>>;
  /** `tfguard:` comments that stand above no block (files relative to DIR): an error where waivers are read. */
  strayDirectives: DirectiveComment[];
}

const CALL = 'tfguard_scan_root_';

export async function loadTerraform(dir: string, dirs: readonly string[], opts: { allBlocks?: boolean } = {}): Promise<TerraformTree> {
  const tree: TerraformTree = { dir, roots: [], blocks: [], removed: [], modulePaths: new Map(), strayDirectives: [] };
  if (dirs.length === 0) return tree;
  const { loadSources } = await import('../hcl/load.js');
  const tmp = await mkdtemp(path.join(tmpdir(), 'tfguard-scan-'));
  let sources: Sources;
  try {
    const module: Record<string, { source: string }> = {};
    dirs.forEach((d, i) => {
      module[`${CALL}${i}`] = { source: localSource(tmp, d) };
    });
    await writeFile(path.join(tmp, 'main.tf.json'), JSON.stringify({ module }));
    try {
      sources = await loadSources(tmp, { maxHclFileBytes: hclFileLimit(), mayMatter: opts.allBlocks ? sourceWords : scanWords });
    } catch (error) {
      if (error instanceof InputError) throw new InputError(rebase(error.message, dir, tmp));
      throw error;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  // A directory that any directory calls is a module; what was read with it as a root is dropped.
  const called = new Set<string>();
  for (const m of sources.modules) {
    const at = split(m.module);
    if (at && at.rest !== '') called.add(m.dir);
  }
  const roots = new Set<number>();
  dirs.forEach((d, i) => {
    if (!called.has(d)) roots.add(i);
  });
  tree.roots = [...roots].map((i) => dirs[i]!);

  for (const m of sources.modules) {
    const at = split(m.module);
    if (!at || !roots.has(at.root)) continue;
    const rel = relPath(dir, m.dir);
    let set = tree.modulePaths.get(rel);
    if (!set) tree.modulePaths.set(rel, (set = new Set()));
    set.add(at.rest);
  }
  tree.blocks = collect(dir, tmp, [...sources.blocks.values()], roots);
  tree.removed = collect(dir, tmp, sources.removed, roots);
  tree.strayDirectives = (sources.strayDirectives ?? [])
    .map((d) => ({ ...d, file: relPath(dir, path.resolve(tmp, d.file)) }))
    .filter((d) => !isSkippedPath(d.file));
  return tree;
}

/** `module.tfguard_scan_root_3.module.db` -> root 3, `module.db`. */
function split(address: string): { root: number; rest: string } | undefined {
  const m = new RegExp(`^module\\.${CALL}(\\d+)(?:\\.|$)`).exec(address);
  return m ? { root: Number(m[1]), rest: address.slice(m[0].length) } : undefined;
}

function collect<B extends { file: string; line: number; module: string; groupAddress: string; directives?: DirectiveComment[] }>(
  dir: string,
  tmp: string,
  blocks: B[],
  roots: Set<number>,
): Located<B>[] {
  const byPlace = new Map<string, Located<B>>();
  for (const block of blocks) {
    const address = split(block.groupAddress);
    const module = split(block.module);
    if (!address || !module || !roots.has(address.root)) continue;
    const abs = path.resolve(tmp, block.file);
    const rel = relPath(dir, abs);
    if (isSkippedPath(rel)) continue;
    const key = `${abs}\0${block.line}`;
    const seen = byPlace.get(key);
    if (seen) {
      if (!seen.addresses.includes(address.rest)) seen.addresses.push(address.rest);
      if (!seen.modules.includes(module.rest)) seen.modules.push(module.rest);
    } else {
      const directives = block.directives?.map((d) => ({ ...d, file: relPath(dir, path.resolve(tmp, d.file)) }));
      byPlace.set(key, { block: directives ? { ...block, directives } : block, addresses: [address.rest], modules: [module.rest], abs, rel });
    }
  }
  for (const b of byPlace.values()) b.addresses.sort();
  return [...byPlace.values()];
}

/** A local module source (`../..`) from the generated root to a directory. */
function localSource(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('../') ? rel : `./${rel}`;
}

/** loadSources names files outside the generated root by absolute path; scan names them relative to DIR. */
function rebase(message: string, dir: string, tmp: string): string {
  const m = /^([^\s:][^:]*?): /.exec(message);
  if (!m || !path.isAbsolute(m[1]!)) return message;
  return `${relPath(dir, path.resolve(tmp, m[1]!))}${message.slice(m[1]!.length)}`;
}

export function relPath(dir: string, abs: string): string {
  const rel = path.relative(dir, abs);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}
