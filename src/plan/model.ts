/**
 * The normalized plan model every rule reads: one shape whatever the plan's format_version.
 */
import { addressForms } from './address.js';
import { collectSecrets } from './values.js';
import {
  ACTION_LISTS,
  actionListKey,
  type ActionInvocationJson,
  type ActionList,
  type ConfigModuleShape,
  type PlanJson,
  type ResourceChangeJson,
  type StateResourceJson,
} from './schema.js';

export type Action = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op' | 'forget';
/** `delete-first` is Terraform's default; `create-first` comes from `create_before_destroy`. */
export type ReplaceOrder = 'delete-first' | 'create-first';
export type InstanceKey = string | number;
export type PathStep = string | number;

export interface ResourceChange {
  address: string;
  moduleAddress: string;
  /** The instance address without its final key: `module.a["x"].aws_instance.web`. */
  resourceAddress: string;
  /** Every instance key removed, module keys too: `module.a.aws_instance.web`. */
  groupAddress: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: InstanceKey;
  providerName?: string;
  /** The raw action list, e.g. `["delete","create"]`. */
  actions: readonly string[];
  action: Action;
  replaceOrder?: ReplaceOrder;
  actionReason?: string;
  replacePaths: readonly PathStep[][];
  /**
   * The values (`before`, `after`, their masks and `afterUnknown`) are kept for changes that do something
   * (create, update, delete, replace, forget). A `no-op` or `read` keeps none (null, masks false): no rule reads
   * them, and they are most of a large plan. Their secrets are collected before they are dropped.
   */
  before: unknown;
  beforeSensitive: unknown;
  after: unknown;
  afterSensitive: unknown;
  afterUnknown: unknown;
  /** The plan's `before` is not null: an object exists before the plan (also for a no-op, whose values are not kept). */
  priorObject: boolean;
  previousAddress?: string;
  importing: boolean;
  importId?: string;
  /** Set when the change is about a deposed object (left behind by a failed create_before_destroy). */
  deposed?: string;
}

/**
 * A provider action the apply runs (Terraform 1.14+ `action_invocations`). Config values as the plan shows
 * them, with their masks: show them only through `masked`.
 */
export interface ActionInvocation {
  /** `action.aws_lambda_invoke.notify`; built from type and name when the plan leaves it out. */
  address: string;
  type?: string;
  name?: string;
  providerName?: string;
  configValues: unknown;
  configSensitive: unknown;
  configUnknown: unknown;
  /** Why it runs: a resource's lifecycle `action_trigger` (its event, e.g. `AfterCreate`) or `-invoke`. */
  trigger: { kind: 'lifecycle' | 'invoke' | 'unknown'; resource?: string; event?: string; onFailure?: string };
}

/**
 * A managed resource instance recorded in the prior state. Its values are not kept (no rule reads them; they
 * are a quarter of a plan): the strings they mark sensitive are collected into `Plan.secrets` first.
 */
export interface PriorInstance {
  address: string;
  resourceAddress: string;
  groupAddress: string;
  type: string;
  name: string;
}

export interface Plan {
  formatVersion: string;
  terraformVersion?: string;
  changes: ResourceChange[];
  /** Managed instances of the prior state; `priorKnown` is false for plans that carry no prior_state. */
  prior: PriorInstance[];
  priorKnown: boolean;
  /**
   * False when the plan has no `configuration` (trimmed with jq; Terraform always writes it): then it cannot
   * say which resources have provisioners, and every destroyed instance may have one.
   */
  configKnown: boolean;
  /**
   * True when the plan has no `planned_values` (Terraform always writes it): the JSON was cut down, so fields
   * that old Terraform versions leave out too (`errored`, `complete`) may have been dropped.
   */
  trimmed: boolean;
  errored?: boolean;
  complete?: boolean;
  applyable?: boolean;
  /** Addresses of changes Terraform deferred to a later plan (`deferred_changes`; `(plan)` for one without). */
  deferred: string[];
  /** Action invocations Terraform deferred to a later plan (`deferred_action_invocations`). */
  deferredActions: ActionInvocation[];
  /** Provider actions the apply runs (`action_invocations`, Terraform 1.14+). */
  actions: ActionInvocation[];
  /** Provisioner types per resource group address, from the plan's `configuration` (no `when` there). */
  configProvisioners: Map<string, string[]>;
  /** The `expressions` object of each resource block of the configuration, by group address. */
  configExpressions: Map<string, Record<string, unknown>>;
  /** Every string the plan marks sensitive anywhere: redacted wherever it appears in output. */
  secrets: Set<string>;
}

