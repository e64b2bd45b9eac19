import { describe, expect, it } from 'vitest';
import { planFromJson } from '../../src/plan/load.js';
import type { Plan } from '../../src/plan/model.js';
import { check, findingsOf, fixturePlan, makePlan, planJson, type PlanSpec } from '../helpers/plan.js';

/** The findings of unexpected-change when the apply declares `expect`. */
const run = (plan: Plan, expectGlobs: readonly string[], config: unknown = {}) => findingsOf(check(plan, config, undefined, expectGlobs), 'unexpected-change');

const cpReset = ['fresh', 'powder', 'storm'].map((k) => `terraform_data.cp_reset_on_destroy["${k}"]`);
const machineConfig = ['fresh', 'powder', 'storm'].map((k) => `terraform_data.machine_config["${k}"]`);

/** An inline plan whose changes at `imported` addresses carry an `importing` block, as Terraform writes it. */
function withImports(spec: PlanSpec, imported: string[]): Plan {
  const json = planJson(spec) as { resource_changes: { address: string; change: Record<string, unknown> }[] };
  for (const rc of json.resource_changes) if (imported.includes(rc.address)) rc.change.importing = { id: 'i-123' };
  return planFromJson('inline.json', json);
}

describe('unexpected-change', () => {
  it('is silent when no --expect scope is declared', () => {
    expect(run(fixturePlan('incident'), [])).toEqual([]);
    expect(findingsOf(check(fixturePlan('incident')), 'unexpected-change')).toEqual([]);
  });

  it('on the incident, "I only meant to add worker gale" blocks on the replaced resets and warns on the updates', () => {
    const result = check(fixturePlan('incident'), {}, undefined, ['terraform_data.worker["gale"]']);
    const found = findingsOf(result, 'unexpected-change');
    expect(found).toHaveLength(2);
    const [block, warn] = found;
    expect(block?.severity).toBe('block');
    expect(block?.addresses).toEqual(cpReset);
    expect(block?.message).toContain('3 destructive changes (3 replace) fall outside --expect terraform_data.worker["gale"]');
    for (const a of cpReset) expect(block?.message).toContain(a);
    expect(warn?.severity).toBe('warn');
    expect(warn?.addresses).toEqual(machineConfig);
    expect(warn?.message).toMatch(/^3 other changes \(3 update\) outside --expect terraform_data\.worker\["gale"\]: a person should look/);
    expect(result.decision).toBe('block');
  });

  it('gives each instance its why, like every finding', () => {
    const [block] = run(fixturePlan('incident'), ['terraform_data.worker["gale"]']);
    expect(block?.details.map((d) => d.address)).toEqual(cpReset);
    expect(block?.details[0]?.reason).toBeDefined();
  });

  it('is silent on the incident when the scope covers everything it touches', () => {
    expect(run(fixturePlan('incident'), ['terraform_data.*'])).toEqual([]);
  });

  it('is silent on the add-worker plan with the right scope, and warns with a wrong one', () => {
    const plan = fixturePlan('add-worker');
    expect(run(plan, ['terraform_data.worker["gale"]'])).toEqual([]);
    expect(run(plan, ['terraform_data.worker'])).toEqual([]);
    const result = check(plan, {}, undefined, ['terraform_data.worker["pearl"]']);
    const found = findingsOf(result, 'unexpected-change');
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('warn');
    expect(found[0]?.addresses).toEqual(['terraform_data.worker["gale"]']);
    expect(found[0]?.message).toMatch(/^1 other change \(1 create\) outside --expect terraform_data\.worker\["pearl"\]: a person should look/);
    expect(result.decision).toBe('warn');
  });

  it('names every --expect glob in the message', () => {
    const [f] = run(fixturePlan('add-worker'), ['terraform_data.worker["pearl"]', 'talos_*["pearl"]']);
    expect(f?.message).toContain('outside --expect terraform_data.worker["pearl"], talos_*["pearl"]');
  });

  it('ignores data sources, no-ops and moves', () => {
    const plan = makePlan({
      changes: [
        { address: 'data.aws_ami.ubuntu', actions: ['read'] },
        { address: 'data.aws_caller_identity.me', actions: ['no-op'] },
        { address: 'module.net.data.aws_vpc.main', actions: ['delete'] },
        { address: 'aws_instance.web[0]', actions: ['no-op'] },
        { address: 'aws_instance.api["a"]', actions: ['create'] },
      ],
      prior: ['aws_instance.web[0]'],
    });
    expect(run(plan, ['aws_instance.api["a"]'])).toEqual([]);
    expect(run(fixturePlan('moved-rename'), ['nothing.here'])).toEqual([]);
  });

  it('counts create, update, forget and import as other changes, and a lone delete as destructive', () => {
    const plan = withImports(
      {
        changes: [
          { address: 'aws_instance.web["a"]', actions: ['create'] },
          { address: 'aws_instance.web["b"]', actions: ['update'] },
          { address: 'aws_instance.old', actions: ['forget'] },
          { address: 'aws_instance.adopted', actions: ['no-op'] },
          { address: 'aws_s3_bucket.logs', actions: ['delete'] },
        ],
        prior: ['aws_instance.web["b"]', 'aws_instance.old', 'aws_s3_bucket.logs'],
      },
      ['aws_instance.adopted'],
    );
    const [block, warn] = run(plan, ['aws_instance.new']);
    expect(block?.severity).toBe('block');
    expect(block?.addresses).toEqual(['aws_s3_bucket.logs']);
    expect(block?.message).toMatch(/^1 destructive change \(1 delete\) falls outside --expect aws_instance\.new: aws_s3_bucket\.logs\./);
    expect(warn?.severity).toBe('warn');
    expect(warn?.addresses).toEqual(['aws_instance.web["a"]', 'aws_instance.web["b"]', 'aws_instance.old', 'aws_instance.adopted']);
    expect(warn?.message).toContain('4 other changes (1 create, 1 update, 1 forget, 1 import)');
  });

  it('counts a forget on the real removed-forget plan, not as destruction', () => {
    const found = run(fixturePlan('removed-forget'), ['terraform_data.worker']);
    expect(found.map((f) => f.severity)).toEqual(['warn']);
    expect(found[0]?.addresses).toEqual(cpReset);
    expect(found[0]?.message).toContain('(3 forget)');
  });

  it('blocks on a taint outside the scope (the real tainted plan)', () => {
    const found = run(fixturePlan('tainted'), ['terraform_data.control_plane']);
    expect(found.map((f) => [f.severity, f.addresses])).toEqual([['block', ['terraform_data.worker["frost"]']]]);
    expect(run(fixturePlan('tainted'), ['terraform_data.worker["frost"]'])).toEqual([]);
  });

  it('matches brackets and quotes literally, and a resource address covers all its instances', () => {
    const plan = makePlan({
      changes: [
        { address: 'aws_instance.web["a"]', actions: ['delete', 'create'] },
        { address: 'aws_instance.web["b"]', actions: ['delete', 'create'] },
        { address: 'aws_instance.db[0]', actions: ['delete'] },
        { address: 'aws_instance.db[1]', actions: ['delete'] },
      ],
      prior: ['aws_instance.web["a"]', 'aws_instance.web["b"]', 'aws_instance.db[0]', 'aws_instance.db[1]'],
    });
    // `["a"]` is not a character class: it names exactly one instance.
    expect(run(plan, ['aws_instance.web["a"]', 'aws_instance.db'])[0]?.addresses).toEqual(['aws_instance.web["b"]']);
    expect(run(plan, ['aws_instance.web', 'aws_instance.db[0]'])[0]?.addresses).toEqual(['aws_instance.db[1]']);
    expect(run(plan, ['aws_instance.web[a]', 'aws_instance.db'])[0]?.addresses).toEqual(['aws_instance.web["a"]', 'aws_instance.web["b"]']);
    expect(run(plan, ['aws_instance.*'])).toEqual([]);
  });

  it('scopes by type with a wildcard glob', () => {
    const plan = makePlan({
      changes: [
        { address: 'talos_machine_configuration_apply.worker[0]', actions: ['create'] },
        { address: 'talos_machine_secrets.worker[0]', actions: ['create'] },
        { address: 'terraform_data.cp[0]', actions: ['update'] },
      ],
      prior: ['terraform_data.cp[0]'],
    });
    const found = run(plan, ['talos_*']);
    expect(found.map((f) => f.addresses)).toEqual([['terraform_data.cp[0]']]);
  });

  // `"` is a literal character of the glob, so a wildcard and a quoted key mix.
  it('scopes by key across types with a glob like talos_*["pearl"]', () => {
    const plan = makePlan({
      changes: [
        { address: 'talos_machine_configuration_apply.worker["pearl"]', actions: ['create'] },
        { address: 'talos_machine_secrets.worker["pearl"]', actions: ['create'] },
        { address: 'talos_machine_configuration_apply.cp["storm"]', actions: ['update'] },
        { address: 'module.other.talos_machine_secrets.worker["pearl"]', actions: ['create'] },
      ],
      prior: ['talos_machine_configuration_apply.cp["storm"]'],
    });
    const found = run(plan, ['talos_*["pearl"]']);
    expect(found).toHaveLength(1);
    expect(found[0]?.addresses).toEqual(['talos_machine_configuration_apply.cp["storm"]', 'module.other.talos_machine_secrets.worker["pearl"]']);
  });

  it('can be turned down to warn or off in .tfguard.json', () => {
    const scope = ['terraform_data.worker["gale"]'];
    expect(run(fixturePlan('incident'), scope, { rules: { 'unexpected-change': 'warn' } }).map((f) => f.severity)).toEqual(['warn', 'warn']);
    expect(run(fixturePlan('incident'), scope, { rules: { 'unexpected-change': 'off' } })).toEqual([]);
  });
});
