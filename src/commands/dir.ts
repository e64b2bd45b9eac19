/**
 * A folder named on the command line (`--dir`, `-chdir`) must exist and be a folder: a typo that silently fell
 * back to "no sources" or "no config" would fail open.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The absolute folder, or a UsageError (exit 2) naming the option and what is wrong. */
export async function existingDir(arg: string, option = '--dir'): Promise<string> {
  const dir = resolve(arg);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${option} ${arg}: ${code === 'ENOENT' ? 'no such directory' : `cannot be read (${code ?? (error as Error).message})`}`);
  }
  if (!isDirectory) throw new UsageError(`${option} ${arg}: not a directory`);
  return dir;
}
