/**
 * `tfguard explain RULE`: a rule's documentation — its default severity and options, then its section of the
 * README shipped in the package (the README is the one place rules are documented; findings link to it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nearest } from '../nearest.js';
import { ownPackage } from '../package-info.js';
import { RULES } from '../../rules/index.js';
import { defaultSeverityText } from '../config/json-schema.js';
import type { Rule } from '../engine/types.js';
import { UsageError } from '../errors.js';
import { ruleDocsUrl } from '../report/report.js';

/** Checks of `tfguard scan` that are not plan rules: documented under "tfguard scan", not in a section of their own. */
const SCAN_CHECKS = ['auto-approve', 'prevent-destroy-removed'];

/** The package's README.md, shipped next to tfguard's package.json. */
export function readmePath(): string | undefined {
  const pkg = ownPackage();
  const readme = pkg ? join(pkg.root, 'README.md') : undefined;
  return readme !== undefined && existsSync(readme) ? readme : undefined;
}

/**
 * The README section `### \`RULE\``: from its heading to the next heading of level 1 to 3 (headings inside
 * fenced code blocks do not count), trailing blank lines dropped.
 */
export function ruleSection(readme: string, id: string): string | undefined {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `### \`${id}\``);
  if (start < 0) return undefined;
  let end = lines.length;
  let fenced = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (!fenced && /^#{1,3} /.test(line)) {
      end = i;
      break;
    }
  }
  const section = lines.slice(start, end);
  while (section.length > 0 && section[section.length - 1]!.trim() === '') section.pop();
  return section.join('\n');
}

/** The header tfguard prints before the README section: what the code says, so it is right even if the docs lag. */
export function ruleHeader(rule: Rule): string {
  const options = rule.meta.options.parse({}) as Record<string, unknown>;
  const shown = Object.keys(options).length === 0 ? 'none' : JSON.stringify(options);
  return [
    `${rule.meta.id}: ${rule.meta.description}`,
    `Default severity: ${defaultSeverityText(rule)}`,
    `Default options: ${shown}`,
    `In .tfguard.json: "rules": { "${rule.meta.id}": "block" | "warn" | "off" }, or an object with "severity" and options`,
    ...(ruleDocsUrl(rule.meta.id) ? [`Online: ${ruleDocsUrl(rule.meta.id)}`] : []),
  ].join('\n');
}

export function explain(id: string): number {
  const rule = RULES.find((r) => r.meta.id === id);
  if (!rule) {
    const ids = RULES.map((r) => r.meta.id).join(', ');
    const scan = SCAN_CHECKS.includes(id) ? `; ${id} is a check of tfguard scan: see "tfguard scan" in the README` : '';
    const near = nearest(
      id,
      RULES.map((r) => r.meta.id),
    );
    throw new UsageError(`unknown rule ${JSON.stringify(id)}${near ? ` (did you mean "${near}"?)` : ''} (rules: ${ids})${scan}`);
  }
  const path = readmePath();
  const section = path === undefined ? undefined : ruleSection(readFileSync(path, 'utf8'), id);
  const online = ruleDocsUrl(id);
  const body = section ?? `(README.md${path === undefined ? ' was not found next to tfguard' : ` has no section for ${id}`}${online ? `: see ${online}` : ''})`;
  process.stdout.write(`${ruleHeader(rule)}\n\n${body}\n`);
  return 0;
}
