/** Helpers of the runbook and staged-rollout end-to-end tests: the config, and the log the commands write. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `.tfguard.json` in a workspace. */
export function writeConfig(dir: string, config: unknown): void {
  writeFileSync(join(dir, '.tfguard.json'), JSON.stringify(config, null, 2));
}

/** The lines of `order.log`, which runbook commands and destroy-time provisioners append to: what ran, in order. */
export function orderLog(dir: string): string[] {
  const path = join(dir, 'order.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}