/** Actions whose values no rule reads: a no-op changes nothing, a read touches no managed object. */
const VALUELESS = new Set<Action>(['no-op', 'read']);

/**
 * The type, name and provider of the previous change. Changes of one block mostly come one after another: taking
 * the same string objects again, not equal copies, keeps one of each in memory, and the maps the rules look them
 * up in hash each once (`addressForms` does the same for the address forms).
 */
let lastType = '';
let lastName = '';
let lastProvider = '';

/**
 * What most changes hold alike, as one shared frozen object each: the action lists, no replace paths, and empty
 * masks (`{}`). A plan of 100,000 deletes keeps 100,000 changes; each would otherwise hold three or four small
 * objects of its own, which the garbage collector copies as it goes.
 */
const ACTION_ARRAYS = Object.fromEntries(Object.keys(ACTION_LISTS).map((key) => [key, Object.freeze(key.split(','))])) as Record<ActionList, readonly string[]>;
const NO_PATHS: readonly PathStep[][] = Object.freeze([]);
const EMPTY = Object.freeze({});

/** `value`, or the shared empty object when it is an empty plain object. */
function shared(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  for (const _ in value) return value;
  return EMPTY;
}

/** A validated `resource_changes` entry in the model's shape; the values of a no-op or read are not kept. */
export function normalizeChange(rc: ResourceChangeJson): ResourceChange {
  // One action is the list's own key: no joined string to make for each change.
  const key = actionListKey(rc.change.actions) as ActionList;
  const action = ACTION_LISTS[key];
  const keep = !VALUELESS.has(action);
  const forms = addressForms(rc.address);
  // Every field in the literal, those a change may lack as undefined: one shape for all changes, with no
  // properties added later (each would take a separate property store).
  return {
    address: rc.address,
    moduleAddress: rc.module_address ?? forms.moduleAddress,
    resourceAddress: forms.resourceAddress,
    groupAddress: forms.groupAddress,
    mode: rc.mode,
    type: rc.type === lastType ? lastType : (lastType = rc.type),
    name: rc.name === lastName ? lastName : (lastName = rc.name),
    index: rc.index ?? undefined,
    providerName: !rc.provider_name ? undefined : rc.provider_name === lastProvider ? lastProvider : (lastProvider = rc.provider_name),
    actions: ACTION_ARRAYS[key],
    action,
    replaceOrder: action === 'replace' ? (rc.change.actions[0] === 'delete' ? 'delete-first' : 'create-first') : undefined,
    actionReason: rc.action_reason || undefined,
    replacePaths: rc.change.replace_paths?.length ? rc.change.replace_paths : NO_PATHS,
    before: keep ? shared(rc.change.before ?? null) : null,
    beforeSensitive: keep ? shared(rc.change.before_sensitive ?? false) : false,
    after: keep ? shared(rc.change.after ?? null) : null,
    afterSensitive: keep ? shared(rc.change.after_sensitive ?? false) : false,
    afterUnknown: keep ? shared(rc.change.after_unknown ?? false) : false,
    priorObject: (rc.change.before ?? null) !== null,
    previousAddress: rc.previous_address || undefined,
    importing: rc.change.importing != null,
    importId: rc.change.importing?.id || undefined,
    deposed: rc.deposed || undefined,
  };
}

