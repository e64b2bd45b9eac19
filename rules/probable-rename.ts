import { z } from 'zod';
import { listShort } from '../src/engine/instances.js';
import { findRenames, type RenamePair } from '../src/engine/renames.js';
import { defineRule, type Hit } from '../src/engine/types.js';
import { parseAddress } from '../src/plan/address.js';

/** At most this many moved blocks are written out; the rest are counted. */
const MAX_BLOCKS = 100;

/**
 * `moved { from = ... to = ... }` with the addresses exactly as Terraform writes them (keys HCL-quoted: `\"`,
 * `\\`, `$${`, `%%{`), which is how a moved block takes them. Proven by real re-plans in the rule's tests.
 */
function movedBlock(from: string, to: string): string[] {
  return ['moved {', `  from = ${from}`, `  to   = ${to}`, '}'];
}

/** `module.node["a"]` of `module.node["a"].terraform_data.x`, as written (a quoted key may hold dots). */
function firstStep(address: string): string {
  let i = 'module.'.length;
  while (i < address.length && address[i] !== '.' && address[i] !== '[') i++;
  if (address[i] === '[') {
    for (let quoted = false; i < address.length; i++) {
      if (address[i] === '\\' && quoted) i++;
      else if (address[i] === '"') quoted = !quoted;
      else if (address[i] === ']' && !quoted) return address.slice(0, i + 1);
    }
  }
  return address.slice(0, i);
}

/**
 * The one move of a root module call (renamed) or of its instance (new key) that covers a pair, when the pair's
 * addresses differ in that first module step only. Written in the root module, it moves everything in it.
 */
function moduleMove({ from, to }: RenamePair): [string, string] | undefined {
  const a = parseAddress(from.address);
  const b = parseAddress(to.address);
  if (!a || !b || a.modules.length === 0 || a.modules.length !== b.modules.length) return undefined;
  if (a.type !== b.type || a.name !== b.name || a.key !== b.key) return undefined;
  if (a.modules.slice(1).some((m, i) => m.name !== b.modules[i + 1]!.name || m.key !== b.modules[i + 1]!.key)) return undefined;
  const [x, y] = [a.modules[0]!, b.modules[0]!];
  if (x.key !== y.key) return [firstStep(from.address), firstStep(to.address)];
  return x.name === y.name ? undefined : [`module.${x.name}`, `module.${y.name}`];
}

/** Module moves every pair agrees on: one destination per source and one source per destination. */
function moduleMoves(pairs: readonly RenamePair[]): [string, string][] {
  const moves = pairs.map(moduleMove);
  if (moves.some((m) => m === undefined)) return [];
  const unique = [...new Map(moves.map((m) => [`${m![0]}\u0000${m![1]}`, m!])).values()];
  const froms = new Set(unique.map((m) => m[0]));
  const tos = new Set(unique.map((m) => m[1]));
  return froms.size === unique.length && tos.size === unique.length ? unique : [];
}

function suggestions(pairs: readonly RenamePair[]): string[] {
  const lines = [
    '# If they are the same objects, add these moved blocks to the root module (e.g. moved.tf; full addresses reach into module instances from there), then plan again:',
  ];
  for (const { from, to } of pairs.slice(0, MAX_BLOCKS)) lines.push(...movedBlock(from.address, to.address));
  if (pairs.length > MAX_BLOCKS) lines.push(`# … and ${pairs.length - MAX_BLOCKS} more pairs (--format json lists every address)`);
  const modules = moduleMoves(pairs);
  if (modules.length > 0) {
    const what = modules.map(([f, t]) => `${f} became ${t}`).join(', ');
    lines.push(
      `# Or, if ${what} as a whole, instead of the blocks above write this in the root module (the module that calls it): it moves everything in it, also what tfguard could not pair:`,
    );
    for (const [f, t] of modules) lines.push(...movedBlock(f, t));
  }
  return lines;
}

/**
 * A delete and a create of the same type with the same values is most often a refactor without `moved` blocks
 * (count → for_each, a renamed block, a renamed or moved module): for real resources it destroys the objects and
 * their data. Suggests the exact moved blocks; pairs that are not one to one are listed, never guessed.
 */
export default defineRule({
  meta: {
    id: 'probable-rename',
    description: 'A delete and a create with the same values: a rename without a moved block (suggests the moved blocks)',
    severity: 'warn',
    options: z.strictObject({}),
  },
  check({ plan }) {
    const { pairs, ambiguous } = findRenames(plan);
    const hits: Hit[] = [];
    if (pairs.length > 0) {
      const shown = pairs.map((p) => `${p.from.address} → ${p.to.address}`);
      hits.push({
        message:
          `The plan destroys ${pairs.length} instance(s) and creates ${pairs.length} of the same type with the same values: ` +
          `${listShort(shown, 3)}. That is most often a refactor without moved blocks (count → for_each, a renamed ` +
          'block, a renamed or moved module): for real resources it destroys the objects, and their data, and ' +
          'creates new ones.',
        addresses: pairs.flatMap((p) => [p.from.address, p.to.address]),
        suggestions: suggestions(pairs),
      });
    }
    for (const group of ambiguous) {
      hits.push({
        message:
          `${listShort(group.deleted, 3)} ${group.deleted.length === 1 ? 'is' : 'are'} destroyed and ` +
          `${listShort(group.created, 3)} created with the same values, but not one to one, so tfguard does not ` +
          'guess which became which. If they are the same objects, write a moved block from each old address to ' +
          'its new one in the root module.',
        addresses: [...group.deleted, ...group.created],
      });
    }
    return hits;
  },
});
