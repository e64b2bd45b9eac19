/**
 * Fast checks that a `resource_changes` entry or a prior-state resource is valid, for the hundreds of thousands
 * of them in a large plan: each accepts only what the zod schema (schema.ts) accepts, so an entry that passes
 * needs no zod run; one that fails is handed to zod, whose issues name the problem. test/fast-check.test.ts
 * holds the two to agreement.
 */
import { isKnownActionList } from './schema.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isKey = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isMode = (v: unknown): boolean => v === 'managed' || v === 'data';

function isActions(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((a) => typeof a === 'string') && isKnownActionList(v);
}

function isPaths(v: unknown): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v)) return false;
  return v.every((p) => Array.isArray(p) && p.every((s) => typeof s === 'string' || (typeof s === 'number' && Number.isFinite(s))));
}

function isChange(v: unknown): boolean {
  if (!isObj(v) || !isActions(v.actions) || !isPaths(v.replace_paths) || !optString(v.generated_config)) return false;
  const importing = v.importing;
  return importing === undefined || importing === null || (isObj(importing) && optString(importing.id));
}

/** A `resource_changes` entry that the `ResourceChange` schema surely accepts. */
export function isValidChange(v: unknown): boolean {
  return (
    isObj(v) &&
    nonEmpty(v.address) &&
    isMode(v.mode) &&
    nonEmpty(v.type) &&
    nonEmpty(v.name) &&
    isKey(v.index) &&
    optString(v.previous_address) &&
    optString(v.module_address) &&
    optString(v.provider_name) &&
    optString(v.deposed) &&
    optString(v.action_reason) &&
    isChange(v.change)
  );
}

/** A prior-state resource that the `StateResource` schema surely accepts. */
export function isValidStateResource(v: unknown): boolean {
  return isObj(v) && nonEmpty(v.address) && isMode(v.mode) && typeof v.type === 'string' && typeof v.name === 'string' && isKey(v.index);
}
