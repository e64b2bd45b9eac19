/**
 * Finding and reading `.tfguard.json`, as tflint and eslint find theirs: `--config FILE` (it must exist), else
 * `.tfguard.json` in the root module directory, else in the nearest folder above it, up to the top of its git
 * repository (outside a repository: DIR only). No file: every rule runs at its defaults.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import type { Rule } from '../engine/types.js';
import { formatIssues } from '../zod-issues.js';
import { defaultConfig, resolveConfig } from './resolve.js';
import { configSchema, type Config } from './schema.js';

export const CONFIG_FILE = '.tfguard.json';

async function readIfExists(path: string, shown: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`${shown}: cannot read (${(error as Error).message})`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** DIR and the folders above it up to the top of its git repository (the folder holding `.git`); DIR alone outside one. */
export async function searchedDirs(dir: string): Promise<string[]> {
  const chain: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    chain.push(at);
    if (await exists(join(at, '.git'))) return chain;
    if (dirname(at) === at) return [resolve(dir)];
  }
}

/** The `.tfguard.json` that applies to DIR: the nearest one, up to the top of the git repository. */
export async function findConfig(dir: string): Promise<string | undefined> {
  for (const at of await searchedDirs(dir)) {
    const candidate = join(at, CONFIG_FILE);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/** A config path as reports name it: relative to the current directory when under it, else absolute. */
export function shownConfigPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? resolve(cwd, path) : rel.split(sep).join('/');
}

/** `line L, column C` of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** JSON.parse's complaint with the line and column it is at (V8 gives a character offset, or nothing at the end). */
export function jsonSyntaxError(text: string, error: Error): string {
  const message = error.message;
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : text.length;
  const reason = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/^JSON\.parse: /, '')
    .replace(/^Unexpected end of JSON input$/, 'the file ends too early');
  const hint = /double-quoted property name|Unexpected token '?[}\]]/.test(message) ? ' (a trailing comma? JSON allows none)' : '';
  return `${lineColumn(text, offset)}: ${reason.split('\n')[0]}${hint}`;
}

export async function loadConfig(opts: { dir: string; file?: string | undefined; rules: readonly Rule[] }): Promise<Config> {
  const path = opts.file !== undefined ? resolve(opts.file) : await findConfig(opts.dir);
  if (path === undefined) return defaultConfig(opts.rules);
  const shown = opts.file ?? shownConfigPath(path);
  const raw = await readIfExists(path, shown);
  if (raw === undefined) throw new InputError(`${shown}: no such config file`);
  const text = raw.replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${shown}: is not valid JSON: ${jsonSyntaxError(text, error as Error)}`);
  }
  const schema = configSchema(opts.rules);
  const checked = schema.safeParse(json);
  if (!checked.success) throw new InputError(`${shown}: ${formatIssues(checked.error.issues, 3, { input: json, schema })}`);
  return resolveConfig(json, opts.rules, shownConfigPath(path));
}
