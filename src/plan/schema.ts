/**
 * A loose zod schema of `terraform show -json` plan output, format_version 0.1 through 1.x: fields absent in
 * old versions are optional, unknown fields are kept and ignored (the format's own forward-compatibility
 * rule). What tfguard decides on — actions, addresses, the plan's completeness flags — is checked strictly.
 */
import { z } from 'zod';

// Every schema of tfguard is parsed a few times a run (each plan entry is checked by fast-check.ts first): zod's
// JIT, which writes and compiles a function per object schema on its first parse, costs more than it saves.
z.config({ jitless: true });

/** Every action list Terraform and OpenTofu write, mapped to one normalized action. */
export const ACTION_LISTS = {
  'no-op': 'no-op',
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  'delete,create': 'replace',
  'create,delete': 'replace',
  forget: 'forget',
  'create,forget': 'forget',
} as const;

export type ActionList = keyof typeof ACTION_LISTS;

/** An action list's key in ACTION_LISTS: one action is its own key, with no string to join. */
export function actionListKey(actions: readonly string[]): string {
  return actions.length === 1 ? actions[0]! : actions.join(',');
}

export function isKnownActionList(actions: readonly string[]): boolean {
  return Object.hasOwn(ACTION_LISTS, actionListKey(actions));
}

const Actions = z.array(z.string()).superRefine((actions, ctx) => {
  if (!isKnownActionList(actions)) {
    ctx.addIssue({ code: 'custom', message: `unknown action ${JSON.stringify(actions)}` });
  }
});

const InstanceIndex = z.union([z.number(), z.string()]);
const PathStep = z.union([z.string(), z.number()]);

export const Change = z.looseObject({
  actions: Actions,
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(PathStep)).optional(),
  importing: z.looseObject({ id: z.string().optional() }).nullable().optional(),
  generated_config: z.string().optional(),
});

export const ResourceChange = z.looseObject({
  address: z.string().min(1),
  previous_address: z.string().optional(),
  module_address: z.string().optional(),
  mode: z.enum(['managed', 'data']),
  type: z.string().min(1),
  name: z.string().min(1),
  index: InstanceIndex.nullable().optional(),
  provider_name: z.string().optional(),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: Change,
});

export const StateResource = z.looseObject({
  address: z.string().min(1),
  mode: z.enum(['managed', 'data']),
  type: z.string(),
  name: z.string(),
  index: InstanceIndex.nullable().optional(),
  values: z.unknown().optional(),
  sensitive_values: z.unknown().optional(),
});

export interface StateModuleShape {
  address?: string | undefined;
  resources?: z.infer<typeof StateResource>[] | undefined;
  child_modules?: StateModuleShape[] | undefined;
}

export const StateModule: z.ZodType<StateModuleShape> = z.looseObject({
  address: z.string().optional(),
  resources: z.array(StateResource).optional(),
  get child_modules() {
    return z.array(StateModule).optional();
  },
});

export const Provisioner = z.looseObject({ type: z.string() });

export const ConfigResource = z.looseObject({
  address: z.string(),
  mode: z.string().optional(),
  type: z.string(),
  name: z.string(),
  provisioners: z.array(Provisioner).optional(),
  expressions: z.record(z.string(), z.unknown()).optional(),
});

export interface ConfigModuleShape {
  variables?: Record<string, { sensitive?: boolean | undefined }> | undefined;
  resources?: z.infer<typeof ConfigResource>[] | undefined;
  module_calls?: Record<string, { source?: string | undefined; module?: ConfigModuleShape | undefined }> | undefined;
}

export const ConfigModule: z.ZodType<ConfigModuleShape> = z.looseObject({
  variables: z.record(z.string(), z.looseObject({ sensitive: z.boolean().optional() })).optional(),
  resources: z.array(ConfigResource).optional(),
  get module_calls() {
    return z.record(z.string(), z.looseObject({ source: z.string().optional(), module: ConfigModule.optional() })).optional();
  },
});

export const DeferredChange = z.looseObject({
  reason: z.string().optional(),
  resource_change: z.looseObject({ address: z.string() }).optional(),
});

/**
 * A provider action that runs during apply (Terraform 1.14+), as hashicorp/terraform writes it in
 * internal/command/jsonplan/action_invocations.go (`ActionInvocation`): every field is `omitempty` there, so
 * every field is optional here. `lifecycle_action_trigger` (an `action_trigger` in a resource's lifecycle) or
 * `invoke_action_trigger` (`terraform apply -invoke`) says why it runs. Config values are masked by
 * `config_sensitive` and `config_unknown`, like a change's `after`.
 */
export const ActionInvocation = z.looseObject({
  address: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  config_values: z.unknown().optional(),
  config_sensitive: z.unknown().optional(),
  config_unknown: z.unknown().optional(),
  provider_name: z.string().optional(),
  lifecycle_action_trigger: z
    .looseObject({
      triggering_resource_address: z.string().optional(),
      action_trigger_event: z.string().optional(),
      on_failure: z.string().optional(),
    })
    .nullable()
    .optional(),
  invoke_action_trigger: z.looseObject({ calling_resource_address: z.string().optional() }).nullable().optional(),
});

/** `deferred_action_invocations` (jsonplan `DeferredActionInvocation`): an action left to a later plan. */
export const DeferredActionInvocation = z.looseObject({
  reason: z.string().optional(),
  action_invocation: ActionInvocation.optional(),
});

export const PlanJson = z.looseObject({
  format_version: z.string().regex(/^\d+\.\d+$/, 'expected a version like "1.2"'),
  terraform_version: z.string().optional(),
  // Absent only from a plan trimmed with jq (shape.ts requires resource_changes then); nothing reads it.
  planned_values: z.looseObject({}).optional(),
  variables: z.record(z.string(), z.looseObject({ value: z.unknown().optional() })).optional(),
  resource_changes: z.array(ResourceChange).optional(),
  output_changes: z
    .record(
      z.string(),
      // Every field may be absent: `after` when unknown until apply, the masks in plans before format 0.2.
      z.looseObject({
        before: z.unknown().optional(),
        after: z.unknown().optional(),
        before_sensitive: z.unknown().optional(),
        after_sensitive: z.unknown().optional(),
      }),
    )
    .optional(),
  prior_state: z.looseObject({ values: z.looseObject({ root_module: StateModule.optional() }).optional() }).optional(),
  configuration: z.looseObject({ root_module: ConfigModule.optional() }).optional(),
  deferred_changes: z.array(DeferredChange).optional(),
  deferred_action_invocations: z.array(DeferredActionInvocation).optional(),
  action_invocations: z.array(ActionInvocation).optional(),
  errored: z.boolean().optional(),
  complete: z.boolean().optional(),
  applyable: z.boolean().optional(),
  timestamp: z.string().optional(),
});

export type PlanJson = z.infer<typeof PlanJson>;
export type ResourceChangeJson = z.infer<typeof ResourceChange>;
export type StateResourceJson = z.infer<typeof StateResource>;
export type ActionInvocationJson = z.infer<typeof ActionInvocation>;

/** The plan format majors tfguard understands. */
export const SUPPORTED_MAJORS = [0, 1];