export function normalizeAction(ai: ActionInvocationJson): ActionInvocation {
  const fallback = ai.type && ai.name ? `action.${ai.type}.${ai.name}` : '(unnamed action)';
  const action: ActionInvocation = {
    address: ai.address || fallback,
    configValues: ai.config_values ?? null,
    // Terraform always writes the masks; without one, nothing can be shown as known-safe: mask everything.
    configSensitive: ai.config_sensitive ?? ai.config_values != null,
    configUnknown: ai.config_unknown ?? false,
    trigger: { kind: 'unknown' },
  };
  if (ai.type) action.type = ai.type;
  if (ai.name) action.name = ai.name;
  if (ai.provider_name) action.providerName = ai.provider_name;
  const life = ai.lifecycle_action_trigger;
  const invoke = ai.invoke_action_trigger;
  if (life) {
    action.trigger = { kind: 'lifecycle' };
    if (life.triggering_resource_address) action.trigger.resource = life.triggering_resource_address;
    if (life.action_trigger_event) action.trigger.event = life.action_trigger_event;
    if (life.on_failure) action.trigger.onFailure = life.on_failure;
  } else if (invoke) {
    action.trigger = { kind: 'invoke' };
    if (invoke.calling_resource_address) action.trigger.resource = invoke.calling_resource_address;
  }
  return action;
}

/** A managed instance of the prior state (undefined for a data source), its sensitive strings collected. */
export function priorInstance(r: StateResourceJson, secrets: Set<string>): PriorInstance | undefined {
  if (r.mode !== 'managed') return undefined;
  collectSecrets(r.values ?? null, r.sensitive_values ?? false, secrets);
  const forms = addressForms(r.address);
  return { address: r.address, resourceAddress: forms.resourceAddress, groupAddress: forms.groupAddress, type: r.type, name: r.name };
}

/** The sensitive strings of a change (before and after), collected before its values may be dropped. */
export function collectChangeSecrets(rc: ResourceChangeJson, secrets: Set<string>): void {
  collectSecrets(rc.change.before, rc.change.before_sensitive, secrets);
  collectSecrets(rc.change.after, rc.change.after_sensitive, secrets);
}

export function collectConfig(root: ConfigModuleShape | undefined) {
  const provisioners = new Map<string, string[]>();
  const expressions = new Map<string, Record<string, unknown>>();
  const stack: { prefix: string; module: ConfigModuleShape }[] = root ? [{ prefix: '', module: root }] : [];
  while (stack.length > 0) {
    const { prefix, module } = stack.pop()!;
    for (const r of module.resources ?? []) {
      if (r.provisioners && r.provisioners.length > 0) {
        provisioners.set(
          prefix + r.address,
          r.provisioners.map((p) => p.type),
        );
      }
      if (r.expressions) expressions.set(prefix + r.address, r.expressions);
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      if (call.module) stack.push({ prefix: `${prefix}module.${name}.`, module: call.module });
    }
  }
  return { provisioners, expressions };
}

/** Strings marked sensitive in outputs, action invocations and sensitive root variables. */
export function collectPlanSecrets(json: PlanJson, secrets: Set<string>): void {
  for (const o of Object.values(json.output_changes ?? {})) {
    collectSecrets(o.before, o.before_sensitive, secrets);
    collectSecrets(o.after, o.after_sensitive, secrets);
  }
  const deferredActions = (json.deferred_action_invocations ?? []).flatMap((d) => (d.action_invocation ? [d.action_invocation] : []));
  for (const ai of [...(json.action_invocations ?? []), ...deferredActions]) {
    collectSecrets(ai.config_values, ai.config_sensitive ?? ai.config_values != null, secrets);
  }
  const declared = json.configuration?.root_module?.variables ?? {};
  for (const [name, v] of Object.entries(json.variables ?? {})) {
    if (declared[name]?.sensitive === true) collectSecrets(v.value, true, secrets);
  }
}

const REMOVED_REASONS = new Set(['delete_because_no_resource_config', 'delete_because_no_module']);

/** The plan says the instance's resource block, or the module call that held it, left the configuration. */
export function blockRemoved(change: ResourceChange): boolean {
  return change.actionReason !== undefined && REMOVED_REASONS.has(change.actionReason);
}

/**
 * Whether the instance's resource block may have provisioners: the plan's configuration says so, or the plan
 * has no configuration and so cannot rule it out.
 */
export function mayHaveProvisioners(plan: Plan, change: ResourceChange): boolean {
  return !plan.configKnown || plan.configProvisioners.has(change.groupAddress);
}

/** Destruction of a real object: a delete, or a replace in either order. A `forget` keeps the object. */
export function isDestructive(change: ResourceChange): boolean {
  return change.mode === 'managed' && (change.action === 'delete' || change.action === 'replace');
}
