/**
 * Findings are sorted by rule id with a plain comparison (src/engine/run.ts compareRuleIds), which gives
 * localeCompare's order only for ids of lowercase letters, digits and '-': every rule's id is held to that here,
 * and the two orders are compared on every pair of ids, and on look-alikes that would tell them apart.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { compareRuleIds } from '../src/engine/run.js';

describe('rule ids sort as localeCompare sorts them', () => {
  it('every id is lowercase letters, digits and dashes', () => {
    for (const rule of RULES) expect(rule.meta.id).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('the plain order is localeCompare order on every pair of ids and on look-alikes', () => {
    const ids = [...RULES.map((r) => r.meta.id), 'mass', 'mass-destroy-2', 'mass-destroy2', 'mass0', 'massa', 'a-b', 'a0', 'ab', 'a'];
    for (const a of ids) for (const b of ids) expect(Math.sign(compareRuleIds(a, b)), `${a} vs ${b}`).toBe(Math.sign(a.localeCompare(b)));
  });
});
