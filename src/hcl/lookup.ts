/**
 * Pure lookups over loaded sources: which block declares an instance, which `removed` block removes it.
 * No filesystem, and no hcl2json: rules import this file.
 */
import { groupAddress } from '../plan/address.js';
import type { RemovedBlock, ResourceBlock, Sources } from './types.js';

/**
 * The resource (or data) block that declares an instance: `module.a["x"].module.b.type.name[2]` is declared
 * by the block of group `module.a.module.b.type.name`.
 */
export function blockFor(sources: Sources, instanceAddress: string): ResourceBlock | undefined {
  return sources.blocks.get(groupAddress(instanceAddress));
}

/** `module.a.module.b`: a module path, which a `removed { from = module.a }` block can name. */
function isModulePath(address: string): boolean {
  return /^module\.[^.[\]]+(?:\.module\.[^.[\]]+)*$/.test(address);
}

/**
 * The `removed` block that removes an instance: one whose `from` names the instance's resource, or else the
 * innermost one that names a module containing it (`removed { from = module.x }` removes everything in it).
 */
export function removedFor(sources: Sources, instanceAddress: string): RemovedBlock | undefined {
  const group = groupAddress(instanceAddress);
  let best: RemovedBlock | undefined;
  for (const removed of sources.removed) {
    if (removed.groupAddress === group) return removed;
    if (
      isModulePath(removed.groupAddress) &&
      group.startsWith(`${removed.groupAddress}.`) &&
      (!best || removed.groupAddress.length > best.groupAddress.length)
    ) {
      best = removed;
    }
  }
  return best;
}
