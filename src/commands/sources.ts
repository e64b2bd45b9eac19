/**
 * Reading the `.tf` sources only when the plan needs them: when it destroys something whose configuration has
 * provisioners (or may have: a plan trimmed of its `configuration` cannot say), or something whose block left
 * the configuration (a `removed` block may carry a destroy-time provisioner). Otherwise hcl2json's WebAssembly
 * start-up is never paid.
 */
import { holdsTerraform } from '../hcl/files.js';
import type { SourcesState } from '../engine/types.js';
import type { LoadOptions } from '../hcl/load.js';
import type { Sources } from '../hcl/types.js';
import { blockRemoved, isDestructive, mayHaveProvisioners, type Plan } from '../plan/model.js';

export function needsSources(plan: Plan): boolean {
  return plan.changes.some((c) => isDestructive(c) && (mayHaveProvisioners(plan, c) || blockRemoved(c)));
}

export async function readSourcesFor(plan: Plan, dir: string, opts: LoadOptions = {}): Promise<SourcesState> {
  if (!needsSources(plan)) return { status: 'not-read' };
  if (!(await holdsTerraform(dir))) return { status: 'missing', reason: `no .tf files in ${dir}` };
  const { loadSources } = await import('../hcl/load.js');
  return { status: 'loaded', sources: await loadSources(dir, opts) };
}

export interface SourcesRead {
  /** What the rules see: read only when the plan needs them, exactly as `readSourcesFor` decides. */
  state: SourcesState;
  /** Sources to find each finding's file and line in: the same, or read for that alone (`wantLocations`). */
  locations?: Sources;
}

/**
 * The sources for the rules and, with `wantLocations` (a format that points at files and lines: sarif,
 * github), also whenever the root module has `.tf` files. Sources read only for locations never reach the
 * rules, so the findings and the decision do not depend on the output format; and a file hcl2json cannot
 * read then costs the locations, not the run.
 */
export async function readSources(plan: Plan, dir: string, opts: { wantLocations?: boolean } & LoadOptions = {}): Promise<SourcesRead> {
  const load: LoadOptions = opts.maxHclFileBytes !== undefined ? { maxHclFileBytes: opts.maxHclFileBytes } : {};
  const state = await readSourcesFor(plan, dir, load);
  if (state.status === 'loaded') return { state, locations: state.sources };
  if (!opts.wantLocations || !(await holdsTerraform(dir))) return { state };
  try {
    const { loadSources } = await import('../hcl/load.js');
    return { state, locations: await loadSources(dir, load) };
  } catch {
    return { state };
  }
}
