/**
 * `tfguard apply --staged` end to end on real Terraform workspaces: three control planes replaced by one
 * upgrade (a Talos node-by-node upgrade in miniature) are applied one at a time, each stage planned with -target,
 * reviewed on its own and applied, then the `health` check runs; every other change comes last. The commands and
 * the nodes' destroy-time provisioners append to one `order.log`, so the order is proven. A failing health check
 * after the first stage leaves the other two untouched, and `--resume` runs it again, then finishes. The
 * incident under --staged is refused before its first stage: staging does not make a destroy-time reset safe.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { auditRecords, copyWorkspace, entries, killStragglers, makeWorkspace, scratchDir, startTfguard, tfguard, waitUntil } from './helpers/workspace.js';
import { orderLog, writeConfig } from './helpers/runbook.js';

const CLUSTER_TF = `
variable "talos_version" {
  type    = string
  default = "1.8.0"
}

# The upgrade replaces every control plane; each one's destroy-time provisioner logs that it went.
resource "terraform_data" "control_plane" {
  for_each         = toset(["a", "b", "c"])
  triggers_replace = { talos_version = var.talos_version }
  input            = { node = each.key }

  provisioner "local-exec" {
    when    = destroy
    command = "echo destroy \${each.key} >> order.log"
  }
}

# Unchanged workers: the three control planes are not most of the cluster (no mass-destroy).
resource "terraform_data" "worker" {
  for_each = toset(["w1", "w2", "w3", "w4"])
  input    = each.key
}

# Another change of the same upgrade, applied last in its own stage.
resource "terraform_data" "cluster_version" {
  input = var.talos_version
}
`;

const UPGRADE = ['-var', 'talos_version=1.9.0'];
const NODES = ['a', 'b', 'c'];
const CONFIG = {
  before_destroy: [{ name: 'snapshot', match: ['terraform_data.control_plane[*]'], run: 'echo snapshot {key} >> order.log' }],
  health: [{ name: 'node ready', run: 'echo health {key} >> order.log; test ! -f unhealthy-{key}', timeout: '30s' }],
  // The provisioner only logs here; in real life such a provisioner is what --staged cannot make safe (below).
  waivers: [{ rule: 'destroy-provisioner', address: 'terraform_data.control_plane*', reason: 'logs only (test)', expires: '2099-12-31' }],
};

let cluster = '';

beforeAll(() => {
  scratchDir();
  if (hasTerraform) cluster = makeWorkspace('staged', { 'main.tf': CLUSTER_TF });
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

const title = (text: string) => (hasTerraform ? text : `${text} [skipped: ${NO_TERRAFORM}]`);

/** Each instance's id and input: a replacement changes the one, an update the other. */
function ids(dir: string): Record<string, string> {
  const s = JSON.parse(readFileSync(join(dir, 'terraform.tfstate'), 'utf8'));
  const out: Record<string, string> = {};
  for (const r of s.resources)
    for (const i of r.instances)
      out[`${r.name}${i.index_key === undefined ? '' : `.${i.index_key}`}`] = `${i.attributes.id} ${JSON.stringify(i.attributes.input)}`;
  return out;
}
const changed = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys(before)
    .filter((k) => before[k] !== after[k])
    .sort();
const rollout = (dir: string) => join(dir, '.tfguard', 'rollout.json');
const stageRecords = (dir: string) => auditRecords(dir).filter((r) => r.stage);

/** Each node: snapshot before its destroy, destroy, then its health check. */
const stagesLog = (keys: string[]) => keys.flatMap((k) => [`snapshot ${k}`, `destroy ${k}`, `health ${k}`]);

