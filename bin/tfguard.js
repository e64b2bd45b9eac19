#!/usr/bin/env node
// The launcher. The CLI is built by `npm run build` (`npm ci` runs it through `prepare`): tsc writes dist/src, and
// scripts/bundle.mjs bundles it into dist/tfguard.cjs, one file instead of ~190 modules. The bundle runs with a V8
// code cache kept under $XDG_CACHE_HOME/tfguard/code (else ~/.cache; TFGUARD_CACHE=off turns it off, like the
// parse cache), so a run compiles almost nothing. dist/src/cli.js runs instead when there is no bundle, when a
// later tsc made it stale (it is older than dist/src/cli.js), or with TFGUARD_BUNDLE=off.
// CommonJS (bin/package.json says so): node starts a CommonJS entry point a few milliseconds sooner than an ES
// module, and every run starts here.
'use strict';
const { createRequire } = require('node:module');
const fs = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'tfguard.cjs');

/** The bundle's identity (device, inode, change time, size: a new or rewritten file is a new one), when current. */
function currentBundle() {
  if (process.env.TFGUARD_BUNDLE === 'off' || process.env.TFGUARD_BUNDLE === '0') return undefined;
  let info;
  try {
    info = fs.statSync(bundle, { bigint: true });
  } catch {
    return undefined;
  }
  try {
    if (info.mtimeNs < fs.statSync(join(dist, 'src', 'cli.js'), { bigint: true }).mtimeNs) return undefined;
  } catch {
    // a package of the bundle alone
  }
  return `${info.dev}-${info.ino}-${info.ctimeNs}-${info.size}`;
}

/** Where the code cache of this bundle, this node and this command lives; undefined when caching is off. */
function codeCacheFile(identity) {
  const env = process.env;
  if (env.TFGUARD_CACHE === 'off' || env.TFGUARD_CACHE === '0') return undefined;
  // Keyed on the file itself (V8 checks a cache's node version and flags, but of the source only its length): a
  // rebuilt or reinstalled bundle is a new file, with a new inode or change time, and gets a cache of its own.
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(require('node:os').homedir(), '.cache');
  const command = /^[a-z]{1,20}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return join(base, 'tfguard', 'code', `${identity}-${process.version}-${process.arch}-${command}`);
}

/** At most this many code caches are kept: the oldest go first. */
const MAX_CACHES = 40;

/** Runs the bundle as a CommonJS module, with the code cache when there is a usable one; returns its exports. */
function loadBundle(identity) {
  const { Script } = require('node:vm');
  // UTF-8: esbuild escapes strings to ASCII but keeps regular expression literals as written (╷ │ ╵ in
  // terraform/diagnostics.ts), and a one-byte read would change what they match.
  const source = fs.readFileSync(bundle, 'utf8');
  const cacheFile = codeCacheFile(identity);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
  // Written after the run, so that it holds what this command compiled; a cache V8 refuses (cachedDataRejected:
  // another node, flags or code) is replaced. A cache that cannot be written is no error.
  const keep = () => {
    if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
    const folder = join(cacheFile, '..');
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
      fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temp, cacheFile);
      const entries = fs.readdirSync(folder).map((name) => ({ file: join(folder, name), mtime: fs.statSync(join(folder, name)).mtimeMs }));
      entries.sort((a, b) => b.mtime - a.mtime);
      for (const e of entries.slice(MAX_CACHES)) fs.rmSync(e.file, { force: true });
    } catch {
      fs.rmSync(temp, { force: true });
    }
  };
  return { main: module.exports.main, keep };
}

async function run() {
  const identity = currentBundle();
  if (identity !== undefined) {
    const { main, keep } = loadBundle(identity);
    process.exitCode = await main();
    keep();
  } else {
    const { main } = await import('../dist/src/cli.js');
    process.exitCode = await main();
  }
}

run().catch((error) => {
  // main() turns every error into a line and an exit code; this is the launcher's own failure. Nothing passes.
  process.stderr.write(`tfguard: internal error, nothing was approved: ${error?.message ?? error}\n`);
  process.exitCode = 2;
});
