/**
 * The stages of `tfguard apply --staged`: each group that `blast-radius` finds in the whole plan (its findings,
 * waived or overridden ones too) is applied one member at a time, or `--batch N` members at a time when N still
 * keeps the group's quorum standing. A stage targets its members' changed instances (`-target`; Terraform adds
 * what they depend on). Every other change is applied last, by a plan without `-target`. Pure.
 */
import { automaticGroups, declaredGroups, memberKey, type DeclaredGroup, type InstanceGroup } from '../engine/instances.js';
import type { Plan } from '../plan/model.js';
import { batches } from '../advice/staged.js';

export interface StageMember {
  /** The member's key in its group (`["a"]`; an instance address for the groups tfguard finds by itself). */
  key: string;
  /** The instance `health` runs for: the member's first destroyed instance. */
  instance: string;
  /** Its changed instances: the stage's `-target` addresses. */
  targets: string[];
}

export interface Stage {
  /** The group's name, as blast-radius names it. */
  group: string;
  members: StageMember[];
}

export interface Staging {
  stages: Stage[];
  /** Why the rollout cannot keep a quorum standing (a --batch too large): then nothing is applied. */
  problems: string[];
}

const setKey = (addresses: readonly string[]) => JSON.stringify([...new Set(addresses)].sort());

function membersOf(plan: Plan, group: InstanceGroup, staged: Set<string>): StageMember[] {
  const changed = new Set(plan.changes.filter((c) => c.action !== 'no-op' && c.action !== 'read').map((c) => c.address));
  const byMember = new Map<string, StageMember>();
  for (const c of group.destroyed) {
    if (staged.has(c.address)) continue;
    const key = group.kind === 'declared' ? memberKey(c.address) : c.address;
    const member = byMember.get(key) ?? { key, instance: c.address, targets: [] };
    const addresses = group.kind === 'declared' ? (group.members.get(key) ?? []).filter((a) => changed.has(a)) : [];
    for (const a of [c.address, ...addresses]) if (!member.targets.includes(a) && !staged.has(a)) member.targets.push(a);
    byMember.set(key, member);
  }
  for (const m of byMember.values()) for (const a of m.targets) staged.add(a);
  return [...byMember.values()];
}

/**
 * The stages for the groups whose destroyed instances are exactly a blast-radius finding's addresses (in the
 * order of `findings`), `batch` members each. An instance is staged once, in the first group that has it.
 */
export function planStages(plan: Plan, declared: readonly DeclaredGroup[], findings: readonly (readonly string[])[], batch: number): Staging {
  const groups = [...declaredGroups(plan, declared), ...automaticGroups(plan)];
  const staged = new Set<string>();
  const stages: Stage[] = [];
  const problems: string[] = [];
  const done = new Set<InstanceGroup>();
  for (const addresses of findings) {
    const group = groups.find((g) => !done.has(g) && setKey(g.destroyed.map((c) => c.address)) === setKey(addresses));
    if (!group) continue;
    done.add(group);
    const n = group.members.size;
    const most = n - group.quorum;
    if (batch > most) {
      problems.push(
        most < 1
          ? `group ${group.name}: no stage keeps ${group.quorum} of ${n} standing`
          : `group ${group.name}: --batch ${batch} takes ${batch} of ${n} down at once, fewer than ${group.quorum} stay standing (at most --batch ${most})`,
      );
      continue;
    }
    const members = membersOf(plan, group, staged);
    for (const b of batches(members, batch)) stages.push({ group: group.name, members: b });
  }
  return { stages, problems };
}

/** A stage's `-target` addresses. */
export function stageTargets(stage: Stage): string[] {
  return stage.members.flatMap((m) => m.targets);
}
