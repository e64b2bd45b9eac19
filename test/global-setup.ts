/**
 * Builds once, before the test files that run the built CLI as a subprocess (they run in parallel), as `npm run
 * build` does: tsc into dist/src, then the bundle bin/tfguard.js runs (scripts/bundle.mjs, dist/tfguard.cjs), so
 * the tests run what a user runs. TFGUARD_BUNDLE=off in a test's environment runs dist/src instead.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
