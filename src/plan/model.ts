/**
 * The normalized plan model every rule reads: one shape whatever the plan's format_version.
 */
import { groupAddress, moduleAddress, resourceAddress } from './address.js';
import { collectSecrets } from './values.js';
import {
  ACTION_LISTS,
  type ActionInvocationJson,
  type ActionList,
  type ConfigModuleShape,
  type PlanJson,
  type ResourceChangeJson,
  type StateModuleShape,
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
  replacePaths: PathStep[][];
  before: unknown;
  beforeSensitive: unknown;
  after: unknown;
  afterSensitive: unknown;
  afterUnknown: unknown;
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

/** A managed resource instance recorded in the prior state. */
export interface PriorInstance {
  address: string;
  resourceAddress: string;
  groupAddress: string;
  type: string;
  name: string;
  values: unknown;
  sensitive: unknown;
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

function normalizeChange(rc: ResourceChangeJson): ResourceChange {
  const action = ACTION_LISTS[rc.change.actions.join(',') as ActionList];
  const change: ResourceChange = {
    address: rc.address,
    moduleAddress: rc.module_address ?? moduleAddress(rc.address),
    resourceAddress: resourceAddress(rc.address),
    groupAddress: groupAddress(rc.address),
    mode: rc.mode,
    type: rc.type,
    name: rc.name,
    actions: rc.change.actions,
    action,
    replacePaths: rc.change.replace_paths ?? [],
    before: rc.change.before ?? null,
    beforeSensitive: rc.change.before_sensitive ?? false,
    after: rc.change.after ?? null,
    afterSensitive: rc.change.after_sensitive ?? false,
    afterUnknown: rc.change.after_unknown ?? false,
    importing: rc.change.importing != null,
  };
  if (rc.index !== undefined && rc.index !== null) change.index = rc.index;
  if (rc.provider_name) change.providerName = rc.provider_name;
  if (action === 'replace') change.replaceOrder = rc.change.actions[0] === 'delete' ? 'delete-first' : 'create-first';
  if (rc.action_reason) change.actionReason = rc.action_reason;
  if (rc.previous_address) change.previousAddress = rc.previous_address;
  if (rc.change.importing?.id) change.importId = rc.change.importing.id;
  if (rc.deposed) change.deposed = rc.deposed;
  return change;
}

function normalizeAction(ai: ActionInvocationJson): ActionInvocation {
  const fallback = ai.type && ai.name ? `action.${ai.type}.${ai.name}` : '(unnamed action)';
  const action: ActionInvocation = {
    address: ai.address || fallback,
    configValues: ai.config_values ?? null,
    // Terraform always writes the masks; without one, nothing can be shown as known-safe: mask everything.
    configSensitive: ai.config_sensitive ?? (ai.config_values == null ? false : true),
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

function collectPrior(module: StateModuleShape | undefined, out: PriorInstance[]): void {
  const stack: StateModuleShape[] = module ? [module] : [];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const r of current.resources ?? []) {
      if (r.mode !== 'managed') continue;
      out.push({
        address: r.address,
        resourceAddress: resourceAddress(r.address),
        groupAddress: groupAddress(r.address),
        type: r.type,
        name: r.name,
        values: r.values ?? null,
        sensitive: r.sensitive_values ?? false,
      });
    }
    stack.push(...(current.child_modules ?? []));
  }
}

function collectConfig(root: ConfigModuleShape | undefined) {
  const provisioners = new Map<string, string[]>();
  const expressions = new Map<string, Record<string, unknown>>();
  const stack: { prefix: string; module: ConfigModuleShape }[] = root ? [{ prefix: '', module: root }] : [];
  while (stack.length > 0) {
    const { prefix, module } = stack.pop()!;
    for (const r of module.resources ?? []) {
      if (r.provisioners && r.provisioners.length > 0) {
        provisioners.set(prefix + r.address, r.provisioners.map((p) => p.type));
      }
      if (r.expressions) expressions.set(prefix + r.address, r.expressions);
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      if (call.module) stack.push({ prefix: `${prefix}module.${name}.`, module: call.module });
    }
  }
  return { provisioners, expressions };
}

/** Strings marked sensitive in changes, prior state, outputs and sensitive root variables. */
function collectPlanSecrets(json: PlanJson, prior: PriorInstance[]): Set<string> {
  const secrets = new Set<string>();
  for (const rc of json.resource_changes ?? []) {
    collectSecrets(rc.change.before, rc.change.before_sensitive, secrets);
    collectSecrets(rc.change.after, rc.change.after_sensitive, secrets);
  }
  for (const p of prior) collectSecrets(p.values, p.sensitive, secrets);
  for (const o of Object.values(json.output_changes ?? {})) {
    collectSecrets(o.before, o.before_sensitive, secrets);
    collectSecrets(o.after, o.after_sensitive, secrets);
  }
  const deferredActions = (json.deferred_action_invocations ?? []).flatMap((d) => (d.action_invocation ? [d.action_invocation] : []));
  for (const ai of [...(json.action_invocations ?? []), ...deferredActions]) {
    collectSecrets(ai.config_values, ai.config_sensitive ?? (ai.config_values == null ? false : true), secrets);
  }
  const declared = json.configuration?.root_module?.variables ?? {};
  for (const [name, v] of Object.entries(json.variables ?? {})) {
    if (declared[name]?.sensitive === true) collectSecrets(v.value, true, secrets);
  }
  return secrets;
}

export function normalizePlan(json: PlanJson): Plan {
  const prior: PriorInstance[] = [];
  collectPrior(json.prior_state?.values?.root_module, prior);
  const config = collectConfig(json.configuration?.root_module);
  const plan: Plan = {
    formatVersion: json.format_version,
    changes: (json.resource_changes ?? []).map(normalizeChange),
    prior,
    priorKnown: json.prior_state != null,
    configKnown: json.configuration != null,
    trimmed: json.planned_values == null,
    deferred: (json.deferred_changes ?? []).map((d) => d.resource_change?.address ?? '(plan)'),
    deferredActions: (json.deferred_action_invocations ?? []).map((d) => normalizeAction(d.action_invocation ?? {})),
    actions: (json.action_invocations ?? []).map(normalizeAction),
    configProvisioners: config.provisioners,
    configExpressions: config.expressions,
    secrets: collectPlanSecrets(json, prior),
  };
  if (json.terraform_version) plan.terraformVersion = json.terraform_version;
  if (json.errored !== undefined) plan.errored = json.errored;
  if (json.complete !== undefined) plan.complete = json.complete;
  if (json.applyable !== undefined) plan.applyable = json.applyable;
  return plan;
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
