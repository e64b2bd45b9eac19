/** The review every command shares: config, plan, sources when needed, the rules, and the report. */
import { RULES } from '../../rules/index.js';
import { loadConfig } from '../config/load.js';
import { hclFileLimit } from '../hcl/limits.js';
import type { Config } from '../config/schema.js';
import { runRules, type RunResult } from '../engine/run.js';
import { loadPlan, loadPlans } from '../plan/load.js';
import type { Plan } from '../plan/model.js';
import { readSources } from './sources.js';
import { inlineWaivers } from '../engine/inline-waivers.js';
import { holdsTerraform } from '../hcl/files.js';
import type { Sources } from '../hcl/types.js';

export interface ReviewInput {
  /** A plan JSON file, a saved plan, or `-`. */
  source: string;
  /** Root module: `.tfguard.json` and the `.tf` sources. */
  dir: string;
  configFile?: string | undefined;
  terraformBin?: string | undefined;
  /** Where `terraform show` runs for a saved plan (default: dir). */
  terraformCwd?: string | undefined;
  expect?: readonly string[];
  /** `-target` addresses tfguard apply passed to terraform plan itself (a targeted plan by request). */
  targets?: readonly string[];
  /** Read the sources whenever the root module has `.tf` files, to give every finding its file and line. */
  wantLocations?: boolean;
}

export interface Reviewed {
  sourceName: string;
  plan: Plan;
  config: Config;
  result: RunResult;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function review(input: ReviewInput): Promise<Reviewed> {
  const config = await loadConfig({ dir: input.dir, file: input.configFile, rules: RULES });
  const { source, plan } = await loadPlan(input.source, { terraformBin: input.terraformBin, cwd: input.terraformCwd ?? input.dir });
  return judge(input, source, plan, config);
}

/** Every plan of one input (several JSON documents are several plans), each reviewed on its own. */
export async function reviewPlans(input: ReviewInput): Promise<Reviewed[]> {
  const config = await loadConfig({ dir: input.dir, file: input.configFile, rules: RULES });
  const loaded = await loadPlans(input.source, { terraformBin: input.terraformBin, cwd: input.terraformCwd ?? input.dir });
  const out: Reviewed[] = [];
  for (const { source, plan } of loaded) out.push(await judge(input, source, plan, config));
  return out;
}

async function judge(input: ReviewInput, sourceName: string, plan: Plan, config: Config): Promise<Reviewed> {
  const maxHclFileBytes = hclFileLimit(config.tfFileMb);
  const { state: sources, locations } = await readSources(plan, input.dir, { wantLocations: input.wantLocations ?? false, maxHclFileBytes });
  const run = (waivers: Config['waivers']) =>
    runRules({
      plan,
      config: { ...config, waivers },
      rules: RULES,
      today: todayUtc(),
      sources,
      expect: input.expect ?? [],
      targets: input.targets ?? [],
      ...(locations ? { locations } : {}),
    });
  let result = run(config.waivers);
  // Inline waivers (`# tfguard:allow` comments) live in the sources: read when a finding is left to waive.
  if (result.findings.length > 0) {
    const read = sources.status === 'loaded' ? sources.sources : (locations ?? (await readAllSources(input.dir, maxHclFileBytes)));
    const inline = read ? inlineWaivers(read, RULE_IDS) : [];
    if (inline.length > 0) result = run([...config.waivers, ...inline]);
  }
  return { sourceName, plan, config, result };
}

const RULE_IDS = RULES.map((r) => r.meta.id) as [string, ...string[]];

async function readAllSources(dir: string, maxHclFileBytes: number): Promise<Sources | undefined> {
  if (!(await holdsTerraform(dir))) return undefined;
  const { loadSources } = await import('../hcl/load.js');
  return loadSources(dir, { maxHclFileBytes });
}
