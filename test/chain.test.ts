import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainChain } from '../src/engine/chain.js';
import { loadSources } from '../src/hcl/load.js';
import { FIXTURES, fixturePlan, makePlan } from './helpers/plan.js';

describe('why it is replaced', () => {
  it('follows triggers_replace to the machine config of the same key, and what it changes', () => {
    const plan = fixturePlan('incident');
    for (const [key, ip] of [
      ['powder', '191'],
      ['fresh', '192'],
      ['storm', '193'],
    ] as const) {
      const change = plan.changes.find((c) => c.address === `terraform_data.cp_reset_on_destroy["${key}"]`)!;
      expect(explainChain(change, plan)).toEqual([
        `triggers_replace changed {"node":"192.168.111.${ip}"} → {"node":"(known after apply)"}, because it references ` +
          `terraform_data.machine_config["${key}"], which changes input.node: 192.168.111.${ip} → ${key}.homelab.lan`,
      ]);
    }
  });

  it('follows the same chain inside a module called per node', () => {
    const plan = fixturePlan('module-per-node');
    const replaced = plan.changes.filter((c) => c.action === 'replace');
    expect(replaced).toHaveLength(3);
    for (const change of replaced) {
      const [line] = explainChain(change, plan);
      expect(line).toContain(`because it references ${change.moduleAddress}.`);
      expect(line).toContain('which changes');
    }
  });

  it('names replace_triggered_by from the sources', async () => {
    const plan = fixturePlan('replace-triggered-by');
    const sources = await loadSources(join(FIXTURES, 'replace-triggered-by', 'src'));
    const change = plan.changes.find((c) => c.actionReason === 'replace_by_triggers')!;
    const lines = explainChain(change, plan, sources);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lifecycle\.replace_triggered_by: terraform_data\.cluster_endpoint, which changes input: /);
  });

  it('masks sensitive values of the referenced change', () => {
    const plan = makePlan({
      changes: [
        {
          address: 'terraform_data.cfg',
          actions: ['update'],
          before: { input: 'old-secret-value' },
          after: { input: 'new-secret-value' },
          before_sensitive: { input: true },
          after_sensitive: { input: true },
        },
        {
          address: 'null_resource.reset',
          actions: ['delete', 'create'],
          before: { triggers: { v: 'a' } },
          after: { triggers: { v: 'b' } },
          replace_paths: [['triggers']],
        },
      ],
      top: {
        configuration: {
          root_module: {
            resources: [
              {
                address: 'null_resource.reset',
                mode: 'managed',
                type: 'null_resource',
                name: 'reset',
                expressions: { triggers: { references: ['terraform_data.cfg.output', 'terraform_data.cfg'] } },
              },
            ],
          },
        },
      },
    });
    const change = plan.changes.find((c) => c.address === 'null_resource.reset')!;
    const [line] = explainChain(change, plan);
    expect(line).toContain('because it references terraform_data.cfg, which changes input: (sensitive) → (sensitive)');
    expect(line).not.toContain('secret-value');
  });

  it('says nothing for what is not replaced, or when the configuration has no references', () => {
    const plan = fixturePlan('tainted');
    for (const change of plan.changes) expect(explainChain(change, plan)).toEqual([]);
  });
});
