/**
 * Real git repositories for the hook and scan tests: a bare remote and a clone in a temp folder (a space in every
 * path), git run with nothing from the user's configuration, and the built CLI (dist/ is built by global-setup).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './env.js';

export const BIN = join(ROOT, 'bin', 'tfguard.js');

let root: string | undefined;
let counter = 0;

/** One temp folder (its real path: git prints real paths) for the repositories of a test file. */
export function scratch(): string {
  root ??= realpathSync(mkdtempSync(join(tmpdir(), 'tfguard-git-test-')));
  return root;
}

/** Removes the temp folder: call in afterAll. */
export function removeScratch(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** No color, nothing from the user's git configuration (a global core.hooksPath would move the hooks), an identity. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'TFGUARD_TERRAFORM_BIN', 'TFGUARD_DEBUG', 'NODE_OPTIONS']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  Object.assign(env, {
    NO_COLOR: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'tfguard test',
    GIT_AUTHOR_EMAIL: 'test@tfguard.invalid',
    GIT_COMMITTER_NAME: 'tfguard test',
    GIT_COMMITTER_EMAIL: 'test@tfguard.invalid',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  });
  return env;
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(cmd, args, { cwd, env: baseEnv(env), input: '', encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const GIT_CONFIG = ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'advice.detachedHead=false'];

/** `git ARGS` in DIR, whatever its exit code. */
export function gitRun(dir: string, args: string[], env: Record<string, string> = {}): Run {
  return run('git', [...GIT_CONFIG, ...args], dir, env);
}

/** `git ARGS` in DIR, which must succeed; its stdout, trimmed. */
export function git(dir: string, ...args: string[]): string {
  const r = gitRun(dir, args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed in ${dir} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

export function tfguard(args: string[], cwd = ROOT): Run {
  return run(process.execPath, [BIN, ...args], cwd);
}

export function write(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

export function commit(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** The commit a ref of the bare remote names, or undefined when it has none. */
export function remoteRef(remote: string, ref = 'main'): string | undefined {
  const r = gitRun(remote, ['rev-parse', '--verify', '--quiet', `refs/heads/${ref}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export const INITIAL_TF = `resource "terraform_data" "app" {
  input = "v1"
}
`;

export const DESTRUCTIVE_TF = `resource "terraform_data" "cp_reset_on_destroy" {
  input = { node = "10.0.0.1" }

  provisioner "local-exec" {
    when    = destroy
    command = "talosctl reset --nodes \${self.input.node} --graceful=false --reboot"
  }
}
`;

export const WORKFLOW = `name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: terraform init -input=false
      - run: terraform apply -auto-approve
`;

export const VARIABLE_TF = `variable "workers" {
  type    = number
  default = 3
}
`;

export const DB_TF = `resource "terraform_data" "db" {
  input = "data"

  lifecycle {
    prevent_destroy = true
  }
}
`;

/** A bare remote and a clone of it, with one harmless .tf committed and pushed to main. */
export function setup(files: Record<string, string> = { 'main.tf': INITIAL_TF }): { remote: string; clone: string; base: string } {
  // A space in every path: the hook quotes what it must.
  const dir = join(scratch(), `repo ${counter++}`);
  mkdirSync(dir);
  const remote = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', remote);
  git(dir, 'clone', '-q', remote, 'clone');
  const clone = join(dir, 'clone');
  git(clone, 'checkout', '-q', '-B', 'main');
  for (const [rel, text] of Object.entries(files)) write(clone, rel, text);
  const base = commit(clone, 'initial');
  git(clone, 'push', '-q', '-u', 'origin', 'main');
  return { remote, clone, base };
}

export function install(clone: string, ...args: string[]): Run {
  const r = tfguard(['hook', 'install', '--dir', clone, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** A refused push: git exits non-zero, the hook said why and how to bypass, the remote did not move. */
export function expectRefusedPush(r: Run, remote: string, ref: string, before: string | undefined): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toContain('BLOCKED');
  expect(r.stderr).toContain('tfguard: push refused');
  expect(r.stderr).toContain('git push --no-verify');
  expect(remoteRef(remote, ref)).toBe(before);
}
