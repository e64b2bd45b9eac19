import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';
import { CHANGES_ONLY, jqPick, trimmedFixture } from '../helpers/trim.js';

describe('plan-incomplete', () => {
  it.each([
    [{ errored: true }, 'errored'],
    [{ complete: false }, 'incomplete'],
    [{ applyable: false }, 'not applyable'],
  ])('fires on %o', (top, words) => {
    const [f] = findingsOf(check(makePlan({ top, changes: [{ address: 'aws_instance.x', actions: ['update'] }] })), 'plan-incomplete');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain(words);
    expect(f?.addresses.length).toBeGreaterThan(0);
  });

  it('does not fire on a plan without changes, which Terraform always marks applyable: false', () => {
    expect(findingsOf(check(makePlan({ top: { applyable: false } })), 'plan-incomplete')).toEqual([]);
    expect(findingsOf(check(makePlan({ top: { applyable: false }, changes: [{ address: 'aws_instance.x', actions: ['no-op'] }] })), 'plan-incomplete')).toEqual([]);
  });

  it('names deferred changes when there are some', () => {
    const top = { complete: false, deferred_changes: [{ reason: 'provider_config_unknown', resource_change: { address: 'aws_instance.x' } }] };
    expect(findingsOf(check(makePlan({ top })), 'plan-incomplete')[0]?.addresses).toEqual(['aws_instance.x']);
  });

  it('stays quiet on a complete plan, and on old plans without the flags', () => {
    expect(findingsOf(check(makePlan({ top: { errored: false, complete: true, applyable: true } })), 'plan-incomplete')).toEqual([]);
    expect(findingsOf(check(makePlan({})), 'plan-incomplete')).toEqual([]);
  });

  it('fires on the real -target plan (complete: false)', () => {
    expect(findingsOf(check(fixturePlan('targeted')), 'plan-incomplete')).toHaveLength(1);
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
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('complete: false');
    expect(findingsOf(check(trimmedFixture('incident', (p) => jqPick(p, [...CHANGES_ONLY, 'errored', 'complete']))), 'plan-incomplete')).toEqual([]);
  });

  it('a trimmed plan with no changes has nothing to apply: no finding', () => {
    const plan = trimmedFixture('add-worker', (p) => ({ ...jqPick(p, CHANGES_ONLY), resource_changes: (p.resource_changes as { change: { actions: string[] } }[]).filter((c) => c.change.actions[0] === 'no-op') }));
    expect(findingsOf(check(plan), 'plan-incomplete')).toEqual([]);
  });
});
