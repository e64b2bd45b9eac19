/**
 * Counting instances once: the groups blast-radius and mass-destroy judge are lists of distinct addresses, made
 * without a set when the plan has no prior_state and names each address once, with one when an address can come
 * twice (in the prior state and among the changes, or twice among the changes of a hand-made plan).
 */
import { describe, expect, it } from 'vitest';
import { blockInstances, changeIndex, destroyedAddresses, priorInstanceCount } from '../src/engine/instances.js';
import { planFromJson } from '../src/plan/load.js';
import { check, findingsOf, makePlan, planJson, type PlanSpec } from './helpers/plan.js';

const del = (address: string) => ({ address, actions: ['delete'] });
const nodes = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `terraform_data.node["n${from + i}"]`);

/** The plan of `spec` without prior_state, as `terraform show -json` of a plan cut down by hand. */
function withoutPrior(spec: PlanSpec, extra: Record<string, unknown>[] = []) {
  const json = planJson(spec) as { prior_state?: unknown; resource_changes: Record<string, unknown>[] };
  delete json.prior_state;
  json.resource_changes.push(...extra);
  return planFromJson('inline.json', json);
}

describe('instances counted once', () => {
  it('without prior_state, each change of an address that exists counts once', () => {
    const plan = withoutPrior({ changes: [...nodes(4).map(del), { address: 'terraform_data.node["n9"]', actions: ['update'] }] });
    expect(changeIndex(plan).unique).toBe(true);
    const group = blockInstances(plan).get('terraform_data.node')!;
    expect(group.size).toBe(5);
    expect([...group]).toEqual([...nodes(4), 'terraform_data.node["n9"]']);
    expect(group.has('terraform_data.node["n9"]')).toBe(true);
    expect(group.has('terraform_data.node["n8"]')).toBe(false);
    expect(priorInstanceCount(plan)).toBe(5);
  });

  it('an address a hand-made plan names twice counts once: in the group, the destroyed list and the findings', () => {
    const twice = planJson({ changes: [del('terraform_data.node["n0"]')] }) as { resource_changes: Record<string, unknown>[] };
    const plan = withoutPrior({ changes: nodes(3).map(del) }, [twice.resource_changes[0]!]);
    expect(plan.changes).toHaveLength(4);
    expect(changeIndex(plan).unique).toBe(false);
    expect(blockInstances(plan).get('terraform_data.node')!.size).toBe(3);
    expect(destroyedAddresses(plan)).toEqual(nodes(3));
    const [f] = findingsOf(check(plan), 'blast-radius');
    expect(f?.addresses).toEqual(nodes(3));
    expect(f?.message).toContain('destroys or replaces 3 of at least 3 instances of terraform_data.node');
  });

  it('with prior_state, a destroyed instance is in both and counts once; survivors are found', () => {
    const prior = nodes(5);
    const plan = makePlan({ changes: nodes(3).map(del), prior });
    const group = blockInstances(plan).get('terraform_data.node')!;
    expect(group.size).toBe(5);
    expect([...group]).toEqual(prior);
    const [f] = findingsOf(check(plan), 'blast-radius');
    expect(f?.message).toContain('destroys or replaces 3 of 5 instances of terraform_data.node at once: only 2 survive');
  });

  it('an instance only the changes know of (not in prior_state) joins its group', () => {
    const plan = makePlan({ changes: [...nodes(2).map(del), del('terraform_data.node["extra"]')], prior: nodes(2) });
    expect(blockInstances(plan).get('terraform_data.node')!.size).toBe(3);
    expect(priorInstanceCount(plan)).toBe(3);
  });

  it('groups of several blocks, their changes interleaved, each hold their own', () => {
    const other = (i: number) => `terraform_data.web["w${i}"]`;
    const changes = [0, 1, 2].flatMap((i) => [del(nodes(1, i)[0]!), del(other(i))]);
    const plan = withoutPrior({ changes });
    expect([...blockInstances(plan).get('terraform_data.node')!]).toEqual(nodes(3));
    expect([...blockInstances(plan).get('terraform_data.web')!]).toEqual([0, 1, 2].map(other));
  });
});

describe('details of long lists', () => {
  it('findings that name the same 1,100 instances share one list of details, each instance explained', () => {
    const addresses = nodes(1100);
    const result = check(withoutPrior({ changes: addresses.map(del) }));
    const [blast] = findingsOf(result, 'blast-radius');
    const [mass] = findingsOf(result, 'mass-destroy');
    expect(blast?.addresses).toEqual(addresses);
    expect(mass?.addresses).toEqual(addresses);
    expect(mass?.details).toBe(blast?.details);
    expect(blast?.details.map((d) => [d.address, d.action])).toEqual(addresses.map((a) => [a, 'delete']));
  });

  it('a list that differs in one place gets its own details', () => {
    const addresses = nodes(1100);
    const plan = withoutPrior({ changes: [...addresses.map(del), del('aws_db_instance.main')] });
    const result = check(plan, { rules: { 'blast-radius': { nodes: ['*node*'] } } });
    const [blast] = findingsOf(result, 'blast-radius');
    const [mass] = findingsOf(result, 'mass-destroy');
    expect(mass?.addresses).toHaveLength(1101);
    expect(mass?.details).not.toBe(blast?.details);
    expect(mass?.details.map((d) => d.address)).toEqual(mass?.addresses);
    expect(blast?.details.map((d) => d.address)).toEqual(addresses);
  });
});
