/**
 * Fast checks that a `resource_changes` entry, a prior-state resource or what is left of a plan's document is
 * valid, for the hundreds of thousands of entries in a large plan and for a check's start (zod's first run of a
 * schema is slow): each accepts only what the zod schema (schema.ts) accepts, so a value that passes needs no
 * zod run; one that fails is handed to zod, whose issues name the problem. test/stream-load.test.ts holds the
 * two to agreement.
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

const optBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const optArrayOf = (v: unknown, each: (x: unknown) => boolean): boolean => v === undefined || (Array.isArray(v) && v.every(each));
const optRecordOf = (v: unknown, each: (x: unknown) => boolean): boolean => v === undefined || (isObj(v) && Object.values(v).every(each));

function isStateModule(v: unknown): boolean {
  return isObj(v) && optString(v.address) && optArrayOf(v.resources, isValidStateResource) && optArrayOf(v.child_modules, isStateModule);
}

function isConfigResource(v: unknown): boolean {
  return (
    isObj(v) &&
    typeof v.address === 'string' &&
    optString(v.mode) &&
    typeof v.type === 'string' &&
    typeof v.name === 'string' &&
    optArrayOf(v.provisioners, (p) => isObj(p) && typeof p.type === 'string') &&
    (v.expressions === undefined || isObj(v.expressions))
  );
}

function isConfigModule(v: unknown): boolean {
  return (
    isObj(v) &&
    optRecordOf(v.variables, (x) => isObj(x) && optBool(x.sensitive)) &&
    optArrayOf(v.resources, isConfigResource) &&
    optRecordOf(v.module_calls, (c) => isObj(c) && optString(c.source) && (c.module === undefined || isConfigModule(c.module)))
  );
}

const isDeferred = (d: unknown): boolean =>
  isObj(d) && optString(d.reason) && (d.resource_change === undefined || (isObj(d.resource_change) && typeof d.resource_change.address === 'string'));

/**
 * A plan document (what the reader keeps of it) that the `PlanJson` schema surely accepts. Action invocations
 * (Terraform 1.14+, rare) are left to zod.
 */
export function isValidPlanTop(v: unknown): boolean {
  if (!isObj(v) || typeof v.format_version !== 'string' || !/^\d+\.\d+$/.test(v.format_version)) return false;
  const prior = v.prior_state;
  const priorValues = isObj(prior) ? prior.values : undefined;
  const config = v.configuration;
  return (
    optString(v.terraform_version) &&
    (v.planned_values === undefined || isObj(v.planned_values)) &&
    optRecordOf(v.variables, isObj) &&
    optArrayOf(v.resource_changes, isValidChange) &&
    optRecordOf(v.output_changes, isObj) &&
    (prior === undefined ||
      (isObj(prior) &&
        (priorValues === undefined || (isObj(priorValues) && (priorValues.root_module === undefined || isStateModule(priorValues.root_module)))))) &&
    (config === undefined || (isObj(config) && (config.root_module === undefined || isConfigModule(config.root_module)))) &&
    optArrayOf(v.deferred_changes, isDeferred) &&
    v.deferred_action_invocations === undefined &&
    v.action_invocations === undefined &&
    optBool(v.errored) &&
    optBool(v.complete) &&
    optBool(v.applyable) &&
    optString(v.timestamp)
  );
}
