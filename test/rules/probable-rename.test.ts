/**
 * probable-rename: small plans for the pairing rules, the real fixtures made without moved blocks (count →
 * for_each, a renamed block, a renamed module), and each generated snippet proven by a real terraform re-plan:
 * written into the fixture's configuration, the delete/create pairs it names become moves.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { runRules } from '../../src/engine/run.js';
import { planFromJson } from '../../src/plan/load.js';
import { parseAddress } from '../../src/plan/address.js';
import { hasTerraform, NO_TERRAFORM } from '../helpers/env.js';
import { check, findingsOf, fixturePlan, planJson as inlinePlanJson, type ChangeSpec } from '../helpers/plan.js';
import { destroyedAddresses, fixtureWorkspace, movedOrForgotten, planJson } from '../helpers/replan.js';
import { freshDir, scratchDir, terraform } from '../helpers/workspace.js';

afterAll(() => {
  if (hasTerraform) rmSync(scratchDir(), { recursive: true, force: true });
});

const RULE = 'probable-rename';
const findings = (plan: Parameters<typeof check>[0]) => findingsOf(check(plan), RULE);

const del = (address: string, before: Record<string, unknown>): ChangeSpec => ({ address, actions: ['delete'], before: { id: `id-${address}`, ...before } });
const add = (address: string, after: Record<string, unknown>): ChangeSpec => ({ address, actions: ['create'], after });

type Spec = ChangeSpec & { after_unknown?: unknown };

/** A plan whose configuration sets `input` (or the given attributes) in the resource block of every create. */
function plan(changes: Spec[], configured: string[] = ['input']) {
  const groups = [...new Set(changes.filter((c) => c.actions[0] === 'create').map((c) => c.address.replace(/\[[^\]]*\]$/, '')))];
  const resources = groups.map((address) => {
    const p = parseAddress(address)!;
    return { address, mode: 'managed', type: p.type, name: p.name, expressions: Object.fromEntries(configured.map((a) => [a, { constant_value: 'x' }])) };
  });
  const json = inlinePlanJson({ changes });
  (json.resource_changes as any[]).forEach((rc, i) => {
    if (changes[i]!.after_unknown !== undefined) rc.change.after_unknown = changes[i]!.after_unknown;
  });
  return planFromJson('inline.json', { ...json, configuration: { root_module: { resources } } });
}

