/**
 * The bundle bin/tfguard.js runs (scripts/bundle.mjs: dist/src in one CommonJS file, with a V8 code cache): a copy
 * of the package holding the bundle alone gives the same reports and exit codes as the CLI built by tsc, with a
 * code cache written, used, refused when corrupt, and none with TFGUARD_CACHE=off. (The other test files run the
 * bundle too: test/global-setup.ts builds it after tsc, as npm run build does.)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from './helpers/cli.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-bundle-'));
const pkg = join(tmp, 'pkg');
const cache = join(tmp, 'xdg');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  mkdirSync(join(pkg, 'dist'));
  copyFileSync(join(ROOT, 'bin', 'tfguard.js'), join(pkg, 'bin', 'tfguard.js'));
  copyFileSync(join(ROOT, 'bin', 'package.json'), join(pkg, 'bin', 'package.json'));
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), join(pkg, 'dist', 'tfguard.cjs')], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
}, 120_000);

function run(bin: string, args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: ROOT,
    env: cliEnv({ XDG_CACHE_HOME: cache, ...env }),
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const bundled = (args: string[], env?: Record<string, string | undefined>) => run(join(pkg, 'bin', 'tfguard.js'), args, env);
const fromDist = (args: string[]) => run(join(ROOT, 'bin', 'tfguard.js'), args, { TFGUARD_BUNDLE: 'off', TFGUARD_CACHE: 'off' });
const codeCaches = () => (existsSync(join(cache, 'tfguard', 'code')) ? readdirSync(join(cache, 'tfguard', 'code')) : []);

const CHECK = ['check', join(FIXTURES_DIR, 'incident', 'plan.json'), '--dir', join(FIXTURES_DIR, 'incident', 'src'), '--format', 'json'];
const SCAN = ['scan', join(FIXTURES_DIR, 'incident', 'src'), '--format', 'json'];

describe('the bundled CLI', () => {
  it('gives the reports and exit codes of dist/src: check (with sources), scan, rules, --version, a usage error', () => {
    for (const args of [CHECK, SCAN, ['rules', '--format', 'json'], ['--version'], ['check', '--format', 'nope', 'x.json']]) {
      const want = fromDist(args);
      const got = bundled(args, { TFGUARD_CACHE: 'off' });
      expect(got.code, args.join(' ')).toBe(want.code);
      expect(got.stdout, args.join(' ')).toBe(want.stdout);
      expect(got.stderr, args.join(' ')).toBe(want.stderr);
    }
    expect(codeCaches()).toEqual([]);
  });

  it('keeps a code cache per command, uses it, and replaces one that V8 refuses', () => {
    const want = fromDist(CHECK);
    expect(bundled(CHECK).stdout).toBe(want.stdout);
    const caches = codeCaches();
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatch(new RegExp(`^\\d+-\\d+-\\d+-\\d+-${process.version.replace(/\./g, '\\.')}-${process.arch}-check$`));
    expect(bundled(CHECK).stdout).toBe(want.stdout);
    const file = join(cache, 'tfguard', 'code', caches[0]!);
    writeFileSync(file, 'not a code cache');
    const again = bundled(CHECK);
    expect(again.code).toBe(want.code);
    expect(again.stdout).toBe(want.stdout);
    expect(bundled(SCAN).stdout).toBe(fromDist(SCAN).stdout);
    expect(codeCaches().sort()).toEqual([caches[0], caches[0]!.replace(/check$/, 'scan')].sort());
  });
});
