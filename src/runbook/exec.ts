/**
 * Running one runbook command: `/bin/sh -c TEXT` in the root module, in a session of its own (no controlling
 * terminal, stdin closed: nothing can prompt), with a timeout. Its output is streamed to stderr, each line
 * prefixed with `[phase name]`, control characters escaped and plan secrets redacted; the last lines are kept
 * for the failure message. While it runs, every signal tfguard handles is passed on to its whole process group
 * (SIGINT as SIGINT, anything else as SIGTERM) and SIGKILL follows after a grace period; on a timeout the same.
 * When the shell exits, whatever it left running in its group is stopped too, and nothing outlives tfguard.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { escapeControls } from '../report/escape.js';
import { redactText } from '../redact/redact.js';
import { gracefulSignal, onFatalSignals } from '../terraform/signals.js';
import { formatDuration } from './schema.js';
import type { PlannedCommand } from './render.js';

/** How long a command gets to stop after SIGTERM (or SIGINT) before SIGKILL. */
export const GRACE_MS = 5000;
const TAIL_LINES = 20;
const MAX_LINE = 4000;

export interface CommandResult {
  /** The shell's exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The signal tfguard received while the command ran (the command was stopped). */
  interrupted?: NodeJS.Signals;
  /** Its last lines of output (stdout and stderr), escaped and redacted. */
  tail: string[];
  ms: number;
}

export const succeeded = (r: CommandResult): boolean => r.exitCode === 0 && !r.timedOut && !r.interrupted;

/** `exit 3`, `timed out after 30s`, `stopped by SIGINT`, `killed by SIGKILL`. */
export function outcome(r: CommandResult, timeoutMs: number): string {
  if (r.interrupted) return `stopped: tfguard received ${r.interrupted}`;
  if (r.timedOut) return `timed out after ${formatDuration(timeoutMs)}`;
  if (r.exitCode !== null) return `exit ${r.exitCode}`;
  return `killed by ${r.signal ?? 'a signal'}`;
}

const groups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

// Nothing a command started outlives tfguard, whatever way it exits.
process.on('exit', () => {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
});

let running = 0;
/** Whether a runbook command is running: a signal is then passed on to it, and tfguard stops once it has. */
export function commandRunning(): boolean {
  return running > 0;
}

/** Splits a stream into lines; `onLine` gets each whole line (and the last partial one at the end). */
function lines(onLine: (line: string) => void): { push: (chunk: string) => void; end: () => void } {
  let rest = '';
  return {
    push: (chunk) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      if (rest.length > 64 * 1024) rest = rest.slice(0, 64 * 1024);
      for (const p of parts) onLine(p);
    },
    end: () => {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

export interface RunOptions {
  cwd: string;
  secrets: ReadonlySet<string>;
  /** Where output lines go (default: stderr). */
  write?: (text: string) => void;
}

export function runCommand(cmd: PlannedCommand, opts: RunOptions): Promise<CommandResult> {
  const write = opts.write ?? ((text: string) => process.stderr.write(text));
  const prefix = `[${cmd.phase} ${escapeControls(redactText(cmd.name, opts.secrets))}] `;
  const tail: string[] = [];
  const show = (line: string): void => {
    const text = escapeControls(redactText(line.replace(/\r$/, ''), opts.secrets));
    const cut = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text;
    tail.push(cut);
    if (tail.length > TAIL_LINES) tail.shift();
    write(`${prefix}${cut}\n`);
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', cmd.command], { cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    } catch (error) {
      reject(error as Error);
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) groups.add(pid);
    running++;
    let timedOut = false;
    let interrupted: NodeJS.Signals | undefined;
    let killer: NodeJS.Timeout | undefined;
    const stop = (signal: NodeJS.Signals): void => {
      if (pid === undefined) return;
      killGroup(pid, signal);
      killer ??= setTimeout(() => killGroup(pid, 'SIGKILL'), GRACE_MS);
    };
    const stopForwarding = onFatalSignals((signal) => {
      interrupted ??= signal;
      stop(gracefulSignal(signal));
    });
    const timer = setTimeout(() => {
      timedOut = true;
      stop('SIGTERM');
    }, cmd.timeoutMs);
    const out = lines(show);
    const err = lines(show);
    child.stdout!.setEncoding('utf8').on('data', out.push);
    child.stderr!.setEncoding('utf8').on('data', err.push);
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    // The shell is gone: stop what it left behind in its group (it may hold the pipes open).
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (pid !== undefined) {
        killGroup(pid, 'SIGTERM');
        killer ??= setTimeout(() => killGroup(pid, 'SIGKILL'), GRACE_MS);
      }
    });
    let settled = false;
    const done = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      if (pid !== undefined) {
        killGroup(pid, 'SIGKILL');
        groups.delete(pid);
      }
      running--;
      stopForwarding();
      out.end();
      err.end();
      if (error) {
        reject(error);
        return;
      }
      resolve({
        exitCode: exited?.code ?? null,
        signal: exited?.signal ?? null,
        timedOut,
        ...(interrupted ? { interrupted } : {}),
        tail,
        ms: Date.now() - started,
      });
    };
    child.on('error', (error) => done(error));
    child.on('close', () => done());
  });
}