describe('probable-rename: pairing', () => {
  it('a delete and a create of the same type with the same values: one warning with the exact moved block', () => {
    const [f, ...more] = findings(
      plan(
        [del('aws_s3_bucket.logs', { bucket: 'acme-logs', acl: 'private' }), add('aws_s3_bucket.audit_logs', { bucket: 'acme-logs', acl: 'private' })],
        ['bucket'],
      ),
    );
    expect(more).toEqual([]);
    expect(f?.severity).toBe('warn');
    expect(f?.addresses).toEqual(['aws_s3_bucket.logs', 'aws_s3_bucket.audit_logs']);
    expect(f?.message).toContain('aws_s3_bucket.logs → aws_s3_bucket.audit_logs');
    expect(f?.suggestions?.slice(1)).toEqual(['moved {', '  from = aws_s3_bucket.logs', '  to   = aws_s3_bucket.audit_logs', '}']);
    expect(f?.suggestions?.[0]).toContain('root module');
  });

  it('ignores ids and values unknown until apply; "" and null agree (legacy SDK providers store "" for unset)', () => {
    const p = plan(
      [
        del('aws_instance.web[0]', { ami: 'ami-1', arn: 'arn:aws:1', tags: { Name: 'web' }, user_data: '' }),
        { ...add('aws_instance.web["a"]', { ami: 'ami-1', tags: { Name: 'web' }, user_data: null }), after_unknown: { arn: true, id: true } } as Spec,
      ],
      ['ami', 'tags'],
    );
    expect(findings(p)[0]?.addresses).toEqual(['aws_instance.web[0]', 'aws_instance.web["a"]']);
  });

  it.each([
    ['a value differs', [del('aws_instance.a', { ami: 'ami-1' }), add('aws_instance.b', { ami: 'ami-2' })], ['ami']],
    ['another type', [del('aws_instance.a', { ami: 'ami-1' }), add('aws_spot_instance_request.a', { ami: 'ami-1' })], ['ami']],
    [
      'a real replacement (one address)',
      [{ address: 'aws_instance.a', actions: ['delete', 'create'], before: { ami: 'ami-1' }, after: { ami: 'ami-1' } }],
      ['ami'],
    ],
    [
      'terraform_data with empty inputs',
      [
        del('terraform_data.a', { input: null, output: null, triggers_replace: null }),
        add('terraform_data.b', { input: null, output: null, triggers_replace: null }),
      ],
      [],
    ],
    ['empty values only', [del('null_resource.a', { triggers: {} }), add('null_resource.b', { triggers: {} })], ['triggers']],
    [
      'the values the configuration sets are unknown: only provider defaults agree',
      [
        del('aws_s3_bucket.a', { bucket: 'acme-a', acl: 'private', force_destroy: false }),
        { ...add('aws_s3_bucket.b', { acl: 'private', force_destroy: false }), after_unknown: { bucket: true, id: true } } as Spec,
      ],
      ['bucket'],
    ],
    [
      'a data source',
      [
        { address: 'data.aws_ami.a', actions: ['delete'], before: { name: 'x' } },
        { address: 'data.aws_ami.b', actions: ['create'], after: { name: 'x' } },
      ],
      ['name'],
    ],
  ] as [string, Spec[], string[]][])('no finding: %s', (_title, changes, configured) => {
    expect(findings(plan(changes, configured))).toEqual([]);
  });

  it('an import is no create of a new object', () => {
    const json = inlinePlanJson({ changes: [del('aws_instance.a', { ami: 'ami-1' }), add('aws_instance.b', { ami: 'ami-1' })] });
    (json.resource_changes as any[])[1].change.importing = { id: 'i-123' };
    expect(
      findings(
        planFromJson('inline.json', {
          ...json,
          configuration: {
            root_module: { resources: [{ address: 'aws_instance.b', mode: 'managed', type: 'aws_instance', name: 'b', expressions: { ami: {} } }] },
          },
        }),
      ),
    ).toEqual([]);
  });

  it('without a configuration (trimmed plan) any agreeing non-empty value counts', () => {
    const json = inlinePlanJson({ changes: [del('aws_instance.a', { ami: 'ami-1' }), add('aws_instance.b', { ami: 'ami-1' })] });
    delete json.configuration;
    expect(findings(planFromJson('inline.json', json))[0]?.addresses).toEqual(['aws_instance.a', 'aws_instance.b']);
  });

  it('identical values: the same instance key is the unique best match; without one it is ambiguous, listed and not guessed', () => {
    const same = { input: { pool: 'general' } };
    const keyed = findings(
      plan([
        del('terraform_data.labels["a"]', same),
        del('terraform_data.labels["b"]', same),
        add('terraform_data.node_labels["a"]', same),
        add('terraform_data.node_labels["b"]', same),
      ]),
    );
    expect(keyed).toHaveLength(1);
    expect(keyed[0]?.suggestions).toContain('  to   = terraform_data.node_labels["b"]');
    const [f, ...more] = findings(
      plan([del('terraform_data.k[0]', same), del('terraform_data.k[1]', same), add('terraform_data.k["a"]', same), add('terraform_data.k["b"]', same)]),
    );
    expect(more).toEqual([]);
    expect(f?.suggestions).toBeUndefined();
    expect(f?.message).toContain('not one to one, so tfguard does not guess which became which');
    expect(f?.addresses).toEqual(['terraform_data.k[0]', 'terraform_data.k[1]', 'terraform_data.k["a"]', 'terraform_data.k["b"]']);
  });

  it('values that are objects and lists: pairs found by what they hold deep down, unknown parts agreeing with anything', () => {
    // 300 deletes and 300 creates whose only attribute is an object: each create is found by the first scalar
    // it knows (the host when it is known, else the first tag), not by trying every delete.
    const changes: Spec[] = [];
    for (let i = 0; i < 300; i++) changes.push(del(`terraform_data.old["n${i}"]`, { input: { node: { host: `h${i}`, tags: [`t${i}`, 'x'] }, empty: {} } }));
    for (let i = 0; i < 300; i++) {
      const unknown = i % 3 === 0;
      changes.push({
        ...add(`terraform_data.new["n${i}"]`, { input: { node: { host: unknown ? null : `h${i}`, tags: [`t${i}`, 'x'] }, empty: {} } }),
        ...(unknown ? { after_unknown: { input: { node: { host: true } } } } : {}),
      });
    }
    // Creates that know nothing (all unknown, or empty) pair with nothing.
    changes.push({ ...add('terraform_data.blank["a"]', { input: { node: null } }), after_unknown: { input: true } });
    changes.push(add('terraform_data.blank["b"]', { input: { node: { host: '', tags: [] } } }));
    const [f, ...more] = findings(plan(changes));
    expect(more).toEqual([]);
    const expected = Array.from({ length: 300 }, (_, i) => i)
      .sort((a, b) => `terraform_data.old["n${a}"]`.localeCompare(`terraform_data.old["n${b}"]`))
      .flatMap((i) => [`terraform_data.old["n${i}"]`, `terraform_data.new["n${i}"]`]);
    expect(f?.addresses).toEqual(expected);
  });

  it('a pair found frees the rest: a second, tied candidate is paired once its rival is taken', () => {
    const v = { input: { v: 1 } };
    // k["a"] takes its own key; then k[9] is the only delete left for k["z"].
    const [f, ...more] = findings(
      plan([del('terraform_data.k["a"]', v), del('terraform_data.k[9]', v), add('terraform_data.k2["a"]', v), add('terraform_data.k2["z"]', v)]),
    );
    expect(more).toEqual([]);
    expect(f?.addresses).toEqual(['terraform_data.k["a"]', 'terraform_data.k2["a"]', 'terraform_data.k[9]', 'terraform_data.k2["z"]']);
  });

  it('stays quiet on every real fixture made with moved blocks or without renames', () => {
    for (const name of ['moved-rename', 'incident', 'count-to-zero', 'destroy-plan', 'removed-from-config', 'removed-forget', 'add-worker', 'targeted']) {
      expect(findings(fixturePlan(name)), name).toEqual([]);
    }
  });
});

