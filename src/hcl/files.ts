/**
 * Which files are Terraform configuration: `.tf`, `.tf.json` and OpenTofu's `.tofu`, `.tofu.json`, less the
 * files Terraform itself ignores (dot files, editor backups `x~` and `#x#` autosaves). One rule for the sources
 * reader, `scan` and the commands that decide where the sources are. No hcl2json here.
 */
import { readdir } from 'node:fs/promises';

const CONFIG_FILE = /\.(tf|tofu)(\.json)?$/;

export function isTerraformFile(name: string): boolean {
  if (name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'))) return false;
  return CONFIG_FILE.test(name);
}

/** Whether a directory (not its subdirectories) holds Terraform configuration; false when it cannot be read. */
export async function holdsTerraform(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some(isTerraformFile);
  } catch {
    return false;
  }
}
