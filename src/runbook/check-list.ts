/**
 * `tfguard check` lists what `tfguard apply` would run for a plan (the config's runbook, rendered), and for
 * `--staged` the stages blast-radius's groups would take. Nothing is run. A placeholder on a secret is the same
 * config error as in apply (exit 2).
 */
import { planStages, stageTargets } from '../apply/stages.js';
import type { Config } from '../config/schema.js';
import type { RunResult } from '../engine/run.js';
import type { Plan } from '../plan/model.js';
import { describeRunbook, runbookText } from './list.js';
import { isEmpty } from './schema.js';

/** The listing for one plan, or '' when the config has no runbook. `{run_id}` is shown as `RUN_ID`. */
export function runbookListing(source: string, plan: Plan, config: Config, result: RunResult): string {
  if (isEmpty(config.runbook)) return '';
  const blast = [...result.findings, ...result.waived].filter((f) => f.rule === 'blast-radius').map((f) => f.addresses);
  const { stages } = planStages(plan, config.groups, blast, 1);
  const listed = stages.map((s) => ({ group: s.group, targets: stageTargets(s), members: s.members.map((m) => m.instance) }));
  const lines = describeRunbook(config.runbook, plan, { plan, runId: 'RUN_ID', source: config.source }, listed);
  const staged = listed.length > 0 ? `; with --staged, in ${listed.length + 1} stages` : '';
  return runbookText(`What tfguard apply would run for ${source} (.tfguard.json; check runs none of it${staged}):`, lines);
}
