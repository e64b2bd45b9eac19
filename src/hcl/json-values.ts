/** Small helpers over hcl2json's output (and the JSON syntax of `.tf.json`). */

import path from 'node:path';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Blocks come as a list of bodies (hcl2json) or as one body (JSON syntax). */
export function blockList(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

export function firstBlock(value: unknown): Json | undefined {
  return blockList(value)[0];
}

/** `a.b`, iterating a `module { NAME: [ {...} ] }` object. */
export function labelledBlocks(value: unknown): [string, Json][] {
  if (!isObject(value)) return [];
  const out: [string, Json][] = [];
  for (const [name, v] of Object.entries(value)) {
    const first = firstBlock(v);
    if (first) out.push([name, first]);
  }
  return out;
}

/** `${terraform_data.x}` -> `terraform_data.x`; a template with several interpolations stays as is. */
export function unwrap(value: string): string {
  const m = /^\$\{([\s\S]*)\}$/.exec(value.trim());
  return m && !m[1]!.includes('${') ? m[1]!.trim() : value;
}

/** A keyword given as `destroy`, `"destroy"` or `"${destroy}"`. */
export function isWord(value: unknown, word: string): boolean {
  return typeof value === 'string' && unwrap(value) === word;
}

export function isTrue(value: unknown): boolean {
  return value === true || isWord(value, 'true');
}

export function isFalse(value: unknown): boolean {
  return value === false || isWord(value, 'false');
}

export function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string');
}

export function displayPath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return abs;
  return rel.split(path.sep).join('/');
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** An object of scalars as strings (`environment = { A = "x", N = 1 }`); other values are left out. */
export function stringMap(value: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}
