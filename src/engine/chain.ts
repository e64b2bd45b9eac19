/**
 * Why an instance is replaced, as a causal chain a person can follow: the attribute that forces the
 * replacement, what that attribute references in the configuration (the plan's `expressions.*.references`,
 * or the sources' `replace_triggered_by`), and the referenced resource's own planned change — e.g.
 * `triggers.node changed 192.168.111.193 → (known after apply), because it references
 * talos_machine_configuration_apply.this["powder"], which changes node: ... → ...`.
 */
import type { Sources } from '../hcl/types.js';
import { blockFor } from '../hcl/lookup.js';
import type { Plan, PathStep, ResourceChange } from '../plan/model.js';
import { displayAt, formatPath, maskedAt } from '../plan/values.js';

const MAX_ATTRS = 3;
const MAX_DEPTH = 16;
const NOT_RESOURCES = /^(var|local|each|count|self|path|terraform|module)\./;

/** Every `references` list at or below the expression node at `path`. */
function referencesAt(expressions: unknown, path: readonly PathStep[]): string[] {
  let node = expressions;
  for (const step of path) {
    const next = node && typeof node === 'object' ? (node as Record<string, unknown>)[String(step)] : undefined;
    if (next === undefined) break;
    node = Array.isArray(next) && typeof step !== 'number' ? next[0] : next;
  }
  const out: string[] = [];
  const walk = (n: unknown, depth: number): void => {
    if (!n || typeof n !== 'object' || depth > MAX_DEPTH) return;
    const refs = (n as { references?: unknown }).references;
    if (Array.isArray(refs)) out.push(...refs.filter((r): r is string => typeof r === 'string'));
    for (const v of Object.values(n as Record<string, unknown>)) walk(v, depth + 1);
  };
  walk(node, 0);
  return out;
}

/** `terraform_data.x[each.key].output` → `terraform_data.x`; `data.a.b.c` → `data.a.b`; others undefined. */
function resourceOf(reference: string): string | undefined {
  const ref = reference.replace(/^\$\{|\}$/g, '').trim();
  if (NOT_RESOURCES.test(ref)) return undefined;
  const m = /^(data\.)?([A-Za-z][\w-]*)\.([A-Za-z_][\w-]*)/.exec(ref);
  return m ? `${m[1] ?? ''}${m[2]}.${m[3]}` : undefined;
}

/** Leaf paths whose value differs between before and after (unknown after counts as a change). */
function changedPaths(c: ResourceChange): PathStep[][] {
  const out: PathStep[][] = [];
  const walk = (before: unknown, after: unknown, unknown: unknown, path: PathStep[]): void => {
    if (out.length >= 2 * MAX_ATTRS || path.length > MAX_DEPTH) return;
    if (unknown === true) {
      out.push(path);
      return;
    }
    const isObj = (v: unknown) => v !== null && typeof v === 'object';
    if (isObj(before) && isObj(after)) {
      const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
      if (isObj(unknown)) for (const k of Object.keys(unknown as object)) keys.add(k);
      for (const k of keys) {
        const step: PathStep = Array.isArray(before) ? Number(k) : k;
        walk((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], isObj(unknown) ? (unknown as Record<string, unknown>)[k] : false, [
          ...path,
          step,
        ]);
      }
      return;
    }
    if (JSON.stringify(before) !== JSON.stringify(after)) out.push(path);
  };
  walk(c.before, c.after, c.afterUnknown, []);
  const paths = out.filter((p) => p.length > 0);
  // Attributes only computed from others (unknown until apply) say little next to a concrete change.
  const concrete = paths.filter((p) => !maskedAt(c.afterUnknown, p));
  return concrete.length > 0 ? concrete : paths;
}

