/**
 * The runbook commands for one plan, rendered: which `preflight` checks apply (`when`), one `before_destroy`
 * command per destroyed or replaced instance that `match` matches, the `health` checks of a stage's members.
 * Every value comes from the plan and is inserted shell-quoted; a placeholder that points at a sensitive value,
 * or at no value, makes the whole runbook a config error for this plan (nothing runs, exit 2): a secret never
 * reaches a command line. Pure.
 */
import { addressMatcher } from '../engine/glob.js';
import { destroyedChanges } from '../engine/instances.js';
import { InputError } from '../errors.js';
import { parseAddress } from '../plan/address.js';
import type { Plan, ResourceChange } from '../plan/model.js';
import { maskedWithin, valueAt } from '../plan/values.js';
import { redactText } from '../redact/redact.js';
import type { Runbook, RunbookStep } from './schema.js';
import { beforePath, renderTemplate, usesInstance, type Phase, type Resolved } from './template.js';

export interface PlannedCommand {
  phase: Phase;
  name: string;
  /** The command as `sh -c` runs it: the config's text, values shell-quoted. */
  command: string;
  timeoutMs: number;
  /** The instance it runs for (before_destroy, health). */
  address?: string;
}

/** An instance a command runs for: its address, its key, and for a destroyed one its prior values. */
export interface Target {
  address: string;
  change?: ResourceChange;
}

export interface RenderInput {
  plan: Pick<Plan, 'secrets'>;
  runId: string;
  /** Where the config came from, for messages. */
  source?: string | undefined;
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** What a placeholder stands for, for one instance (or none: preflight). */
function resolver(input: RenderInput, target: Target | undefined): (name: string) => Resolved {
  const secrets = input.plan.secrets;
  const shown = target ? redactText(target.address, secrets) : '';
  const secret = (text: string) => text.includes('(sensitive)') || redactText(text, secrets) !== text;
  return (name) => {
    if (name === 'run_id') return { value: input.runId };
    if (!target) return { problem: `{${name}} has no instance here` };
    if (name === 'address') {
      return secret(target.address) ? { problem: `{address} of ${shown} holds a sensitive value` } : { value: target.address };
    }
    if (name === 'key') {
      const key = parseAddress(target.address)?.key;
      if (key === undefined) return { problem: `{key}: ${shown} has no instance key (no count or for_each)` };
      return secret(String(key)) ? { problem: `{key} of ${shown} is a sensitive value` } : { value: String(key) };
    }
    const path = beforePath(name);
    if (!path || !target.change) return { problem: `{${name}} has no value for ${shown}` };
    if (maskedWithin(target.change.beforeSensitive, path)) return { problem: `{${name}} of ${shown} is sensitive` };
    const value = scalar(valueAt(target.change.before, path));
    if (value === undefined) return { problem: `{${name}} of ${shown} is not a known single value (null, missing, a list or an object)` };
    if (secret(value)) return { problem: `{${name}} of ${shown} is sensitive` };
    if (value.includes('\0')) return { problem: `{${name}} of ${shown} holds a NUL character` };
    return { value };
  };
}

function render(input: RenderInput, phase: Phase, step: RunbookStep, target: Target | undefined, problems: string[]): PlannedCommand[] {
  const r = renderTemplate(step.run, resolver(input, target));
  if ('problems' in r) {
    problems.push(...r.problems.map((p) => `${phase} "${step.name}": ${p}`));
    return [];
  }
  return [{ phase, name: step.name, command: r.command, timeoutMs: step.timeoutMs, ...(target ? { address: target.address } : {}) }];
}

/** Throws the config error for this plan when any command could not be rendered. */
function settle(input: RenderInput, problems: string[], commands: PlannedCommand[]): PlannedCommand[] {
  if (problems.length === 0) return commands;
  const where = input.source ?? '.tfguard.json';
  throw new InputError(`${where}: ${[...new Set(problems)].join('; ')}. A secret never goes on a command line: nothing was run and nothing was applied.`);
}

/** The address without its module path (`kubernetes_x.y["a"]` of `module.m.kubernetes_x.y["a"]`). */
function inModule(change: ResourceChange): string {
  return change.moduleAddress ? change.address.slice(change.moduleAddress.length + 1) : change.address;
}

/** Whether a preflight check's `when` matches a change of the plan (every check matches without `when`). */
export function preflightApplies(step: RunbookStep, plan: Plan): boolean {
  if (!step.match) return true;
  const match = addressMatcher(step.match);
  return plan.changes.some((c) => c.action !== 'no-op' && c.action !== 'read' && (match(c.address) || match(inModule(c))));
}

export function preflightCommands(runbook: Runbook, plan: Plan, input: RenderInput): PlannedCommand[] {
  const problems: string[] = [];
  const commands = runbook.preflight.filter((s) => preflightApplies(s, plan)).flatMap((s) => render(input, 'preflight', s, undefined, problems));
  return settle(input, problems, commands);
}

/** One command per destroyed or replaced instance and matching `before_destroy` entry, in plan order. */
export function beforeDestroyCommands(runbook: Runbook, plan: Plan, input: RenderInput): PlannedCommand[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const commands: PlannedCommand[] = [];
  for (const change of destroyedChanges(plan)) {
    if (seen.has(change.address)) continue;
    seen.add(change.address);
    for (const step of runbook.beforeDestroy) {
      if (addressMatcher(step.match ?? [])(change.address))
        commands.push(...render(input, 'before_destroy', step, { address: change.address, change }, problems));
    }
  }
  return settle(input, problems, commands);
}

/**
 * The health checks after a stage: each check once per member of the stage when it names the instance
 * (`{key}`, `{address}`), else once.
 */
export function healthCommands(runbook: Runbook, members: readonly string[], input: RenderInput): PlannedCommand[] {
  const problems: string[] = [];
  const commands = runbook.health.flatMap((step) =>
    usesInstance(step.run)
      ? members.flatMap((address) => render(input, 'health', step, { address }, problems))
      : render(input, 'health', step, undefined, problems),
  );
  return settle(input, problems, commands);
}
