import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { resolveConfig } from '../src/config/resolve.js';
import { InputError } from '../src/errors.js';
import { decide } from '../src/engine/run.js';
import { summarize, summaryLine } from '../src/engine/summary.js';
import { check, fixturePlan } from './helpers/plan.js';

const waiver = (over: Record<string, unknown> = {}) => ({
  rule: 'reset-on-destroy-replaced',
  address: 'terraform_data.cp_reset_on_destroy*',
  reason: 'CHG-1234 planned rebuild',
  expires: '2026-12-31',
  ...over,
});

describe('waivers', () => {
  const plan = fixturePlan('incident');

  it('moves a covered finding to waived, where it no longer counts', () => {
    const result = check(plan, { waivers: [waiver()] });
    expect(result.findings.map((f) => f.rule)).not.toContain('reset-on-destroy-replaced');
    expect(result.waived.map((f) => f.rule)).toEqual(['reset-on-destroy-replaced']);
    expect(result.waived[0]?.waiver.reason).toBe('CHG-1234 planned rebuild');
  });

  it('waives through the end of the expiry day, and not after', () => {
    expect(check(plan, { waivers: [waiver()] }, '2026-12-31').waived).toHaveLength(1);
    const late = check(plan, { waivers: [waiver()] }, '2027-01-01');
    expect(late.waived).toEqual([]);
    expect(late.expiredWaivers).toEqual([expect.objectContaining({ rule: 'reset-on-destroy-replaced', matched: 1 })]);
  });

  it('does not waive a finding when the glob misses one of its addresses', () => {
    const result = check(plan, { waivers: [waiver({ address: 'terraform_data.cp_reset_on_destroy["powder"]' })] });
    expect(result.waived).toEqual([]);
  });

  it('does not waive another rule', () => {
    expect(check(plan, { waivers: [waiver({ rule: 'mass-destroy' })] }).waived).toEqual([]);
  });

  it('decides on what is left: everything waived passes', () => {
    const all = check(plan, { waivers: [waiver(), waiver({ rule: 'blast-radius' })] });
    expect(all.decision).toBe('pass');
  });
});

describe('severity settings', () => {
  it('turns a rule off, or sets the severity of all its findings', () => {
    const plan = fixturePlan('incident');
    const result = check(plan, { rules: { 'blast-radius': 'off', 'reset-on-destroy-replaced': { severity: 'warn' } } });
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([['reset-on-destroy-replaced', 'warn']]);
    expect(result.decision).toBe('warn');
  });

  it('decides block > warn > pass', () => {
    expect(decide([])).toBe('pass');
    expect(decide([{ severity: 'warn' }])).toBe('warn');
    expect(decide([{ severity: 'warn' }, { severity: 'block' }])).toBe('block');
  });
});

describe('config schema', () => {
  it.each([
    [{ rulez: {} }, 'Unrecognized key'],
    [{ rules: { 'mass-destroi': 'off' } }, 'rules'],
    [{ rules: { 'mass-destroy': { maxx: 3 } } }, 'rules.mass-destroy'],
    [{ rules: { 'mass-destroy': 'loud' } }, 'rules.mass-destroy'],
    [{ waivers: [{ rule: 'blast-radius', address: 'x', reason: '', expires: '2026-12-31' }] }, 'waivers[0].reason'],
    [{ waivers: [{ rule: 'blast-radius', address: 'x', reason: 'r', expires: 'next week' }] }, 'waivers[0].expires'],
    [{ waivers: [{ rule: 'nope', address: 'x', reason: 'r', expires: '2026-12-31' }] }, 'waivers[0].rule'],
  ])('refuses %j with a path', (raw, text) => {
    expect(() => resolveConfig(raw, RULES)).toThrow(InputError);
    expect(() => resolveConfig(raw, RULES)).toThrow(text);
  });

  it('accepts the example of DESIGN.md', () => {
    const config = resolveConfig(
      {
        rules: { 'mass-destroy': { severity: 'warn', max: 25 }, 'stateful-destroy': 'off' },
        protect: ['module.database.*', 'aws_s3_bucket.backups'],
        waivers: [{ rule: 'blast-radius', address: 'module.workers.*', reason: 'CHG-1234 planned rebuild', expires: '2026-12-31' }],
      },
      RULES,
    );
    expect(config.rules.get('mass-destroy')).toEqual({ severity: 'warn', options: { max: 25, fraction: 0.5, minInstances: 4, minDestroyed: 3 } });
    expect(config.rules.get('stateful-destroy')?.severity).toBe('off');
  });

  it('takes the audit log path, strictly', () => {
    expect(resolveConfig({ audit: { log: 'logs/tfguard.jsonl' } }, RULES).auditLog).toBe('logs/tfguard.jsonl');
    expect(() => resolveConfig({ audit: { file: 'x' } }, RULES)).toThrow('audit');
  });
});

describe('summary', () => {
  it('speaks Terraform: replacements add and destroy', () => {
    const s = summarize(fixturePlan('incident'));
    expect(s).toMatchObject({ create: 1, update: 3, replace: 3, delete: 0 });
    expect(summaryLine(s)).toBe('Plan: 4 to add, 3 to change, 3 to destroy (3 replaced: destroyed and created again).');
  });
});