function describeChange(c: ResourceChange, secrets: ReadonlySet<string>): string {
  if (c.action === 'update') {
    const attrs = changedPaths(c)
      .slice(0, MAX_ATTRS)
      .map((p) => {
        const before = displayAt(c.before, c.beforeSensitive, p, false, secrets);
        const after = maskedAt(c.afterSensitive, p) ? before : displayAt(c.after, c.afterSensitive, p, c.afterUnknown, secrets);
        return `${formatPath(p)}: ${before} → ${after}`;
      });
    return attrs.length > 0 ? `which changes ${attrs.join(', ')}` : 'which is updated in place';
  }
  if (c.action === 'replace') return 'which is itself replaced';
  if (c.action === 'create') return 'which is created';
  if (c.action === 'delete') return 'which is destroyed';
  return `which is planned as ${c.action}`;
}

const indexes = new WeakMap<Plan, Map<string, ResourceChange[]>>();

/** A plan's real changes (not no-op, not read) by resource address, built once per plan. */
function changesByResource(plan: Plan): Map<string, ResourceChange[]> {
  let index = indexes.get(plan);
  if (!index) {
    index = new Map();
    for (const c of plan.changes) {
      if (c.action === 'no-op' || c.action === 'read') continue;
      const list = index.get(c.resourceAddress);
      if (list) list.push(c);
      else index.set(c.resourceAddress, [c]);
    }
    indexes.set(plan, index);
  }
  return index;
}

/** The planned change(s) of a resource referenced from `change`'s module, preferring the same key. */
function referencedChanges(plan: Plan, change: ResourceChange, resource: string, byKey: boolean): ResourceChange[] {
  const full = change.moduleAddress ? `${change.moduleAddress}.${resource}` : resource;
  const all = changesByResource(plan).get(full) ?? [];
  if (byKey && change.index !== undefined) {
    const same = byIndex(all).get(change.index);
    if (same) return same;
  }
  return all;
}

/** One resource's changes by instance key, in plan order, made once per list (a lookup per replaced instance). */
const byIndexes = new WeakMap<ResourceChange[], Map<string | number, ResourceChange[]>>();

function byIndex(all: ResourceChange[]): Map<string | number, ResourceChange[]> {
  let index = byIndexes.get(all);
  if (!index) {
    index = new Map();
    for (const c of all) {
      if (c.index === undefined) continue;
      const list = index.get(c.index);
      if (list) list.push(c);
      else index.set(c.index, [c]);
    }
    byIndexes.set(all, index);
  }
  return index;
}

function because(plan: Plan, change: ResourceChange, refs: string[]): string[] {
  const byKey = refs.includes('each.key') || refs.includes('count.index');
  const resources = [...new Set(refs.map(resourceOf).filter((r): r is string => r !== undefined))];
  const out: string[] = [];
  for (const resource of resources) {
    const changes = referencedChanges(plan, change, resource, byKey);
    if (changes.length === 1) out.push(`it references ${changes[0]!.address}, ${describeChange(changes[0]!, plan.secrets)}`);
    else if (changes.length > 1) out.push(`it references ${resource}, ${changes.length} instances of which change`);
  }
  return out;
}

/** No chain: shared (most instances are not replaced). */
const NONE: readonly string[] = Object.freeze([]);

export function explainChain(change: ResourceChange, plan: Plan, sources?: Sources): readonly string[] {
  if (change.action !== 'replace') return NONE;
  const lines: string[] = [];
  if (change.actionReason === 'replace_by_triggers' && sources) {
    const block = blockFor(sources, change.address);
    const reasons = because(plan, change, [...(block?.lifecycle.replaceTriggeredBy ?? []), 'each.key', 'count.index']);
    for (const r of reasons) lines.push(`lifecycle.replace_triggered_by: ${r.replace(/^it references /, '')}`);
  }
  const expressions = plan.configExpressions.get(change.groupAddress);
  if (!expressions) return lines;
  for (const path of change.replacePaths) {
    const reasons = because(plan, change, referencesAt(expressions, path));
    if (reasons.length === 0) continue;
    const before = displayAt(change.before, change.beforeSensitive, path, false, plan.secrets);
    const after = displayAt(change.after, change.afterSensitive, path, change.afterUnknown, plan.secrets);
    lines.push(`${formatPath(path)} changed ${before} → ${after}, because ${reasons.join('; and ')}`);
  }
  return lines;
}
