import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';

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
