import { z } from 'zod';
import { GlobPattern } from '../src/engine/glob-schema.js';
import { nameMatcher } from '../src/engine/glob.js';
import { destroyedByGroup, instancesByGroup, listShort } from '../src/engine/instances.js';
import { ALL_STATEFUL_TYPES } from '../src/engine/stateful-types.js';
import { defineRule, type Severity } from '../src/engine/types.js';
import { shQuote } from '../src/shell.js';

/** At most this many `-target` commands are suggested; the rest are counted. */
const MAX_SUGGESTIONS = 20;

/** The staged alternative: apply one group member at a time, one `terraform apply -target` per address. */
function stagedApply(addresses: readonly string[]): string[] {
  const lines = addresses.slice(0, MAX_SUGGESTIONS).map((a) => `terraform apply -target=${shQuote(a)}`);
  if (addresses.length > MAX_SUGGESTIONS) lines.push(`… and ${addresses.length - MAX_SUGGESTIONS} more`);
  return lines;
}

const NODE_GLOBS = [
  '*node*', '*control_plane*', '*controlplane*', '*master*', '*worker*', '*etcd*', '*server*',
  '*instance*', '*vm*', '*machine*', '*host*', '*cluster*',
];

/**
 * All of a group at once, or so many that a quorum is lost: the etcd rule. A group is every instance of one
 * resource block across count/for_each keys and module instances; its size comes from the prior state (from
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
  check({ plan, options }) {
    const looksLikeNode = nameMatcher(options.nodes);
    const isStateful = nameMatcher(ALL_STATEFUL_TYPES);
    const existing = instancesByGroup(plan);
    const hits = [];
    for (const [group, destroyed] of destroyedByGroup(plan)) {
      const all = existing.get(group) ?? new Set(destroyed.map((c) => c.address));
      const n = all.size;
      const gone = new Set(destroyed.map((c) => c.address));
      const survivors = [...all].filter((a) => !gone.has(a));
      const quorum = Math.floor(n / 2) + 1;
      const everything = n >= 2 && survivors.length === 0;
      const quorumLost = n >= 3 && survivors.length < quorum;
      if (!everything && !quorumLost) continue;

      const first = destroyed[0]!;
      const reasons: string[] = [];
      if (looksLikeNode(group) || looksLikeNode(first.type)) reasons.push('it looks like a set of nodes');
      if (isStateful(first.type)) reasons.push(`${first.type} holds data`);
      if (plan.configProvisioners.has(group)) reasons.push('it has provisioners, which may run at destroy time');
      if (!plan.configKnown) reasons.push('the plan has no configuration section (trimmed?), so it cannot say whether it has provisioners');
      const severity: Severity = reasons.length > 0 ? 'block' : 'warn';

      const verb = destroyed.every((c) => c.action === 'replace') ? 'replaces' : 'destroys or replaces';
      const left = everything
        ? 'none is left standing while this runs'
        : `only ${survivors.length} survive${survivors.length === 1 ? 's' : ''} (${listShort(survivors, 3)}), ` +
          `fewer than a majority (${quorum} of ${plan.priorKnown ? n : `at least ${n}`})`;
      const order = destroyed.some((c) => c.replaceOrder === 'create-first') ? '' : ' at once';
      // Without prior_state the group is only what resource_changes lists: a `-target` plan lists fewer.
      const size = plan.priorKnown ? `${n}` : `at least ${n}`;
      const sizeNote = plan.priorKnown ? '' : ` Group size: at least ${n}, from resource_changes only (the plan has no prior_state).`;
      hits.push({
        message:
          `The plan ${verb} ${gone.size} of ${size} instances of ${group}${order}: ${left}` +
          (reasons.length > 0 ? `; ${reasons.join('; ')}.` : '.') +
          sizeNote,
        addresses: destroyed.map((c) => c.address),
        severity,
        suggestions: stagedApply(destroyed.map((c) => c.address)),
      });
    }
    return hits;
  },
});
