/**
 * The signals tfguard handles, in one place: every catchable signal whose default action ends the process.
 * Without a listener, Node dies of them at once — no 'exit' handler runs, so the temp plan (it holds secrets)
 * stays behind and no audit line is written; SIGPIPE it ignores, and SIGUSR1 starts its inspector. Left out:
 * SIGKILL and SIGSTOP (cannot be caught), SIGSEGV, SIGBUS, SIGFPE and SIGILL (a real fault: a listener would
 * make the faulting instruction run again and again) and SIGPROF (V8's CPU profiler samples with it).
 * Numbers come from os.constants.signals: the exit code after signal N is 128 + N.
 */
import { constants } from 'node:os';

const CANDIDATES = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTRAP',
  'SIGABRT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGPIPE',
  'SIGALRM',
  'SIGTERM',
  'SIGSTKFLT',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGVTALRM',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
] as const;

/** The handled signals this platform has, in signal-number order. */
export const FATAL_SIGNALS: readonly NodeJS.Signals[] = CANDIDATES.filter((s) => s in constants.signals).sort(
  (a, b) => constants.signals[a] - constants.signals[b],
);

/** 128 + the signal's number: what a shell reports for a process stopped by it (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 1);
}

/**
 * The signal terraform stops gracefully on (it keeps its state and lock consistent): SIGINT and SIGTERM are
 * its interrupts; anything else would kill it outright (Go's default), so it gets SIGTERM instead.
 */
export function gracefulSignal(signal: NodeJS.Signals): 'SIGINT' | 'SIGTERM' {
  return signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
}

/** Listens for every handled signal; returns the function that stops listening. */
export function onFatalSignals(listener: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of FATAL_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of FATAL_SIGNALS) process.off(signal, listener);
  };
}
