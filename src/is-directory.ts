import { stat } from 'node:fs/promises';

/** Whether `path` is a folder (following links); a path that is missing or cannot be read is not. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
