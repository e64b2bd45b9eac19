/** Finding and reading `.tfguard.json`. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Rule } from '../engine/types.js';
import { defaultConfig, resolveConfig } from './resolve.js';
import type { Config } from './schema.js';

export const CONFIG_FILE = '.tfguard.json';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(`${path}: cannot read (${(error as Error).message})`);
  }
}

/**
 * `--config FILE` must exist; otherwise `.tfguard.json` in the root module directory is read if present,
 * and every rule runs at its defaults when it is not.
 */
export async function loadConfig(opts: { dir: string; file?: string | undefined; rules: readonly Rule[] }): Promise<Config> {
  const path = opts.file ?? join(opts.dir, CONFIG_FILE);
  const text = await readIfExists(path);
  if (text === undefined) {
    if (opts.file) throw new InputError(`${opts.file}: no such config file`);
    return defaultConfig(opts.rules);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: is not valid JSON (${(error as Error).message})`);
  }
  return resolveConfig(raw, opts.rules, path);
}
