/**
 * The safe alternatives to destroying instances whose destroy runs something (a destroy-time provisioner, a
 * provider's destroy hook), one set per resource block, as lines a person reads (`#` comments) and copies (HCL):
 * - keep them from being replaced: `lifecycle { ignore_changes = [...] }`, when the attribute that forces the
 *   replacement is set in their own block;
 * - forget them instead of destroying them: a `removed { ... destroy = false }` block. It needs the resource
 *   block gone from the configuration: for a block already deleted it replaces the deletion; for a replacement
 *   it is two steps (forget, then put the block back, which creates new ones).
 */
import { removedFor, blockFor } from '../hcl/lookup.js';
import type { ResourceBlock } from '../hcl/types.js';
import type { SourcesState } from '../engine/types.js';
import { blockInstances } from '../engine/instances.js';
import type { Plan, ResourceChange } from '../plan/model.js';
import { attributeOf, ignoreChangesBlock, removedBlock } from './hcl.js';

export interface AdviceContext {
  plan: Plan;
  sources: SourcesState;
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

function blockOf(ctx: AdviceContext, change: ResourceChange): ResourceBlock | undefined {
  return ctx.sources.status === 'loaded' ? blockFor(ctx.sources.sources, change.address) : undefined;
}

/** `resource "terraform_data" "x" (main.tf:38)`, or `... in module.node` when the sources were not read. */
function label(ctx: AdviceContext, change: ResourceChange): string {
  const block = blockOf(ctx, change);
  const module = change.groupAddress.slice(0, -(change.type.length + change.name.length + 1)).replace(/\.$/, '');
  const where = block ? ` (${block.file}:${block.line})` : module ? ` in ${module}` : '';
  return `resource "${change.type}" "${change.name}"${where}`;
}

function hasLifecycle(block: ResourceBlock | undefined): boolean {
  const l = block?.lifecycle;
  return !!l && (l.preventDestroy || l.createBeforeDestroy || l.replaceTriggeredBy.length > 0 || l.ignoreChanges === 'all' || l.ignoreChanges.length > 0);
}

/** `lifecycle { ignore_changes }` for the attributes that force the replacement, when its own block sets them. */
function keep(ctx: AdviceContext, changes: readonly ResourceChange[]): string[] {
  const replaced = changes.filter((c) => c.action === 'replace' && c.actionReason === 'replace_because_cannot_update');
  const expressions = ctx.plan.configExpressions.get(changes[0]!.groupAddress);
  const attrs = unique(replaced.flatMap((c) => c.replacePaths.map(attributeOf)));
  if (replaced.length === 0 || !expressions || attrs.length === 0 || attrs.some((a) => a === undefined || !Object.hasOwn(expressions, a))) return [];
  const names = attrs as string[];
  const block = blockOf(ctx, changes[0]!);
  const existing = block?.lifecycle.ignoreChanges;
  if (existing === 'all') return [];
  const head = `# Keep them from being replaced: Terraform replaces them because ${names.join(', ')} changed, which their own block sets.`;
  const after = `# They keep their current ${names.join(', ')} until you take ${names.length === 1 ? 'it' : 'them'} out of ignore_changes.`;
  if (hasLifecycle(block)) {
    const merged = unique([...(existing ?? []), ...names]);
    return [`${head} ${label(ctx, changes[0]!)} already has a lifecycle block: in it, set`, `ignore_changes = [${merged.join(', ')}]`, after];
  }
  return [
    `${head} Add to ${label(ctx, changes[0]!)}:`,
    ...ignoreChangesBlock(names),
    `# (A resource block has only one lifecycle block: if it has one, add ${names.join(', ')} to its ignore_changes instead.)`,
    after,
  ];
}

const READOPT =
  '# Terraform then no longer manages them and runs nothing: the objects stay as they are. To manage them again: an import ' +
  'block (import { to = ADDRESS, id = ID }) where the type supports import, or put the resource block back, which creates ' +
  'new ones: check that plan first (tfguard apply reviews it).';

/**
 * `removed { destroy = false }`: in place of a deletion, or as the first of two steps for a replacement (`or`:
 * after another alternative).
 */
function forget(ctx: AdviceContext, changes: readonly ResourceChange[], or: boolean): string[] {
  const first = changes[0]!;
  const deleted = changes.filter((c) => c.action === 'delete' && c.actionReason === 'delete_because_no_resource_config');
  if (deleted.length > 0) {
    const removed = ctx.sources.status === 'loaded' ? removedFor(ctx.sources.sources, deleted[0]!.address) : undefined;
    if (removed?.destroy) {
      return [
        `# Forget them instead (Terraform/OpenTofu 1.7+): the removed block at ${removed.file}:${removed.line} destroys them (destroy = true), which runs what is said above. Replace it with:`,
        ...removedBlock(removed.from),
        READOPT,
      ];
    }
    return [
      `# Forget them instead of destroying them (Terraform/OpenTofu 1.7+): add to the root module (any .tf file):`,
      ...removedBlock(first.groupAddress),
      READOPT,
    ];
  }
  if (!changes.some((c) => c.action === 'replace')) return [];
  const count = blockInstances(ctx.plan).get(first.groupAddress)?.size ?? changes.length;
  return [
    `# ${or ? 'Or forget' : 'Forget'} them and create new ones, so that nothing is destroyed (Terraform/OpenTofu 1.7+; a removed block needs the resource block gone). 1. Delete ${label(ctx, first)} and add to the root module:`,
    ...removedBlock(first.groupAddress),
    `# tfguard apply: Terraform forgets all ${count} instances of ${first.groupAddress} and runs nothing. 2. Put the resource block back and delete the removed block; tfguard apply creates new ones.`,
    `# The old objects stay as they are, outside Terraform: right for ${first.type === 'null_resource' || first.type === 'terraform_data' ? 'a helper such as this one' : 'a helper (null_resource, terraform_data)'}, which holds nothing outside it; anything else would then exist twice: import it instead of creating it.`,
  ];
}

/** The alternatives for each resource block of `changes` (destroys that run something), in plan order. */
export function safeAlternatives(ctx: AdviceContext, changes: readonly ResourceChange[]): string[] {
  const byBlock = new Map<string, ResourceChange[]>();
  for (const c of changes) {
    const list = byBlock.get(c.groupAddress);
    if (list) list.push(c);
    else byBlock.set(c.groupAddress, [c]);
  }
  return [...byBlock.values()].flatMap((list) => {
    const kept = keep(ctx, list);
    return [...kept, ...forget(ctx, list, kept.length > 0)];
  });
}