/** A workspace with `files` applied (creates only), then `next` written over them and initialized: only planned. */
function workspace(files: Record<string, string>, next: Record<string, string>): string {
  const dir = freshDir('rename');
  const write = (set: Record<string, string>) => {
    for (const [file, text] of Object.entries(set)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  };
  write(files);
  terraform(dir, ['init', '-input=false', '-no-color']);
  terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  write(next);
  terraform(dir, ['init', '-input=false', '-no-color']);
  return dir;
}

const NODE_MODULE = 'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "cfg" {\n  input = { host = var.name }\n}\n';

/** The per-pair moved blocks of the finding (its first comment starts them; a later `# Or, ...` starts the alternative). */
function snippets(name: string | object): { pairs: string; alternative?: string; finding: ReturnType<typeof findings>[number] } {
  const planned = typeof name === 'string' ? fixturePlan(name) : planFromJson('plan.json', name);
  const result = runRules({ plan: planned, config: defaultConfig(RULES), rules: RULES, today: '2026-11-21' });
  const finding = findingsOf(result, RULE).find((f) => f.suggestions)!;
  const lines = finding.suggestions!;
  const or = lines.findIndex((l) => l.startsWith('# Or,'));
  const pairs = `${lines.slice(0, or < 0 ? undefined : or).join('\n')}\n`;
  return { pairs, finding, ...(or < 0 ? {} : { alternative: `${lines.slice(or).join('\n')}\n` }) };
}

const title = (text: string) => (hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM}]`);

describe('probable-rename on real plans made without moved blocks', () => {
  it('count -> for_each: the workers pair by value; identical kubelet configs are ambiguous; input-less markers never pair', () => {
    const [pairs, ambiguous, ...more] = findings(fixturePlan('rename-count-to-for-each'));
    expect(more).toEqual([]);
    expect(pairs?.addresses).toEqual([
      'terraform_data.worker[0]',
      'terraform_data.worker["ember"]',
      'terraform_data.worker[1]',
      'terraform_data.worker["frost"]',
      'terraform_data.worker[2]',
      'terraform_data.worker["gale"]',
    ]);
    expect(ambiguous?.addresses).toEqual([
      'terraform_data.kubelet_config[0]',
      'terraform_data.kubelet_config[1]',
      'terraform_data.kubelet_config["ember"]',
      'terraform_data.kubelet_config["frost"]',
    ]);
  });

  it('a renamed block: keys HCL-quoted exactly as Terraform writes them; identical labels pair by key', () => {
    const { pairs } = snippets('rename-block');
    expect(pairs).toContain(
      'moved {\n  from = terraform_data.nodes["gale \\"rack-7\\" \\\\ $${dc}"]\n  to   = terraform_data.worker["gale \\"rack-7\\" \\\\ $${dc}"]\n}',
    );
    expect(pairs).toContain('  from = terraform_data.labels["ember"]\n  to   = terraform_data.node_labels["ember"]');
  });

  it('a renamed module: one block per pair in the root module, and the whole-module move as the alternative', () => {
    const { pairs, alternative, finding } = snippets('rename-module');
    expect(finding.addresses).toHaveLength(6);
    expect(pairs).toContain(
      '  from = module.node["powder"].terraform_data.machine_config\n  to   = module.control_plane["powder"].terraform_data.machine_config',
    );
    expect(alternative).toContain('moved {\n  from = module.node\n  to   = module.control_plane\n}');
  });
});

describe.skipIf(!hasTerraform)('probable-rename: every generated snippet proven by a real terraform re-plan', () => {
  it.each([
    [
      'rename-count-to-for-each',
      ['terraform_data.kubelet_config[0]', 'terraform_data.kubelet_config[1]', 'terraform_data.ready[0]', 'terraform_data.ready[1]', 'terraform_data.ready[2]'],
    ],
    ['rename-block', []],
    [
      'rename-module',
      ['module.node["fresh"].terraform_data.health', 'module.node["powder"].terraform_data.health', 'module.node["storm"].terraform_data.health'],
    ],
  ])(
    title('%s: with the moved blocks written into the root module, the paired deletes become moves'),
    (name, left) => {
      const ws = fixtureWorkspace(name);
      const before = planJson(ws);
      const { pairs, finding } = snippets(name);
      const froms = finding.addresses.filter((_, i) => i % 2 === 0);
      const tos = finding.addresses.filter((_, i) => i % 2 === 1);
      expect(destroyedAddresses(before)).toEqual([...froms, ...left].sort());
      const after = planJson(ws, { 'tfguard_moved.tf': pairs });
      expect(destroyedAddresses(after)).toEqual([...left].sort());
      expect(movedOrForgotten(after).moved).toEqual(froms.map((f, i) => `${f} -> ${tos[i]}`).sort());
      // The re-planned plan has nothing left to pair.
      const again = findingsOf(runRules({ plan: planFromJson('replan.json', after), config: defaultConfig(RULES), rules: RULES, today: '2026-11-21' }), RULE);
      expect(again.filter((f) => f.suggestions)).toEqual([]);
    },
    120_000,
  );

  it(title('a nested module call renamed and a root module call re-keyed (count -> for_each): the root-module blocks reach both'), () => {
    const ws = workspace(
      {
        'modules/node/main.tf': NODE_MODULE,
        'modules/cluster/main.tf': 'module "node" {\n  source = "../node"\n  count  = 2\n  name   = ["powder", "fresh"][count.index]\n}\n',
        'main.tf':
          'module "cluster" {\n  source = "./modules/cluster"\n}\n\nmodule "node" {\n  source = "./modules/node"\n  count  = 2\n  name   = ["storm", "gale"][count.index]\n}\n',
      },
      {
        'modules/cluster/main.tf': 'module "cp" {\n  source   = "../node"\n  for_each = toset(["powder", "fresh"])\n  name     = each.key\n}\n',
        'main.tf':
          'module "cluster" {\n  source = "./modules/cluster"\n}\n\nmodule "node" {\n  source   = "./modules/node"\n  for_each = toset(["storm", "gale"])\n  name     = each.key\n}\n',
      },
    );
    const before = planJson(ws);
    const { pairs, alternative, finding } = snippets(before);
    expect(finding.addresses).toHaveLength(8);
    expect(pairs).toContain('  from = module.cluster.module.node[0].terraform_data.cfg\n  to   = module.cluster.module.cp["powder"].terraform_data.cfg');
    expect(alternative, 'no single module move covers a nested rename').toBeUndefined();
    const after = planJson(ws, { 'tfguard_moved.tf': pairs });
    expect(destroyedAddresses(after)).toEqual([]);
    expect(movedOrForgotten(after).moved).toHaveLength(4);
  }, 120_000);

  it(title('a root module call re-keyed: the module instance moves of the alternative'), () => {
    const ws = workspace(
      {
        'modules/node/main.tf': NODE_MODULE,
        'main.tf': 'module "node" {\n  source = "./modules/node"\n  count  = 2\n  name   = ["storm", "gale"][count.index]\n}\n',
      },
      { 'main.tf': 'module "node" {\n  source   = "./modules/node"\n  for_each = toset(["storm", "gale"])\n  name     = each.key\n}\n' },
    );
    const { alternative } = snippets(planJson(ws));
    expect(alternative).toContain(
      'moved {\n  from = module.node[0]\n  to   = module.node["storm"]\n}\nmoved {\n  from = module.node[1]\n  to   = module.node["gale"]\n}',
    );
    const after = planJson(ws, { 'tfguard_moved.tf': alternative! });
    expect(destroyedAddresses(after)).toEqual([]);
    expect(movedOrForgotten(after).moved).toEqual([
      'module.node[0].terraform_data.cfg -> module.node["storm"].terraform_data.cfg',
      'module.node[1].terraform_data.cfg -> module.node["gale"].terraform_data.cfg',
    ]);
  }, 120_000);

  it(title('rename-module: the whole-module alternative moves everything, the helpers tfguard could not pair too'), () => {
    const ws = fixtureWorkspace('rename-module');
    const after = planJson(ws, { 'tfguard_moved.tf': snippets('rename-module').alternative! });
    expect(destroyedAddresses(after)).toEqual([]);
    expect(movedOrForgotten(after).moved).toHaveLength(6);
  }, 120_000);
});
