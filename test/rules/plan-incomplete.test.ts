import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { runRules } from '../../src/engine/run.js';
import { planFromJson } from '../../src/plan/load.js';
import type { Plan } from '../../src/plan/model.js';
import { check, findingsOf, FIXTURES, fixturePlan, makePlan } from '../helpers/plan.js';
import { CHANGES_ONLY, jqPick, trimmedFixture } from '../helpers/trim.js';

/** The rule's findings as `tfguard apply -target=...` sees them: tfguard passed these targets itself. */
function applyTargeted(plan: Plan, targets: string[]) {
  const result = runRules({ plan, config: resolveConfig({}, RULES), rules: RULES, today: '2026-11-21', targets });
  return findingsOf(result, 'plan-incomplete');
}

const UPDATE = [{ address: 'aws_instance.x', actions: ['update'] }];
const TARGETED_ARGS = ['terraform_data.control_plane["powder"]', 'terraform_data.control_plane["fresh"]'];

/**
 * A real terraform 1.11 plan (add-worker: one create) edited to what a plan with a deferred change looks like:
 * the create moved from `resource_changes` into `deferred_changes` and `complete: false`. Terraform 1.11 only
 * defers behind an experiment; the shape is hashicorp/terraform internal/command/jsonplan/resource.go
 * (`DeferredResourceChange`: `reason`, `resource_change`) and plan.go (`deferred_changes`, reasons such as
 * `provider_config_unknown`).
 */
function deferredFixture(): Plan {
  const json = JSON.parse(readFileSync(join(FIXTURES, 'add-worker', 'plan.json'), 'utf8'));
  const create = json.resource_changes.find((rc: any) => rc.change.actions[0] === 'create');
  json.resource_changes = json.resource_changes.filter((rc: any) => rc !== create);
  json.deferred_changes = [{ reason: 'provider_config_unknown', resource_change: create }];
  json.complete = false;
  return planFromJson('add-worker (deferred)', json);
}

