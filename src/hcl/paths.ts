/** `path.module` for an instance: its module's directory relative to the root module ('.' for the root). */
import { relative } from 'node:path';
import { parseAddress } from '../plan/address.js';
import type { Sources } from './types.js';

export function moduleDir(sources: Sources, address: string): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return undefined;
  const module = parsed.modules.map((m) => `module.${m.name}`).join('.');
  const found = sources.modules.find((m) => m.module === module);
  if (!found) return undefined;
  return relative(sources.root, found.dir) || '.';
}
