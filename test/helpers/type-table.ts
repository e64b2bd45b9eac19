/**
 * Checks shared by the rules that judge a destroyed resource by a table of types (stateful-destroy,
 * foundation-destroy): the shape of every entry, and the README table that documents it, row for row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TypeTable } from '../../src/engine/type-table.js';
import { ROOT } from './env.js';

/** A resource type name (`aws_instance`), or a glob over such names with `*` standing for a part. */
export const TYPE_PATTERN = /^[a-z][a-z0-9]*(_([a-z0-9]+|\*))+$/;
/** An ARM resource type: `Microsoft.Storage/storageAccounts`, children `/blobServices/containers`. */
export const ARM_PATTERN = /^Microsoft\.[A-Za-z]+(\/[A-Za-z]+)+$/;

export function expectTableShape(table: TypeTable): void {
  const types = table.families.flatMap((f) => f.types);
  const arm = table.families.flatMap((f) => f.azapi ?? []);
  for (const t of types) expect(t, t).toMatch(TYPE_PATTERN);
  for (const a of arm) expect(a, a).toMatch(ARM_PATTERN);
  expect(
    types.filter((t, i) => types.indexOf(t) !== i),
    'duplicate types',
  ).toEqual([]);
  const lower = arm.map((a) => a.toLowerCase());
  expect(
    arm.filter((_, i) => lower.indexOf(lower[i]!) !== i),
    'duplicate ARM types',
  ).toEqual([]);
  for (const f of table.families) {
    expect(f.family.length, f.family).toBeGreaterThan(0);
    expect(f.reason.length, `${f.family}: reason`).toBeGreaterThan(20);
    expect(f.reason, `${f.family}: no trailing period`).not.toMatch(/\.$/);
    expect(f.types.length + (f.azapi?.length ?? 0), f.family).toBeGreaterThan(0);
  }
  const conditional = table.conditions.map((c) => c.type);
  expect(
    conditional.filter((t, i) => conditional.indexOf(t) !== i),
    'duplicate conditions',
  ).toEqual([]);
  for (const c of table.conditions) expect(types, `condition on ${c.type}, a type of no family`).toContain(c.type);
}

/** The `### \`id\`` section of the README. */
export function readmeSection(id: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^### /m).find((s) => s.startsWith(`\`${id}\``));
  if (section === undefined) throw new Error(`README has no section ### \`${id}\``);
  return section;
}

/** Rows of the markdown table whose header row starts with `| first |`, as cells. */
export function tableRows(section: string, first: string): string[][] {
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  if (start < 0) throw new Error(`no table headed "| ${first} |"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const codes = (cell: string): string[] => (cell === '—' ? [] : [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));

/** The README section documents the table exactly: one row per family (in order) and one per condition. */
export function expectReadmeMatches(id: string, table: TypeTable): void {
  const section = readmeSection(id);
  const families = tableRows(section, 'family').map(([family, types, azapi, reason]) => ({
    family,
    types: codes(types!),
    azapi: codes(azapi!),
    reason,
  }));
  expect(families).toEqual(table.families.map((f) => ({ family: f.family, types: [...f.types], azapi: [...(f.azapi ?? [])], reason: f.reason })));
  const conditions = tableRows(section, 'type').map(([type, when]) => ({ type: codes(type!)[0], when }));
  expect(conditions).toEqual(table.conditions.map((c) => ({ type: c.type, when: c.when })));
}

/** The README rows for a table (to paste when the data changes). */
export function readmeRows(table: TypeTable): string {
  const code = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.map((x) => `\`${x}\``).join(', '));
  return [
    '| family | types | `azapi_resource` types | why |',
    '|---|---|---|---|',
    ...table.families.map((f) => `| ${f.family} | ${code(f.types)} | ${code(f.azapi ?? [])} | ${f.reason} |`),
    '',
    '| type | counts when |',
    '|---|---|',
    ...table.conditions.map((c) => `| \`${c.type}\` | ${c.when} |`),
  ].join('\n');
}
