/**
 * Every HCL snippet tfguard's advice generates, proven with the real terraform binary: taken from the finding
 * as tfguard reports it for a real fixture plan, written into that fixture's configuration (applied stage 1,
 * then stage 2), and planned again. The plan must be valid and the destroy the advice was for must be gone.
 * Nothing destructive is ever applied: the one apply here is of a plan checked to destroy nothing (a forget).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { defaultConfig } from '../src/config/resolve.js';
import { runRules } from '../src/engine/run.js';
import { loadSources } from '../src/hcl/load.js';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { FIXTURES, fixturePlan } from './helpers/plan.js';
import { destroyedAddresses, fixtureWorkspace, movedOrForgotten, planJson } from './helpers/replan.js';
import { scratchDir, terraform } from './helpers/workspace.js';

afterAll(() => {
  if (hasTerraform) rmSync(scratchDir(), { recursive: true, force: true });
});

const title = (text: string) => (hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM}]`);

/** The suggestions of a fixture's first finding of `rule`, as `tfguard check --dir` reports them. */
async function suggestionsOf(fixture: string, rule: string, address?: string): Promise<string[]> {
  const sources = await loadSources(join(FIXTURES, fixture, 'src'));
  const result = runRules({
    plan: fixturePlan(fixture),
    config: defaultConfig(RULES),
    rules: RULES,
    today: '2026-11-21',
    sources: { status: 'loaded', sources },
  });
  const f = result.findings.find((x) => x.rule === rule && (address === undefined || x.addresses.includes(address)));
  expect(f?.suggestions, `${fixture}: ${rule}`).toBeDefined();
  return f!.suggestions!;
}

/** The HCL after the comment line matching `heading` (up to the next comment), and the file:line that comment names. */
function snippet(lines: readonly string[], heading: RegExp): { hcl: string; file: string; line: number } {
  const at = lines.findIndex((l) => l.startsWith('#') && heading.test(l));
  expect(at, `${heading} in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > at && l.startsWith('#'));
  const where = [...lines[at]!.matchAll(/([\w./-]+\.tf):(\d+)/g)].at(-1);
  return { hcl: `${lines.slice(at + 1, end < 0 ? undefined : end).join('\n')}\n`, file: where?.[1] ?? '', line: Number(where?.[2] ?? 0) };
}

/** The lines [start, end] (1-based) of the block that opens on `line`, found by counting braces. */
function blockLines(text: string, line: number): [number, number] {
  const lines = text.split('\n');
  let depth = 0;
  for (let i = line - 1; i < lines.length; i++) {
    for (const ch of lines[i]!) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth === 0 && i >= line - 1 && lines[i]!.includes('}')) return [line, i + 1];
  }
  throw new Error(`no block ends after line ${line}`);
}

/** Edits a file of the workspace: `edit` gets its lines and the block's [start, end] and returns the new lines. */
function editBlock(ws: string, file: string, line: number, edit: (lines: string[], start: number, end: number) => string[]): () => void {
  const path = join(ws, file);
  const original = readFileSync(path, 'utf8');
  const [start, end] = blockLines(original, line);
  writeFileSync(path, edit(original.split('\n'), start, end).join('\n'));
  return () => writeFileSync(path, original);
}

const insertBeforeEnd = (hcl: string) => (lines: string[], _start: number, end: number) => [
  ...lines.slice(0, end - 1),
  ...hcl
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`),
  ...lines.slice(end - 1),
];
const replaceBlock = (hcl: string) => (lines: string[], start: number, end: number) => [
  ...lines.slice(0, start - 1),
  ...hcl.trimEnd().split('\n'),
  ...lines.slice(end),
];
const deleteBlock = () => (lines: string[], start: number, end: number) => [...lines.slice(0, start - 1), ...lines.slice(end)];

const RESETS = ['fresh', 'powder', 'storm'].map((k) => `terraform_data.cp_reset_on_destroy["${k}"]`);