describe.skipIf(!hasTerraform)('tfguard apply --staged', () => {
  it(title('three replaced nodes: one at a time, each reviewed and applied, then its health check; every other change last'), async () => {
    const ws = copyWorkspace(cluster, 'staged-ok');
    writeConfig(ws, CONFIG);
    const before = ids(ws);
    const run = await tfguard(['apply', '--staged', '-auto-approve', ...UPGRADE], { cwd: ws });

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(orderLog(ws)).toEqual(stagesLog(NODES));
    expect(changed(before, ids(ws))).toEqual(['cluster_version', 'control_plane.a', 'control_plane.b', 'control_plane.c']);
    expect(run.stdout).toContain('tfguard 0.1.0 · the whole plan (--staged)');
    expect(run.stdout).toContain('tfguard 0.1.0 · stage 1 of 4 (group terraform_data.control_plane: terraform_data.control_plane["a"])');
    expect(run.stdout).toContain('tfguard 0.1.0 · stage 4 of 4 (every other change)');
    expect(run.stdout).not.toContain('plan-incomplete');
    expect(run.stderr).toContain('Staged rollout (--batch 1): 4 stages');
    expect(existsSync(rollout(ws))).toBe(false);

    const records = auditRecords(ws);
    const runIds = new Set(records.map((r) => r.run_id));
    expect(runIds.size).toBe(1);
    expect(stageRecords(ws).map((r) => [r.stage.index, r.stage.targets, r.decision, r.summary.replace, r.findings])).toEqual([
      [1, ['terraform_data.control_plane["a"]'], 'applied', 1, []],
      [2, ['terraform_data.control_plane["b"]'], 'applied', 1, []],
      [3, ['terraform_data.control_plane["c"]'], 'applied', 1, []],
      [4, [], 'applied', 0, []],
    ]);
    expect(records.filter((r) => r.command).map((r) => r.why)).toEqual(
      NODES.flatMap((k) => [
        `before_destroy "snapshot" for terraform_data.control_plane["${k}"]: exit 0`,
        `health "node ready" for terraform_data.control_plane["${k}"]: exit 0`,
      ]),
    );
    const last = records.at(-1);
    expect(last).toMatchObject({ decision: 'applied', rollout: { stages: 4, applied: 4, batch: 1, resumed: false } });
    expect(last.findings.map((f: any) => f.rule)).toEqual(['blast-radius']);
  }, 120_000);

  it(title('a failing health check after the first stage leaves the other two untouched; --resume checks it again, then finishes'), async () => {
    const ws = copyWorkspace(cluster, 'staged-health');
    writeConfig(ws, CONFIG);
    writeFileSync(join(ws, 'unhealthy-a'), '');
    const before = ids(ws);
    const first = await tfguard(['apply', '--staged', '-auto-approve', ...UPGRADE], { cwd: ws });

    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(orderLog(ws)).toEqual(stagesLog(['a']));
    expect(changed(before, ids(ws))).toEqual(['control_plane.a']);
    expect(first.stderr).toContain(
      'tfguard: stopped: health "node ready" for terraform_data.control_plane["a"] failed (exit 1): the rollout stops after stage 1 of 4; nothing more is applied.',
    );
    expect(first.stderr).toContain(
      'the rollout stopped at stage 1 of 4. 1 stage(s) applied so far; the remaining members are untouched. To continue: tfguard apply --resume -auto-approve -var talos_version=(hidden)',
    );
    const saved = JSON.parse(readFileSync(rollout(ws), 'utf8'));
    expect(saved).toMatchObject({ applied: 1, batch: 1, pending_health: ['terraform_data.control_plane["a"]'] });
    expect(auditRecords(ws).at(-1)).toMatchObject({ decision: 'failed', rollout: { applied: 1 } });

    // Any other apply is refused while the rollout is stopped: its health check has not passed.
    const other = await tfguard(['apply', '-auto-approve', ...UPGRADE], { cwd: ws });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`a staged rollout (run ${saved.run_id}) stopped`);
    expect(changed(before, ids(ws))).toEqual(['control_plane.a']);

    // Still unhealthy: --resume stops at the same health check, before anything is planned or applied.
    const again = await tfguard(['apply', '--resume', '-auto-approve', ...UPGRADE], { cwd: ws });
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain(`resuming rollout ${saved.run_id}: first the health checks of the last stage it applied.`);
    expect(orderLog(ws)).toEqual([...stagesLog(['a']), 'health a']);
    expect(changed(before, ids(ws))).toEqual(['control_plane.a']);

    rmSync(join(ws, 'unhealthy-a'));
    const resumed = await tfguard(['apply', '--resume', '-auto-approve', ...UPGRADE], { cwd: ws });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    // The stages go on counting from where the rollout stopped.
    expect(resumed.stderr).toContain('Staged rollout (--batch 1): 4 stages (1 applied before it stopped; 3 now)');
    expect(resumed.stdout).toContain('tfguard 0.1.0 · stage 2 of 4 (group terraform_data.control_plane: terraform_data.control_plane["b"])');
    expect(resumed.stdout).toContain('tfguard 0.1.0 · stage 4 of 4 (every other change)');
    expect(orderLog(ws)).toEqual([...stagesLog(['a']), 'health a', 'health a', ...stagesLog(['b', 'c'])]);
    expect(changed(before, ids(ws))).toEqual(['cluster_version', 'control_plane.a', 'control_plane.b', 'control_plane.c']);
    expect(existsSync(rollout(ws))).toBe(false);
    const last = auditRecords(ws).at(-1);
    expect(last).toMatchObject({ decision: 'applied', run_id: saved.run_id, rollout: { stages: 4, resumed: true } });
    expect(last.why).toBe('rollout complete: 3 stage(s) applied (and 1 before it was resumed)');
  }, 180_000);

  it(title('SIGTERM during a health check: nothing more is applied; the rollout can be resumed'), async () => {
    const ws = copyWorkspace(cluster, 'staged-signal');
    writeConfig(ws, { ...CONFIG, health: [{ name: 'wait', run: 'echo waiting-{key}; sleep 30' }] });
    const before = ids(ws);
    const t = startTfguard(['apply', '--staged', '-auto-approve', ...UPGRADE], { cwd: ws });
    await waitUntil(() => t.output().includes('[health wait] waiting-a'), t.output, 60_000);
    t.child.kill('SIGTERM');
    const run = await t.done;

    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain('interrupted by SIGTERM: nothing more was applied (1 stage(s) applied before).');
    expect(changed(before, ids(ws))).toEqual(['control_plane.a']);
    expect(JSON.parse(readFileSync(rollout(ws), 'utf8')).pending_health).toEqual(['terraform_data.control_plane["a"]']);
    expect(auditRecords(ws).at(-1).decision).toBe('interrupted');
  }, 120_000);

  it(title('a failing before_destroy in the first stage destroys nothing and leaves no rollout to resume'), async () => {
    const ws = copyWorkspace(cluster, 'staged-snapshot-fails');
    writeConfig(ws, {
      ...CONFIG,
      before_destroy: [{ name: 'snapshot', match: ['terraform_data.control_plane[*]'], run: 'echo snapshot {key} >> order.log; exit 4' }],
    });
    const before = ids(ws);
    const run = await tfguard(['apply', '--staged', '-auto-approve', ...UPGRADE], { cwd: ws });

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'refused: before_destroy "snapshot" for terraform_data.control_plane["a"] failed (exit 4): nothing was applied; nothing was destroyed.',
    );
    expect(run.stderr).toContain('the rollout stopped at stage 1 of 4. Nothing was applied.');
    expect(orderLog(ws)).toEqual(['snapshot a']);
    expect(changed(before, ids(ws))).toEqual([]);
    expect(existsSync(rollout(ws))).toBe(false);
  }, 60_000);

  it(title('--batch 2 on three nodes would leave one standing: refused, nothing applied'), async () => {
    const ws = copyWorkspace(cluster, 'staged-batch');
    writeConfig(ws, CONFIG);
    const before = ids(ws);
    const run = await tfguard(['apply', '--staged', '--batch', '2', '-auto-approve', ...UPGRADE], { cwd: ws });

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      '--staged cannot keep a quorum standing: group terraform_data.control_plane: --batch 2 takes 2 of 3 down at once, fewer than 2 stay standing (at most --batch 1)',
    );
    expect(changed(before, ids(ws))).toEqual([]);
    expect(orderLog(ws)).toEqual([]);
    expect(existsSync(rollout(ws))).toBe(false);
  }, 60_000);

  it(title('the incident under --staged is refused before its first stage: a destroy-time reset still runs in every stage'), async () => {
    const ws = copyWorkspace(cluster, 'staged-incident');
    // No waiver: the destroy-time provisioner is what the incident ran; here it stands for talosctl reset.
    writeConfig(ws, { health: CONFIG.health });
    writeFileSync(
      join(ws, 'main.tf'),
      readFileSync(join(ws, 'main.tf'), 'utf8').replace('echo destroy', 'talosctl reset --graceful=false --reboot; echo destroy'),
    );
    const before = ids(ws);
    const run = await tfguard(['apply', '--staged', '-auto-approve', ...UPGRADE], { cwd: ws });

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('the rollout is refused before its first stage: 3 blocking finding(s) (destroy-provisioner)');
    expect(run.stderr).toContain('a destroy-time provisioner still runs in every stage, so each stage would be refused on its own');
    expect(changed(before, ids(ws))).toEqual([]);
    expect(orderLog(ws)).toEqual([]);
    expect(existsSync(rollout(ws))).toBe(false);
    expect(entries(ws, 'unhealthy')).toEqual([]);
  }, 60_000);
});
