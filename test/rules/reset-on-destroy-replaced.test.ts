import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';

describe('reset-on-destroy-replaced', () => {
  it('fires on the incident: every control plane reset helper replaced', () => {
    const [f] = findingsOf(check(fixturePlan('incident')), 'reset-on-destroy-replaced');
    expect(f?.addresses.sort()).toEqual(['fresh', 'powder', 'storm'].map((k) => `terraform_data.cp_reset_on_destroy["${k}"]`));
    expect(f?.details.every((d) => d.reason === 'replace_because_cannot_update')).toBe(true);
  });

  it('fires on the null_resource shape and inside modules', () => {
    expect(findingsOf(check(fixturePlan('incident-null-resource')), 'reset-on-destroy-replaced')[0]?.addresses).toHaveLength(3);
    expect(findingsOf(check(fixturePlan('module-per-node')), 'reset-on-destroy-replaced')[0]?.addresses).toHaveLength(3);
  });

  it('matches *reset*, *_on_destroy* and *wipe* on null_resource and terraform_data only', () => {
    const plan = makePlan({
      changes: [
        { address: 'null_resource.disk_wipe', actions: ['delete'] },
        { address: 'terraform_data.cleanup_on_destroy', actions: ['delete', 'create'] },
        { address: 'aws_instance.reset_me', actions: ['delete'] },
        { address: 'null_resource.reset_later', actions: ['create'] },
        { address: 'null_resource.reset_now', actions: ['update'] },
      ],
    });
    expect(findingsOf(check(plan), 'reset-on-destroy-replaced')[0]?.addresses).toEqual(['null_resource.disk_wipe', 'terraform_data.cleanup_on_destroy']);
  });

  it('takes type and name globs from the config', () => {
    const plan = makePlan({ changes: [{ address: 'null_resource.drain_node', actions: ['delete'] }] });
    expect(findingsOf(check(plan), 'reset-on-destroy-replaced')).toEqual([]);
    expect(findingsOf(check(plan, { rules: { 'reset-on-destroy-replaced': { names: ['*drain*'] } } }), 'reset-on-destroy-replaced')).toHaveLength(1);
  });

  it('stays quiet on a forget (removed block with destroy = false)', () => {
    expect(findingsOf(check(fixturePlan('removed-forget')), 'reset-on-destroy-replaced')).toEqual([]);
  });
});
