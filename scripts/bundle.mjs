#!/usr/bin/env node
// The built CLI (dist/src, from tsc) bundled into one CommonJS file, dist/tfguard.cjs, which bin/tfguard.js runs:
// one file to read and compile instead of ~190 modules (zod alone is 95), and a file V8 can keep a code cache of
// (bin/tfguard.js). Commands stay lazy: each command's code runs only when it is called. Run by `npm run build`
// and `npm ci` (prepare), after tsc. bin/tfguard.js uses the bundle only while it is at least as new as
// dist/src/cli.js: a later `tsc` alone makes it stale, and the launcher then runs dist/src/cli.js.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli.js');
if (!existsSync(entry)) {
  console.error('scripts/bundle.mjs: dist/src/cli.js is missing: run tsc first (npm run build)');
  process.exit(1);
}
// Another place for it (a test's copy of the package): `node scripts/bundle.mjs OUTFILE`.
const outfile = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist', 'tfguard.cjs');
const result = await build({
  entryPoints: [entry],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Smaller text to parse; names kept, so a stack trace (TFGUARD_DEBUG=1) still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Modules that read import.meta.url (package-info.ts, hcl/parser.ts, commands/hook.ts) get the bundle's own URL.
  define: { 'import.meta.url': '__tfguardUrl' },
  banner: { js: "var __tfguardUrl=require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
// Written whole, then renamed into place: a tfguard starting meanwhile reads the old bundle or the new one.
const temp = `${outfile}.${process.pid}.tmp`;
try {
  writeFileSync(temp, result.outputFiles[0].contents);
  renameSync(temp, outfile);
} finally {
  rmSync(temp, { force: true });
}
