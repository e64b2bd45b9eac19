/**
 * Tables of resource types grouped in families, each with the reason it matters, read by the rules that judge
 * a destroyed resource by its type (stateful-destroy, foundation-destroy). A type may count only under a
 * condition on its prior values (a volume whose reclaim policy deletes it, a manifest of some kind), and an
 * `azapi_resource` is judged by the ARM type it manages (`change.before.type`, e.g.
 * `Microsoft.Storage/storageAccounts@2023-01-01`). Pure: reads the change, nothing else.
 */
import { z } from 'zod';
import type { ResourceChange } from '../plan/model.js';
import { valueAt } from '../plan/values.js';
import { nameMatcher } from './glob.js';
import { GlobPattern } from './glob-schema.js';

/** The options of a rule judged by a table: `types` adds type globs, `ignoreTypes` leaves some out. */
export const TYPE_TABLE_OPTIONS = z.strictObject({
  types: z.array(GlobPattern).default([]),
  ignoreTypes: z.array(GlobPattern).default([]),
});

export interface TypeFamily {
  /** Shown in findings and in the README table: `virtual machines`. */
  family: string;
  /** Why destroying one matters, in words. */
  reason: string;
  /** Resource type globs. */
  types: readonly string[];
  /** ARM resource types (globs, matched without case) an `azapi_resource` of this family manages. */
  azapi?: readonly string[];
}

/** A type of a family that counts only when its prior values say so. */
export interface TypeCondition {
  type: string;
  /** When it counts, as the README says it. */
  when: string;
  holds(values: unknown): boolean;
}

export interface TypeTable {
  families: readonly TypeFamily[];
  conditions: readonly TypeCondition[];
}

/** What a destroyed change was matched to: its family, and the ARM type for an azapi_resource. */
export interface TypeMatch {
  family: TypeFamily;
  /** `azapi_resource (Microsoft.Storage/storageAccounts)` or the resource type. */
  label: string;
}

/** The family of types a rule's `types` option adds. */
export const CONFIGURED: TypeFamily = { family: 'configured in .tfguard.json', reason: "its type is listed in the rule's `types` option", types: [] };

/** The ARM type of an `azapi_resource` without its API version, or undefined. */
export function armType(values: unknown): string | undefined {
  const type = valueAt(values, ['type']);
  return typeof type === 'string' && type.length > 0 ? type.split('@')[0] : undefined;
}

/**
 * Providers that only forget the object on destroy when told so, read from the prior values:
 * `deletion_policy = "ABANDON"` (Google) and `skip_destroy = true` (AWS log groups, layers, ...).
 */
export function onlyForgotten(values: unknown): boolean {
  // valueAt(values, ['deletion_policy']) and ['skip_destroy'], read directly: this runs for every destroyed change.
  if (values === null || typeof values !== 'object') return false;
  const v = values as Record<string, unknown>;
  return v.deletion_policy === 'ABANDON' || v.skip_destroy === true;
}

/** Every type glob of a table, conditional ones left out (they do not always count). */
export function unconditionalTypes(table: TypeTable): string[] {
  const conditional = new Set(table.conditions.map((c) => c.type));
  return table.families.flatMap((f) => f.types.filter((t) => !conditional.has(t)));
}

/** A classifier over destroyed changes: the family a change belongs to, or undefined. */
export function typeClassifier(table: TypeTable, extra: readonly string[], ignore: readonly string[]): (c: ResourceChange) => TypeMatch | undefined {
  const isIgnored = nameMatcher(ignore);
  const isExtra = nameMatcher(extra);
  const byType = table.families.map((f) => ({ family: f, types: nameMatcher(f.types), arm: nameMatcher((f.azapi ?? []).map((t) => t.toLowerCase())) }));
  const conditions = new Map(table.conditions.map((c) => [c.type, c]));
  // What a type alone decides, asked once per type: a plan destroys many instances of few types.
  const byName = new Map<string, { ignored: boolean; hit: TypeFamily | undefined; extra: boolean }>();
  const ofType = (type: string) => {
    let known = byName.get(type);
    if (!known) {
      const ignored = isIgnored(type);
      known = { ignored, hit: ignored ? undefined : byType.find((f) => f.types(type))?.family, extra: !ignored && isExtra(type) };
      byName.set(type, known);
    }
    return known;
  };
  return (c) => {
    const known = ofType(c.type);
    if (known.ignored) return undefined;
    const values = c.before ?? c.after;
    if (onlyForgotten(values)) return undefined;
    if (c.type === 'azapi_resource') {
      const arm = armType(values);
      const hit = arm === undefined ? undefined : byType.find((f) => f.arm(arm.toLowerCase()));
      if (hit) return { family: hit.family, label: `azapi_resource (${arm})` };
    }
    const hit = known.hit;
    const condition = conditions.get(c.type);
    if (hit && (!condition || condition.holds(values))) return { family: hit, label: c.type };
    if (known.extra) return { family: CONFIGURED, label: c.type };
    return undefined;
  };
}

/** Destroyed changes whose block was deleted from the configuration, for the message. */
export function removedFromConfig(changes: readonly ResourceChange[]): string[] {
  return changes.filter((c) => c.actionReason === 'delete_because_no_resource_config').map((c) => c.address);
}

/** `replaces`, `deletes` or `deletes or replaces`, as the changes say. */
export function destroyVerb(changes: readonly ResourceChange[]): string {
  if (changes.every((c) => c.action === 'replace')) return 'replaces';
  if (changes.every((c) => c.action === 'delete')) return 'deletes';
  return 'deletes or replaces';
}

/** Prior values' nested block: `[ {...} ]` in SDKv2 providers, `{...}` in others. */
export function block(values: unknown, ...path: string[]): unknown {
  let current = values;
  for (const step of path) {
    current = valueAt(current, [step]);
    if (Array.isArray(current)) current = current[0];
  }
  return current;
}

/** The `kind` of a kubectl_manifest (`kind`) or kubernetes_manifest (`manifest.kind`). */
export function manifestKind(values: unknown): unknown {
  return valueAt(values, ['kind']) ?? valueAt(values, ['manifest', 'kind']);
}
