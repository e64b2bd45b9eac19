/**
 * The content-hash cache of parsed `.tf` files (src/hcl/cache.ts): a hit gives exactly the parse, changed text
 * never meets an old parse, a corrupt or cut entry is ignored (and replaced), the folder stays under its bound,
 * and loading sources through it gives the same sources as without it.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir, cachedParse, pruneCache, storeParse } from '../src/hcl/cache.js';
import { loadSources } from '../src/hcl/load.js';
import { FIXTURES_DIR } from './helpers/env.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfguard-cache-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entries(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(join(root, sub))) out.push(join(root, sub, name));
  }
  return out;
}

describe('cache entries', () => {
  it('gives back exactly what was stored, for the same text only', async () => {
    const root = join(dir, 'roundtrip');
    const json = { resource: { terraform_data: { a: [{ input: 'x' }] } } };
    await storeParse('resource "terraform_data" "a" { input = "x" }\n', json, root);
    expect(await cachedParse('resource "terraform_data" "a" { input = "x" }\n', root)).toEqual(json);
    expect(await cachedParse('resource "terraform_data" "a" { input = "y" }\n', root)).toBeUndefined();
    expect(await cachedParse('resource "terraform_data" "a" { input = "x" }', root)).toBeUndefined();
  });

  it('ignores an entry whose body was changed, cut or emptied', async () => {
    const root = join(dir, 'corrupt');
    const text = 'module "m" { source = "./m" }\n';
    await storeParse(text, { module: { m: [{ source: './m' }] } }, root);
    const [file] = await entries(root);
    const good = await readFile(file!, 'utf8');
    for (const bad of [good.replace('./m', './x'), good.slice(0, good.length - 3), '', 'not a cache entry', `${good.slice(0, 64)}\n[]`]) {
      await writeFile(file!, bad);
      expect(await cachedParse(text, root), JSON.stringify(bad.slice(0, 80))).toBeUndefined();
    }
  });

  it('is off with TFGUARD_CACHE=off, and under $XDG_CACHE_HOME/tfguard otherwise', () => {
    expect(cacheDir({ TFGUARD_CACHE: 'off' })).toBeUndefined();
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe(join('/x/cache', 'tfguard', 'hcl'));
    expect(cacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache[/\\]tfguard[/\\]hcl$/);
  });

  it('prunes the oldest entries past its bound', async () => {
    const root = join(dir, 'prune');
    for (let i = 0; i < 20; i++) await storeParse(`# file ${i}\n`, { n: [i, 'x'.repeat(1000)] }, root);
    await pruneCache(root, 5_000);
    const left = await entries(root);
    let size = 0;
    for (const f of left) size += (await stat(f)).size;
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(20);
    expect(size).toBeLessThanOrEqual(5_000);
  });
});

describe('loadSources through the cache', () => {
  const saved = process.env.XDG_CACHE_HOME;
  afterAll(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  });

  it('gives the same sources parsed, cached, and with every entry corrupted', async () => {
    process.env.XDG_CACHE_HOME = join(dir, 'xdg');
    const src = join(FIXTURES_DIR, 'incident', 'src');
    const strip = (s: Awaited<ReturnType<typeof loadSources>>) => JSON.parse(JSON.stringify({ ...s, blocks: [...s.blocks] }));
    const first = strip(await loadSources(src));
    const stored = await entries(join(dir, 'xdg', 'tfguard', 'hcl'));
    expect(stored.length).toBeGreaterThan(0);
    expect(strip(await loadSources(src))).toEqual(first);
    for (const f of stored) await writeFile(f, 'garbage');
    expect(strip(await loadSources(src))).toEqual(first);
    // The corrupt entries were replaced by good ones.
    for (const f of stored) expect((await readFile(f, 'utf8')).startsWith('garbage')).toBe(false);
  });
});
