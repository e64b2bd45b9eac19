import { z } from 'zod';
import { safeAlternatives } from '../src/advice/alternatives.js';
import { destructiveMatches } from '../src/engine/destructive-commands.js';
import { renderCommand } from '../src/engine/render-command.js';
import { defineRule, type Hit, type RenderedProvisioner } from '../src/engine/types.js';
import { whatRuns } from '../src/engine/what-runs.js';
import { blockFor, removedFor } from '../src/hcl/lookup.js';
import { moduleDir } from '../src/hcl/paths.js';
import type { SourceProvisioner, Sources } from '../src/hcl/types.js';
import { blockRemoved, isDestructive, mayHaveProvisioners, type Plan, type ResourceChange } from '../src/plan/model.js';

/** What the provisioner runs (interpreter, command, environment), rendered from the instance's prior values. */
function render(p: SourceProvisioner, change: ResourceChange, sources: Sources, file: string, line: number): RenderedProvisioner {
  const unresolved: string[] = [];
  const ctx = {
    self: change.before,
    selfSensitive: change.beforeSensitive,
    key: change.index,
    pathModule: moduleDir(sources, change.address),
    pathRoot: '.',
  };
  const runs = whatRuns(p, (template) => {
    const rendered = renderCommand(template, ctx);
    unresolved.push(...rendered.unresolved);
    return rendered.text;
  });
  return {
    provisioner: p.type,
    command: runs.text,
    destructive: destructiveMatches(runs.text).map((d) => d.name),
    ...(runs.unknown !== undefined ? { unknown: runs.unknown } : {}),
    unresolved: [...new Set(unresolved)],
    file,
    line: p.line ?? line,
  };
}

function describe(commands: RenderedProvisioner[]): string {
  return commands
    .map((c) => {
      const danger = destructiveMatches(c.command).map((d) => `${d.name}: ${d.what}`);
      const note = danger.length > 0 ? ` — DESTRUCTIVE (${danger.join('; ')})` : c.unknown !== undefined ? ` — CANNOT TELL what runs (${c.unknown})` : '';
      return `\`${c.command}\`${note}`;
    })
    .join(', then ');
}

/** How many provisioners the configuration gives the instances: each one may run when its instance is destroyed. */
function provisionerCount(plan: Plan, changes: readonly ResourceChange[]): number {
  return changes.reduce((n, c) => n + (plan.configProvisioners.get(c.groupAddress)?.length ?? 0), 0);
}

/**
 * The heart of the incident: an instance the plan destroys (delete, replace in either order, a taint, a
 * count/for_each key gone, a `removed` block) whose block — or `removed` block — has a provisioner with
 * `when = destroy`. The plan JSON cannot show `when`, so this rule reads the sources.
 */
export default defineRule({
  meta: {
    id: 'destroy-provisioner',
    description: 'Destroys an instance whose block (or removed block) has a `when = destroy` provisioner; shows the command',
    severity: 'block',
    options: z.strictObject({}),
  },
  check({ plan, sources: state }) {
    const destroyed = plan.changes.filter(isDestructive);
    const hits: Hit[] = [];
    const unverified: ResourceChange[] = [];
    for (const change of destroyed) {
      if (state.status !== 'loaded') {
        // `not-read`: the command judged that the plan needs no sources.
        if (state.status === 'missing' && mayHaveProvisioners(plan, change)) unverified.push(change);
        continue;
      }
      const sources = state.sources;
      const block = blockFor(sources, change.address);
      const removed = block ? undefined : removedFor(sources, change.address);
      const where = block ?? (removed?.destroy ? removed : undefined);
      if (!where) {
        // No block in the sources: the wrong folder, unless the plan says the block left the configuration.
        const undeclared = !removed && (plan.configKnown ? plan.configProvisioners.has(change.groupAddress) : !blockRemoved(change));
        if (undeclared) unverified.push(change);
        continue;
      }
      const provisioners = where.provisioners.filter((p) => p.when === 'destroy');
      if (provisioners.length === 0) continue;
      const commands = provisioners.map((p) => render(p, change, sources, where.file, where.line));
      const via = block ? 'its' : "the removed block's";
      const suggestions = safeAlternatives({ plan, sources: state }, [change]);
      const kinds = [...new Set(provisioners.map((p) => p.type))].join('/');
      hits.push({
        message: `Destroying ${change.address} runs ${via} destroy-time ${kinds} provisioner ` + `(${where.file}:${where.line}): ${describe(commands)}.`,
        addresses: [change.address],
        location: { file: where.file, line: where.line },
        commands,
        ...(suggestions.length > 0 ? { suggestions } : {}),
      });
    }
    if (unverified.length > 0) {
      // Fail closed: without the sources, a `when = destroy` provisioner cannot be ruled out. The finding takes
      // the rule's severity (block by default), like a provisioner that is known to run.
      const why =
        state.status === 'missing' ? state.reason : `the sources in ${state.status === 'loaded' ? state.sources.root : 'DIR'} do not declare these resources`;
      const what = plan.configKnown
        ? `${provisionerCount(plan, unverified)} provisioner(s) run at destroy time: the plan destroys ${unverified.length} ` +
          'instance(s) whose configuration has provisioners, and the plan JSON does not say when they run'
        : `destroying ${unverified.length} instance(s) runs a destroy-time provisioner: the plan has no configuration ` +
          'section (trimmed?), so it cannot say which resources have provisioners';
      hits.push({
        message: `Cannot tell whether ${what} (${why}). Pass --dir ROOT_MODULE, the folder with the .tf files the plan was made from.`,
        addresses: unverified.map((c) => c.address),
      });
    }
    return hits;
  },
});
