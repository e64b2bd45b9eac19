/**
 * End to end over the real fixtures: each scenario.json says which rules a gate should fire, with the
 * fixture's .tf sources read the way `tfguard check --dir` reads them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { readSourcesFor } from '../../src/commands/sources.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { runRules } from '../../src/engine/run.js';
import { FIXTURES, fixtureNames, fixturePlan, fixtureScenario } from '../helpers/plan.js';

async function checkFixture(name: string) {
  const plan = fixturePlan(name);
  const sources = await readSourcesFor(plan, join(FIXTURES, name, 'src'));
  return runRules({ plan, config: defaultConfig(RULES), rules: RULES, today: '2026-11-21', sources });
}

describe.each(fixtureNames())('fixture %s', (name) => {
  const scenario = fixtureScenario(name);
  it(`fires exactly ${scenario.expect.rules.join(', ') || 'nothing'} and decides ${scenario.expect.decision}`, async () => {
    const result = await checkFixture(name);
    const fired = [...new Set(result.findings.map((f) => f.rule))].sort();
    expect(fired).toEqual([...scenario.expect.rules].sort());
    expect(result.decision).toBe(scenario.expect.decision);
  });
});
