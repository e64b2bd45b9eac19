/**
 * What destroying an instance does besides removing the object: a destroy-time provisioner in its block (or in
 * the `removed` block that destroys it), read from the sources; a provider that does destructive work of its own
 * on destroy (src/engine/destroy-hooks.ts); or, without the sources, a provisioner that cannot be ruled out.
 * Advice depends on it: applying such instances one at a time still runs each one's destroy. Pure.
 */
import { DESTROY_HOOKS, type DestroyHook } from '../engine/destroy-hooks.js';
import type { SourcesState } from '../engine/types.js';
import { blockFor, removedFor } from '../hcl/lookup.js';
import { blockRemoved, mayHaveProvisioners, type Plan, type ResourceChange } from '../plan/model.js';

export interface DestroyEffects {
  /** Destroy-time provisioners that run: their type and where they are declared. */
  provisioners: { type: string; file: string; line: number }[];
  /** Providers that do destructive work of their own when it is destroyed, with what the plan shows. */
  hooks: { hook: DestroyHook; evidence: string }[];
  /** Why a destroy-time provisioner cannot be ruled out, when it cannot. */
  unknown?: string;
}

/** The destroy hooks by resource type, in DESTROY_HOOKS order (most types have none: nothing to ask). */
let hooksByType: Map<string, DestroyHook[]> | undefined;
let lastType: string | undefined;
let lastOfType: DestroyHook[] | undefined;

/** No hooks, and no effects at all: shared (a group of 100,000 destroyed instances mostly has none). Read only. */
const NO_HOOKS: { hook: DestroyHook; evidence: string }[] = Object.freeze([]) as unknown as { hook: DestroyHook; evidence: string }[];
const NO_EFFECTS: DestroyEffects = Object.freeze({ provisioners: Object.freeze([]) as unknown as DestroyEffects['provisioners'], hooks: NO_HOOKS });

function hooksOf(change: ResourceChange): { hook: DestroyHook; evidence: string }[] {
  if (!hooksByType) {
    hooksByType = new Map();
    for (const hook of DESTROY_HOOKS) {
      const list = hooksByType.get(hook.type);
      if (list) list.push(hook);
      else hooksByType.set(hook.type, [hook]);
    }
  }
  // The same type as the last change asked about (a group's changes mostly are): no lookup.
  if (change.type !== lastType) {
    lastType = change.type;
    lastOfType = hooksByType.get(change.type);
  }
  const ofType = lastOfType;
  if (!ofType) return NO_HOOKS;
  const hooks: { hook: DestroyHook; evidence: string }[] = [];
  for (const hook of ofType) {
    const evidence = hook.evidence(change.before);
    if (evidence !== undefined) hooks.push({ hook, evidence });
  }
  return hooks;
}

export function destroyEffects(plan: Plan, sources: SourcesState, change: ResourceChange): DestroyEffects {
  const hooks = hooksOf(change);
  if (sources.status !== 'loaded') {
    // The commands read the sources whenever a destroyed instance may have a provisioner; fail safe all the same.
    const why = sources.status === 'missing' ? `the sources could not be read: ${sources.reason}` : 'the sources were not read';
    const unknown = mayHaveProvisioners(plan, change) ? why : undefined;
    if (!unknown && hooks.length === 0) return NO_EFFECTS;
    return { provisioners: [], hooks, ...(unknown ? { unknown } : {}) };
  }
  const block = blockFor(sources.sources, change.address);
  const removed = block ? undefined : removedFor(sources.sources, change.address);
  const where = block ?? (removed?.destroy ? removed : undefined);
  const provisioners = (where?.provisioners ?? [])
    .filter((p) => p.when === 'destroy')
    .map((p) => ({ type: p.type, file: where!.file, line: p.line ?? where!.line }));
  // No block: the wrong folder, unless the plan says the block left the configuration (as destroy-provisioner).
  const undeclared = !block && !removed && (plan.configKnown ? plan.configProvisioners.has(change.groupAddress) : !blockRemoved(change));
  return { provisioners, hooks, ...(undeclared ? { unknown: 'the sources do not declare it' } : {}) };
}

/** Whether destroying it runs anything, or may. */
export function hasEffects(e: DestroyEffects): boolean {
  return e.provisioners.length > 0 || e.hooks.length > 0 || e.unknown !== undefined;
}

/** `its destroy-time local-exec provisioner (main.tf:49)`, `the talos provider resets the node ...`. */
export function describeEffects(e: DestroyEffects): string {
  const parts = [
    ...[...new Map(e.provisioners.map((p) => [`${p.type} ${p.file}:${p.line}`, p])).values()].map(
      (p) => `its destroy-time ${p.type} provisioner (${p.file}:${p.line})`,
    ),
    ...e.hooks.map((h) => `what the provider does: ${h.hook.what} (${h.evidence})`),
  ];
  return parts.join(', and ');
}
