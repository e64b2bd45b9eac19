import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';

describe('provider-destroy-hook', () => {
  it('fires when a talos_machine_configuration_apply with on_destroy.reset = true is destroyed', () => {
    const plan = makePlan({
      changes: [{ address: 'talos_machine_configuration_apply.this["powder"]', actions: ['delete', 'create'], before: { on_destroy: { reset: true, graceful: false } } }],
    });
    const [f] = findingsOf(check(plan), 'provider-destroy-hook');
    expect(f?.message).toContain('resets the node');
    expect(f?.severity).toBe('block');
  });

  it('stays quiet without reset, or when the resource is only updated', () => {
    const noReset = makePlan({
      changes: [{ address: 'talos_machine_configuration_apply.this', actions: ['delete'], before: { on_destroy: { reset: false } } }],
    });
    expect(findingsOf(check(noReset), 'provider-destroy-hook')).toEqual([]);
    expect(findingsOf(check(fixturePlan('incident-null-resource')), 'provider-destroy-hook')).toEqual([]);
  });

  it('knows force_destroy buckets and final-snapshot skips', () => {
    const plan = makePlan({
      changes: [
        { address: 'aws_s3_bucket.b', actions: ['delete'], before: { force_destroy: true } },
        { address: 'aws_db_instance.d', actions: ['delete'], before: { skip_final_snapshot: true } },
        { address: 'aws_s3_bucket.safe', actions: ['delete'], before: { force_destroy: false } },
      ],
    });
    expect(findingsOf(check(plan), 'provider-destroy-hook').flatMap((f) => f.addresses).sort()).toEqual(['aws_db_instance.d', 'aws_s3_bucket.b']);
  });
});
