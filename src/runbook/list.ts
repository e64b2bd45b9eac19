/**
 * What tfguard apply would run for a plan, as text: the `preflight` checks that apply, the `before_destroy`
 * command of each instance, and for a staged rollout each stage with its `health` checks. `tfguard check` and
 * `tfguard apply --dry-run` print it; nothing is run. Every line is inert text, plan secrets redacted.
 */
import type { Plan } from '../plan/model.js';
import { escapeControls } from '../report/escape.js';
import { redactText } from '../redact/redact.js';
import { beforeDestroyCommands, healthCommands, preflightApplies, preflightCommands, type PlannedCommand, type RenderInput } from './render.js';
import { formatDuration, type Runbook } from './schema.js';

export interface ListedStage {
  group: string;
  targets: string[];
  /** The instances its health checks run for. */
  members: string[];
}

function command(c: PlannedCommand, after = ''): string[] {
  const what = `${c.phase} "${c.name}"${c.address ? ` for ${c.address}` : ''}${after} (timeout ${formatDuration(c.timeoutMs)}):`;
  return [what, `  ${c.command}`];
}

/**
 * The lines that say what runs. `stages`: the rollout of `tfguard apply --staged` (its last stage, every other
 * change, is added); without it, health checks are said to run between stages only.
 */
export function describeRunbook(runbook: Runbook, plan: Plan, input: RenderInput, stages?: readonly ListedStage[]): string[] {
  const lines: string[] = [];
  const preflight = preflightCommands(runbook, plan, input);
  for (const c of preflight) lines.push(...command(c));
  for (const s of runbook.preflight.filter((p) => !preflightApplies(p, plan))) {
    lines.push(`preflight "${s.name}": not for this plan (no change matches when: ${s.match!.join(', ')})`);
  }
  const before = beforeDestroyCommands(runbook, plan, input);
  if (stages === undefined || stages.length === 0) {
    for (const c of before) lines.push(...command(c));
    if (runbook.health.length > 0) {
      lines.push(`health: ${runbook.health.map((h) => `"${h.name}"`).join(', ')} run between the stages of tfguard apply --staged only`);
    }
  } else {
    const of = stages.length + 1;
    stages.forEach((stage, i) => {
      lines.push(`stage ${i + 1} of ${of} (group ${stage.group}): ${stage.targets.join(', ')}`);
      const mine = before.filter((c) => c.address !== undefined && stage.targets.includes(c.address));
      for (const c of mine) lines.push(...command(c).map((l) => `  ${l}`));
      for (const c of healthCommands(runbook, stage.members, input)) lines.push(...command(c, ', after the stage').map((l) => `  ${l}`));
    });
    lines.push(`stage ${of} of ${of}: every other change (a plan without -target), reviewed on its own`);
    const staged = new Set(stages.flatMap((s) => s.targets));
    for (const c of before.filter((b) => !staged.has(b.address ?? ''))) lines.push(...command(c).map((l) => `  ${l}`));
  }
  return lines.map((l) => escapeControls(redactText(l, plan.secrets)));
}

/** The listing with its heading, or '' when the config has no runbook and nothing is staged. */
export function runbookText(heading: string, lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${heading}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
