import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, findingsOf, FIXTURES, fixturePlan, makePlan } from '../helpers/plan.js';

const hooks = (changes: Parameters<typeof makePlan>[0]['changes']) => findingsOf(check(makePlan({ changes })), 'provider-destroy-hook');

/** google_project as google provider 4.x/5.x writes it (a real state's values): skip_delete, no deletion_policy. */
const PROJECT_V5 = {
  auto_create_network: null,
  billing_account: '01EA0A-CF27AA-7838F7',
  folder_id: '',
  id: 'projects/alw-gke-103',
  labels: {},
  name: 'alw-gke-103',
  number: '480256107416',
  org_id: '920109858128',
  project_id: 'alw-gke-103',
  skip_delete: null,
};
/** google_project as google provider 6.x writes it: deletion_policy (default PREVENT), no skip_delete. */
const projectV6 = (deletion_policy: string) => ({
  auto_create_network: true,
  billing_account: null,
  deletion_policy,
  effective_labels: {},
  folder_id: '615899412414',
  id: 'projects/sol22-dev-env',
  labels: null,
  name: 'sol22-dev-env',
  number: '6570889872',
  org_id: '',
  project_id: 'sol22-dev-env',
  tags: null,
  terraform_labels: {},
  timeouts: null,
});

describe('provider-destroy-hook', () => {
  it('fires when a talos_machine_configuration_apply with on_destroy.reset = true is destroyed, and says so', () => {
    // The prior values of the derived real plan (talos provider schema shape).
    const plan = JSON.parse(readFileSync(join(FIXTURES, 'incident-null-resource', 'plan.json'), 'utf8'));
    const before = plan.resource_changes.find((c: { type: string }) => c.type === 'talos_machine_configuration_apply').change.before;
    const [f, ...rest] = hooks([{ address: 'talos_machine_configuration_apply.this["powder"]', actions: ['delete', 'create'], before }]);
    expect(rest).toEqual([]);
    expect(f?.message).toContain('resets the node');
    expect(f?.message).toMatch(/\(on_destroy\.reset = true\)\.$/);
    expect(f?.severity).toBe('block');
  });

  it('stays quiet without reset, or when the resource is only updated', () => {
    expect(hooks([{ address: 'talos_machine_configuration_apply.this', actions: ['delete'], before: { on_destroy: { reset: false } } }])).toEqual([]);
    expect(findingsOf(check(fixturePlan('incident-null-resource')), 'provider-destroy-hook')).toEqual([]);
  });

  it('knows force_destroy buckets and final-snapshot skips, and names the attribute and value the plan shows', () => {
    const found = hooks([
      { address: 'aws_s3_bucket.b', actions: ['delete'], before: { force_destroy: true } },
      { address: 'aws_db_instance.d', actions: ['delete'], before: { skip_final_snapshot: true } },
      { address: 'aws_s3_bucket.safe', actions: ['delete'], before: { force_destroy: false } },
    ]);
    expect(found.flatMap((f) => f.addresses).sort()).toEqual(['aws_db_instance.d', 'aws_s3_bucket.b']);
    expect(found.map((f) => f.message)).toContain(
      'Destroying aws_s3_bucket.b: the AWS provider deletes every object in the bucket before deleting it (force_destroy = true).',
    );
  });

  it('google_project of provider 4/5 (skip_delete, no deletion_policy): says what the plan shows, not "deletion_policy is set"', () => {
    const [f] = hooks([{ address: 'google_project.p', actions: ['delete'], before: PROJECT_V5 }]);
    expect(f?.message).toBe(
      'Destroying google_project.p: the Google provider deletes the whole project and everything in it ' +
        '(skip_delete is not set, and there is no deletion_policy (google provider before 6.0)).',
    );
    expect(f?.message).not.toContain('deletion_policy is set');
    const [g] = hooks([{ address: 'google_project.q', actions: ['delete'], before: { ...PROJECT_V5, skip_delete: false } }]);
    expect(g?.message).toContain('(skip_delete = false, and there is no deletion_policy (google provider before 6.0))');
    expect(hooks([{ address: 'google_project.kept', actions: ['delete'], before: { ...PROJECT_V5, skip_delete: true } }])).toEqual([]);
  });

  it('google_project of provider 6: fires only for deletion_policy = "DELETE" (PREVENT fails the apply, ABANDON only forgets)', () => {
    const found = hooks([
      { address: 'google_project.del', actions: ['delete'], before: projectV6('DELETE') },
      { address: 'google_project.prevent', actions: ['delete'], before: projectV6('PREVENT') },
      { address: 'google_project.abandon', actions: ['delete'], before: projectV6('ABANDON') },
    ]);
    expect(found.map((f) => f.message)).toEqual([
      'Destroying google_project.del: the Google provider deletes the whole project and everything in it (deletion_policy = "DELETE").',
    ]);
  });

  it('google_project whose prior values show neither attribute (a cut-down plan) still fires, and says so', () => {
    const [f] = hooks([{ address: 'google_project.p', actions: ['delete'], before: { project_id: 'p' } }]);
    expect(f?.message).toContain('(the plan shows neither deletion_policy nor skip_delete)');
  });

  it('leaves Kubernetes namespaces to foundation-destroy: one finding, not two', () => {
    const plan = makePlan({ changes: [{ address: 'kubernetes_namespace_v1.apps', actions: ['delete'], before: { metadata: [{ name: 'apps' }] } }] });
    expect(findingsOf(check(plan), 'provider-destroy-hook')).toEqual([]);
    expect(findingsOf(check(plan), 'foundation-destroy').map((f) => f.addresses)).toEqual([['kubernetes_namespace_v1.apps']]);
  });
});
