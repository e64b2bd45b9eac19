/**
 * Reading the `.tf` sources of a root module and of every module it calls, into plain data (types.ts).
 *
 * The HCL parser runs in a worker thread (parser.ts), started on the first `.tf` file to parse: its
 * WebAssembly start-up (~100 ms) is paid only by commands that read sources. No other file in src/ may use it.
 * A `.tf` file larger than the limit (limits.ts) is refused before it is read.
 *
 * A parse is cached by the file's content hash (cache.ts): a file parsed before, unchanged, is not parsed again.
 * A file whose text holds none of the words of the blocks read here, and that looks well formed, is not parsed
 * at all (prefilter.ts): variables, outputs, providers and locals cost a read and a text test.
 *
 * hcl2json gives no positions, so lines are found by searching the file text for the block headers
 * (`resource "TYPE" "NAME" {`, `removed {`, `provisioner "local-exec" {`).
 */
import type { Dirent } from 'node:fs';
import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { isDirectory } from '../is-directory.js';
import { collectBlocks } from './blocks.js';
import { cachedParse, storeParse } from './cache.js';
import { isTerraformFile } from './files.js';
import { displayPath, errorMessage, escapeRegExp, isObject, labelledBlocks, oneLine, stripBom } from './json-values.js';
import type { ParsedFile } from './lines.js';
import { DEFAULT_HCL_FILE_BYTES, tooLarge } from './limits.js';
import { ParserFailure, workerParser, type ParseFn } from './parser.js';
import { looksSound, sourceWords, type MayMatter } from './prefilter.js';
import type { ModuleInstanceDir, Sources } from './types.js';

let parser: ParseFn | undefined;

/** The HCL parser, started on first use (src/hcl/parser.ts). */
function hclParser(): ParseFn {
  parser ??= workerParser();
  return parser;
}

/** What reading the sources may cost: the largest `.tf` / `.tofu` file the HCL parser is given (limits.ts). */
export interface LoadOptions {
  maxHclFileBytes?: number;
  /**
   * Which files may hold what the caller reads (default: any `resource`, `data`, `removed` or `module` block, or
   * a `tfguard:` comment, which is all that loadSources reads). A file this says no to, and that looks well
   * formed, is not parsed: it adds no block.
   */
  mayMatter?: MayMatter;
}

interface ModuleNode {
  module: string;
  dir: string;
  source: string;
  files: ParsedFile[];
  children: ModuleNode[];
  missing: { module: string; source: string }[];
}

interface LoadContext {
  root: string;
  /** `.terraform/modules/modules.json`: module key (`a.b`) -> absolute dir. */
  installed: Map<string, string>;
  /** One parse per file, even when several module calls share a directory. */
  files: Map<string, Promise<ParsedFile>>;
  maxHclFileBytes: number;
  mayMatter: MayMatter;
}

/**
 * Reads the root module in `rootDir` and every module it calls (local sources relative to their caller,
 * registry and git sources through `.terraform/modules/modules.json`). Modules whose sources cannot be
 * found are listed in `missingModules`; a file that does not parse is an InputError.
 */
export async function loadSources(rootDir: string, opts: LoadOptions = {}): Promise<Sources> {
  const root = path.resolve(rootDir);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new InputError(`${rootDir}: no such directory (the root module's .tf sources)`);
  }
  if (!info.isDirectory()) throw new InputError(`${rootDir}: not a directory (the root module's .tf sources)`);

  const ctx: LoadContext = {
    root,
    installed: await readModulesJson(root),
    files: new Map(),
    maxHclFileBytes: opts.maxHclFileBytes ?? DEFAULT_HCL_FILE_BYTES,
    mayMatter: opts.mayMatter ?? sourceWords,
  };
  const tree = await visitModule(ctx, { module: '', key: '', dir: root, source: '' }, [root]);

  const sources: Sources = { root, modules: [], blocks: new Map(), removed: [], missingModules: [] };
  const flatten = (node: ModuleNode): void => {
    sources.modules.push({ module: node.module, dir: node.dir, source: node.source } satisfies ModuleInstanceDir);
    sources.missingModules.push(...node.missing);
    for (const file of node.files) collectBlocks(sources, node.module, file);
    for (const child of node.children) flatten(child);
  };
  flatten(tree);
  return sources;
}

// ---------------------------------------------------------------------------------------------------------
// The module tree

interface ModuleCall {
  module: string;
  /** modules.json key: the module names joined by dots (`a.b` for `module.a.module.b`), '' for root. */
  key: string;
  dir: string;
  source: string;
}

async function visitModule(ctx: LoadContext, call: ModuleCall, ancestors: string[]): Promise<ModuleNode> {
  const names = await terraformFiles(ctx, call.dir);
  const files = await Promise.all(names.map((name) => parsedFile(ctx, path.join(call.dir, name))));
  const node: ModuleNode = { module: call.module, dir: call.dir, source: call.source, files, children: [], missing: [] };

  const calls: ModuleCall[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    for (const [name, body] of labelledBlocks(file.json.module)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const module = call.module ? `${call.module}.module.${name}` : `module.${name}`;
      const key = call.key ? `${call.key}.${name}` : name;
      const source = typeof body.source === 'string' ? body.source : '';
      const dir = await moduleDir(ctx, call.dir, key, source);
      if (dir === undefined) {
        node.missing.push({ module, source });
        continue;
      }
      if (ancestors.includes(dir)) {
        throw new InputError(`${file.display}: module "${name}" (source ${source}) calls a module it is part of`);
      }
      calls.push({ module, key, dir, source });
    }
  }
  node.children = await Promise.all(calls.map((c) => visitModule(ctx, c, [...ancestors, c.dir])));
  return node;
}

