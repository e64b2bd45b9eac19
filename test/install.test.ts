/**
 * tfguard installed the ways the README says, on a machine that has no tfguard: the tarball `npm pack` makes,
 * installed into a temp prefix (`npm install -g --prefix`), and a git URL (`git+file://` to a local bare
 * repository: a real git URL, no network) installed into a project folder, which runs `prepare` (tsc) as npm does
 * for any git dependency. Each installed `tfguard` prints its version, blocks the incident (exit 1), reads its
 * shipped README (`explain`) and schema (`init`), and the GitLab template's install line works with the tarball.
 * The README's first command line (npm ci, then npx tfguard on the incident) is run in a fresh clone.
 * Dependencies come from the registry or npm's cache (`--prefer-offline`); slow (a minute), so a file of its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';

const T = 300_000;
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tfguard-install-')));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The environment of a fresh machine's shell: no npm_* variables of the `npm test` that runs us, no color. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !k.startsWith('GIT_') && k !== 'NODE_OPTIONS') out[k] = v;
  return { ...out, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

function run(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, env: env(extra), encoding: 'utf8', timeout: T, input: '' });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}): string {
  const r = run(cmd, args, cwd, extra);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** What an installed tfguard must do wherever it was installed from. */
function expectWorking(bin: string, packageDir: string): void {
  expect(ok(bin, ['--version'], tmp).trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  const work = mkdtempSync(join(tmp, 'work-'));
  copyFileSync(join(FIXTURES_DIR, 'incident', 'plan.json'), join(work, 'plan.json'));
  cpSync(join(FIXTURES_DIR, 'incident', 'src'), work, { recursive: true });
  const check = run(bin, ['check', 'plan.json'], work);
  expect(check.code, check.stderr).toBe(1);
  expect(check.stdout).toContain('BLOCKED: do not apply this plan.');
  expect(check.stdout).toContain('docs: tfguard explain blast-radius');
  const explain = run(bin, ['explain', 'blast-radius'], work);
  expect(explain.code, explain.stderr).toBe(0);
  expect(explain.stdout).toContain('### `blast-radius`');
  expect(ok(bin, ['init', '--dir', work], work)).toContain('Wrote');
  const schema = JSON.parse(readFileSync(join(work, '.tfguard.json'), 'utf8')).$schema as string;
  expect(realpathSync(schema.startsWith('/') ? schema : join(work, schema))).toBe(realpathSync(join(packageDir, 'schema', 'tfguard.schema.json')));
}

let tarball: string;
/** This tree as one commit tagged v0.1.0 (tracked and new files, as they are on disk), in a bare repository. */
let bare: string;

function bareRepository(): string {
  const src = join(tmp, 'src');
  const files = ok('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT)
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile());
  for (const f of files) {
    mkdirSync(dirname(join(src, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(src, f));
  }
  const git = ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false'];
  execFileSync('git', [...git, 'init', '-q', src], { env: env() });
  execFileSync('git', [...git, 'add', '-A'], { cwd: src, env: env() });
  execFileSync('git', [...git, 'commit', '-q', '-m', 'tfguard'], { cwd: src, env: env() });
  execFileSync('git', [...git, 'tag', 'v0.1.0'], { cwd: src, env: env() });
  const out = join(tmp, 'tfguard.git');
  execFileSync('git', ['clone', '-q', '--bare', src, out], { env: env() });
  return out;
}

beforeAll(() => {
  bare = bareRepository();
  // What `npm pack` makes from this tree. dist/ is built by global-setup: --ignore-scripts, so that prepare does not
  // rebuild it while other test files run the CLI from it.
  const out = join(tmp, 'pack');
  mkdirSync(out);
  ok('npm', ['pack', '--ignore-scripts', '--pack-destination', out], ROOT);
  const files = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  expect(files).toHaveLength(1);
  tarball = join(out, files[0]!);
}, T);

describe('installing tfguard', () => {
  it(
    'from the tarball npm pack makes, into a temp prefix: tfguard on PATH works',
    () => {
      const prefix = join(tmp, 'prefix');
      ok('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', tarball], tmp);
      const bin = join(prefix, 'bin', 'tfguard');
      expect(existsSync(bin)).toBe(true);
      expectWorking(bin, join(prefix, 'lib', 'node_modules', 'tfguard'));
      // The package holds what runs and what it reads, not the tests or fixtures.
      const shipped = readdirSync(join(prefix, 'lib', 'node_modules', 'tfguard')).sort();
      expect(shipped).toEqual(expect.arrayContaining(['README.md', 'bin', 'dist', 'package.json', 'schema']));
      expect(shipped).not.toContain('test');
      expect(shipped).not.toContain('fixtures');
    },
    T,
  );

  it(
    'from a git URL (a bare repository of this tree) into a project: npm builds it, npx --no-install runs it',
    () => {
      const project = join(tmp, 'project');
      mkdirSync(project);
      ok('npm', ['init', '-y'], project);
      ok('npm', ['install', '--save-dev', '--prefer-offline', `git+file://${bare}#v0.1.0`], project);
      const bin = join(project, 'node_modules', '.bin', 'tfguard');
      expectWorking(bin, join(project, 'node_modules', 'tfguard'));
      expect(ok('npx', ['--no-install', 'tfguard', '--version'], project).trim()).toBe('0.1.0');
      expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).devDependencies.tfguard).toBe(`git+file://${bare}#v0.1.0`);
    },
    T,
  );

  it(
    "the README's first command line works in a fresh clone: npm ci, then npx tfguard blocks the incident",
    () => {
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.split('\n');
      const first = block[0]!.replace(/\s+#.*$/, '');
      expect(first).toMatch(/^npm ci && npx tfguard check /);
      expect(block[1]!.replace(/\s+#.*$/, '')).toBe('npm test');
      const clone = join(tmp, 'clone');
      execFileSync('git', ['clone', '-q', bare, clone], { env: env() });
      const r = run('bash', ['-c', first.replace('npm ci', 'npm ci --prefer-offline')], clone);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain('BLOCKED: do not apply this plan.');
      expect(JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).scripts.test).toMatch(/^vitest run/);
    },
    T,
  );

  it(
    'the GitLab template installs it from TFGUARD_PACKAGE (here the tarball), never from the registry by name',
    () => {
      const template = parse(readFileSync(join(ROOT, 'examples', 'gitlab-ci.yml'), 'utf8'))['.tfguard'];
      const lines: string[] = template.before_script.filter((l: string) => !/^apk /.test(l) && !/^cd /.test(l));
      expect(lines.join('\n')).not.toMatch(/tfguard@/);
      const script = (pkg: string) =>
        run('bash', ['-euc', `${lines.join('\n')}\ntfguard --version`], tmp, { TFGUARD_PACKAGE: pkg, TFGUARD_HOME: join(tmp, 'gitlab') });
      const unset = script('');
      expect(unset.code).not.toBe(0);
      expect(unset.stderr).toContain('Set TFGUARD_PACKAGE');
      const installed = script(tarball);
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stdout.trim().split('\n').at(-1)).toBe('0.1.0');
    },
    T,
  );
});