describe('plan-incomplete', () => {
  it.each([
    [{ errored: true }, 'errored'],
    [{ applyable: false }, 'not applyable'],
  ])('blocks on %o', (top, words) => {
    const [f] = findingsOf(check(makePlan({ top, changes: UPDATE })), 'plan-incomplete');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain(words);
    expect(f?.addresses.length).toBeGreaterThan(0);
  });

  it('complete: false without deferred changes is a -target plan: a warning in check, nothing when tfguard passed the targets', () => {
    const plan = makePlan({ top: { complete: false }, changes: UPDATE });
    const [f] = findingsOf(check(plan), 'plan-incomplete');
    expect(f?.severity).toBe('warn');
    expect(f?.message).toContain('Targeted plan: changes outside the targets are not in it');
    expect(f?.addresses).toEqual(['aws_instance.x']);
    expect(applyTargeted(plan, ['aws_instance.x'])).toEqual([]);
  });

  it('errored and applyable: false still block a plan tfguard targeted itself', () => {
    for (const top of [
      { errored: true, complete: false },
      { applyable: false, complete: false },
    ]) {
      const [f] = applyTargeted(makePlan({ top, changes: UPDATE }), ['aws_instance.x']);
      expect(f?.severity, JSON.stringify(top)).toBe('block');
    }
  });

  it('does not fire on a plan without changes, which Terraform always marks applyable: false', () => {
    expect(findingsOf(check(makePlan({ top: { applyable: false } })), 'plan-incomplete')).toEqual([]);
    expect(findingsOf(check(makePlan({ top: { applyable: false }, changes: [{ address: 'aws_instance.x', actions: ['no-op'] }] })), 'plan-incomplete')).toEqual(
      [],
    );
  });

  it('deferred changes block, named, also in a plan tfguard targeted itself', () => {
    const top = { complete: false, deferred_changes: [{ reason: 'provider_config_unknown', resource_change: { address: 'aws_instance.x' } }] };
    for (const f of [findingsOf(check(makePlan({ top })), 'plan-incomplete')[0], applyTargeted(makePlan({ top }), ['aws_instance.y'])[0]]) {
      expect(f?.severity).toBe('block');
      expect(f?.addresses).toEqual(['aws_instance.x']);
      expect(f?.message).toContain('1 deferred change(s): aws_instance.x');
      expect(f?.message).toContain('nobody has reviewed');
    }
  });

  it('deferred action invocations block too, named by action, pointing at their triggering resource', () => {
    // The shape of hashicorp/terraform internal/command/jsonplan/action_invocations.go (DeferredActionInvocation).
    const top = {
      complete: false,
      deferred_action_invocations: [
        {
          reason: 'deferred_prereq',
          action_invocation: {
            address: 'action.aws_lambda_invoke.notify',
            type: 'aws_lambda_invoke',
            name: 'notify',
            config_values: {},
            config_sensitive: {},
            config_unknown: {},
            provider_name: 'registry.terraform.io/hashicorp/aws',
            lifecycle_action_trigger: {
              triggering_resource_address: 'aws_instance.x',
              action_trigger_event: 'AfterCreate',
              action_trigger_block_index: 0,
              actions_list_index: 0,
            },
          },
        },
      ],
    };
    const [f] = applyTargeted(makePlan({ top, changes: UPDATE }), ['aws_instance.x']);
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('1 deferred action invocation(s): action.aws_lambda_invoke.notify');
    expect(f?.addresses).toEqual(['aws_instance.x']);
  });

  it('a real plan edited to hold a deferred change blocks and names it', () => {
    const [f] = findingsOf(check(deferredFixture()), 'plan-incomplete');
    expect(f?.severity).toBe('block');
    expect(f?.addresses).toEqual(['terraform_data.worker["gale"]']);
    expect(f?.message).toContain('deferred change(s): terraform_data.worker["gale"]');
  });

  it('stays quiet on a complete plan, and on old plans without the flags', () => {
    expect(findingsOf(check(makePlan({ top: { errored: false, complete: true, applyable: true } })), 'plan-incomplete')).toEqual([]);
    expect(findingsOf(check(makePlan({})), 'plan-incomplete')).toEqual([]);
  });

  it('the real -target plan (complete: false): a warning in check, nothing in tfguard apply with its targets', () => {
    const plan = fixturePlan('targeted');
    const [f] = findingsOf(check(plan), 'plan-incomplete');
    expect(f?.severity).toBe('warn');
    expect(f?.message).toContain('Targeted plan');
    expect(applyTargeted(plan, TARGETED_ARGS)).toEqual([]);
    const only = fixturePlan('targeted-update');
    expect(findingsOf(check(only), 'plan-incomplete').map((x) => x.severity)).toEqual(['warn']);
    expect(applyTargeted(only, ['terraform_data.worker["frost"]'])).toEqual([]);
  });
});

describe('plan-incomplete on real plans trimmed with jq', () => {
  it('a -target plan trimmed of its flags cannot say it is incomplete: a warning says so', () => {
    const [f] = findingsOf(check(trimmedFixture('targeted')), 'plan-incomplete');
    expect(f?.severity).toBe('warn');
    expect(f?.message).toContain('Cannot tell whether this plan is the whole change: it was trimmed');
    expect(f?.addresses).toEqual(['terraform_data.control_plane["fresh"]', 'terraform_data.control_plane["powder"]']);
  });

  it('a trimmed plan that keeps complete is judged on it', () => {
    const [f] = findingsOf(check(trimmedFixture('targeted', (p) => jqPick(p, [...CHANGES_ONLY, 'complete']))), 'plan-incomplete');
    expect(f?.severity).toBe('warn');
    expect(f?.message).toContain('complete: false');
    expect(findingsOf(check(trimmedFixture('incident', (p) => jqPick(p, [...CHANGES_ONLY, 'errored', 'complete']))), 'plan-incomplete')).toEqual([]);
  });

  it('a trimmed plan with no changes has nothing to apply: no finding', () => {
    const plan = trimmedFixture('add-worker', (p) => ({
      ...jqPick(p, CHANGES_ONLY),
      resource_changes: (p.resource_changes as { change: { actions: string[] } }[]).filter((c) => c.change.actions[0] === 'no-op'),
    }));
    expect(findingsOf(check(plan), 'plan-incomplete')).toEqual([]);
  });
});
