/**
 * The normalized plan model on real plans, and the two helpers every rule and report leans on: addresses
 * (src/plan/address.ts) and masked values (src/plan/values.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAddress, formatKey, groupAddress, moduleAddress, parseAddress, resourceAddress } from '../src/plan/address.js';
import { addressMatcher } from '../src/engine/glob.js';
import { planFromJson } from '../src/plan/load.js';
import { blockRemoved, isDestructive, mayHaveProvisioners, type Plan, type ResourceChange } from '../src/plan/model.js';
import { collectSecrets, display, displayAt, formatPath, masked, maskedAt, maskedWithin, redactText, SENSITIVE, UNKNOWN, valueAt } from '../src/plan/values.js';
import { CORPUS, FIXTURES_DIR, hasCorpus, NO_CORPUS } from './helpers/env.js';
import { CHANGES_ONLY, jqDel, jqPick, trimmedFixture } from './helpers/trim.js';

function load(path: string): Plan {
  return planFromJson(path, JSON.parse(readFileSync(path, 'utf8')));
}

function fixture(name: string): Plan {
  return load(join(FIXTURES_DIR, name, 'plan.json'));
}

function change(plan: Plan, address: string): ResourceChange {
  const found = plan.changes.find((c) => c.address === address);
  expect(found, `no change at ${address}`).toBeDefined();
  return found!;
}

const corpusIt = it.skipIf(!hasCorpus);
const corpusTitle = (title: string) => (hasCorpus ? title : `${title} [skipped: ${NO_CORPUS}]`);

describe('normalizePlan on real plans', () => {
  it('maps the incident actions: replace (delete first), update, create, no-op', () => {
    const plan = fixture('incident');
    const byAction = (a: string) => plan.changes.filter((c) => c.action === a).map((c) => c.address);
    expect(byAction('replace')).toEqual([
      'terraform_data.cp_reset_on_destroy["fresh"]',
      'terraform_data.cp_reset_on_destroy["powder"]',
      'terraform_data.cp_reset_on_destroy["storm"]',
    ]);
    expect(byAction('update')).toHaveLength(3);
    expect(byAction('create')).toEqual(['terraform_data.worker["gale"]']);
    expect(byAction('no-op')).toHaveLength(2);

    const powder = change(plan, 'terraform_data.cp_reset_on_destroy["powder"]');
    expect(powder.actions).toEqual(['delete', 'create']);
    expect(powder.replaceOrder).toBe('delete-first');
    expect(powder.actionReason).toBe('replace_because_cannot_update');
    expect(powder.replacePaths).toEqual([['triggers_replace']]);
    expect(powder.index).toBe('powder');
    expect(powder.type).toBe('terraform_data');
    expect(powder.name).toBe('cp_reset_on_destroy');
    expect(powder.mode).toBe('managed');
    expect(powder.moduleAddress).toBe('');
    expect(powder.resourceAddress).toBe('terraform_data.cp_reset_on_destroy');
    expect(powder.groupAddress).toBe('terraform_data.cp_reset_on_destroy');
    expect(powder.providerName).toBe('terraform.io/builtin/terraform');
    expect(powder.importing).toBe(false);
    expect(powder.previousAddress).toBeUndefined();
    expect(isDestructive(powder)).toBe(true);

    const update = change(plan, 'terraform_data.machine_config["powder"]');
    expect(update.replaceOrder).toBeUndefined();
    expect(update.replacePaths).toEqual([]);
    expect(isDestructive(update)).toBe(false);
    expect(change(plan, 'terraform_data.worker["gale"]').before).toBeNull();
  });

  corpusIt(corpusTitle('create_before_destroy: ["create","delete"] is a create-first replace'), () => {
    const plan = load(join(CORPUS, 'checkov', 'plan-with-deleted-resources-create-before-destroy.json'));
    const c = change(plan, 'aws_secretsmanager_secret.default');
    expect(c.actions).toEqual(['create', 'delete']);
    expect(c.action).toBe('replace');
    expect(c.replaceOrder).toBe('create-first');
    expect(isDestructive(c)).toBe(true);
    // This plan carries no prior_state.
    expect(plan.priorKnown).toBe(false);
    expect(plan.prior).toEqual([]);
  });

  it.each([
    ['tainted', 'terraform_data.worker["frost"]', 'replace_because_tainted'],
    ['replace-triggered-by', 'terraform_data.kubeconfig', 'replace_by_triggers'],
    ['one-of-five-replaced', 'terraform_data.control_plane["squall"]', 'replace_by_request'],
    ['count-to-zero', 'terraform_data.worker[0]', 'delete_because_count_index'],
    ['removed-from-config', 'terraform_data.metrics_exporter["fresh"]', 'delete_because_no_resource_config'],
  ])('%s: %s has action_reason %s', (name, address, reason) => {
    const plan = fixture(name);
    expect(change(plan, address).actionReason).toBe(reason);
    // Only changes that destroy something carry a reason in these plans.
    for (const c of plan.changes) if (c.actionReason) expect(isDestructive(c), c.address).toBe(true);
  });

  it('destroy-plan: deletes carry no action_reason', () => {
    const plan = fixture('destroy-plan');
    expect(plan.changes.every((c) => c.action === 'delete')).toBe(true);
    expect(plan.changes.every((c) => c.actionReason === undefined)).toBe(true);
    expect(plan.changes.every((c) => c.after === null)).toBe(true);
  });

  it('moved-rename: previous_address is kept, prior_state already uses the new addresses', () => {
    const plan = fixture('moved-rename');
    expect(plan.changes.map((c) => [c.address, c.previousAddress, c.action])).toEqual([
      ['terraform_data.worker["ember"]', 'terraform_data.nodes["ember"]', 'no-op'],
      ['terraform_data.worker["frost"]', 'terraform_data.nodes["frost"]', 'no-op'],
      ['terraform_data.worker["gale"]', 'terraform_data.nodes["gale"]', 'no-op'],
    ]);
    expect(plan.prior.map((p) => p.address).sort()).toEqual(plan.changes.map((c) => c.address).sort());
    expect(plan.changes.some(isDestructive)).toBe(false);
  });

  corpusIt(corpusTitle('importing: an import by identity (no id) is importing'), () => {
    const plan = load(join(CORPUS, 'terraform-json', 'identity-importing-update.json'));
    const c = change(plan, 'corner_user_identity.user');
    expect(c.action).toBe('update');
    expect(c.importing).toBe(true);
    expect(c.importId).toBeUndefined();
  });

  it('importing: an import by id keeps the id; importing null is not an import', () => {
    const base = JSON.parse(readFileSync(join(FIXTURES_DIR, 'add-worker', 'plan.json'), 'utf8'));
    base.resource_changes[0].change.importing = { id: 'i-0abc' };
    base.resource_changes[1].change.importing = null;
    const plan = planFromJson('import.json', base);
    expect(plan.changes[0]!.importing).toBe(true);
    expect(plan.changes[0]!.importId).toBe('i-0abc');
    expect(plan.changes[1]!.importing).toBe(false);
    expect(plan.changes[2]!.importing).toBe(false);
  });

  it('module-per-node: module addresses, and one group across module instances', () => {
    const plan = fixture('module-per-node');
    const reset = plan.changes.filter((c) => c.name === 'reset_on_destroy');
    expect(reset.map((c) => c.address)).toEqual([
      'module.node["fresh"].terraform_data.reset_on_destroy',
      'module.node["powder"].terraform_data.reset_on_destroy',
      'module.node["storm"].terraform_data.reset_on_destroy',
    ]);
    expect(reset.map((c) => c.moduleAddress)).toEqual(['module.node["fresh"]', 'module.node["powder"]', 'module.node["storm"]']);
    expect(reset.map((c) => c.resourceAddress)).toEqual(reset.map((c) => c.address));
    expect(new Set(reset.map((c) => c.groupAddress))).toEqual(new Set(['module.node.terraform_data.reset_on_destroy']));
    expect(reset.every((c) => c.action === 'replace' && c.index === undefined)).toBe(true);
    // The group address of the plan's configuration matches the changes' group address.
    expect(plan.configProvisioners.get('module.node.terraform_data.reset_on_destroy')).toEqual(['local-exec']);
    // Prior instances in child modules are found, with the same group addresses.
    const priorGroups = plan.prior.filter((p) => p.name === 'reset_on_destroy').map((p) => p.groupAddress);
    expect(priorGroups).toEqual([
      'module.node.terraform_data.reset_on_destroy',
      'module.node.terraform_data.reset_on_destroy',
      'module.node.terraform_data.reset_on_destroy',
    ]);
    expect(plan.prior).toHaveLength(8);
  });

  it('targeted: prior_state lists instances the plan leaves out', () => {
    const plan = fixture('targeted');
    expect(plan.priorKnown).toBe(true);
    expect(plan.complete).toBe(false);
    expect(plan.changes.map((c) => c.address)).toEqual(['terraform_data.control_plane["fresh"]', 'terraform_data.control_plane["powder"]']);
    const cp = plan.prior
      .filter((p) => p.groupAddress === 'terraform_data.control_plane')
      .map((p) => p.address)
      .sort();
    expect(cp).toEqual(['terraform_data.control_plane["fresh"]', 'terraform_data.control_plane["powder"]', 'terraform_data.control_plane["storm"]']);
    const storm = plan.prior.find((p) => p.address === 'terraform_data.control_plane["storm"]')!;
    expect(storm.type).toBe('terraform_data');
    expect(storm.name).toBe('control_plane');
    expect(storm.resourceAddress).toBe('terraform_data.control_plane');
    // Prior values are not kept (no rule reads them; their secrets are collected when the plan is read).
    expect(storm).not.toHaveProperty('values');
  });

  it('complete/errored/applyable are carried over when present', () => {
    const plan = fixture('incident');
    expect(plan.complete).toBe(true);
    expect(plan.errored).toBe(false);
    expect(plan.applyable).toBe(true);
    expect(plan.deferred).toEqual([]);
  });

  it('which sections the plan carries: a whole plan has them all; trimmed with jq, the model says what is missing', () => {
    const whole = fixture('incident');
    expect([whole.priorKnown, whole.configKnown, whole.trimmed]).toEqual([true, true, false]);
    const trimmed = trimmedFixture('incident');
    expect([trimmed.priorKnown, trimmed.configKnown, trimmed.trimmed]).toEqual([false, false, true]);
    expect(trimmed.changes.map((c) => [c.address, c.action])).toEqual(whole.changes.map((c) => [c.address, c.action]));
    expect(trimmed.prior).toEqual([]);
    expect(trimmed.configProvisioners.size).toBe(0);
    expect(trimmed.errored).toBeUndefined();
    expect(trimmed.complete).toBeUndefined();
    // jq writes null for a key the plan lacks: read as absent.
    const nulls = trimmedFixture('incident', (p) => jqPick(p, [...CHANGES_ONLY, 'prior_state', 'configuration', 'complete', 'deferred_changes']));
    expect([nulls.priorKnown, nulls.configKnown, nulls.complete]).toEqual([true, true, true]);
    const dropped = trimmedFixture('incident', (p) => jqPick(jqDel(p, ['prior_state', 'configuration']), [...CHANGES_ONLY, 'prior_state', 'configuration']));
    expect([dropped.priorKnown, dropped.configKnown]).toEqual([false, false]);
  });

  it('mayHaveProvisioners: as the configuration says, or every instance when the plan has no configuration', () => {
    const whole = fixture('incident');
    const trimmed = trimmedFixture('incident');
    const worker = (p: Plan) => change(p, 'terraform_data.worker["gale"]');
    const reset = (p: Plan) => change(p, 'terraform_data.cp_reset_on_destroy["storm"]');
    expect([mayHaveProvisioners(whole, reset(whole)), mayHaveProvisioners(whole, worker(whole))]).toEqual([true, false]);
    expect([mayHaveProvisioners(trimmed, reset(trimmed)), mayHaveProvisioners(trimmed, worker(trimmed))]).toEqual([true, true]);
  });

  it('blockRemoved: the plan says the block or its module left the configuration', () => {
    const plan = fixture('removed-from-config');
    expect(plan.changes.filter(blockRemoved).map((c) => c.address)).toEqual([
      'terraform_data.metrics_exporter["fresh"]',
      'terraform_data.metrics_exporter["powder"]',
    ]);
    expect(fixture('count-to-zero').changes.some(blockRemoved)).toBe(false);
  });

  it('removed-forget: forget is its own action and is not destructive', () => {
    const plan = fixture('removed-forget');
    const forgotten = plan.changes.filter((c) => c.action === 'forget');
    expect(forgotten).toHaveLength(3);
    for (const c of forgotten) {
      expect(c.actions).toEqual(['forget']);
      expect(c.actionReason).toBe('delete_because_no_resource_config');
      expect(isDestructive(c)).toBe(false);
    }
    expect(plan.changes.some(isDestructive)).toBe(false);
  });

  it('create,forget counts as forget and is not destructive; data sources are never destructive', () => {
    const json = JSON.parse(readFileSync(join(FIXTURES_DIR, 'removed-forget', 'plan.json'), 'utf8'));
    json.resource_changes[0].change.actions = ['create', 'forget'];
    const plan = planFromJson('cf.json', json);
    expect(plan.changes[0]!.action).toBe('forget');
    expect(isDestructive(plan.changes[0]!)).toBe(false);
    expect(isDestructive({ ...plan.changes[0]!, mode: 'data', action: 'delete' })).toBe(false);
    expect(isDestructive({ ...plan.changes[0]!, action: 'delete' })).toBe(true);
  });

  it('sensitive-values: the secret is collected from the plan for redaction', () => {
    const plan = fixture('sensitive-values');
    const { secret } = JSON.parse(readFileSync(join(FIXTURES_DIR, 'sensitive-values', 'scenario.json'), 'utf8'));
    expect(plan.secrets.has(secret)).toBe(true);
  });

  it('incident-null-resource: the sensitive inputs are collected', () => {
    const plan = fixture('incident-null-resource');
    const { secret } = JSON.parse(readFileSync(join(FIXTURES_DIR, 'incident-null-resource', 'scenario.json'), 'utf8'));
    expect([...plan.secrets].some((s) => s.includes(secret))).toBe(true);
  });
});

describe('address.ts', () => {
  it.each<[string, ReturnType<typeof parseAddress>]>([
    ['aws_instance.web', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web' }],
    ['aws_instance.web[2]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: 2 }],
    ['aws_instance.web["a.b"]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: 'a.b' }],
    ['aws_instance.web["a]b[c"]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: 'a]b[c' }],
    ['aws_instance.web["eu-west/1a"]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: 'eu-west/1a' }],
    ['aws_instance.web["say \\"hi\\""]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: 'say "hi"' }],
    ['aws_instance.web["back\\\\"]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: 'back\\' }],
    ['aws_instance.web[""]', { modules: [], mode: 'managed', type: 'aws_instance', name: 'web', key: '' }],
    ['data.aws_ami.ubuntu', { modules: [], mode: 'data', type: 'aws_ami', name: 'ubuntu' }],
    [
      'module.a["x.y"].module.b[0].data.aws_ami.u[3]',
      {
        modules: [
          { name: 'a', key: 'x.y' },
          { name: 'b', key: 0 },
        ],
        mode: 'data',
        type: 'aws_ami',
        name: 'u',
        key: 3,
      },
    ],
    [
      'module.vpc.module.subnets.aws_subnet.this["10.0.1.0/24"]',
      { modules: [{ name: 'vpc' }, { name: 'subnets' }], mode: 'managed', type: 'aws_subnet', name: 'this', key: '10.0.1.0/24' },
    ],
    ['module.data.aws_instance.x', { modules: [{ name: 'data' }], mode: 'managed', type: 'aws_instance', name: 'x' }],
  ])('parseAddress(%s)', (address, expected) => {
    expect(parseAddress(address)).toEqual(expected);
    // Parsing and formatting round-trip.
    expect(formatAddress(parseAddress(address)!)).toBe(address);
  });

  it.each([
    'foo',
    'module.a',
    'aws_instance',
    'a.b.c',
    'module["x"].a.b',
    'aws_instance.web[foo]',
    'aws_instance.web["x"',
    'aws_instance.web[1][2]',
    'aws_instance.web[-1]',
    'aws_instance[0].web',
    'module.a.b.c.d',
    '',
  ])('parseAddress(%j) is undefined, and the other helpers return it unchanged', (address) => {
    expect(parseAddress(address)).toBeUndefined();
    expect(groupAddress(address)).toBe(address);
    expect(resourceAddress(address)).toBe(address);
    expect(moduleAddress(address)).toBe('');
  });

  it.each([
    ['module.node["a"].talos_x.this["b"]', 'module.node["a"].talos_x.this', 'module.node.talos_x.this', 'module.node["a"]'],
    ['aws_instance.web["k.z"]', 'aws_instance.web', 'aws_instance.web', ''],
    ['aws_instance.web["a.b]c"]', 'aws_instance.web', 'aws_instance.web', ''],
    ['module.a["x.y"].aws_instance.web["k"]', 'module.a["x.y"].aws_instance.web', 'module.a.aws_instance.web', 'module.a["x.y"]'],
    ['module.a["x/y"].module.b[1].data.d.n[0]', 'module.a["x/y"].module.b[1].data.d.n', 'module.a.module.b.data.d.n', 'module.a["x/y"].module.b[1]'],
    ['module.a["q\\"t"].t.n["k\\"q"]', 'module.a["q\\"t"].t.n', 'module.a.t.n', 'module.a["q\\"t"]'],
    ['data.aws_ami.ubuntu', 'data.aws_ami.ubuntu', 'data.aws_ami.ubuntu', ''],
  ])('%s: resource %s, group %s, module %s', (address, resource, group, module) => {
    expect(resourceAddress(address)).toBe(resource);
    expect(groupAddress(address)).toBe(group);
    expect(moduleAddress(address)).toBe(module);
  });

  it('changes that follow one of the same resource get the forms their own parse gives', () => {
    const addresses = [
      'aws_instance.web',
      'aws_instance.web[0]',
      'aws_instance.web[1]',
      'aws_instance.web["a.b c"]',
      'aws_instance.web["x"]["y"]',
      'aws_instance.web["q\\"uote"]',
      'aws_instance.webx[0]',
      'data.aws_ami.x[2]',
      'data.aws_ami.x["k"]',
      'module.a["x"].aws_instance.web[3]',
      'module.a["x"].aws_instance.web["k"]',
      'module.a["y"].aws_instance.web[3]',
      'module.a["x"].module.b[0].null_resource.r["n1"]',
      'module.a["x"].module.b[0].null_resource.r["n2"]',
      'module.a[ "x" ].aws_instance.web[4]',
      'module.a.aws_instance.web[0]',
      'module.a.aws_instance.web[1]',
      'aws_instance.web[1]',
      'aws_instance.web[01]',
      // Not an instance of it (not an address at all): the whole text is each form.
      'aws_instance.web[0].x',
      'aws_instance.web[x]',
      'aws_instance.web["a"].x.y',
    ];
    const resource_changes = addresses.map((address) => ({
      address,
      mode: address.startsWith('data.') || address.includes('.data.') ? 'data' : 'managed',
      type: 't',
      name: 'n',
      change: { actions: ['no-op'], before: null, after: null },
    }));
    const plan = planFromJson('p', { format_version: '1.2', resource_changes });
    for (const c of plan.changes) {
      expect([c.resourceAddress, c.groupAddress], c.address).toEqual([resourceAddress(c.address), groupAddress(c.address)]);
      expect(c.moduleAddress, c.address).toBe(moduleAddress(c.address));
    }
  });

  it('group addresses of instances in different module instances are equal', () => {
    const a = groupAddress('module.node["powder"].module.disk[0].terraform_data.wipe["sdb"]');
    const b = groupAddress('module.node["storm"].module.disk[1].terraform_data.wipe["nvme"]');
    expect(a).toBe('module.node.module.disk.terraform_data.wipe');
    expect(a).toBe(b);
  });

  it('formatKey quotes strings as Terraform does and leaves numbers bare', () => {
    expect(formatKey(3)).toBe('[3]');
    expect(formatKey('a.b')).toBe('["a.b"]');
    expect(formatKey('say "hi"')).toBe('["say \\"hi\\""]');
  });
});

describe('values.ts', () => {
  const after = { id: 'x', input: { node: '10.0.0.1', token: 'tok-123456' }, list: ['a', 'b-secret'] };
  const sensitive = { input: { token: true }, list: [false, true] };

  it('valueAt walks objects and arrays, undefined where the path does not exist', () => {
    expect(valueAt(after, ['input', 'node'])).toBe('10.0.0.1');
    expect(valueAt(after, ['list', 1])).toBe('b-secret');
    expect(valueAt(after, ['missing', 'x'])).toBeUndefined();
    expect(valueAt(null, ['a'])).toBeUndefined();
  });

  it('maskedAt: a mask above the path covers it; maskedWithin: anything below', () => {
    expect(maskedAt(true, ['a', 'b'])).toBe(true);
    expect(maskedAt({ a: true }, ['a', 'b', 0])).toBe(true);
    expect(maskedAt({ a: { b: false } }, ['a', 'b'])).toBe(false);
    expect(maskedAt({ a: { c: true } }, ['a'])).toBe(false);
    expect(maskedWithin({ a: { c: true } }, ['a'])).toBe(true);
    expect(maskedWithin({ a: { c: [false, true] } }, ['a'])).toBe(true);
    expect(maskedWithin({ a: { c: false } }, ['a'])).toBe(false);
    expect(maskedAt(false, [])).toBe(false);
    expect(maskedAt(undefined, ['a'])).toBe(false);
  });

  it('masked replaces sensitive and unknown parts, and adds unknown keys missing from the value', () => {
    expect(masked(after, sensitive)).toEqual({
      id: 'x',
      input: { node: '10.0.0.1', token: SENSITIVE },
      list: ['a', SENSITIVE],
    });
    expect(masked(after, true)).toBe(SENSITIVE);
    expect(masked({ a: 1 }, false, true)).toBe(UNKNOWN);
    expect(masked({ triggers_replace: {} }, {}, { id: true, triggers_replace: { node: true } })).toEqual({
      triggers_replace: { node: UNKNOWN },
      id: UNKNOWN,
    });
    // Sensitive wins over unknown.
    expect(masked('v', true, true)).toBe(SENSITIVE);
  });

  it('masked cuts values nested past a safe depth', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    expect(JSON.stringify(masked(deep, false))).toContain('…');
    expect(JSON.stringify(masked(deep, false))).not.toContain('bottom');
  });

  describe('displayAt', () => {
    it('shows plain values, strings bare and others as JSON', () => {
      expect(displayAt(after, sensitive, ['input', 'node'])).toBe('10.0.0.1');
      expect(displayAt(after, sensitive, ['id'])).toBe('x');
      expect(displayAt({ n: 3 }, {}, ['n'])).toBe('3');
      expect(displayAt({ n: null }, {}, ['n'])).toBe('null');
      expect(displayAt(null, false, ['gone'])).toBe('null');
    });

    it('masks a sensitive value at, above and below the path', () => {
      expect(displayAt(after, sensitive, ['input', 'token'])).toBe(SENSITIVE);
      expect(displayAt(after, { input: true }, ['input', 'token'])).toBe(SENSITIVE);
      expect(displayAt(after, sensitive, ['input'])).toBe(`{"node":"10.0.0.1","token":"${SENSITIVE}"}`);
      expect(displayAt(after, sensitive, ['list'])).toBe(`["a","${SENSITIVE}"]`);
      expect(displayAt(after, true, [])).toBe(SENSITIVE);
    });

    it('shows unknown values, including unknown keys that are missing from after', () => {
      // The incident: after.triggers_replace is {} and after_unknown.triggers_replace.node is true.
      const incidentAfter = { input: { node: '192.168.111.192' }, triggers_replace: {} };
      const unknown = { id: true, input: {}, output: true, triggers_replace: { node: true } };
      expect(displayAt(incidentAfter, {}, ['triggers_replace'], unknown)).toBe(`{"node":"${UNKNOWN}"}`);
      expect(displayAt(incidentAfter, {}, ['triggers_replace', 'node'], unknown)).toBe(UNKNOWN);
      expect(displayAt(incidentAfter, {}, ['id'], unknown)).toBe(UNKNOWN);
      expect(displayAt(incidentAfter, {}, ['output', 'node'], unknown)).toBe(UNKNOWN);
      expect(displayAt(incidentAfter, {}, ['input', 'node'], unknown)).toBe('192.168.111.192');
      // A block missing from after with an unknown attribute below it.
      expect(displayAt({}, {}, ['disk'], { disk: [{ size: true }] })).toBe(UNKNOWN);
      // Missing and not unknown: null.
      expect(displayAt({}, {}, ['disk'], { other: true })).toBe('null');
    });

    it('sensitive wins over unknown', () => {
      expect(displayAt({}, { token: true }, ['token'], { token: true })).toBe(SENSITIVE);
    });

    it('redacts known secrets the masks miss, before cutting', () => {
      const secrets = new Set(['tok-123456']);
      // `output` copies the token and is not marked sensitive.
      expect(displayAt({ output: { token: 'tok-123456' } }, {}, ['output'], false, secrets)).toBe(`{"token":"${SENSITIVE}"}`);
    });
  });

  describe('collectSecrets', () => {
    it('collects strings marked sensitive at any level, at least 6 characters long', () => {
      const into = new Set<string>();
      collectSecrets(after, sensitive, into);
      expect(into).toEqual(new Set(['tok-123456', 'b-secret']));
    });

    it('a true mask collects every string below it; short strings are left out', () => {
      const into = new Set<string>();
      collectSecrets({ a: 'longer-one', b: ['abc', 'another-1'], c: { d: 'deep-value', n: 5 } }, true, into);
      expect(into).toEqual(new Set(['longer-one', 'another-1', 'deep-value']));
    });

    it('nothing is collected without a mask', () => {
      const into = new Set<string>();
      for (const mask of [false, undefined, null, {}]) collectSecrets(after, mask, into);
      expect(into.size).toBe(0);
    });
  });

  describe('redactText', () => {
    it('replaces every occurrence, longest secret first', () => {
      const secrets = new Set(['hunter22', 'hunter22-admin']);
      expect(redactText('a hunter22-admin b hunter22 c', secrets)).toBe(`a ${SENSITIVE} b ${SENSITIVE} c`);
    });

    it('replaces JSON-escaped forms of secrets holding quotes, backslashes and newlines', () => {
      const secret = 'pa"ss\\wo\nrd';
      const json = JSON.stringify({ message: `token ${secret} here` });
      const out = redactText(json, new Set([secret]));
      expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(out).toContain(SENSITIVE);
      expect(JSON.parse(out).message).toBe(`token ${SENSITIVE} here`);
      expect(redactText(`raw ${secret}`, new Set([secret]))).toBe(`raw ${SENSITIVE}`);
    });

    it('leaves text without secrets alone', () => {
      expect(redactText('nothing here', new Set(['absent-secret']))).toBe('nothing here');
      expect(redactText('nothing here', new Set())).toBe('nothing here');
    });
  });

  describe('display', () => {
    it('cuts long values with an ellipsis', () => {
      const out = display('x'.repeat(500));
      expect(out.length).toBe(120);
      expect(out.endsWith('…')).toBe(true);
    });

    it('never leaves part of a secret behind after cutting a long value', () => {
      const secret = 'Zq9Kp2Vw7Rt4Yx';
      const secrets = new Set([secret]);
      // Place the secret across the cut point at every offset around it.
      for (let pad = 100; pad < 125; pad++) {
        const out = display(`${'x'.repeat(pad)}${secret}${'y'.repeat(50)}`, secrets);
        expect(out.length).toBeLessThanOrEqual(120);
        for (let n = 3; n <= secret.length; n++) expect(out, `pad ${pad}`).not.toContain(secret.slice(0, n));
      }
      const obj = display({ a: 'x'.repeat(110), token: secret }, secrets);
      expect(obj).not.toContain(secret.slice(0, 3));
    });

    it('null and undefined show as null', () => {
      expect(display(null)).toBe('null');
      expect(display(undefined)).toBe('null');
    });
  });

  it('formatPath writes paths as a person reads them', () => {
    expect(formatPath(['triggers_replace', 'node'])).toBe('triggers_replace.node');
    expect(formatPath(['tags', 'a.b'])).toBe('tags["a.b"]');
    expect(formatPath(['disk', 0, 'size'])).toBe('disk[0].size');
  });
});

describe('address globs mix wildcards and quoted keys', () => {
  it.each([
    ['talos_*["pearl"]', 'talos_machine_configuration_apply.worker["pearl"]', true],
    ['module.database["eu"].*', 'module.database["eu"].aws_db_instance.main', true],
    ['module.database["eu"].*', 'module.database[eu].aws_db_instance.main', false],
    ['aws_instance.web["a"]', 'aws_instance.web[a]', false],
    ['aws_instance.web["a"]', 'aws_instance.web["a"]', true],
  ])('%s on %s: %s', (glob, address, expected) => {
    expect(addressMatcher([glob])(address)).toBe(expected);
  });
});
