/**
 * Terraform 1.14 action invocations. Terraform 1.11 (here) cannot plan actions, so the test plans are real 1.11
 * plans edited minimally: an `action_invocations` list added in the exact shape Terraform v1.14.0 writes —
 * hashicorp/terraform v1.14.0 internal/command/jsonplan/action_invocations.go (`ActionInvocation`: address,
 * type, name, config_values/config_sensitive/config_unknown, provider_name, and `lifecycle_action_trigger` with
 * triggering_resource_address, action_trigger_event (configs.ActionTriggerEvent: BeforeCreate, AfterCreate, ...),
 * action_trigger_block_index, actions_list_index; or an empty `invoke_action_trigger`). Later versions add
 * `on_failure` and `calling_resource_address` (same file on main). Plus the real 1.14 plan of the corpus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { runRules } from '../../src/engine/run.js';
import { planFromJson } from '../../src/plan/load.js';
import type { Plan } from '../../src/plan/model.js';
import { buildReport } from '../../src/report/report.js';
import { FORMATS } from '../../src/report/index.js';
import { reportSet } from '../../src/report/set.js';
import { redactRendered } from '../../src/redact/redact.js';
import { CORPUS, hasCorpus, NO_CORPUS } from '../helpers/env.js';
import { check, findingsOf, FIXTURES } from '../helpers/plan.js';

const GALE = 'terraform_data.worker["gale"]';
const TOKEN = 'tok-4f9a-never-print-me';

/** The lifecycle trigger of v1.14.0: an action_trigger on the worker that add-worker creates. */
function afterCreate(address = GALE) {
  return { triggering_resource_address: address, action_trigger_event: 'AfterCreate', action_trigger_block_index: 0, actions_list_index: 0 };
}

function invocation(type: string, name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    address: `action.${type}.${name}`,
    type,
    name,
    config_values: config,
    config_sensitive: {},
    config_unknown: {},
    provider_name: 'registry.terraform.io/hashicorp/aws',
    lifecycle_action_trigger: afterCreate(),
    ...extra,
  };
}

/** The real add-worker plan (terraform 1.11: one worker created) with these action invocations added. */
function withActions(actions: unknown[]): Plan {
  const json = JSON.parse(readFileSync(join(FIXTURES, 'add-worker', 'plan.json'), 'utf8'));
  json.action_invocations = actions;
  return planFromJson('add-worker (with actions)', json);
}

const findings = (plan: Plan) => findingsOf(check(plan), 'action-invocation');

