/**
 * End to end over every real `terraform show -json` output in ../shared/corpus (written by other projects,
 * format 0.1 to 1.2): each plan loads, the engine decides as the table below says (with the reason), and the JSON
 * report parses back. States are refused. Each plan is read both ways: parsed whole, and by the streaming reader
 * from its file, with the same plan model and the same report.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { defaultConfig } from '../src/config/resolve.js';
import { runRules } from '../src/engine/run.js';
import { InputError } from '../src/errors.js';
import { loadPlan, planFromJson } from '../src/plan/load.js';
import { formatJson } from '../src/report/json.js';
import { buildReport, type Report } from '../src/report/report.js';
import { formatText } from '../src/report/text.js';
import { CORPUS, hasCorpus, jsonFilesUnder, NO_CORPUS } from './helpers/env.js';

const TODAY = '2026-06-01';
const all = jsonFilesUnder(CORPUS);
const states = all.filter((f) => f.startsWith('state/'));
const plans = all.filter((f) => !f.startsWith('state/'));

type Decision = 'pass' | 'warn' | 'block';

/**
 * Every plan of the corpus: the decision, the rules that fire, and why — judged as a platform engineer would
 * judge the plan. A plan that blocks for a reason they would dispute is a rule to fix, not a row to change.
 */
