import { describe, expect, it } from 'vitest';
import { check, findingsOf, fixturePlan, makePlan } from '../helpers/plan.js';

describe('protected-resource', () => {
  const plan = makePlan({
    changes: [
      { address: 'module.database.aws_db_instance.main', actions: ['delete', 'create'] },
      { address: 'aws_s3_bucket.backups[0]', actions: ['delete'], action_reason: 'delete_because_no_resource_config' },
      { address: 'aws_s3_bucket.logs', actions: ['delete'] },
      { address: 'module.database.aws_db_parameter_group.p', actions: ['update'] },
    ],
  });

  it('does nothing without protect globs', () => {
    expect(findingsOf(check(plan), 'protected-resource')).toEqual([]);
  });

  it('fires on destroyed instances matching a glob, including removed blocks', () => {
    const found = findingsOf(check(plan, { protect: ['module.database.*', 'aws_s3_bucket.backups'] }), 'protected-resource');
    expect(found.flatMap((f) => f.addresses).sort()).toEqual(['aws_s3_bucket.backups[0]', 'module.database.aws_db_instance.main']);
    expect(found.find((f) => f.addresses.includes('aws_s3_bucket.backups[0]'))?.message).toContain('removed from the configuration');
  });

  it('matches brackets and quotes literally', () => {
    const fixture = fixturePlan('incident');
    const found = findingsOf(check(fixture, { protect: ['terraform_data.cp_reset_on_destroy["powder"]'] }), 'protected-resource');
    expect(found[0]?.addresses).toEqual(['terraform_data.cp_reset_on_destroy["powder"]']);
  });
});
