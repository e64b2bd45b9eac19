import { z } from 'zod';
import { destructiveMatches } from '../src/engine/destructive-commands.js';
import { GlobPattern } from '../src/engine/glob-schema.js';
import { nameMatcher } from '../src/engine/glob.js';
import { defineRule } from '../src/engine/types.js';
import type { ActionInvocation, PathStep } from '../src/plan/model.js';
import { masked, maskedAt, redactText } from '../src/plan/values.js';

/** Action types and names that say they take something down or away. */
const DESTRUCTIVE_NAMES = [
  '*reboot*',
  '*reset*',
  '*delete*',
  '*destroy*',
  '*stop*',
  '*terminate*',
  '*shutdown*',
  '*restart*',
  '*wipe*',
  '*purge*',
  '*drop*',
  '*remove*',
  '*drain*',
  '*erase*',
  '*truncate*',
];
/** Longer config is cut (the JSON report of a finding is no place for a whole document). */
const MAX_CONFIG = 600;

const EVENTS: Record<string, string> = {
  BeforeCreate: 'before it is created',
  AfterCreate: 'after it is created',
  BeforeUpdate: 'before it is updated',
  AfterUpdate: 'after it is updated',
  BeforeDestroy: 'before it is destroyed',
  AfterDestroy: 'after it is destroyed',
};

/** Every string in the config with its path, sensitive ones included (matched, never shown). */
function strings(value: unknown, path: PathStep[] = [], out: { path: PathStep[]; text: string }[] = []) {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (value !== null && typeof value === 'object' && path.length < 32) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) strings(v, [...path, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

/** Why an invocation looks destructive: its type or name, or a command in its config. */
function destructive(action: ActionInvocation, isName: (text: string) => boolean): string[] {
  const why: string[] = [];
  const names = [action.type, action.name].filter((n): n is string => n !== undefined).map((n) => n.toLowerCase());
  const named = names.find(isName);
  if (named !== undefined) why.push(`its name ${named} says so`);
  const found = strings(action.configValues);
  const texts = [...names.map((n) => n.replaceAll('_', ' ')), ...found.map((s) => s.text), found.map((s) => s.text).join(' ')];
  const patterns = new Set(texts.flatMap((t) => destructiveMatches(t)).map((p) => `${p.name}: ${p.what}`));
  const secret = found.some((s) => maskedAt(action.configSensitive, s.path) && destructiveMatches(s.text).length > 0);
  if (patterns.size > 0) why.push(`its config runs ${[...patterns].join('; ')}${secret ? ' (in a sensitive value, not shown)' : ''}`);
  return why;
}

function when(action: ActionInvocation): string {
  const { kind, resource, event, onFailure } = action.trigger;
  const failure = onFailure ? `, on_failure ${onFailure}` : '';
  if (kind === 'lifecycle') {
    const moment = event ? (EVENTS[event] ?? `on ${event}`) : 'when it changes';
    return ` — triggered by ${resource ?? 'a resource'} ${moment} (lifecycle action_trigger${failure})`;
  }
  if (kind === 'invoke') return ` — invoked by request (terraform apply -invoke${resource ? `, for ${resource}` : ''})`;
  return '';
}

/**
 * Terraform 1.14 actions: provider operations that run during apply (a resource's lifecycle `action_trigger`,
 * or `-invoke`). They are no resource change — the plan summary does not count them — yet they act on real
 * systems. Each is listed with its config as the plan shows it (masked); one that looks destructive blocks.
 */
export default defineRule({
  meta: {
    id: 'action-invocation',
    description: 'The apply runs provider actions (Terraform 1.14 action_invocations); destructive-looking ones block',
    // Block by default, lowered to warn finding by finding (as blast-radius): a severity configured for the
    // rule applies to every finding, so a config written at the defaults never lets a destructive action warn.
    severity: 'block',
    options: z.strictObject({
      names: z.array(GlobPattern).default(DESTRUCTIVE_NAMES),
    }),
  },
  check({ plan, options }) {
    const isName = nameMatcher(options.names.map((n) => n.toLowerCase()));
    return plan.actions.map((action) => {
      const config = redactText(JSON.stringify(masked(action.configValues, action.configSensitive, action.configUnknown)) ?? 'null', plan.secrets);
      const shown = config.length > MAX_CONFIG ? `${config.slice(0, MAX_CONFIG - 1)}…` : config;
      const kind = [action.type && `type ${action.type}`, action.providerName && `provider ${action.providerName}`].filter(Boolean).join(', ');
      const why = destructive(action, isName);
      const message =
        `Applying this plan runs the provider action ${action.address}${kind ? ` (${kind})` : ''}${when(action)}, ` +
        `with config ${shown}. Actions are not resource changes: the plan's counts leave them out.` +
        (why.length > 0 ? ` DESTRUCTIVE: ${why.join('; ')}.` : '');
      return { message, addresses: [action.trigger.resource ?? '(plan)'], ...(why.length > 0 ? {} : { severity: 'warn' as const }) };
    });
  },
});