describe.skipIf(!hasTerraform)('generated HCL, re-planned with real terraform', () => {
  it(title('incident: lifecycle { ignore_changes = [triggers_replace] } in the block at main.tf:38 leaves no reset helper destroyed'), async () => {
    const s = snippet(await suggestionsOf('incident', 'blast-radius'), /^# Keep them from being replaced/);
    expect(s).toEqual({ hcl: 'lifecycle {\n  ignore_changes = [triggers_replace]\n}\n', file: 'main.tf', line: 38 });
    const ws = fixtureWorkspace('incident');
    expect(destroyedAddresses(planJson(ws))).toEqual(RESETS);
    editBlock(ws, s.file, s.line, insertBeforeEnd(s.hcl));
    const after = planJson(ws);
    expect(destroyedAddresses(after)).toEqual([]);
    // The intended change still happens: one more worker.
    expect(after.resource_changes.filter((rc: any) => rc.change.actions.includes('create')).map((rc: any) => rc.address)).toEqual([
      'terraform_data.worker["gale"]',
    ]);
  }, 120_000);

  it(title(
    'incident: the removed block (resource block deleted) forgets the 3 helpers; putting the block back creates new ones, destroying nothing',
  ), async () => {
    const s = snippet(await suggestionsOf('incident', 'blast-radius'), /^# Or forget them and create new ones/);
    expect(s.hcl).toBe('removed {\n  from = terraform_data.cp_reset_on_destroy\n  lifecycle {\n    destroy = false\n  }\n}\n');
    expect([s.file, s.line]).toEqual(['main.tf', 38]);
    const ws = fixtureWorkspace('incident');
    const restore = editBlock(ws, s.file, s.line, deleteBlock());
    const step1 = planJson(ws, { 'tfguard_advice.tf': s.hcl });
    expect(destroyedAddresses(step1)).toEqual([]);
    expect(movedOrForgotten(step1).forgotten).toEqual(RESETS);
    // Step 1 destroys nothing (checked above): apply it, then step 2.
    terraform(ws, ['apply', '-input=false', '-no-color', 'replan.tfplan']);
    restore();
    rmSync(join(ws, 'tfguard_advice.tf'));
    const step2 = planJson(ws);
    expect(destroyedAddresses(step2)).toEqual([]);
    expect(
      step2.resource_changes
        .filter((rc: any) => rc.change.actions.join() === 'create')
        .map((rc: any) => rc.address)
        .sort(),
    ).toEqual(RESETS);
  }, 120_000);

  it(title('removed-block: the removed block at main.tf:35 (destroy = true, reset provisioner) replaced by the generated one forgets instead'), async () => {
    const s = snippet(await suggestionsOf('removed-block', 'destroy-provisioner'), /^# Forget them instead/);
    expect([s.file, s.line]).toEqual(['main.tf', 35]);
    const ws = fixtureWorkspace('removed-block');
    expect(destroyedAddresses(planJson(ws))).toEqual(RESETS);
    editBlock(ws, s.file, s.line, replaceBlock(s.hcl));
    const after = planJson(ws);
    expect(destroyedAddresses(after)).toEqual([]);
    expect(movedOrForgotten(after).forgotten).toEqual(RESETS);
  }, 120_000);

  describe('module per cluster: the block is in modules/cluster/main.tf, the removed block names it from the root', () => {
    const C2 = (type: string) => ['cp1', 'cp2', 'cp3'].map((k) => `module.cluster["c2"].terraform_data.${type}["${k}"]`);

    it(title('ignore_changes in the module block: only the control planes (no destroy-time effect) are still replaced'), async () => {
      const lines = await suggestionsOf('module-per-cluster', 'blast-radius', C2('cp_reset_on_destroy')[0]);
      const s = snippet(lines, /^# Keep them from being replaced/);
      expect([s.file, s.line]).toEqual(['modules/cluster/main.tf', 26]);
      const ws = fixtureWorkspace('module-per-cluster');
      expect(destroyedAddresses(planJson(ws))).toEqual([...C2('control_plane'), ...C2('cp_reset_on_destroy')].sort());
      editBlock(ws, s.file, s.line, insertBeforeEnd(s.hcl));
      expect(destroyedAddresses(planJson(ws))).toEqual(C2('control_plane'));
    }, 120_000);

    it(title('removed { from = module.cluster.terraform_data.cp_reset_on_destroy } in the root: all 12 helpers forgotten, none destroyed'), async () => {
      const lines = await suggestionsOf('module-per-cluster', 'blast-radius', C2('cp_reset_on_destroy')[0]);
      const s = snippet(lines, /^# Or forget them and create new ones/);
      expect(s.hcl).toContain('from = module.cluster.terraform_data.cp_reset_on_destroy');
      const ws = fixtureWorkspace('module-per-cluster');
      editBlock(ws, s.file, s.line, deleteBlock());
      const after = planJson(ws, { 'tfguard_advice.tf': s.hcl });
      expect(destroyedAddresses(after)).toEqual(C2('control_plane'));
      expect(movedOrForgotten(after).forgotten).toHaveLength(12);
    }, 120_000);
  });
});
