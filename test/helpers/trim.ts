/** Plans cut down the way people cut them with jq, done in JS (jq may not be installed). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planFromJson } from '../../src/plan/load.js';
import type { Plan } from '../../src/plan/model.js';
import { FIXTURES_DIR } from './env.js';

/** `jq '{a, b, c}'`: an object of those keys, null for each key the input lacks (as jq writes it). */
export function jqPick(json: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, Object.hasOwn(json, k) ? json[k] : null]));
}

/** `jq 'del(.a, .b)'`. */
export function jqDel(json: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(json).filter(([k]) => !keys.includes(k)));
}

/** The filter from the issue: `jq '{format_version, terraform_version, resource_changes}'`. */
export const CHANGES_ONLY = ['format_version', 'terraform_version', 'resource_changes'] as const;

export function changesOnly(json: Record<string, unknown>): Record<string, unknown> {
  return jqPick(json, CHANGES_ONLY);
}

/** A fixture's real plan, cut down by `trim` (the filter by default) and loaded as tfguard loads it. */
export function trimmedFixture(name: string, trim: (json: Record<string, unknown>) => Record<string, unknown> = changesOnly): Plan {
  const json = JSON.parse(readFileSync(join(FIXTURES_DIR, name, 'plan.json'), 'utf8')) as Record<string, unknown>;
  return planFromJson(`${name}/plan.json (trimmed)`, trim(json));
}
