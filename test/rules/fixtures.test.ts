/**
 * End to end over the real fixtures: each scenario.json says which rules a gate should fire. Rules that need
 * the .tf sources (destroy-provisioner) come with the sources issue and are skipped here.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { check, fixtureNames, fixturePlan, fixtureScenario } from '../helpers/plan.js';

const implemented = new Set(RULES.map((r) => r.meta.id));

describe.each(fixtureNames())('fixture %s', (name) => {
  const scenario = fixtureScenario(name);
  it(`fires exactly ${scenario.expect.rules.join(', ') || 'nothing'} (of the rules built so far)`, () => {
    const result = check(fixturePlan(name));
    const fired = [...new Set(result.findings.map((f) => f.rule))].sort();
    expect(fired).toEqual(scenario.expect.rules.filter((r) => implemented.has(r)).sort());
  });
  it(`decides ${scenario.expect.decision}`, () => {
    expect(check(fixturePlan(name)).decision).toBe(scenario.expect.decision);
  });
});
