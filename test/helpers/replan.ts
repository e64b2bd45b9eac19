/**
 * Proving generated HCL with the real terraform binary: a workspace made from a fixture — its stage 1 applied to
 * an empty state (creates only: no destroy-time provisioner runs), then its stage 2 (or final sources) written
 * over it — planned as it is, and planned again with a generated snippet (a `moved`, `removed` or `lifecycle`
 * block) added, so a test can show that the snippet is valid and that the destroy it was written for is gone.
 * Nothing here ever applies stage 2. Tests that use it skip where terraform is absent (env.ts: hasTerraform).
 */
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './env.js';
import { freshDir, terraform } from './workspace.js';

/** A fixture's stage 1 applied, then its final configuration (stage 2, else `src/`) in place of stage 1's files. */
export function fixtureWorkspace(name: string): string {
  const fixture = join(FIXTURES_DIR, name);
  const dir = freshDir(`replan-${name}`);
  cpSync(join(fixture, 'stages', '1'), dir, { recursive: true });
  terraform(dir, ['init', '-input=false', '-no-color']);
  terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  const final = existsSync(join(fixture, 'stages', '2')) ? join(fixture, 'stages', '2') : join(fixture, 'src');
  for (const f of readdirSync(dir)) {
    if (!f.startsWith('.terraform') && !f.startsWith('terraform.tfstate')) rmSync(join(dir, f), { recursive: true, force: true });
  }
  cpSync(final, dir, { recursive: true });
  terraform(dir, ['init', '-input=false', '-no-color']);
  return dir;
}

/**
 * `terraform plan` of DIR with `files` written into it first (a generated snippet: `tfguard_advice.tf`), as
 * `terraform show -json` prints it. `args` go to terraform plan (`-replace=...`, `-target=...`).
 */
export function planJson(dir: string, files: Record<string, string> = {}, args: string[] = []): any {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  terraform(dir, ['plan', '-input=false', '-no-color', '-out=replan.tfplan', ...args]);
  return JSON.parse(terraform(dir, ['show', '-json', 'replan.tfplan']));
}

/** The instance addresses a plan JSON deletes (a delete, or either order of replace). */
export function destroyedAddresses(plan: any): string[] {
  return (plan.resource_changes ?? [])
    .filter((rc: any) => rc.change.actions.includes('delete'))
    .map((rc: any) => rc.address as string)
    .sort();
}

/** The instance addresses a plan JSON moves (previous_address set) or forgets (action `forget`). */
export function movedOrForgotten(plan: any): { moved: string[]; forgotten: string[] } {
  const changes: any[] = plan.resource_changes ?? [];
  return {
    moved: changes
      .filter((rc) => rc.previous_address !== undefined)
      .map((rc) => `${rc.previous_address} -> ${rc.address}`)
      .sort(),
    forgotten: changes
      .filter((rc) => rc.change.actions.includes('forget'))
      .map((rc) => rc.address as string)
      .sort(),
  };
}
