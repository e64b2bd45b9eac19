/**
 * End to end over every real `terraform show -json` output in ../shared/corpus (written by other projects,
 * format 0.1 to 1.2): each plan loads, the engine decides, and the JSON report parses back. States are refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { defaultConfig } from '../src/config/resolve.js';
import { runRules } from '../src/engine/run.js';
import { InputError } from '../src/errors.js';
import { planFromJson } from '../src/plan/load.js';
import { formatJson } from '../src/report/json.js';
import { buildReport, type Report } from '../src/report/report.js';
import { formatText } from '../src/report/text.js';
import { CORPUS, hasCorpus, jsonFilesUnder, NO_CORPUS } from './helpers/env.js';

const TODAY = '2026-06-01';
const all = jsonFilesUnder(CORPUS);
const states = all.filter((f) => f.startsWith('state/'));
const plans = all.filter((f) => !f.startsWith('state/'));

/** Decisions recorded for files whose outcome is known, with the rules that fire. */
const KNOWN: Record<string, { decision: 'pass' | 'warn' | 'block'; rules: string[] }> = {
  // errored: true, no resource changes at all.
  'opentofu/show-json-plan-error.json': { decision: 'block', rules: ['plan-incomplete'] },
  // create_before_destroy replace of a secret: the secret's versions are lost.
  'checkov/plan-with-deleted-resources-create-before-destroy.json': { decision: 'block', rules: ['stateful-destroy'] },
  // 1 delete + 1 replace of 4 instances in state: half of everything.
  'tfplan2md/azuredevops-mixed-actions.json': { decision: 'block', rules: ['mass-destroy'] },
  // One test_instance replaced: a single-instance group, no node-like or stateful type.
  'terraform/show-json-requires-replace.json': { decision: 'pass', rules: [] },
  // One null_resource replaced, not named like a reset helper.
  'tf-plan-format/delete-create-null-resource.json': { decision: 'pass', rules: [] },
  'tf-plan-format/no-resources.json': { decision: 'pass', rules: [] },
  // Terraform 1.14 actions only: no resource_changes, no prior_state.
  'terraform-json/action-invocations-no-resource-changes.json': { decision: 'pass', rules: [] },
  // Format 0.1 (Terraform 0.12) plans with output changes that are unknown until apply.
  'checkov/runner-plan-55-resources-tf0.12.json': { decision: 'pass', rules: [] },
  'debian-terraform-json-0.5.0/basic.json': { decision: 'pass', rules: [] },
};

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(join(CORPUS, name), 'utf8'));
}

function check(name: string): { report: Report; raw: any } {
  const raw = readJson(name) as any;
  const plan = planFromJson(name, raw);
  const result = runRules({ plan, config: defaultConfig(RULES), rules: RULES, today: TODAY });
  return { report: buildReport({ source: name, plan, result }), raw };
}

describe.skipIf(!hasCorpus)(hasCorpus ? 'corpus' : `corpus [skipped: ${NO_CORPUS}]`, () => {
  it('holds plans and states', () => {
    expect(plans.length).toBeGreaterThan(0);
    expect(states.length).toBeGreaterThan(0);
  });

  it('every file with a recorded decision is present', () => {
    for (const name of Object.keys(KNOWN)) expect(plans, name).toContain(name);
  });

  describe.each(plans)('%s', (name) => {
    it('loads, is decided, and its JSON report parses back', () => {
      const { report, raw } = check(name);
      expect(['pass', 'warn', 'block']).toContain(report.decision);
      expect(report.plan.format_version).toBe(raw.format_version);
      expect(report.plan.terraform_version).toBe(raw.terraform_version ?? null);

      // Every finding names at least one address; each is a change of the plan (or the plan as a whole).
      const known = new Set<string>((raw.resource_changes ?? []).map((c: { address: string }) => c.address));
      for (const f of [...report.findings, ...report.waived]) {
        expect(f.addresses.length, `${f.rule} has no address`).toBeGreaterThanOrEqual(1);
        for (const a of f.addresses) expect(known.has(a) || a === '(plan)', `${f.rule}: ${a}`).toBe(true);
        expect(RULES.map((r) => r.meta.id)).toContain(f.rule);
        expect(['block', 'warn']).toContain(f.severity);
        expect(f.message.length).toBeGreaterThan(0);
      }
      const decision = report.findings.some((f) => f.severity === 'block')
        ? 'block'
        : report.findings.length > 0
          ? 'warn'
          : 'pass';
      expect(report.decision).toBe(decision);

      // The summary counts managed changes the way the raw action lists say.
      const managed: string[] = (raw.resource_changes ?? [])
        .filter((c: { mode: string }) => c.mode === 'managed')
        .map((c: { change: { actions: string[] } }) => c.change.actions.join(','));
      const count = (...lists: string[]) => managed.filter((a) => lists.includes(a)).length;
      expect(report.summary).toMatchObject({
        create: count('create', 'create,forget'),
        update: count('update'),
        replace: count('delete,create', 'create,delete'),
        delete: count('delete'),
      });

      const json = formatJson(report);
      const back = JSON.parse(json);
      expect(back).toEqual(JSON.parse(JSON.stringify(report)));
      expect(back).toMatchObject({ tool: 'tfguard', version: '0.1.0', decision: report.decision });
      for (const f of back.findings) {
        expect(f).toEqual(expect.objectContaining({ rule: expect.any(String), severity: expect.any(String), message: expect.any(String) }));
        expect(f.addresses.length).toBeGreaterThanOrEqual(1);
      }
      expect(back.waived).toEqual([]);

      const text = formatText(report);
      expect(text).toMatch(/^tfguard 0\.1\.0 · /);
      expect(text).toContain(report.decision === 'block' ? 'BLOCKED' : report.decision === 'warn' ? 'WARN:' : 'PASS:');

      const expected = KNOWN[name];
      if (expected) {
        expect(report.decision).toBe(expected.decision);
        expect([...new Set(report.findings.map((f) => f.rule))].sort()).toEqual(expected.rules);
      }
    });
  });

  describe.each(states)('%s', (name) => {
    it('is refused: this is a state, not a plan', () => {
      let caught: unknown;
      try {
        planFromJson(name, readJson(name));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as Error).message).toContain(`${name}: this is a state, not a plan`);
      expect((caught as Error).message).not.toContain('\n');
    });
  });

  it('opentofu/show-json-plan-error.json: blocked by plan-incomplete because planning errored', () => {
    const { report } = check('opentofu/show-json-plan-error.json');
    expect(report.decision).toBe('block');
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ rule: 'plan-incomplete', severity: 'block' });
    expect(report.findings[0]!.message).toContain('errored: true');
  });

  it('checkov create_before_destroy: the finding says the replacement creates first', () => {
    const { report } = check('checkov/plan-with-deleted-resources-create-before-destroy.json');
    const f = report.findings.find((x) => x.rule === 'stateful-destroy')!;
    expect(f.addresses).toEqual(['aws_secretsmanager_secret.default']);
    expect(f.details[0]!.action).toBe('replace (create before destroy)');
  });
});
