import { z } from 'zod';
import { addressMatcher } from '../src/engine/glob.js';
import { listShort } from '../src/engine/instances.js';
import { defineRule, type Hit } from '../src/engine/types.js';
import { isDestructive, type ResourceChange } from '../src/plan/model.js';

/** What a non-destructive change does to its instance, for the message. */
function verb(change: ResourceChange): string {
  if (change.importing) return 'import';
  return change.action;
}

/** `3 replace, 1 delete`: how many changes of each kind, in order of first appearance. */
function tally(changes: readonly ResourceChange[], kind: (c: ResourceChange) => string): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(kind(c), (counts.get(kind(c)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** One change per instance address, in plan order (a deposed object shares its instance's address). */
function uniqueByAddress(changes: readonly ResourceChange[]): ResourceChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.address) && seen.add(c.address));
}

/**
 * The declared scope of a change: `tfguard apply --expect GLOB` says what the change is meant to touch ("I only
 * meant to add one worker"). Destroying anything outside that scope blocks; any other change outside it warns.
 */
export default defineRule({
  meta: {
    id: 'unexpected-change',
    description: 'Changes a resource outside the scope declared with `tfguard apply --expect` (blocks when it destroys)',
    severity: 'block',
    options: z.strictObject({}),
  },
  check({ plan, expect }) {
    if (expect.length === 0) return [];
    const inScope = addressMatcher(expect);
    const scope = `--expect ${expect.join(', ')}`;
    const outside = plan.changes.filter((c) => c.mode === 'managed' && !inScope(c.address));

    const destroyed = uniqueByAddress(outside.filter(isDestructive));
    const gone = new Set(destroyed.map((c) => c.address));
    const other = uniqueByAddress(
      outside.filter((c) => !isDestructive(c) && !gone.has(c.address) && c.action !== 'read' && (c.action !== 'no-op' || c.importing)),
    );

    const hits: Hit[] = [];
    if (destroyed.length > 0) {
      const n = destroyed.length;
      hits.push({
        message:
          `${n} destructive change${n === 1 ? '' : 's'} (${tally(destroyed, (c) => c.action)}) ` +
          `fall${n === 1 ? 's' : ''} outside ${scope}: ${listShort(
            destroyed.map((c) => c.address),
            3,
          )}. ` +
          'The plan destroys what this change was not declared to touch.',
        addresses: destroyed.map((c) => c.address),
      });
    }
    if (other.length > 0) {
      const n = other.length;
      hits.push({
        message:
          `${n} other change${n === 1 ? '' : 's'} (${tally(other, verb)}) outside ${scope}: a person should look: ` +
          `${listShort(
            other.map((c) => c.address),
            3,
          )}.`,
        addresses: other.map((c) => c.address),
        severity: 'warn',
      });
    }
    return hits;
  },
});
