#!/usr/bin/env node
// The launcher. The CLI is built by `npm run build` (`npm ci` runs it through `prepare`): tsc writes dist/src, and
// scripts/bundle.mjs bundles it into dist/tfguard.cjs, one file instead of ~190 modules. The bundle runs with a V8
// code cache kept under $XDG_CACHE_HOME/tfguard/code (else ~/.cache; TFGUARD_CACHE=off turns it off, like the
// parse cache), so a run compiles almost nothing. dist/src/cli.js runs instead when there is no bundle, when a
// later tsc made it stale (it is older than dist/src/cli.js), or with TFGUARD_BUNDLE=off.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const bundle = join(dist, 'tfguard.cjs');

function bundleIsCurrent() {
  if (process.env.TFGUARD_BUNDLE === 'off' || process.env.TFGUARD_BUNDLE === '0') return false;
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  try {
    return built >= statSync(join(dist, 'src', 'cli.js')).mtimeMs;
  } catch {
    return true; // a package of the bundle alone
  }
}

/** Where the code cache of this bundle's text, this node and this command lives; undefined when caching is off. */
async function codeCacheFile(source) {
  const env = process.env;
  if (env.TFGUARD_CACHE === 'off' || env.TFGUARD_CACHE === '0') return undefined;
  // Keyed on the text itself: V8 checks a cache's version and flags, but of the source only its length.
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 32);
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  const command = /^[a-z]{1,20}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return join(base, 'tfguard', 'code', `${hash}-${process.version}-${process.arch}-${command}`);
}

/** Runs the bundle as a CommonJS module, with the code cache when there is a usable one; returns its exports. */
async function loadBundle() {
  const [{ Script }, { createRequire }] = await Promise.all([import('node:vm'), import('node:module')]);
  const source = readFileSync(bundle, 'utf8');
  const cacheFile = await codeCacheFile(source);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist.replace(/\/$/, ''));
  // Written after the run, so that it holds what this command compiled; V8 refuses a cache of other code or of
  // another node (cachedDataRejected), and then a new one replaces it. A cache that cannot be written is no error.
  const keep = () => {
    if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
    const folder = join(cacheFile, '..');
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      renameSync(temp, cacheFile);
      // Caches of other versions and nodes, unused for a month, go.
      const old = Date.now() - 30 * 86400_000;
      for (const name of readdirSync(folder)) {
        const file = join(folder, name);
        if (statSync(file).mtimeMs < old) rmSync(file, { force: true });
      }
    } catch {
      rmSync(temp, { force: true });
    }
  };
  return { main: module.exports.main, keep };
}

if (bundleIsCurrent()) {
  const { main, keep } = await loadBundle();
  process.exitCode = await main();
  keep();
} else {
  const { main } = await import('../dist/src/cli.js');
  process.exitCode = await main();
}
