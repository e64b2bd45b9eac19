/**
 * The contract between rules and the engine. Rules are pure: they read the plan model through the context
 * and return hits; they never touch the filesystem, the process or the console.
 */
import type { z } from 'zod';
import type { Sources } from '../hcl/types.js';
import type { Plan } from '../plan/model.js';

export type Severity = 'block' | 'warn';
export type SeveritySetting = Severity | 'off';
export type Decision = 'pass' | 'warn' | 'block';

export interface RuleMeta<O extends z.ZodObject = z.ZodObject> {
  id: string;
  /** One line, shown by `tfguard rules`. */
  description: string;
  /** The severity of its findings when the config says nothing. */
  severity: Severity;
  /** Options the rule takes in `.tfguard.json`; every option has a default. */
  options: O;
}

/**
 * The `.tf` sources, when the command read them. `not-read`: the plan needed none (no provisioners, nothing
 * removed from the configuration); `missing`: they were needed but could not be found.
 */
export type SourcesState = { status: 'loaded'; sources: Sources } | { status: 'not-read' } | { status: 'missing'; reason: string };

export interface RuleContext<Options> {
  plan: Plan;
  options: Options;
  /** `protect` globs of the config. */
  protect: readonly string[];
  sources: SourcesState;
  /** `--expect` globs of `tfguard apply`: the declared scope of the change (empty: none declared). */
  expect: readonly string[];
  /**
   * The `-target` addresses tfguard itself passed to `terraform plan` (`tfguard apply -target=...`): such a plan
   * is incomplete by request. Empty for `check`, and for a saved plan (tfguard cannot know how it was made).
   */
  targets: readonly string[];
}

/** The command a provisioner will run, rendered from the instance's prior values (sensitive parts masked). */
export interface RenderedProvisioner {
  provisioner: string;
  command: string;
  /** Names of the destructive command patterns it matches (`talosctl reset`, `rm -r`, ...). */
  destructive: string[];
  /** Why what runs cannot be told (an interpreter or environment tfguard cannot read), when it cannot. */
  unknown?: string;
  unresolved: string[];
  file: string;
  line: number;
}

/** What a rule reports; the engine adds the rule id, the final severity and the per-address details. */
export interface Hit {
  message: string;
  /** Resource instance addresses, at least one. */
  addresses: string[];
  /** Overrides the rule's default severity for this hit (a configured severity overrides both). */
  severity?: Severity;
  /** Where the finding is declared in the sources, when known. */
  location?: { file: string; line: number };
  /** Commands that will run, for provisioner findings. */
  commands?: RenderedProvisioner[];
  /** What to do instead, e.g. the `-target` commands that apply one group member at a time. */
  suggestions?: string[];
}

export interface Rule<O extends z.ZodObject = z.ZodObject> {
  meta: RuleMeta<O>;
  check(ctx: RuleContext<z.infer<O>>): Hit[];
}

/** Keeps a rule's options type tied to its schema. */
export function defineRule<O extends z.ZodObject>(rule: Rule<O>): Rule<O> {
  return rule;
}

/** Why Terraform acts on one instance: the reason and the attribute changes that force a replacement. */
export interface InstanceDetail {
  address: string;
  action: string;
  reason?: string;
  because?: string;
  replace_paths?: { path: string; before: string; after: string }[];
  /** The causal chain behind a replacement: what the forcing attributes reference and how that changes. */
  chain?: string[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  addresses: string[];
  details: InstanceDetail[];
  location?: { file: string; line: number };
  commands?: RenderedProvisioner[];
  suggestions?: string[];
}
