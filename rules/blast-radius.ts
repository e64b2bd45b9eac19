import { z } from 'zod';
import { groupAdvice } from '../src/advice/group.js';
import { GlobPattern } from '../src/engine/glob-schema.js';
import { nameMatcher } from '../src/engine/glob.js';
import { automaticGroups, declaredGroups, listShort, memberKey, type DeclaredGroup, type InstanceGroup } from '../src/engine/instances.js';
import { ALL_STATEFUL_TYPES } from '../src/engine/stateful-types.js';
import { defineRule, type Hit, type Severity } from '../src/engine/types.js';
import type { Plan } from '../src/plan/model.js';

const NODE_GLOBS = [
  '*node*',
  '*control_plane*',
  '*controlplane*',
  '*master*',
  '*worker*',
  '*etcd*',
  '*server*',
  '*instance*',
  '*vm*',
  '*machine*',
  '*host*',
  '*cluster*',
];

const addressOf = (c: { address: string }): string => c.address;

/** The `.tfguard.json` `groups`, which the config hands to this rule with its options (src/config/resolve.ts). */
function declaredOf(options: object): DeclaredGroup[] {
  return (options as { groups?: DeclaredGroup[] }).groups ?? [];
}

/** Why the group blocks (empty: it only warns). */
function reasons(plan: Plan, group: InstanceGroup, looksLikeNode: (s: string) => boolean): string[] {
  if (group.kind === 'declared') return [`it is declared in .tfguard.json with a quorum of ${group.quorum}`];
  const isStateful = nameMatcher(ALL_STATEFUL_TYPES);
  const first = group.destroyed[0]!;
  const out: string[] = [];
  if (looksLikeNode(first.groupAddress) || looksLikeNode(first.type)) out.push('it looks like a set of nodes');
  if (isStateful(first.type)) out.push(`${first.type} holds data`);
  if (plan.configProvisioners.has(first.groupAddress)) out.push('it has provisioners, which may run at destroy time');
  if (!plan.configKnown) out.push('the plan has no configuration section (trimmed?), so it cannot say whether it has provisioners');
  return out;
}

function message(plan: Plan, group: InstanceGroup, gone: number, survivors: string[], why: string[]): string {
  const n = group.members.size;
  const size = plan.priorKnown ? `${n}` : `at least ${n}`;
  const verb = group.destroyed.every((c) => c.action === 'replace') ? 'replaces' : 'destroys or replaces';
  const what = group.kind === 'declared' ? `members of group ${group.name} (members counted by instance key)` : `instances of ${group.name}`;
  const order = group.destroyed.some((c) => c.replaceOrder === 'create-first') ? '' : ' at once';
  const left =
    survivors.length === 0
      ? 'none is left standing while this runs'
      : `only ${survivors.length} survive${survivors.length === 1 ? 's' : ''} (${listShort(survivors, 3)}), ` +
        `fewer than ${group.kind === 'declared' ? 'its quorum' : 'a majority'} (${group.quorum} of ${size})`;
  const sizeNote = plan.priorKnown ? '' : ` Group size: at least ${n}, from resource_changes only (the plan has no prior_state).`;
  return `The plan ${verb} ${gone} of ${size} ${what}${order}: ${left}${why.length > 0 ? `; ${why.join('; ')}.` : '.'}${sizeNote}`;
}

/**
 * All of a group at once, or so many that a quorum is lost: the etcd rule. Groups: every instance of one
 * resource block (across count/for_each keys and module instances), the instances of a block within one module
 * instance when module instances each hold several (module per cluster), and the groups declared in
 * `.tfguard.json`, which take precedence for the instances they cover. Sizes come from the prior state (from
 * resource_changes alone when the plan has none: then the message says "at least").
 */
export default defineRule({
  meta: {
    id: 'blast-radius',
    description: 'Destroys every instance of a group of 2+, or leaves fewer than a majority of a group of 3+ standing',
    severity: 'block',
    options: z.strictObject({
      nodes: z.array(GlobPattern).default(NODE_GLOBS),
    }),
  },
  check({ plan, options, sources }) {
    const looksLikeNode = nameMatcher(options.nodes);
    const declared = declaredGroups(plan, declaredOf(options));
    const covered = new Set(declared.flatMap((g) => [...g.members.values()].flat()));
    const reported = new Set<string>();
    const hits: Hit[] = [];
    const automatic = automaticGroups(plan).filter((g) => !g.destroyed.every((c) => covered.has(c.address)));
    const groups = [...declared, ...automatic];
    for (const [i, group] of groups.entries()) {
      const memberOf = group.kind === 'declared' ? memberKey : (a: string) => a;
      const survivors: string[] = [];
      let gone = group.destroyed.length;
      // An automatic group's destroyed changes are distinct members of it: when they are as many as its members,
      // none survives, and no set of them is needed (a group of 100,000 deleted instances).
      if (group.kind === 'declared' || gone !== group.members.size) {
        const goneSet = new Set<string>();
        for (const c of group.destroyed) goneSet.add(memberOf(c.address));
        for (const m of group.members.keys()) if (!goneSet.has(m)) survivors.push(m);
        gone = goneSet.size;
      }
      const fires = group.wholeOnly ? group.members.size >= 2 && survivors.length === 0 : survivors.length < group.quorum;
      if (!fires || group.destroyed.every((c) => reported.has(c.address))) continue;
      // Only a later group can ask (the last of a group of 100,000 deleted instances need not be remembered).
      if (i < groups.length - 1) for (const c of group.destroyed) reported.add(c.address);
      const why = reasons(plan, group, looksLikeNode);
      const severity: Severity = why.length > 0 ? 'block' : 'warn';
      const suggestions = groupAdvice({ plan, sources }, group, memberOf);
      hits.push({
        message: message(plan, group, gone, survivors, why),
        addresses: group.destroyed.map(addressOf),
        severity,
        ...(suggestions.length > 0 ? { suggestions } : {}),
      });
    }
    return hits;
  },
});
