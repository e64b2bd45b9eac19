/**
 * Reading the `.tf` sources of a root module and of every module it calls, into plain data (types.ts).
 *
 * `@cdktf/hcl2json` is imported lazily, on the first `.tf` file to parse: its WebAssembly start-up (~100 ms)
 * is paid only by commands that read sources. No other file in src/ may import it.
 *
 * hcl2json gives no positions, so lines are found by searching the file text for the block headers
 * (`resource "TYPE" "NAME" {`, `removed {`, `provisioner "local-exec" {`).
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { formatAddress, parseAddress } from '../plan/address.js';
import type {
  ModuleInstanceDir,
  RemovedBlock,
  ResourceBlock,
  SourceLifecycle,
  SourceProvisioner,
  Sources,
} from './types.js';

type Json = Record<string, unknown>;
type ParseFn = (fileName: string, text: string) => Promise<Json>;

let parser: Promise<ParseFn> | undefined;

/** hcl2json's `parse`, imported on first use. */
function hclParser(): Promise<ParseFn> {
  parser ??= import('@cdktf/hcl2json').then((mod) => {
    // A CommonJS package: `parse` is a named export under Node's ESM loader, and sits on `default` too.
    const m = mod as unknown as { parse?: ParseFn; default?: { parse?: ParseFn } };
    const parse = m.parse ?? m.default?.parse;
    if (!parse) throw new Error('@cdktf/hcl2json has no parse function');
    return parse;
  });
  return parser;
}

interface ParsedFile {
  abs: string;
  /** As shown to people: relative to the root module, or absolute when outside it. */
  display: string;
  text: string;
  json: Json;
  /** `.tf.json` (JSON syntax): block headers cannot be searched the HCL way. */
  isJson: boolean;
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
}

/**
 * Reads the root module in `rootDir` and every module it calls (local sources relative to their caller,
 * registry and git sources through `.terraform/modules/modules.json`). Modules whose sources cannot be
 * found are listed in `missingModules`; a file that does not parse is an InputError.
 */
export async function loadSources(rootDir: string): Promise<Sources> {
  const root = path.resolve(rootDir);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new InputError(`${rootDir}: no such directory (the root module's .tf sources)`);
  }
  if (!info.isDirectory()) throw new InputError(`${rootDir}: not a directory (the root module's .tf sources)`);

  const ctx: LoadContext = { root, installed: await readModulesJson(root), files: new Map() };
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
    for (const [name, body] of labelledBlocks(file.json['module'])) {
      if (seen.has(name)) continue;
      seen.add(name);
      const module = call.module ? `${call.module}.module.${name}` : `module.${name}`;
      const key = call.key ? `${call.key}.${name}` : name;
      const source = typeof body['source'] === 'string' ? body['source'] : '';
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

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
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
  const modules = isObject(data) && Array.isArray(data['Modules']) ? data['Modules'] : [];
  for (const entry of modules) {
    if (isObject(entry) && typeof entry['Key'] === 'string' && typeof entry['Dir'] === 'string') {
      installed.set(entry['Key'], path.resolve(root, entry['Dir']));
    }
  }
  return installed;
}

