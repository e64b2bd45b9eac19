/**
 * The JSON Schema of `.tfguard.json`, generated from the zod schema (the single source of truth) with zod's
 * `z.toJSONSchema`. It ships as `schema/tfguard.schema.json` so that editors validate and complete the config
 * through its `$schema` key; `npm run schema` regenerates it and a test fails when the shipped file is stale.
 *
 * Draft-07: the draft editors (VS Code, JetBrains) support best. Generated for the *input* side of the zod
 * schema, so options with a default stay optional (their defaults are shown as `default`). The descriptions
 * (editor hovers) are added here, from the rule registry: the zod schema itself carries none.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { RULES } from '../../rules/index.js';
import type { Rule } from '../engine/types.js';
import { configSchema } from './schema.js';

/** Where the shipped schema lives, relative to the package root, and the `$schema` value `tfguard init` writes. */
export const SCHEMA_FILE = 'schema/tfguard.schema.json';
export const SCHEMA_REF = `./node_modules/tfguard/${SCHEMA_FILE}`;

/**
 * Rules whose findings do not all have the rule's default severity: the rule picks `block` or `warn` finding by
 * finding (action-invocation: destructive actions block, others warn; blast-radius: nodes and data block, other
 * groups warn; plan-incomplete: a targeted or trimmed plan warns; unexpected-change: warn for changes that destroy
 * nothing). A severity written in the config
 * applies to every finding, so `tfguard init` gives these none. A test keeps this list in step with the README's
 * "Default severity:" lines.
 */
export const PER_FINDING_SEVERITY: ReadonlySet<string> = new Set(['action-invocation', 'blast-radius', 'plan-incomplete', 'unexpected-change']);

/** "block", or "block (some findings warn: ...)" for the rules that choose per finding. */
export function defaultSeverityText(rule: Rule): string {
  if (!PER_FINDING_SEVERITY.has(rule.meta.id)) return rule.meta.severity;
  return `${rule.meta.severity} (the rule lowers some findings to warn; a severity set in .tfguard.json applies to all of them)`;
}

type JsonObject = Record<string, unknown>;

function child(node: unknown, ...keys: string[]): JsonObject | undefined {
  let at: unknown = node;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as JsonObject)[key];
  }
  return typeof at === 'object' && at !== null ? (at as JsonObject) : undefined;
}

function describe(node: JsonObject | undefined, description: string): void {
  if (node) node.description = description;
}

const SEVERITIES = '"block" refuses the apply (exit 1), "warn" lets `check` pass but refuses -auto-approve, "off" disables the rule';

/** The JSON Schema object of `.tfguard.json` for these rules (the registry by default). */
export function configJsonSchema(rules: readonly Rule[] = RULES): JsonObject {
  const generated = z.toJSONSchema(configSchema(rules), { target: 'draft-7', io: 'input' }) as JsonObject;
  const { $schema, ...body } = generated;
  const schema: JsonObject = {
    $schema,
    title: 'tfguard configuration (.tfguard.json)',
    description:
      'Configuration of tfguard, the safety gate for Terraform plans. Strict: an unknown key, rule id or option is an error (exit 2). See the README, and `tfguard explain RULE`.',
    ...body,
  };
  describe(child(schema, 'properties', '$schema'), 'The JSON Schema of this file, for editors; tfguard ignores it.');
  describe(
    child(schema, 'properties', 'rules'),
    `Per rule: a severity, or an object with "severity" and the rule's options. ${SEVERITIES}. A rule left out, or given without "severity", runs at its default; a severity set here applies to every finding of the rule.`,
  );
  for (const rule of rules) {
    const { id, description, severity } = rule.meta;
    const entry = child(schema, 'properties', 'rules', 'properties', id);
    describe(entry, `${description}. Default severity: ${defaultSeverityText(rule)}. \`tfguard explain ${id}\` documents it.`);
    const variants = entry?.anyOf;
    if (Array.isArray(variants)) {
      describe(variants[0] as JsonObject, SEVERITIES);
      describe(child(variants[1], 'properties', 'severity'), `${SEVERITIES}. Left out: the rule's default (${severity}).`);
    }
  }
  describe(
    child(schema, 'properties', 'protect'),
    'Address globs ("*" matches anything, "?" one character, {a,b} either; "[", "]" and \'"\' are literal) that the protected-resource rule guards, e.g. "module.database.*", "aws_s3_bucket.backups".',
  );
  describe(
    child(schema, 'properties', 'waivers'),
    'Waivers: a finding of the rule whose addresses all match the glob moves to `waived` and no longer counts, until the expiry date (valid through that day, UTC).',
  );
  const waiver = child(schema, 'properties', 'waivers', 'items', 'properties');
  describe(child(waiver, 'rule'), 'The rule whose findings are waived.');
  describe(child(waiver, 'address'), 'Address glob; it must match every address of the finding.');
  const reason = child(waiver, 'reason');
  describe(reason, 'Why the finding is waived: a change ticket, a planned rebuild.');
  // zod trims the reason before checking its length: a blank reason is refused there too.
  if (reason) reason.pattern = '\\S';
  describe(child(waiver, 'expires'), 'Expiry date, YYYY-MM-DD: the waiver is valid through that day (UTC), and waives nothing after it.');
  describe(
    child(schema, 'properties', 'groups'),
    'Declared groups for blast-radius: sets of instances that must not all go at once, across blocks (a Talos config apply and its reset helper per node; vm1 and vm2). A group tfguard finds by itself whose destroyed instances a declared group all covers is judged in the declared group only.',
  );
  const group = child(schema, 'properties', 'groups', 'items', 'properties');
  describe(child(group, 'name'), "The group's name, shown in findings; unique.");
  describe(
    child(group, 'members'),
    'Address globs of the group\'s instances. A member is counted by instance key (module keys included): talos_x.cp["a"] and null_resource.reset["a"] are one member "a"; an instance without any key is a member by itself.',
  );
  describe(
    child(group, 'quorum'),
    'How many members must stay standing; blast-radius fires when fewer would. Default: a majority (floor(n/2)+1) of 3 or more members, 1 of 2.',
  );
  describeRunbook(schema);
  describe(child(schema, 'properties', 'audit'), 'Audit log of `tfguard apply`.');
  describe(
    child(schema, 'properties', 'audit', 'properties', 'log'),
    'Where `tfguard apply` appends its audit log, relative to the root module (default .tfguard/audit.jsonl).',
  );
  return schema;
}

