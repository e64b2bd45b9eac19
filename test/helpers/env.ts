/** Paths and capabilities of the machine the tests run on: the shared corpus, a terraform binary. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURES_DIR = join(ROOT, 'fixtures');
/** The shared corpus of real plans; TFGUARD_CORPUS points elsewhere (or nowhere, to check the skips). */
export const CORPUS = process.env.TFGUARD_CORPUS ?? join(ROOT, '..', 'shared', 'corpus');
export const hasCorpus = existsSync(CORPUS);
export const NO_CORPUS = `the corpus folder ${CORPUS} is absent: corpus tests skipped`;

/** Whether a working `terraform` binary is on PATH. */
export const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
export const NO_TERRAFORM = '`terraform` is not on PATH: saved binary plan tests skipped';

/** A test title that says why the test is skipped when terraform is missing. */
export function needsTerraform(title: string): string {
  return hasTerraform ? title : `${title} [skipped: ${NO_TERRAFORM}]`;
}

/** Every `.json` file under a folder, as sorted paths relative to that folder. */
export function jsonFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.json')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
