import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFromJson } from '../../src/plan/load.js';
import { CORPUS, hasCorpus, NO_CORPUS } from '../helpers/env.js';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';
import { trimmedFixture } from '../helpers/trim.js';

const del = (address: string) => ({ address, actions: ['delete'] });
const many = (n: number) => Array.from({ length: n }, (_, i) => `aws_iam_user.u${i}`);

describe('mass-destroy', () => {
  it('fires at 10 destroyed instances', () => {
    const prior = many(40);
    const [f] = findingsOf(check(makePlan({ changes: prior.slice(0, 10).map(del), prior })), 'mass-destroy');
    expect(f?.addresses).toHaveLength(10);
    expect(f?.message).toBe('The plan destroys or replaces 10 of 40 managed instances (25%): at least 10.');
  });

  it('stays quiet at 9 of 40', () => {
    const prior = many(40);
    expect(findingsOf(check(makePlan({ changes: prior.slice(0, 9).map(del), prior })), 'mass-destroy')).toEqual([]);
  });

  it('fires at half of the state when it holds 4 or more instances and at least 3 are destroyed', () => {
    const six = many(6);
    const [f] = findingsOf(check(makePlan({ changes: six.slice(0, 3).map(del), prior: six })), 'mass-destroy');
    expect(f?.message).toBe('The plan destroys or replaces 3 of 6 managed instances (50%): at least 50% of the 6 instances in the prior state.');
    const three = many(3);
    expect(findingsOf(check(makePlan({ changes: three.slice(0, 2).map(del), prior: three })), 'mass-destroy')).toEqual([]);
  });

  it('two destroyed instances are no mass, whatever share of a small state they are (minDestroyed, default 3)', () => {
    const four = many(4);
    const plan = makePlan({ changes: four.slice(0, 2).map(del), prior: four });
    expect(findingsOf(check(plan), 'mass-destroy')).toEqual([]);
    expect(findingsOf(check(plan, { rules: { 'mass-destroy': { minDestroyed: 2 } } }), 'mass-destroy')).toHaveLength(1);
  });

  it('a real plan destroying two of four instances (a block removed, a replacement) is no mass destroy', () => {
    const plan = fixturePlan('two-of-four-destroyed');
    expect(plan.prior).toHaveLength(4);
    expect(findingsOf(check(plan), 'mass-destroy')).toEqual([]);
    const [f] = findingsOf(check(plan, { rules: { 'mass-destroy': { minDestroyed: 2 } } }), 'mass-destroy');
    expect(f?.addresses).toEqual(['terraform_data.log_shipper', 'terraform_data.pipeline_settings']);
  });

  it('takes max, fraction, minInstances and minDestroyed from the config', () => {
    const prior = many(100);
    const plan = makePlan({ changes: prior.slice(0, 12).map(del), prior });
    expect(findingsOf(check(plan, { rules: { 'mass-destroy': { max: 25 } } }), 'mass-destroy')).toEqual([]);
    const [f] = findingsOf(check(plan, { rules: { 'mass-destroy': { severity: 'warn', max: 12 } } }), 'mass-destroy');
    expect(f?.severity).toBe('warn');
    expect(findingsOf(check(plan, { rules: { 'mass-destroy': { max: 50, fraction: 0.1, minDestroyed: 13 } } }), 'mass-destroy')).toEqual([]);
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

describe('mass-destroy says where its count of instances comes from', () => {
  it('a real plan with prior_state: "in the prior state"', () => {
    const [f] = findingsOf(check(fixturePlan('count-to-zero')), 'mass-destroy');
    expect(f?.message).toBe('The plan destroys or replaces 3 of 6 managed instances (50%): at least 50% of the 6 instances in the prior state.');
  });

  it('the real plan trimmed with jq (no prior_state): a lower bound, from resource_changes, and says so', () => {
    const [f] = findingsOf(check(trimmedFixture('count-to-zero')), 'mass-destroy');
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('3 of at least 6 managed instances (up to 50%)');
    expect(f?.message).toContain('of the 6 instances resource_changes lists');
    expect(f?.message).toContain('Instance count from resource_changes only (the plan has no prior_state).');
    expect(f?.message).not.toContain('in the prior state');
  });

  it('the real plan whose prior_state lists fewer instances than resource_changes shows existing: never "in state"', () => {
    // jq '.prior_state.values.root_module.resources |= map(select(.name != "worker"))'
    const json = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'count-to-zero', 'plan.json'), 'utf8'));
    const root = json.prior_state.values.root_module;
    root.resources = root.resources.filter((r: { name: string }) => r.name !== 'worker');
    const [f] = findingsOf(check(planFromJson('count-to-zero (partial prior_state)', json)), 'mass-destroy');
    expect(f?.message).toBe(
      'The plan destroys or replaces 3 of at least 6 managed instances (up to 50%): at least 50% of the 6 instances the plan shows existing. ' +
        'Instance count: 3 in prior_state, 3 more that resource_changes shows existing.',
    );
  });

  it.skipIf(!hasCorpus)(hasCorpus ? 'a real corpus plan without prior_state, with max: 1: never "in state"' : `corpus plan [skipped: ${NO_CORPUS}]`, () => {
    const name = 'checkov/plan-with-deleted-resources-create-before-destroy.json';
    const plan = planFromJson(name, JSON.parse(readFileSync(join(CORPUS, name), 'utf8')));
    const [f] = findingsOf(check(plan, { rules: { 'mass-destroy': { max: 1 } } }), 'mass-destroy');
    expect(f?.message).toBe(
      'The plan destroys or replaces 1 of at least 1 managed instances (up to 100%): at least 1. Instance count from resource_changes only (the plan has no prior_state).',
    );
  });
});
