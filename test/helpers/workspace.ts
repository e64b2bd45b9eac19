/**
 * Real Terraform workspaces for the `tfguard apply` end-to-end tests, and the built CLI as a subprocess: plain
 * (stdin a pipe or ignored), through a pseudo-terminal (util-linux `script`), or left running to be signalled.
 * Workspaces are temp folders holding only the builtin `terraform_data` resource, so nothing is downloaded.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './env.js';

export const BIN = join(ROOT, 'bin', 'tfguard.js');
export const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
export const FAKE_TERRAFORM_SOURCE = join(ROOT, 'test', 'helpers', 'fake-terraform.sh');
/** A wrapper around the real terraform whose `plan` is interrupted late, yet writes the plan and exits 0. */
export const SLOW_PLAN_SOURCE = join(ROOT, 'test', 'helpers', 'slow-plan-terraform.sh');

/** An executable copy of a helper script, named `terraform`, in a fresh folder: for --terraform-bin. */
export function terraformScript(source: string): string {
  const bin = join(freshDir('bin'), 'terraform');
  copyFileSync(source, bin);
  chmodSync(bin, 0o755);
  return bin;
}

/** util-linux `script`, which runs a command on a pseudo-terminal. */
export const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));
export const hasScript = SCRIPT !== undefined && spawnSync(SCRIPT, ['--version'], { stdio: 'ignore' }).status === 0;
export const NO_SCRIPT = 'util-linux `script` is not installed: the pseudo-terminal (interactive prompt) tests are skipped';

export const hasBash = spawnSync('bash', ['-c', 'true'], { stdio: 'ignore' }).status === 0;
export const NO_BASH = '`bash` is not on PATH: the fake terraform tests are skipped';

/** Removes ANSI escapes (terraform colors its own output whatever NO_COLOR says) and carriage returns. */
export function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

let scratch: string | undefined;

/** One temp folder for everything a test file makes; an empty Terraform CLI config lives in it. */
export function scratchDir(): string {
  if (!scratch) {
    // The real path: tfguard records process.cwd(), which has no symlinks in it (macOS /var -> /private/var).
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'tfguard-apply-e2e-')));
    writeFileSync(join(scratch, 'empty.tfrc'), '');
  }
  return scratch;
}

/** The environment of every run: no color, no checkpoint calls, an empty CLI config, nothing inherited that changes tfguard. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'FORCE_COLOR',
    'NO_COLOR',
    'TFGUARD_TERRAFORM_BIN',
    'TFGUARD_DEBUG',
    'NODE_OPTIONS',
    'TF_CLI_ARGS',
    'TF_CLI_ARGS_plan',
    'TF_CLI_ARGS_apply',
    'TF_WORKSPACE',
    'TF_DATA_DIR',
  ]) {
    delete env[name];
  }
  for (const name of Object.keys(env)) if (name.startsWith('TF_VAR_') || name.startsWith('FAKE_TF_')) delete env[name];
  Object.assign(env, {
    NO_COLOR: '1',
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: join(scratchDir(), 'empty.tfrc'),
    SHELL: '/bin/sh',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** `terraform ARGS` in a workspace, directly (not through tfguard); throws with its output when it fails. */
export function terraform(dir: string, args: string[]): string {
  try {
    return execFileSync('terraform', args, { cwd: dir, env: baseEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`terraform ${args.join(' ')} failed in ${dir}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

export function stateList(dir: string): string[] {
  return terraform(dir, ['state', 'list']).split('\n').filter(Boolean).sort();
}

/** A new workspace with these files, `terraform init` and, unless `apply` is false, `terraform apply -auto-approve`. */
export function makeWorkspace(name: string, files: Record<string, string>, opts: { apply?: boolean; vars?: string[] } = {}): string {
  const dir = mkdtempSync(join(scratchDir(), `${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  terraform(dir, ['init', '-input=false', '-no-color']);
  if (opts.apply !== false) {
    terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', ...(opts.vars ?? []).flatMap((v) => ['-var', v])]);
  }
  return dir;
}

/** A copy of a prepared workspace (sources, `.terraform` if any, state): each test changes only its own. */
export function copyWorkspace(template: string, name: string): string {
  const dir = mkdtempSync(join(scratchDir(), `${name}-`));
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** A fresh, empty folder (a TMPDIR for one run, a place for plans). */
export function freshDir(name: string): string {
  return mkdtempSync(join(scratchDir(), `${name}-`));
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** What stdin is: a closed pipe (default) or nothing at all. Never a terminal. */
  stdin?: 'pipe' | 'ignore';
  timeout?: number;
}

/** Every child started here, so that none outlives the tests (a hung tfguard would spin on after vitest). */
const started = new Set<ChildProcess>();

/** Kills whatever child is still running: call in afterAll. */
export function killStragglers(): void {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
}

function track(child: ChildProcess): void {
  started.add(child);
  child.on('close', () => started.delete(child));
}

/** `node bin/tfguard.js ARGS`, left running: the caller may signal it before awaiting `done`. */
export function startTfguard(args: string[], opts: RunOptions): { child: ChildProcess; done: Promise<Run>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: baseEnv(opts.env),
    stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'],
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (child.stdin) child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 45_000);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: plain(stdout), stderr: plain(stderr) });
    });
  });
  return { child, done, output: () => plain(stdout + stderr) };
}

export function tfguard(args: string[], opts: RunOptions): Promise<Run> {
  return startTfguard(args, opts).done;
}

/** Resolves once `check()` holds, polling; rejects with `what` after `ms`. */
export async function waitUntil(check: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Quotes a word for POSIX sh. */
export function shq(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export interface PtySession {
  /** Everything the terminal showed so far (stdout and stderr are one stream on a terminal), without escapes. */
  output(): string;
  /** Waits until the terminal shows text matching `re`. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** Types on the keyboard. */
  type(text: string): void;
  done: Promise<{ code: number | null; output: string }>;
}

/**
 * `node bin/tfguard.js ARGS` on a pseudo-terminal: `script -qfec COMMAND /dev/null`, whose stdin (a pipe) is the
 * keyboard and whose stdout is the screen. `script -e` exits with the command's exit code.
 */
export function ptyTfguard(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; timeout?: number }): PtySession {
  const command = [process.execPath, BIN, ...args].map(shq).join(' ');
  const child = spawn(SCRIPT!, ['-qfec', command, '/dev/null'], {
    cwd: opts.cwd,
    env: baseEnv({ TERM: 'dumb', ...opts.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  track(child);
  let screen = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (screen += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (screen += d));
  child.stdin!.on('error', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 45_000);
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin!.destroy();
      resolve({ code, output: plain(screen) });
    });
  });
  return {
    output: () => plain(screen),
    waitFor: (re, ms = 30_000) =>
      waitUntil(
        () => re.test(plain(screen)),
        () => `${re} on the terminal; it shows:\n${plain(screen)}`,
        ms,
      ),
    type: (text) => {
      child.stdin!.write(text);
    },
    done,
  };
}

/** The audit log of a workspace, one parsed record per line, oldest first. */
export function auditRecords(dir: string, path = join(dir, '.tfguard', 'audit.jsonl')): any[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Files in `dir` whose names start with `prefix`. */
export function entries(dir: string, prefix: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.startsWith(prefix))
        .sort()
    : [];
}

/** Every process whose parent chain leads to `pid` (Linux /proc), children first. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** Whether a process is running (a zombie waiting to be reaped does not count). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The command line of a process, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}