function isLocalSource(source: string): boolean {
  return /^\.\.?[\\/]/.test(source);
}

/** The absolute directory of a module call's sources, or undefined when they are not on disk. */
async function moduleDir(ctx: LoadContext, callerDir: string, key: string, source: string): Promise<string | undefined> {
  const candidates: string[] = [];
  if (isLocalSource(source)) candidates.push(path.resolve(callerDir, source));
  const installed = ctx.installed.get(key);
  if (installed !== undefined) candidates.push(installed);
  for (const dir of candidates) {
    if (await isDirectory(dir)) return dir;
  }
  return undefined;
}

async function readModulesJson(root: string): Promise<Map<string, string>> {
  const file = path.join(root, '.terraform', 'modules', 'modules.json');
  const installed = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return installed; // not initialized: registry and git modules end up in missingModules
  }
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text));
  } catch (error) {
    throw new InputError(`${displayPath(root, file)}: cannot parse: ${oneLine(errorMessage(error))}`);
  }
  const modules = isObject(data) && Array.isArray(data.Modules) ? data.Modules : [];
  for (const entry of modules) {
    if (isObject(entry) && typeof entry.Key === 'string' && typeof entry.Dir === 'string') {
      installed.set(entry.Key, path.resolve(root, entry.Dir));
    }
  }
  return installed;
}

const OVERRIDE = /(^|_)override\.(tf|tofu)(\.json)?$/;

/**
 * The configuration files of one module directory (not its subdirectories), primary files first, then
 * override files, as Terraform reads them. `override.tf` / `*_override.tf` are only parsed like the others:
 * there are no merge semantics; a block declared twice is unioned by collectBlocks (see mergeBlock), which
 * can only make tfguard see more, never less. OpenTofu's `.tofu` / `.tofu.json` files are read too.
 */
async function terraformFiles(ctx: LoadContext, dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`${displayPath(ctx.root, dir)}: cannot read: ${oneLine(errorMessage(error))}`);
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!isTerraformFile(entry.name)) continue;
    if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path.join(dir, entry.name))))) names.push(entry.name);
  }
  const primary = names.filter((n) => !OVERRIDE.test(n)).sort();
  const overrides = names.filter((n) => OVERRIDE.test(n)).sort();
  return [...primary, ...overrides];
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function parsedFile(ctx: LoadContext, abs: string): Promise<ParsedFile> {
  let file = ctx.files.get(abs);
  if (!file) {
    file = readParsed(ctx, abs);
    ctx.files.set(abs, file);
  }
  return file;
}

async function readParsed(ctx: LoadContext, abs: string): Promise<ParsedFile> {
  const display = displayPath(ctx.root, abs);
  const isJson = abs.endsWith('.json');
  let text: string;
  try {
    // Before reading: the parser needs ~250 MB and seconds per MiB of HCL, and runs out of memory on 50 MB.
    // Read at once, not through the thread pool: most .tf files are a few KiB, and a tree has hundreds.
    const size = isJson ? 0 : statSync(abs).size;
    if (size > ctx.maxHclFileBytes) throw new InputError(`${display}: ${tooLarge(size, ctx.maxHclFileBytes)}`);
    text = stripBom(readFileSync(abs, 'utf8'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${display}: cannot read: ${oneLine(errorMessage(error))}`);
  }
  let json: unknown;
  if (isJson) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${display}: cannot parse: ${oneLine(errorMessage(error))}`);
    }
    if (!isObject(json)) throw new InputError(`${display}: cannot parse: not a JSON object`);
  } else if (!ctx.mayMatter(text) && looksSound(text)) {
    // Nothing here that the reader uses, and nothing the parser would refuse: no parse (prefilter.ts).
    return { abs, display, text: '', json: {}, isJson };
  } else {
    const cached = await cachedParse(text);
    if (cached) json = cached;
    else {
      try {
        json = await hclParser()(display, text);
      } catch (error) {
        if (error instanceof ParserFailure) throw new InputError(`${display}: cannot be read: ${oneLine(error.message)}`);
        throw new InputError(`${display}: cannot parse: ${hclReason(display, errorMessage(error))}`);
      }
      if (!isObject(json)) throw new InputError(`${display}: cannot parse: hcl2json returned no object`);
      await storeParse(text, json);
    }
    if (!isObject(json)) throw new InputError(`${display}: cannot parse: hcl2json returned no object`);
  }
  return { abs, display, text, json, isJson };
}

/**
 * hcl2json's errors look like `parse config: [main.tf:2,7-3,1: Invalid expression; Expected ... main.tf:4,1-2:
 * ...]`: the first diagnostic, as `line 2, column 7: Invalid expression; Expected ...`, and a count of the rest.
 */
function hclReason(fileName: string, message: string): string {
  const body = message.replace(/^parse config: \[/, '').replace(/\]\s*$/, '');
  const at = new RegExp(`(?:^|\\s)${escapeRegExp(fileName)}:(\\d+),(\\d+)(?:-[\\d,]+)?: `, 'g');
  const diags = [...body.matchAll(at)];
  const first = diags[0];
  if (!first) return oneLine(body);
  const end = diags[1]?.index ?? body.length;
  const text = body.slice(first.index + first[0].length, end).trim();
  const more = diags.length > 1 ? ` (and ${diags.length - 1} more error${diags.length > 2 ? 's' : ''})` : '';
  return oneLine(`line ${first[1]}, column ${first[2]}: ${text}${more}`);
}
