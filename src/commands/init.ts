/**
 * `tfguard init [--dir DIR] [--force]`: writes a starter `.tfguard.json` — every rule listed at its defaults,
 * an empty `protect` list, no waivers — and says what to do next, including how to install the git hook
 * (it does not install it: `tfguard hook install` does).
 *
 * JSON has no comments, and the config schema is strict, so the file explains itself through its `$schema` key:
 * editors show the shipped JSON Schema's descriptions on hover and complete rule ids and options. No `$comment`.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { RULES } from '../../rules/index.js';
import type { Rule } from '../engine/types.js';
import { InputError, UsageError } from '../errors.js';
import { PER_FINDING_SEVERITY, SCHEMA_FILE, SCHEMA_REF } from '../config/json-schema.js';
import { CONFIG_FILE, searchedDirs } from '../config/load.js';
import { ownPackage, repositoryWebUrl, type PackageJson } from '../package-info.js';
import { VERSION } from '../version.js';
import { resolveConfig } from '../config/resolve.js';
import { existingDir } from './dir.js';

/** Rules that pick block or warn per finding get no severity in the starter config: see json-schema.ts. */
export { PER_FINDING_SEVERITY };

export interface InitOptions {
  dir?: string;
  force?: boolean;
}

/** One line per rule entry: short values inline, as a person would write them. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** The rule's entry at its defaults: its severity (unless it decides per finding) and its default options. */
export function starterRuleEntry(rule: Rule): unknown {
  const options = rule.meta.options.parse({}) as Record<string, unknown>;
  const severity = PER_FINDING_SEVERITY.has(rule.meta.id) ? {} : { severity: rule.meta.severity };
  if (Object.keys(options).length === 0) return PER_FINDING_SEVERITY.has(rule.meta.id) ? {} : rule.meta.severity;
  return { ...severity, ...options };
}

/** The text of the starter `.tfguard.json`. */
export function starterConfigText(schemaRef: string = SCHEMA_REF, rules: readonly Rule[] = RULES): string {
  const ruleLines = rules.map((r) => `    ${JSON.stringify(r.meta.id)}: ${inline(starterRuleEntry(r))}`);
  return ['{', `  "$schema": ${JSON.stringify(schemaRef)},`, '  "rules": {', ruleLines.join(',\n'), '  },', '  "protect": []', '}', ''].join('\n');
}

/** The schema online, for a package published from GitHub or GitLab: the file at this version's tag. */
export function publishedSchemaUrl(pkg: PackageJson | undefined = ownPackage()?.json): string | undefined {
  const web = repositoryWebUrl(pkg?.repository);
  const m = web ? /^https:\/\/(github\.com|gitlab\.com)\/([^/]+\/[^/]+)$/.exec(web) : null;
  if (!m) return undefined;
  const tag = `v${pkg?.version ?? VERSION}`;
  return m[1] === 'github.com' ? `https://raw.githubusercontent.com/${m[2]}/${tag}/${SCHEMA_FILE}` : `https://gitlab.com/${m[2]}/-/raw/${tag}/${SCHEMA_FILE}`;
}

const posixRelative = (from: string, to: string) => {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
};

/**
 * `$schema`, relative to DIR where editors resolve it: the schema of the nearest `node_modules/tfguard` at or
 * above DIR (it travels with the repository); else the published schema when the package says where it is
 * published; else the schema of this tfguard, which exists on this machine (relative inside DIR's git
 * repository, absolute outside it: `local` then says so).
 */
export async function schemaRefFor(dir: string): Promise<{ ref: string; local?: string }> {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', 'tfguard', SCHEMA_FILE);
    if (existsSync(candidate)) return { ref: posixRelative(dir, candidate) };
    if (dirname(at) === at) break;
  }
  const url = publishedSchemaUrl();
  if (url) return { ref: url };
  const own = ownPackage();
  const schema = own ? join(own.root, SCHEMA_FILE) : undefined;
  if (!schema || !existsSync(schema)) return { ref: SCHEMA_REF };
  const searched = await searchedDirs(dir);
  const top = existsSync(join(searched.at(-1)!, '.git')) ? searched.at(-1)! : undefined;
  const inside = top !== undefined && !relative(top, schema).startsWith('..');
  return inside ? { ref: posixRelative(dir, schema) } : { ref: schema, local: schema };
}

export async function init(opts: InitOptions): Promise<number> {
  const dir = await existingDir(opts.dir ?? '.');
  const path = join(dir, CONFIG_FILE);
  const shown = relative(process.cwd(), path) || CONFIG_FILE;

  const schema = await schemaRefFor(dir);
  const text = starterConfigText(schema.ref);
  // What init writes, check must accept: a failure here is a bug, never a broken file on disk.
  resolveConfig(JSON.parse(text), RULES, shown);
  try {
    await writeFile(path, text, { flag: opts.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${shown} already exists: not overwritten (tfguard init --force replaces it)`);
    }
    throw new InputError(`${shown}: cannot write (${(error as Error).message})`);
  }

  const perFinding = RULES.map((r) => r.meta.id).filter((id) => PER_FINDING_SEVERITY.has(id));
  const lines = [
    `Wrote ${shown}: every rule at its defaults, nothing protected, no waivers.`,
    '',
    '- Set a rule to "block", "warn" or "off", or change its options: `tfguard explain RULE` documents each one.',
    `- ${perFinding.join(', ')} have no "severity": by default they block or warn finding by finding;`,
    '  a severity set there applies to all their findings.',
    '- Add address globs to "protect" for what must never be destroyed, e.g. "module.database.*".',
    '- Waive a finding with a reason and an expiry date: see "waivers" in the README.',
    '- "$schema" lets your editor check the file and complete rule ids and options.',
    ...(schema.local
      ? [
          `  It points at this machine's tfguard (${schema.local}); with tfguard installed in the repository (npm install --save-dev), tfguard init writes a path that works everywhere.`,
        ]
      : []),
    '',
    'Check a plan:  terraform show -json tfplan > plan.json && npx tfguard check plan.json',
    'Also check the sources before every push, with a git pre-push hook:  npx tfguard hook install',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return 0;
}
