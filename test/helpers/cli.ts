/** Running the built CLI as a subprocess, the way a person or a CI job does (dist/ is built by global-setup). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './env.js';

export const BIN = join(ROOT, 'bin', 'tfguard.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** NO_COLOR=1 and nothing inherited that changes tfguard's behaviour; `undefined` in `extra` removes a variable. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'TFGUARD_TERRAFORM_BIN', 'TFGUARD_DEBUG', 'NODE_OPTIONS', 'GITHUB_STEP_SUMMARY']) delete env[name];
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function tfguard(args: string[], opts: { env?: Record<string, string | undefined>; input?: string | Buffer; cwd?: string } = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cliEnv(opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** stdout parsed as JSON, with the whole run in the error when it is not. */
export function json(run: Run): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** Exit 2 with exactly one line on stderr, `tfguard: ...`, and no stack trace. */
export function expectOneLineError(run: Run, ...parts: (string | RegExp)[]): void {
  expect(run.code, `stderr: ${run.stderr}`).toBe(2);
  expect(run.stderr.endsWith('\n')).toBe(true);
  const lines = run.stderr.slice(0, -1).split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tfguard: /);
  expect(run.stderr).not.toContain('    at ');
  expect(run.stdout).toBe('');
  for (const part of parts) {
    if (typeof part === 'string') expect(lines[0]).toContain(part);
    else expect(lines[0]).toMatch(part);
  }
}
