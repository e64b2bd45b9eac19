/**
 * The staged advice, end to end with real terraform: `tfguard apply -target=ADDR -auto-approve` on a
 * terraform_data workspace. Terraform marks every -target plan `complete: false`; tfguard passed the targets
 * itself, so that is no finding, and the one targeted instance is replaced while the rest of the group stands.
 * A -target plan tfguard did not make (a saved plan) is a warning, so -auto-approve refuses it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { auditRecords, copyWorkspace, killStragglers, makeWorkspace, scratchDir, terraform, tfguard } from './helpers/workspace.js';

const CONTROL_PLANES_TF = `
variable "talos_version" {
  type    = string
  default = "1.8.0"
}

# A Talos upgrade replaces every control plane: applied at once it takes down the quorum (blast-radius).
resource "terraform_data" "control_plane" {
  for_each         = toset(["powder", "fresh", "storm"])
  triggers_replace = { talos_version = var.talos_version }
  input            = { node = each.key }
}
`;

const UPGRADE = ['-var', 'talos_version=1.9.0'];
const POWDER = 'terraform_data.control_plane["powder"]';

let template = '';

beforeAll(() => {
  scratchDir();
  if (hasTerraform) template = makeWorkspace('control-planes', { 'main.tf': CONTROL_PLANES_TF });
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

function ids(dir: string): Record<string, string> {
  const state = JSON.parse(readFileSync(join(dir, 'terraform.tfstate'), 'utf8'));
  const resource = state.resources.find((r: any) => r.name === 'control_plane');
  return Object.fromEntries(resource.instances.map((i: any) => [i.index_key, i.attributes.id]));
}

const title = (text: string) => (hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM}]`);

describe.skipIf(!hasTerraform)('tfguard apply -target', () => {
  it(title('the whole upgrade is refused; -target one control plane at a time applies under -auto-approve'), async () => {
    const ws = copyWorkspace(template, 'staged');
    const before = ids(ws);

    const whole = await tfguard(['apply', '-auto-approve', ...UPGRADE], { cwd: ws });
    expect(whole.code, whole.stdout + whole.stderr).toBe(1);
    expect(whole.stdout).toContain('blast-radius');
    expect(ids(ws)).toEqual(before);

    for (const [i, args] of [[`-target=${POWDER}`], ['-target', 'terraform_data.control_plane["fresh"]']].entries()) {
      const run = await tfguard(['apply', ...args, '-auto-approve', ...UPGRADE], { cwd: ws });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).not.toContain('plan-incomplete');
      const record = auditRecords(ws).at(-1);
      expect(record.decision, record.why).toBe('applied');
      expect(record.findings).toEqual([]);
      expect(record.summary).toMatchObject({ replace: 1 });
      const now = ids(ws);
      expect(now.storm, 'storm stands: it was not targeted').toBe(before.storm);
      expect(now.powder).not.toBe(before.powder);
      if (i === 0) expect(now.fresh).toBe(before.fresh);
      else expect(now.fresh).not.toBe(before.fresh);
    }
  }, 90_000);

  it(title('a -target plan tfguard did not make (a saved plan) is a warning: -auto-approve refuses it, nothing applied'), async () => {
    const ws = copyWorkspace(template, 'saved-targeted');
    const before = ids(ws);
    terraform(ws, ['plan', '-input=false', '-no-color', `-target=${POWDER}`, ...UPGRADE, '-out=targeted.tfplan']);

    const run = await tfguard(['apply', 'targeted.tfplan', '-auto-approve'], { cwd: ws });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('plan-incomplete');
    expect(run.stdout).toContain('Targeted plan: changes outside the targets are not in it');
    expect(run.stderr).toContain('refused');
    expect(ids(ws)).toEqual(before);
    const record = auditRecords(ws).at(-1);
    expect(record.findings).toEqual([{ rule: 'plan-incomplete', severity: 'warn', addresses: [POWDER] }]);

    const check = await tfguard(['check', 'targeted.tfplan', '--format', 'json'], { cwd: ws });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).decision).toBe('warn');
  }, 90_000);
});
