/** Validated `.tfguard.json` content → the Config the engine runs with (pure). */
import { InputError } from '../errors.js';
import type { Rule } from '../engine/types.js';
import { formatIssues } from '../zod-issues.js';
import { configSchema, type Config } from './schema.js';
import { runbookOf } from '../runbook/schema.js';

export function resolveConfig(raw: unknown, rules: readonly Rule[], source = '.tfguard.json'): Config {
  const result = configSchema(rules).safeParse(raw);
  if (!result.success) throw new InputError(`${source}: ${formatIssues(result.error.issues)}`);
  const data = result.data;
  const config: Config = {
    source,
    rules: new Map(),
    protect: data.protect ?? [],
    waivers: data.waivers ?? [],
    groups: (data.groups ?? []).map((g) => ({ name: g.name, members: g.members, ...(g.quorum !== undefined ? { quorum: g.quorum } : {}) })),
    runbook: runbookOf(data),
    ...(data.audit ? { auditLog: data.audit.log } : {}),
    ...(data.limits?.tf_file_mb !== undefined ? { tfFileMb: data.limits.tf_file_mb } : {}),
  };
  for (const rule of rules) {
    const entry = data.rules?.[rule.meta.id] as string | Record<string, unknown> | undefined;
    if (typeof entry === 'string') {
      config.rules.set(rule.meta.id, { severity: entry as 'block' | 'warn' | 'off', options: rule.meta.options.parse({}) });
      continue;
    }
    const { severity, ...options } = entry ?? {};
    config.rules.set(rule.meta.id, {
      ...(severity ? { severity: severity as 'block' | 'warn' | 'off' } : {}),
      options: rule.meta.options.parse(options),
    });
  }
  // Rules see their options, not the config: blast-radius gets the declared groups with its own.
  const blast = config.rules.get('blast-radius');
  if (blast && config.groups.length > 0) blast.options = { ...blast.options, groups: config.groups };
  return config;
}

/** The config when there is no `.tfguard.json`: every rule at its defaults. */
export function defaultConfig(rules: readonly Rule[]): Config {
  const config = resolveConfig({}, rules);
  delete config.source;
  return config;
}
