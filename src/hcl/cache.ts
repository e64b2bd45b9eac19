/**
 * Parsed `.tf` files cached by content hash, so that a pre-commit hook or a repeated scan pays the HCL parser
 * (WebAssembly, ~3 ms a file and ~100 ms to start) for changed files only. Where: `$XDG_CACHE_HOME/tfguard/hcl`,
 * else `~/.cache/tfguard/hcl`; `TFGUARD_CACHE=off` turns it off.
 *
 * Safe by construction: the key is the SHA-256 of the parser's version and the file's text, so changed content
 * never meets an old parse; an entry holds the SHA-256 of its own body and is used only when that matches and
 * the body parses to an object (a corrupt or cut entry is ignored, and replaced); entries are written to a temp
 * file and renamed into place. Only successful parses are cached. The folder is kept under MAX_BYTES: past it,
 * the oldest entries are removed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parserVersion } from './parser.js';

const FORMAT = 'tfguard-hcl-cache-1';
const MAX_BYTES = 64 << 20;
/** One write in this many checks the folder's size. */
const PRUNE_EVERY = 50;

/** The cache folder, or undefined when caching is off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TFGUARD_CACHE === 'off' || env.TFGUARD_CACHE === '0') return undefined;
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(base, 'tfguard', 'hcl');
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function entryPath(dir: string, text: string): string {
  const key = sha256(`${FORMAT}\u0000${parserVersion()}\u0000${text}`);
  return path.join(dir, key.slice(0, 2), key.slice(2));
}

/** The cached parse of a file's text, or undefined (not cached, unreadable, corrupt: never trusted). */
export async function cachedParse(text: string, dir = cacheDir()): Promise<Record<string, unknown> | undefined> {
  if (!dir) return undefined;
  let entry: string;
  try {
    entry = await readFile(entryPath(dir, text), 'utf8');
  } catch {
    return undefined;
  }
  const newline = entry.indexOf('\n');
  const body = entry.slice(newline + 1);
  if (newline !== 64 || entry.slice(0, 64) !== sha256(body)) return undefined;
  try {
    const json: unknown = JSON.parse(body);
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

let writes = 0;

/** Keeps a successful parse; a cache that cannot be written is no error (the parse stands). */
export async function storeParse(text: string, json: Record<string, unknown>, dir = cacheDir()): Promise<void> {
  if (!dir) return;
  const file = entryPath(dir, text);
  const body = JSON.stringify(json);
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(temp, `${sha256(body)}\n${body}`, { mode: 0o600 });
    await rename(temp, file);
    if (++writes % PRUNE_EVERY === 1) await pruneCache(dir);
  } catch {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Removes the oldest entries (and stray temp files) while the folder holds more than `max` bytes. */
export async function pruneCache(dir: string, max = MAX_BYTES): Promise<void> {
  const entries: { file: string; size: number; mtime: number }[] = [];
  for (const sub of await readdir(dir).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(dir, sub)).catch(() => [] as string[])) {
      const file = path.join(dir, sub, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) entries.push({ file, size: info.size, mtime: info.mtimeMs });
    }
  }
  let total = entries.reduce((n, e) => n + e.size, 0);
  const stale = Date.now() - 60_000;
  entries.sort((a, b) => a.mtime - b.mtime);
  for (const e of entries) {
    const strayTemp = e.file.endsWith('.tmp') && e.mtime < stale;
    if (total <= max && !strayTemp) continue;
    await rm(e.file, { force: true }).catch(() => undefined);
    total -= e.size;
  }
}
