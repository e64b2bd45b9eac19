/**
 * Running terraform with its own output streaming to ours (plan, apply). While it runs, every signal tfguard
 * handles (src/terraform/signals.ts) is passed on as one terraform stops gracefully on — SIGINT as SIGINT,
 * anything else as SIGTERM — so that it keeps its state and lock consistent. Ctrl-C on a terminal reaches
 * terraform directly (it is in the terminal's foreground process group), so tfguard does not send it again:
 * terraform counts interrupts, and a second one aborts hard. tfguard waits for terraform to exit, however long
 * its stop takes (never SIGKILL), and kills it only if tfguard itself exits.
 */
import { execa } from 'execa';
import { TerraformError } from '../errors.js';
import { gracefulSignal, onFatalSignals, signalExitCode } from './signals.js';

export interface StreamOptions {
  cwd?: string | undefined;
  /** Whether Ctrl-C comes from a terminal that also delivers it to the child. */
  terminal?: boolean;
}

/** How many terraform children are running now: while one is, signals are its to handle. */
let running = 0;
export function terraformRunning(): boolean {
  return running > 0;
}

export async function streamTerraform(bin: string, args: string[], opts: StreamOptions = {}): Promise<number> {
  const child = execa(bin, args, {
    cwd: opts.cwd,
    stdio: 'inherit',
    reject: false,
    cleanup: true,
    // execa would SIGKILL a child 5 s after sending it SIGTERM: terraform stopping gracefully takes its time.
    forceKillAfterDelay: false,
    env: { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  const terminal = opts.terminal ?? process.stdin.isTTY === true;
  const stopForwarding = onFatalSignals((signal) => {
    if (signal === 'SIGINT' && terminal) return;
    child.kill(gracefulSignal(signal));
  });
  running++;
  try {
    const result = await child;
    if (result.failed && result.exitCode === undefined && !result.signal) {
      throw new TerraformError(`${bin} ${args[0] ?? ''} could not run: ${result.shortMessage}`);
    }
    if (result.exitCode !== undefined) return result.exitCode;
    return result.signal ? signalExitCode(result.signal) : 129;
  } finally {
    running--;
    stopForwarding();
  }
}
