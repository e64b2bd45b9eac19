/**
 * Whether a deleted object and a created one hold the same values: the deleted one's prior values
 * (`change.before`) against the created one's planned values (`change.after`), skipping what the plan cannot
 * know yet (`after_unknown`: ids, ARNs, outputs and other computed attributes) and `id`.
 */

/** How deep values are compared (deeper parts agree with nothing but an unknown or an empty one). */
export const MAX_DEPTH = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The part of a mask (`after_unknown`) under a key or an index. */
export function child(mask: unknown, key: string | number): unknown {
  return mask !== null && typeof mask === 'object' ? (mask as Record<string, unknown>)[String(key)] : undefined;
}

/** null, "" and empty collections: providers on the legacy SDK store "" for an unset string the plan calls null. */
function empty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (typeof value === 'object' && Object.keys(value).length === 0);
}

/** Equal wherever the created value is known; an unknown part agrees with anything. */
function agrees(before: unknown, after: unknown, unknown: unknown, depth: number): boolean {
  if (unknown === true || (empty(before) && empty(after))) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.length === after.length && after.every((v, i) => agrees(before[i], v, child(unknown, i), depth + 1));
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].every((k) => agrees(before[k] ?? null, after[k] ?? null, child(unknown, k), depth + 1));
  }
  return (before ?? null) === (after ?? null);
}

/** A value that says something: not null, not empty, and known somewhere inside. */
function meaningful(value: unknown, unknown: unknown, depth = 0): boolean {
  if (unknown === true || value === null || value === undefined || value === '' || depth > MAX_DEPTH) return false;
  if (typeof value !== 'object') return true;
  return Object.entries(value as Record<string, unknown>).some(([k, v]) => meaningful(v, child(unknown, k), depth + 1));
}

/**
 * The top-level attributes whose known, non-empty values agree, or undefined when any known value differs
 * (or either side is no object). `id` is never compared.
 */
export function agreeingAttributes(before: unknown, after: unknown, afterUnknown: unknown): string[] | undefined {
  if (!isObject(before) || !isObject(after)) return undefined;
  const agreeing: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'id') continue;
    const unknown = child(afterUnknown, key);
    if (!agrees(before[key] ?? null, after[key] ?? null, unknown, 0)) return undefined;
    if (meaningful(after[key], unknown)) agreeing.push(key);
  }
  return agreeing;
}