describe('action-invocation', () => {
  it('lists an action a lifecycle action_trigger runs: a warning with its type, trigger and config, at the triggering resource', () => {
    const plan = withActions([
      invocation('aws_lambda_invoke', 'announce', { function_name: 'cluster-announcer', payload: '{"node":"gale"}', qualifier: null }),
    ]);
    const [f, ...more] = findings(plan);
    expect(more).toEqual([]);
    expect(f?.severity).toBe('warn');
    expect(f?.addresses).toEqual([GALE]);
    expect(f?.message).toContain(
      'runs the provider action action.aws_lambda_invoke.announce (type aws_lambda_invoke, provider registry.terraform.io/hashicorp/aws)',
    );
    expect(f?.message).toContain(`triggered by ${GALE} after it is created (lifecycle action_trigger)`);
    expect(f?.message).toContain('with config {"function_name":"cluster-announcer","payload":"{\\"node\\":\\"gale\\"}","qualifier":null}');
    expect(f?.message).not.toContain('DESTRUCTIVE');
    // The engine explains the triggering change like any other address.
    expect(f?.details.map((d) => d.action)).toEqual(['create']);
  });

  it.each([
    ['aws_ec2_stop_instance', 'drain_gale', { instance_id: 'i-0a1b2c3d', force: true }, 'its name aws_ec2_stop_instance says so'],
    ['talos_machine_reboot', 'gale', { node: '192.168.111.203' }, 'reboot/shutdown: takes a machine down'],
    [
      'local_command',
      'retire',
      { command: 'talosctl', arguments: ['reset', '--nodes', '192.168.111.203', '--graceful=false'] },
      'talosctl reset: wipes a Talos node',
    ],
    ['local_command', 'cleanup', { command: 'bash', arguments: ['-c', 'kubectl delete node gale'] }, 'kubectl delete: deletes Kubernetes objects'],
  ])('blocks %s.%s: destructive by name or config', (type, name, config, why) => {
    const [f] = findings(withActions([invocation(type, name, config)]));
    expect(f?.severity).toBe('block');
    expect(f?.message).toContain('DESTRUCTIVE: ');
    expect(f?.message).toContain(why);
  });

  it('masks sensitive and unknown config values, never prints a secret, and still matches a destructive sensitive command', () => {
    const action = invocation(
      'local_command',
      'notify',
      { command: 'curl', arguments: [TOKEN], webhook: null },
      {
        config_sensitive: { arguments: [true] },
        config_unknown: { webhook: true },
      },
    );
    const wipe = invocation('local_command', 'scrub', { command: `wipefs -a /dev/sdb # ${TOKEN}` }, { config_sensitive: { command: true } });
    const plan = withActions([action, wipe]);
    expect(plan.secrets.has(TOKEN)).toBe(true);
    const [a, b] = findings(plan).sort((x, y) => x.message.localeCompare(y.message));
    expect(a?.message).toContain('with config {"command":"curl","arguments":["(sensitive)"],"webhook":"(known after apply)"}');
    expect(a?.severity).toBe('warn');
    expect(b?.severity).toBe('block');
    expect(b?.message).toContain('with config {"command":"(sensitive)"}');
    expect(b?.message).toContain('wipefs: erases filesystem signatures from a disk (in a sensitive value, not shown)');
    const result = check(plan);
    expect(JSON.stringify(result.findings), 'the findings themselves, before any redaction').not.toContain(TOKEN);
    const report = buildReport({ source: 'plan.json', plan, result });
    for (const [format, render] of Object.entries(FORMATS)) {
      const text = redactRendered(reportSet([report]), plan.secrets, (s) => render(s, { color: false }));
      expect(text, format).not.toContain(TOKEN);
      if (format === 'text' || format === 'json') expect(text, format).toContain('action.local_command.scrub');
    }
  });

  it('an action invoked by request (-invoke) has no triggering resource: (plan), or the calling resource of later versions', () => {
    const invoked = invocation(
      'aws_lambda_invoke',
      'backfill',
      { function_name: 'backfill' },
      { lifecycle_action_trigger: undefined, invoke_action_trigger: {} },
    );
    const calling = invocation(
      'aws_lambda_invoke',
      'warm',
      { function_name: 'warm' },
      {
        lifecycle_action_trigger: undefined,
        invoke_action_trigger: { calling_resource_address: GALE },
      },
    );
    const [f, g] = findings(withActions([invoked, calling]));
    expect(f?.addresses).toEqual(['(plan)']);
    expect(f?.message).toContain('invoked by request (terraform apply -invoke)');
    expect(g?.addresses).toEqual([GALE]);
    expect(g?.message).toContain(`invoked by request (terraform apply -invoke, for ${GALE})`);
  });

  it('reads the later shape (on_failure) and entries missing fields or carrying unknown ones, without failing the plan', () => {
    const later = invocation(
      'aws_lambda_invoke',
      'audit',
      { function_name: 'audit' },
      {
        lifecycle_action_trigger: { ...afterCreate(), on_failure: 'ActionOnFailureContinue', some_future_field: 1 },
        future_field: { x: 1 },
      },
    );
    const bare = { type: 'aws_sns_publish', name: 'page' };
    const [f, g] = findings(withActions([later, bare]));
    expect(f?.message).toContain('(lifecycle action_trigger, on_failure ActionOnFailureContinue)');
    expect(g?.message).toContain('runs the provider action action.aws_sns_publish.page (type aws_sns_publish), with config null');
    expect(g?.addresses).toEqual(['(plan)']);
  });

  it('options.names: the destructive names can be changed', () => {
    const plan = withActions([invocation('aws_lambda_invoke', 'announce', { function_name: 'cluster-announcer' })]);
    const result = runRules({ plan, config: defaultConfig(RULES), rules: RULES, today: '2026-11-21' });
    expect(findingsOf(result, 'action-invocation')[0]?.severity).toBe('warn');
    const custom = check(plan, { rules: { 'action-invocation': { names: ['*invoke*'] } } });
    expect(findingsOf(custom, 'action-invocation')[0]?.severity).toBe('block');
  });

  it('stays quiet on every plan without action_invocations', () => {
    expect(findings(withActions([]))).toEqual([]);
    expect(
      findingsOf(check(planFromJson('add-worker', JSON.parse(readFileSync(join(FIXTURES, 'add-worker', 'plan.json'), 'utf8')))), 'action-invocation'),
    ).toEqual([]);
  });
});

describe.skipIf(!hasCorpus)(hasCorpus ? 'action-invocation on the real 1.14 plan of the corpus' : `corpus [skipped: ${NO_CORPUS}]`, () => {
  it('terraform-json/action-invocations-no-resource-changes.json: one warning for action.bufo_print.success', () => {
    const name = 'terraform-json/action-invocations-no-resource-changes.json';
    const plan = planFromJson(name, JSON.parse(readFileSync(join(CORPUS, name), 'utf8')));
    const [f, ...more] = findings(plan);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ severity: 'warn', addresses: ['(plan)'] });
    expect(f?.message).toContain('action.bufo_print.success (type bufo_print, provider registry.terraform.io/austinvalle/bufo) — invoked by request');
    expect(f?.message).toContain('with config {"color":null,"name":"bufo-the-builder","ratio":null}');
  });
});