const EXPECTED: Record<string, { decision: Decision; rules: string[]; why: string }> = {
  'checkov/github-oidc-read-because-dependency-pending.json': { decision: 'pass', rules: [], why: 'creates only: an OIDC provider and 4 roles' },
  'checkov/plan-provisioners.json': { decision: 'pass', rules: [], why: 'creates one aws_instance; its provisioners run at creation, nothing is destroyed' },
  'checkov/plan-with-deleted-resources-create-before-destroy.json': {
    decision: 'block',
    rules: ['stateful-destroy'],
    why: 'a create_before_destroy replacement of a Secrets Manager secret: the old secret and its versions, written outside the configuration, go',
  },
  'checkov/plan-with-for-each-modules-tf1.9.json': {
    decision: 'pass',
    rules: [],
    why: 'creates 2 Route 53 zones and 3 security groups: creating a foundation destroys nothing',
  },
  'checkov/runner-plan-55-resources-tf0.12.json': {
    decision: 'pass',
    rules: [],
    why: '55 creates (databases, buckets, VPCs, EKS) in an empty state: nothing exists, nothing is destroyed',
  },
  'conftest/gke-show-tf0.12.0-beta2.json': { decision: 'pass', rules: [], why: 'creates a GKE cluster and its node pool' },
  'debian-terraform-json-0.5.0/basic.json': { decision: 'pass', rules: [], why: '7 null_resource creates; outputs unknown until apply (format 0.1)' },
  'debian-terraform-json-0.5.0/config-resource-depends-on.json': {
    decision: 'pass',
    rules: [],
    why: 'one null_resource replaced: no data, no provisioner, not named like a reset helper, a group of one',
  },
  'debian-terraform-json-0.5.0/deep-module.json': { decision: 'pass', rules: [], why: 'one create in a nested module' },
  'debian-terraform-json-0.5.0/explicit-null.json': { decision: 'pass', rules: [], why: '3 creates' },
  'debian-terraform-json-0.5.0/has-changes.json': { decision: 'pass', rules: [], why: 'no-ops only: the changes are in outputs' },
  'debian-terraform-json-0.5.0/nested-config-keys.json': { decision: 'pass', rules: [], why: 'one aws_instance create' },
  'debian-terraform-json-0.5.0/no-changes.json': { decision: 'pass', rules: [], why: 'no-ops only' },
  'debian-terraform-json-0.5.0/output-depends-on.json': { decision: 'pass', rules: [], why: '2 creates' },
  'debian-terraform-json-0.5.0/provider-version.json': { decision: 'pass', rules: [], why: 'one create' },
  'debian-terraform-json-0.5.0/registry-module.json': { decision: 'pass', rules: [], why: 'one create in a registry module' },
  'infracost/instance-with-attachment-before-deploy.json': {
    decision: 'pass',
    rules: [],
    why: 'creates an instance and attaches an existing volume, which is left as it is',
  },
  'infracost/terraform-v0.14-plan-26-resources.json': {
    decision: 'pass',
    rules: [],
    why: 'creates, and an in-place update of an aws_db_instance: an update keeps the data',
  },
  'opentofu/show-json-identity-destroy.json': {
    decision: 'pass',
    rules: [],
    why: 'deletes one test_instance of a test provider: no data, no foundation, a group of one',
  },
  'opentofu/show-json-plan-error.json': {
    decision: 'block',
    rules: ['plan-incomplete'],
    why: 'planning failed (errored: true): there is no whole plan to trust',
  },
  'regula/issue355-cloudtrail-drift-tf1.1.json': { decision: 'pass', rules: [], why: 'no-ops only: drift is reported, nothing changes' },
  'regula/resource-view-06-modules-tf1.0.json': { decision: 'pass', rules: [], why: 'creates VPCs and security groups in modules' },
  'terraform-compliance/issue-249-modules-update.json': {
    decision: 'pass',
    rules: [],
    why: 'in-place updates of an ALB, a target group, a security group and a lambda; creates an autoscaling group',
  },
  'terraform-compliance/issue-456-count-for-each-modules.json': { decision: 'pass', rules: [], why: '32 creates across count and for_each modules' },
  'terraform-compliance/issue-522-delete-drift-tf1.0.json': {
    decision: 'pass',
    rules: [],
    why: 'deletes a CloudWatch event rule and its target (a schedule: configuration, no data) and creates a lambda; 2 of 9 instances is no mass',
  },
  'terraform-compliance/issue-796-tf1.14.json': { decision: 'pass', rules: [], why: 'creates an event rule and a lambda permission' },
  'terraform-json/action-invocations-no-resource-changes.json': {
    decision: 'warn',
    rules: ['action-invocation'],
    why: 'no resource changes, but applying runs a provider action (bufo_print, by request): what an action does is not in the plan, so a person looks',
  },
  'terraform-json/action-reason-replace-because-tainted.json': {
    decision: 'pass',
    rules: [],
    why: 'one tainted null_resource replaced: no data, not a reset helper, a group of one',
  },
  'terraform-json/has-checks-for-each-module.json': { decision: 'pass', rules: [], why: 'creates 2 local_file (a check block reports)' },
  'terraform-json/identity-importing-update.json': { decision: 'pass', rules: [], why: 'an import with an in-place update' },
  'terraform-json/moved-block-previous-address.json': {
    decision: 'pass',
    rules: [],
    why: 'a moved block: a no-op with a previous address is a rename, not a destroy',
  },
  'terraform-json/numerics-large-numbers.json': { decision: 'pass', rules: [], why: 'one create' },
  'terraform-json/sanitize-basic-sensitive-update.json': { decision: 'pass', rules: [], why: 'an in-place update of a null_resource' },
  'terraform-json/tf013-module-depends-on-data-read.json': { decision: 'pass', rules: [], why: 'creates, with a data source read at apply' },
  'terraform-json/tf110-basic-format-1.0.json': { decision: 'pass', rules: [], why: '7 creates' },
  'terraform-json/tf110-sensitive-values-format-0.2.json': { decision: 'pass', rules: [], why: '7 creates with sensitive values' },
  'terraform-json/tf120-basic-format-1.1.json': { decision: 'pass', rules: [], why: '7 creates; the provisioners run at creation' },
  'terraform/cloud-plan-import-config-gen.json': { decision: 'pass', rules: [], why: 'an import (no-op) with generated configuration' },
  'terraform/equivalence-data-read.json': { decision: 'pass', rules: [], why: 'creates a local_file, a random_integer and a mock resource' },
  'terraform/equivalence-drift-refresh-only.json': { decision: 'pass', rules: [], why: 'refresh-only: no resource changes' },
  'terraform/equivalence-fully-populated-complex-destroy.json': {
    decision: 'pass',
    rules: [],
    why: 'deletes one tfcoremock resource: a mock, no data, a group of one',
  },
  'terraform/equivalence-moved-with-refresh-only.json': { decision: 'pass', rules: [], why: 'refresh-only: no resource changes' },
  'terraform/equivalence-replace-within-set.json': { decision: 'pass', rules: [], why: 'one mock resource replaced for a set element' },
  'terraform/show-json-basic-delete-no-resource-config.json': {
    decision: 'pass',
    rules: [],
    why: 'deletes a test_instance whose block was removed: neither data nor a foundation; 1 of 2 is no mass',
  },
  'terraform/show-json-conditions.json': { decision: 'pass', rules: [], why: '2 creates with conditions' },
  'terraform/show-json-modules.json': { decision: 'pass', rules: [], why: '4 creates in modules' },
  'terraform/show-json-moved-drift.json': { decision: 'pass', rules: [], why: 'in-place updates after a move' },
  'terraform/show-json-multi-resource-update.json': { decision: 'pass', rules: [], why: 'a create and a no-op' },
  'terraform/show-json-requires-replace.json': {
    decision: 'pass',
    rules: [],
    why: 'one test_instance replaced: no node-like or data-holding type, a group of one',
  },
  'tf-plan-format/delete-create-null-resource.json': { decision: 'pass', rules: [], why: 'one null_resource replaced, not named like a reset helper' },
  'tf-plan-format/no-resources.json': { decision: 'pass', rules: [], why: 'no resources at all' },
  'tf-plan-format/sensitive-replace-random-bytes.json': {
    decision: 'pass',
    rules: [],
    why: 'random_bytes replaced: a generated value Terraform passes on to what references it, not stored data',
  },
  'tf-summarize/example-tfplan-drift-noop-with-delete-reason.json': {
    decision: 'pass',
    rules: [],
    why: 'creates GitHub repositories and branches that drift removed',
  },
  'tfplan2md/azuredevops-mixed-actions.json': {
    decision: 'warn',
    rules: ['probable-rename'],
    why:
      'a pipeline whose block was removed is deleted and one with the same values created under a new name (a rename: moved suggested); ' +
      'a variable group whose values all come from the configuration is replaced. 2 of 4 instances is no mass (mass-destroy blocked it before)',
  },
  'tfplan2md/firewall-rules-drift-identity.json': {
    decision: 'pass',
    rules: [],
    why: 'an in-place update of a firewall rule collection and a role assignment created',
  },
  'trivy/module-call-tf1.14.json': { decision: 'pass', rules: [], why: 'one bucket created in a module' },
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

  it('the table has a row for every plan of the corpus, and every row a plan', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(plans);
    for (const [name, row] of Object.entries(EXPECTED)) expect(row.why.length, name).toBeGreaterThan(5);
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
      const decision = report.findings.some((f) => f.severity === 'block') ? 'block' : report.findings.length > 0 ? 'warn' : 'pass';
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

      const expected = EXPECTED[name]!;
      expect({ decision: report.decision, rules: [...new Set(report.findings.map((f) => f.rule))].sort() }, expected.why).toEqual({
        decision: expected.decision,
        rules: expected.rules,
      });
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

  describe('on the streaming path (the byte scanner reading the file, as tfguard check does)', () => {
    it.each(plans)('%s: the same plan model and the same report as the parsed document', async (name) => {
      const { plan } = await loadPlan(join(CORPUS, name));
      const parsed = planFromJson(name, readJson(name));
      const flat = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Map || x instanceof Set ? [...x] : x)));
      expect(flat(plan)).toEqual(flat(parsed));
      const report = (p: typeof plan) =>
        buildReport({ source: name, plan: p, result: runRules({ plan: p, config: defaultConfig(RULES), rules: RULES, today: TODAY }) });
      expect(formatJson(report(plan))).toBe(formatJson(report(parsed)));
      expect(report(plan).decision).toBe(EXPECTED[name]!.decision);
    });

    it.each(states)('%s is refused as a state', async (name) => {
      await expect(loadPlan(join(CORPUS, name))).rejects.toThrow(`${join(CORPUS, name)}: this is a state, not a plan`);
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
