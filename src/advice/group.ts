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
import { describeEffects, destroyEffects, hasEffects } from './effects.js';
import { isHelper } from './helpers.js';
import { batches, stagedApplies } from './staged.js';

export function groupAdvice(ctx: AdviceContext, group: InstanceGroup, memberOf: (address: string) => string): string[] {
  const effects = group.destroyed.map((c) => ({ change: c, effects: destroyEffects(ctx.plan, ctx.sources, c) }));
  const running = effects.filter((e) => hasEffects(e.effects));
  if (running.length > 0) {
    const what = [...new Set(running.map((e) => describeEffects(e.effects)))];
    const known = running.some((e) => e.effects.unknown === undefined);
    const lines = [
      known
        ? `# Staging does not help: tfguard apply -target=… one at a time still destroys each of them, and each destroy runs ${listShort(what, 2)}: all ${group.destroyed.length} still go, one after another.`
        : `# Staging may not help: if destroying them runs a destroy-time provisioner, it runs one at a time too; ${listShort(what, 2)}. Pass --dir ROOT_MODULE.`,
    ];
    const alternatives = safeAlternatives(ctx, running.map((e) => e.change));
    return alternatives.length > 0 ? [...lines, ...alternatives] : lines;
  }
  if (group.destroyed.every((c) => isHelper(ctx.plan, c))) return [];
  const n = group.members.size;
  const size = n - group.quorum;
  if (size <= 0) return [`# No staging keeps ${group.quorum} of ${n} standing: take fewer members down, or raise the group's size first.`];
  const members = new Map<string, string[]>();
  for (const c of group.destroyed) members.set(memberOf(c.address), [...(members.get(memberOf(c.address)) ?? []), c.address]);
  const stages = batches([...members.values()], size).map((b) => b.flat());
  return [
    `# One stage at a time, at most ${size} of ${n} down in each, so ${group.quorum} stand (tfguard reviews each stage):`,
    ...stagedApplies(stages),
  ];
}
