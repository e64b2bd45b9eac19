import { z } from 'zod';
import { destructiveMatches } from '../src/engine/destructive-commands.js';
import { renderCommand } from '../src/engine/render-command.js';
import { defineRule, type Hit, type RenderedProvisioner } from '../src/engine/types.js';
import { blockFor, removedFor } from '../src/hcl/lookup.js';
import { moduleDir } from '../src/hcl/paths.js';
import type { SourceProvisioner, Sources } from '../src/hcl/types.js';
import { isDestructive, type ResourceChange } from '../src/plan/model.js';

/** What a provisioner runs, as written: a local-exec command, remote-exec lines, a script. */
function rawCommand(p: SourceProvisioner): string | undefined {
  if (p.command !== undefined) return p.command;
  if (p.inline !== undefined) return p.inline.join(' && ');
  return p.script;
}

function render(p: SourceProvisioner, change: ResourceChange, sources: Sources, file: string, line: number): RenderedProvisioner {
  const raw = rawCommand(p) ?? `(${p.type} provisioner)`;
  const rendered = renderCommand(raw, {
    self: change.before,
    selfSensitive: change.beforeSensitive,
    key: change.index,
    pathModule: moduleDir(sources, change.address),
    pathRoot: '.',
  });
  return {
    provisioner: p.type,
    command: rendered.text,
    destructive: destructiveMatches(rendered.text).map((d) => d.name),
    unresolved: rendered.unresolved,
    file,
    line: p.line ?? line,
  };
}

function describe(commands: RenderedProvisioner[]): string {
  return commands
    .map((c) => {
      const danger = destructiveMatches(c.command).map((d) => `${d.name}: ${d.what}`);
      return `\`${c.command}\`${danger.length > 0 ? ` — DESTRUCTIVE (${danger.join('; ')})` : ''}`;
    })
    .join(', then ');
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
    const unverified: string[] = [];
    for (const change of destroyed) {
      if (state.status !== 'loaded') {
        // `not-read`: the command judged that the plan needs no sources.
        if (state.status === 'missing' && plan.configProvisioners.has(change.groupAddress)) unverified.push(change.address);
        continue;
      }
      const sources = state.sources;
      const block = blockFor(sources, change.address);
      const removed = block ? undefined : removedFor(sources, change.address);
      const where = block ?? (removed?.destroy ? removed : undefined);
      if (!where) {
        if (!removed && plan.configProvisioners.has(change.groupAddress)) unverified.push(change.address);
        continue;
      }
      const provisioners = where.provisioners.filter((p) => p.when === 'destroy');
      if (provisioners.length === 0) continue;
      const commands = provisioners.map((p) => render(p, change, sources, where.file, where.line));
      const via = block ? 'its' : 'the removed block\'s';
      const kinds = [...new Set(provisioners.map((p) => p.type))].join('/');
      hits.push({
        message:
          `Destroying ${change.address} runs ${via} destroy-time ${kinds} provisioner ` +
          `(${where.file}:${where.line}): ${describe(commands)}.`,
        addresses: [change.address],
        location: { file: where.file, line: where.line },
        commands,
      });
    }
    if (unverified.length > 0) {
      const why = state.status === 'missing' ? state.reason : 'the sources do not declare these resources';
      hits.push({
        message:
          `The plan destroys ${unverified.length} instance(s) whose configuration has provisioners, and ` +
          `destroy-time provisioners could not be verified (${why}): a person must review; -auto-approve is refused.`,
        addresses: unverified,
        severity: 'warn',
      });
    }
    return hits;
  },
});
