/** Small inline plans for rule tests, built as real plan JSON and loaded through the real schema. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../rules/index.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { runRules, type RunResult } from '../../src/engine/run.js';
import { parseAddress } from '../../src/plan/address.js';
import { planFromJson } from '../../src/plan/load.js';
import type { Plan } from '../../src/plan/model.js';

export interface ChangeSpec {
  address: string;
  actions: string[];
  before?: unknown;
  after?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  action_reason?: string;
  replace_paths?: (string | number)[][];
}

export interface PlanSpec {
  changes?: ChangeSpec[];
  /** Addresses of managed instances in the prior state (with optional values). */
  prior?: (string | { address: string; values?: unknown })[];
  top?: Record<string, unknown>;
  provisioners?: string[];
}

function stateResource(entry: string | { address: string; values?: unknown }) {
  const address = typeof entry === 'string' ? entry : entry.address;
  const parsed = parseAddress(address)!;
  return {
    address,
    mode: parsed.mode,
    type: parsed.type,
    name: parsed.name,
    ...(parsed.key === undefined ? {} : { index: parsed.key }),
    values: typeof entry === 'string' ? {} : (entry.values ?? {}),
    sensitive_values: {},
  };
}

export function planJson(spec: PlanSpec): Record<string, unknown> {
  const resource_changes = (spec.changes ?? []).map((c) => {
    const parsed = parseAddress(c.address)!;
    const exists = c.actions[0] !== 'create';
    return {
      address: c.address,
      mode: parsed.mode,
      type: parsed.type,
      name: parsed.name,
      ...(parsed.key === undefined ? {} : { index: parsed.key }),
      ...(c.action_reason ? { action_reason: c.action_reason } : {}),
      change: {
        actions: c.actions,
        before: c.before ?? (exists ? {} : null),
        after: c.after ?? (c.actions.includes('create') || c.actions[0] === 'update' || c.actions[0] === 'no-op' ? {} : null),
        after_unknown: {},
        before_sensitive: c.before_sensitive ?? {},
        after_sensitive: c.after_sensitive ?? {},
        ...(c.replace_paths ? { replace_paths: c.replace_paths } : {}),
      },
    };
  });
  const resources = (spec.provisioners ?? []).map((address) => {
    const parsed = parseAddress(address)!;
    return { address, mode: 'managed', type: parsed.type, name: parsed.name, provisioners: [{ type: 'local-exec' }] };
  });
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: {} },
    resource_changes,
    prior_state: { format_version: '1.0', values: { root_module: { resources: (spec.prior ?? []).map(stateResource) } } },
    configuration: { root_module: { resources } },
    ...spec.top,
  };
}

export function makePlan(spec: PlanSpec): Plan {
  return planFromJson('inline.json', planJson(spec));
}

/** Runs the rules with an optional .tfguard.json body and optional `--expect` globs (tfguard apply). */
export function check(plan: Plan, config: unknown = {}, today = '2026-11-21', expect: readonly string[] = []): RunResult {
  return runRules({ plan, config: resolveConfig(config, RULES), rules: RULES, today, expect });
}

/** Findings of one rule. */
export function findingsOf(result: RunResult, rule: string) {
  return result.findings.filter((f) => f.rule === rule);
}

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export function fixturePlan(name: string): Plan {
  return planFromJson(`${name}/plan.json`, JSON.parse(readFileSync(join(FIXTURES, name, 'plan.json'), 'utf8')));
}

export interface Scenario {
  description: string;
  expect: { decision: 'pass' | 'warn' | 'block'; rules: string[] };
  secret?: string;
}

export function fixtureScenario(name: string): Scenario {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'scenario.json'), 'utf8')) as Scenario;
}

/** Every fixture folder that holds a plan. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'plan.json')))
    .map((d) => d.name)
    .sort();
}