/** Terraform's own rule for files it ignores: dot files, editor backups (`x~`) and `#x#` autosaves. */
function isIgnoredFile(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
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
    if (isIgnoredFile(entry.name) || !/\.(tf|tofu)(\.json)?$/.test(entry.name)) continue;
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
  let text: string;
  try {
    text = stripBom(await readFile(abs, 'utf8'));
  } catch (error) {
    throw new InputError(`${display}: cannot read: ${oneLine(errorMessage(error))}`);
  }
  const isJson = abs.endsWith('.json');
  let json: unknown;
  if (isJson) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${display}: cannot parse: ${oneLine(errorMessage(error))}`);
    }
    if (!isObject(json)) throw new InputError(`${display}: cannot parse: not a JSON object`);
  } else {
    const parse = await hclParser();
    try {
      json = await parse(display, text);
    } catch (error) {
      throw new InputError(`${display}: cannot parse: ${hclReason(display, errorMessage(error))}`);
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

// ---------------------------------------------------------------------------------------------------------
// Blocks

function collectBlocks(sources: Sources, module: string, file: ParsedFile): void {
  const locate = new Locator(file);
  for (const mode of ['managed', 'data'] as const) {
    const byType = file.json[mode === 'managed' ? 'resource' : 'data'];
    if (!isObject(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) continue;
      for (const [name, value] of Object.entries(byName)) {
        for (const body of blockList(value)) {
          const local = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const at = locate.resource(mode, type, name);
          const block: ResourceBlock = {
            groupAddress: module ? `${module}.${local}` : local,
            module,
            mode,
            type,
            name,
            hasCount: body['count'] !== undefined,
            hasForEach: body['for_each'] !== undefined,
            provisioners: provisioners(body, locate, at),
            lifecycle: lifecycle(body),
            file: file.display,
            line: at.line,
          };
          const existing = sources.blocks.get(block.groupAddress);
          sources.blocks.set(block.groupAddress, existing ? mergeBlock(existing, block) : block);
        }
      }
    }
  }
  for (const body of blockList(file.json['removed'])) {
    const at = locate.removed();
    const rawFrom = body['from'];
    if (typeof rawFrom !== 'string') continue;
    const from = unwrap(rawFrom);
    const local = referenceGroup(from);
    const life = firstBlock(body['lifecycle']);
    sources.removed.push({
      groupAddress: module ? `${module}.${local}` : local,
      module,
      from,
      destroy: !(life && isFalse(life['destroy'])),
      provisioners: provisioners(body, locate, at),
      file: file.display,
      line: at.line,
    } satisfies RemovedBlock);
  }
}

/**
 * The same group declared twice (an `override.tf`, or an invalid configuration): Terraform would merge or
 * refuse; tfguard keeps the first location and the union of what matters for safety, so that an override
 * never hides a destroy-time provisioner or a `prevent_destroy`.
 */
function mergeBlock(a: ResourceBlock, b: ResourceBlock): ResourceBlock {
  const ignore =
    a.lifecycle.ignoreChanges === 'all' || b.lifecycle.ignoreChanges === 'all'
      ? 'all'
      : [...new Set([...a.lifecycle.ignoreChanges, ...b.lifecycle.ignoreChanges])];
  return {
    ...a,
    hasCount: a.hasCount || b.hasCount,
    hasForEach: a.hasForEach || b.hasForEach,
    provisioners: [...a.provisioners, ...b.provisioners],
    lifecycle: {
      preventDestroy: a.lifecycle.preventDestroy || b.lifecycle.preventDestroy,
      createBeforeDestroy: a.lifecycle.createBeforeDestroy || b.lifecycle.createBeforeDestroy,
      replaceTriggeredBy: [...new Set([...a.lifecycle.replaceTriggeredBy, ...b.lifecycle.replaceTriggeredBy])],
      ignoreChanges: ignore,
    },
  };
}

/**
 * Provisioners in declaration order. hcl2json groups them by type (`{ "file": [...], "local-exec": [...] }`,
 * keys sorted), which loses the order between types; the lines found in the text restore it. JSON syntax
 * allows `[ { "local-exec": {...} }, ... ]` (ordered) or `{ "local-exec": {...} }`.
 */
function provisioners(body: Json, locate: Locator, at: BlockAt): SourceProvisioner[] {
  const raw = body['provisioner'];
  const list: { type: string; body: Json }[] = [];
  const add = (byType: Json): void => {
    for (const [type, value] of Object.entries(byType)) {
      for (const b of blockList(value)) list.push({ type, body: b });
    }
  };
  if (Array.isArray(raw)) raw.filter(isObject).forEach(add);
  else if (isObject(raw)) add(raw);

  const ordinal = new Map<string, number>();
  const out = list.map(({ type, body: b }) => {
    const k = ordinal.get(type) ?? 0;
    ordinal.set(type, k + 1);
    const p = provisioner(type, b);
    const line = locate.provisioner(at, type, k);
    return line === undefined ? p : { ...p, line };
  });
  if (out.every((p) => p.line !== undefined)) out.sort((x, y) => x.line! - y.line!);
  return out;
}

function provisioner(type: string, body: Json): SourceProvisioner {
  const p: SourceProvisioner = {
    type,
    when: isWord(body['when'], 'destroy') ? 'destroy' : 'create',
    onFailure: isWord(body['on_failure'], 'continue') ? 'continue' : 'fail',
  };
  if (typeof body['command'] === 'string') p.command = body['command'];
  const inline = stringList(body['inline']);
  if (inline) p.inline = inline;
  const interpreter = stringList(body['interpreter']);
  if (interpreter) p.interpreter = interpreter;
  const scripts = stringList(body['scripts']);
  const script =
    stringValue(body['script']) ??
    (scripts ? scripts.join('\n') : undefined) ??
    stringValue(body['source']) ??
    stringValue(body['content']);
  if (script !== undefined) p.script = script;
  return p;
}

function lifecycle(body: Json): SourceLifecycle {
  const life = firstBlock(body['lifecycle']) ?? {};
  const ignore = life['ignore_changes'];
  return {
    preventDestroy: isTrue(life['prevent_destroy']),
    createBeforeDestroy: isTrue(life['create_before_destroy']),
    replaceTriggeredBy: (stringList(life['replace_triggered_by']) ?? []).map(unwrap),
    ignoreChanges:
      typeof ignore === 'string' && unwrap(ignore) === 'all' ? 'all' : (stringList(ignore) ?? []).map(unwrap),
  };
}

/**
 * The group address of a `removed` block's `from`: `terraform_data.x`, `module.a["k"].module.b` ->
 * `module.a.module.b` (a whole module), keys removed.
 */
function referenceGroup(from: string): string {
  const parsed = parseAddress(from);
  if (parsed) return formatAddress(parsed, { moduleKeys: false, instanceKey: false });
  const asModule = parseAddress(`${from}.t.n`);
  if (asModule && asModule.mode === 'managed' && asModule.modules.length > 0) {
    return asModule.modules.map((m) => `module.${m.name}`).join('.');
  }
  return from;
}

// ---------------------------------------------------------------------------------------------------------
// Lines

interface BlockAt {
  line: number;
  /** Offsets of the block header and of the next top-level block (where its provisioners must end). */
  start?: number;
  end?: number;
}

const TOP_LEVEL = /^(?:resource|data|removed|module|variable|output|locals|provider|terraform|moved|import|check)\b[^\n]*\{/gm;

/** Finds block headers in a file's text, in the order the parsed blocks come. */
class Locator {
  private readonly lineStarts: number[] = [0];
  private readonly topLevel: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly file: ParsedFile) {
    const text = file.text;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    if (!file.isJson) for (const m of text.matchAll(TOP_LEVEL)) this.topLevel.push(m.index);
  }

  /** The N-th `resource "TYPE" "NAME" {` (or `data`) of the file, for the N-th parsed block of that name. */
  resource(mode: 'managed' | 'data', type: string, name: string): BlockAt {
    const kind = mode === 'managed' ? 'resource' : 'data';
    const n = this.next(`${kind} ${type} ${name}`);
    if (this.file.isJson) return { line: this.jsonLine([kind, type, name]) };
    const header = new RegExp(`^[ \\t]*${kind}[ \\t]+${label(type)}[ \\t]+${label(name)}[ \\t]*\\{`, 'gm');
    return this.nth(header, n);
  }

  /** The N-th `removed {` of the file, for the N-th parsed removed block. */
  removed(): BlockAt {
    const n = this.next('removed');
    if (this.file.isJson) return { line: this.jsonLine(['removed']) };
    return this.nth(/^[ \t]*removed[ \t]*\{/gm, n);
  }

  /** The line of the K-th `provisioner "TYPE" {` inside the block. */
  provisioner(at: BlockAt, type: string, k: number): number | undefined {
    if (at.start === undefined) return undefined;
    const header = new RegExp(`^[ \\t]*provisioner[ \\t]+${label(type)}[ \\t]*\\{`, 'gm');
    header.lastIndex = at.start + 1;
    let found = -1;
    for (let i = 0; i <= k; i++) {
      const m = header.exec(this.file.text);
      if (!m || (at.end !== undefined && m.index >= at.end)) return undefined;
      found = m.index;
    }
    return this.lineOf(found);
  }

  private next(key: string): number {
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    return n;
  }

  /** Line 1 when the header cannot be found (a block written in an unusual way). */
  private nth(re: RegExp, n: number): BlockAt {
    const matches = [...this.file.text.matchAll(re)];
    const m = matches[n];
    if (!m) return { line: 1 };
    const start = m.index;
    const end = this.topLevel.find((t) => t > start);
    return { line: this.lineOf(start), start, ...(end === undefined ? {} : { end }) };
  }

  /** JSON syntax, best effort: the first `"KEY":` of each key in turn, line 1 when one is missing. */
  private jsonLine(keys: string[]): number {
    let from = 0;
    for (const key of keys) {
      const re = new RegExp(`"${escapeRegExp(key)}"\\s*:`, 'g');
      re.lastIndex = from;
      const m = re.exec(this.file.text);
      if (!m) return 1;
      from = m.index;
    }
    return this.lineOf(from);
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** A block label as written: quoted or bare. */
function label(value: string): string {
  const v = escapeRegExp(value);
  return `(?:"${v}"|${v}(?![\\w-]))`;
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers over hcl2json's output

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Blocks come as a list of bodies (hcl2json) or as one body (JSON syntax). */
function blockList(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

function firstBlock(value: unknown): Json | undefined {
  return blockList(value)[0];
}

/** `a.b`, iterating a `module { NAME: [ {...} ] }` object. */
function labelledBlocks(value: unknown): [string, Json][] {
  if (!isObject(value)) return [];
  const out: [string, Json][] = [];
  for (const [name, v] of Object.entries(value)) {
    const first = firstBlock(v);
    if (first) out.push([name, first]);
  }
  return out;
}

/** `${terraform_data.x}` -> `terraform_data.x`; a template with several interpolations stays as is. */
function unwrap(value: string): string {
  const m = /^\$\{([\s\S]*)\}$/.exec(value.trim());
  return m && !m[1]!.includes('${') ? m[1]!.trim() : value;
}

/** A keyword given as `destroy`, `"destroy"` or `"${destroy}"`. */
function isWord(value: unknown, word: string): boolean {
  return typeof value === 'string' && unwrap(value) === word;
}

function isTrue(value: unknown): boolean {
  return value === true || isWord(value, 'true');
}

function isFalse(value: unknown): boolean {
  return value === false || isWord(value, 'false');
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string');
}

function displayPath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return abs;
  return rel.split(path.sep).join('/');
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
