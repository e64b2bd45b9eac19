/**
 * Running terraform with its own output streaming to ours (plan, apply). Ctrl-C on a terminal reaches
 * terraform directly (it is in the terminal's foreground process group), so tfguard does not send it again —
 * terraform counts interrupts, and a second one aborts hard. A SIGINT that did not come from a terminal, and
 * every SIGTERM/SIGHUP, is passed on. tfguard waits for terraform to exit, and kills it if tfguard itself exits.
 */
import { execa } from 'execa';
import { TerraformError } from '../errors.js';

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

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export async function streamTerraform(bin: string, args: string[], opts: StreamOptions = {}): Promise<number> {
  const child = execa(bin, args, {
    cwd: opts.cwd,
    stdio: 'inherit',
    reject: false,
    cleanup: true,
    env: { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  const terminal = opts.terminal ?? process.stdin.isTTY === true;
  const onInt = () => {
    if (!terminal) child.kill('SIGINT');
  };
  const onOther = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onOther);
  process.on('SIGHUP', onOther);
  running++;
  try {
    const result = await child;
    if (result.failed && result.exitCode === undefined && !result.signal) {
      throw new TerraformError(`${bin} ${args[0] ?? ''} could not run: ${result.shortMessage}`);
    }
    if (result.exitCode !== undefined) return result.exitCode;
    return 128 + (SIGNAL_NUMBERS[result.signal ?? ''] ?? 1);
  } finally {
    running--;
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onOther);
    process.off('SIGHUP', onOther);
  }
}
