/**
 * Advice for a group that a plan takes down at once (blast-radius). It knows what destroying runs:
 * - a destroy that runs something (a destroy-time provisioner, a provider's destroy hook) still runs it when the
 *   instances are applied one at a time, so staging does not help: it says so, and gives the safe alternatives
 *   (alternatives.ts);
 * - otherwise, one `tfguard apply -target=…` per stage, each stage at most n − quorum members (staged.ts);
 * - helper types (random_*, time_*, null_resource/terraform_data without provisioners) get no staging advice.
 */
import type { InstanceGroup } from '../engine/instances.js';
import { listShort } from '../engine/instances.js';
import { type AdviceContext, safeAlternatives } from './alternatives.js';
import type { ResourceChange } from '../plan/model.js';
import { type DestroyEffects, describeEffects, destroyEffects, hasEffects } from './effects.js';
import { isHelper } from './helpers.js';
import { batches, stagedApplies } from './staged.js';

export function groupAdvice(ctx: AdviceContext, group: InstanceGroup, memberOf: (address: string) => string): string[] {
  // What destroying each runs, in plan order: the first that may run something, and those known to.
  let firstRunning: DestroyEffects | undefined;
  const known: { change: ResourceChange; effects: DestroyEffects }[] = [];
  for (const change of group.destroyed) {
    const effects = destroyEffects(ctx.plan, ctx.sources, change);
    if (!hasEffects(effects)) continue;
    firstRunning ??= effects;
    if (effects.provisioners.length > 0 || effects.hooks.length > 0) known.push({ change, effects });
  }
  if (known.length > 0) {
    const what = [...new Set(known.map((e) => describeEffects(e.effects)))];
    return [
      `# Staging does not help: tfguard apply -target=… one at a time still destroys each of them, and each destroy runs ${listShort(what, 2)}: all ${group.destroyed.length} still go, one after another.`,
      ...safeAlternatives(
        ctx,
        known.map((e) => e.change),
      ),
    ];
  }
  if (firstRunning) {
    const why = firstRunning.unknown!;
    return [
      `# Staging may not help: tfguard cannot tell whether destroying them runs a destroy-time provisioner (${why}); if it does, each stage runs it too. Pass --dir ROOT_MODULE.`,
    ];
  }
  if (group.destroyed.every((c) => isHelper(ctx.plan, c))) return [];
  const n = group.members.size;
  const size = n - group.quorum;
  if (size <= 0) return [`# No staging keeps ${group.quorum} of ${n} standing: take fewer members down, or raise the group's size first.`];
  const members = new Map<string, string[]>();
  for (const c of group.destroyed) {
    const key = memberOf(c.address);
    const list = members.get(key);
    if (list) list.push(c.address);
    else members.set(key, [c.address]);
  }
  const stages = batches([...members.values()], size).map((b) => b.flat());
  return [`# One stage at a time, at most ${size} of ${n} down in each, so ${group.quorum} stand (tfguard reviews each stage):`, ...stagedApplies(stages)];
}