const RUN =
  'The command, run by /bin/sh -c in the root module, without a terminal, with a timeout. Placeholders are replaced by their value as one shell-quoted word, so write them outside quotes';
const TIMEOUT = 'How long it may run, e.g. 30s, 10m, 1h30m (default 10m); then it is stopped and counts as failed.';

/** Descriptions of `preflight`, `before_destroy` and `health` (src/runbook). */
function describeRunbook(schema: JsonObject): void {
  const keys: [string, string, string][] = [
    [
      'preflight',
      'Checks tfguard apply runs after the review and before the prompt (once per rollout with --staged). One that fails refuses the apply: nothing is applied.',
      `${RUN}. Placeholder: {run_id}.`,
    ],
    [
      'before_destroy',
      'Commands tfguard apply runs once per destroyed or replaced instance that `match` matches, after confirmation and before terraform apply (a snapshot, a backup). One that fails refuses the apply: nothing is destroyed.',
      `${RUN}. Placeholders: {address}, {key} (for_each key or count index), {before.PATH} (the instance's prior value at PATH, e.g. {before.vmid}), {run_id}. A placeholder on a sensitive value (or on no value) is an error for that plan: nothing runs.`,
    ],
    [
      'health',
      'Checks tfguard apply --staged runs after each stage of a rollout, once per member of the stage when they name it. One that fails stops the rollout: the remaining members stay untouched; tfguard apply --resume runs it again, then continues.',
      `${RUN}. Placeholders: {address}, {key} of the member just applied, {run_id}.`,
    ],
  ];
  for (const [key, what, run] of keys) {
    describe(child(schema, 'properties', key), what);
    const item = child(schema, 'properties', key, 'items', 'properties');
    describe(child(item, 'name'), 'Shown in the output and the audit log.');
    describe(child(item, 'run'), run);
    describe(child(item, 'timeout'), TIMEOUT);
  }
  describe(
    child(schema, 'properties', 'preflight', 'items', 'properties', 'when'),
    'Address globs: run the check only for plans that change a matching instance (matched against the address, and the address within its module). Left out: every plan.',
  );
  describe(child(schema, 'properties', 'before_destroy', 'items', 'properties', 'match'), 'Address globs of the instances it runs for.');
}

/** The schema file's text: what `npm run schema` writes and what the test compares with the shipped file. */
export function configJsonSchemaText(rules: readonly Rule[] = RULES): string {
  return `${JSON.stringify(configJsonSchema(rules), null, 2)}\n`;
}

/** `npm run schema`: writes the schema file (default: schema/tfguard.schema.json of the current directory). */
export async function writeConfigJsonSchema(path: string = SCHEMA_FILE): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, configJsonSchemaText());
}
