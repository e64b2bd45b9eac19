import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';
import { trimmedFixture } from '../helpers/trim.js';

const del = (address: string) => ({ address, actions: ['delete'] });
const many = (n: number) => Array.from({ length: n }, (_, i) => `aws_iam_user.u${i}`);

describe('mass-destroy', () => {
  it('fires at 10 destroyed instances', () => {
    const prior = many(40);
    const [f] = findingsOf(check(makePlan({ changes: prior.slice(0, 10).map(del), prior })), 'mass-destroy');
    expect(f?.addresses).toHaveLength(10);
    expect(f?.message).toContain('10 of 40');
  });

  it('stays quiet at 9 of 40', () => {
    const prior = many(40);
    expect(findingsOf(check(makePlan({ changes: prior.slice(0, 9).map(del), prior })), 'mass-destroy')).toEqual([]);
  });

  it('fires at half of the state when it holds 4 or more instances', () => {
    const prior = many(4);
    expect(findingsOf(check(makePlan({ changes: prior.slice(0, 2).map(del), prior })), 'mass-destroy')).toHaveLength(1);
    const three = many(3);
    expect(findingsOf(check(makePlan({ changes: three.slice(0, 2).map(del), prior: three })), 'mass-destroy')).toEqual([]);
  });

  it('takes max, fraction and minInstances from the config', () => {
    const prior = many(100);
    const plan = makePlan({ changes: prior.slice(0, 12).map(del), prior });
    expect(findingsOf(check(plan, { rules: { 'mass-destroy': { max: 25 } } }), 'mass-destroy')).toEqual([]);
    const [f] = findingsOf(check(plan, { rules: { 'mass-destroy': { severity: 'warn', max: 12 } } }), 'mass-destroy');
    expect(f?.severity).toBe('warn');
  });

  it('does not count creates, updates or forgets', () => {
    const prior = many(4);
    const plan = makePlan({
      changes: [
        { address: prior[0]!, actions: ['update'] },
        { address: prior[1]!, actions: ['forget'] },
        { address: 'aws_iam_user.new', actions: ['create'] },
      ],
      prior,
    });
    expect(findingsOf(check(plan), 'mass-destroy')).toEqual([]);
  });
});

describe('mass-destroy on a real plan trimmed with jq', () => {
  it('without prior_state the count of instances is a lower bound, from resource_changes, and says so', () => {
    expect(findingsOf(check(fixturePlan('count-to-zero')), 'mass-destroy')[0]?.message).toContain('3 of 6 managed instances (50%)');
    const [f] = findingsOf(check(trimmedFixture('count-to-zero')), 'mass-destroy');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('3 of at least 6 managed instances (up to 50%)');
    expect(f?.message).toContain('of the 6 instances resource_changes lists');
    expect(f?.message).toContain('Instance count from resource_changes only (the plan has no prior_state).');
  });
});
