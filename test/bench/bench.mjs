#!/usr/bin/env node
// npm run bench: how long tfguard takes on large plans, measured on the built CLI (npm run build first).
// Generates plans in a temp dir, runs `tfguard check --format json` on each a few times, prints the median
// wall time and peak RSS. Numbers are for comparison between commits on the same machine, not assertions.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'tfguard.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function plan(n, destroyEvery) {
  const resources = [];
  const changes = [];
  for (let i = 0; i < n; i++) {
    const module = `module.node["n${i % 50}"]`;
    const address = `${module}.terraform_data.disk[${i}]`;
    const values = { id: `id-${i}`, input: { node: `10.0.${i % 250}.${i % 200}`, token: `secret-${i}-xxxxxxxx` } };
    resources.push({ address, mode: 'managed', type: 'terraform_data', name: 'disk', index: i, values, sensitive_values: { input: { token: true } } });
    const destroy = destroyEvery > 0 && i % destroyEvery === 0;
    changes.push({
      address, module_address: module, mode: 'managed', type: 'terraform_data', name: 'disk', index: i,
      action_reason: destroy ? 'replace_because_cannot_update' : undefined,
      change: {
        actions: destroy ? ['delete', 'create'] : ['no-op'],
        before: values, after: values, after_unknown: {},
        before_sensitive: { input: { token: true } }, after_sensitive: { input: { token: true } },
        replace_paths: destroy ? [['input', 'node']] : undefined,
      },
    });
  }
  return {
    format_version: '1.2', terraform_version: '1.11.4', planned_values: { root_module: {} },
    resource_changes: changes,
    prior_state: { format_version: '1.0', values: { root_module: { child_modules: [{ address: 'module.node', resources }] } } },
    configuration: { root_module: {} }, complete: true, errored: false, applyable: true,
  };
}

function measure(file) {
  const times = [];
  let rss = 0;
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    const res = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'check', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (res.status !== 0 && res.status !== 1) throw new Error(`exit ${res.status}: ${res.stderr}`);
    rss = Math.max(rss, Number(res.stderr.trim().split('\n').pop()) || 0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], rssMiB: rss / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'tfguard-bench-'));
try {
  execFileSync('npx', ['tsc', '-p', root], { stdio: 'inherit' });
  const cases = [
    ['1k instances, none destroyed', 1_000, 0],
    ['10k instances, 1 in 10 replaced', 10_000, 10],
    ['50k instances, 1 in 100 replaced', 50_000, 100],
  ];
  console.log(`runs per case: ${RUNS}`);
  for (const [name, n, every] of cases) {
    const file = join(dir, `plan-${n}.json`);
    writeFileSync(file, JSON.stringify(plan(n, every)));
    const { median, rssMiB } = measure(file);
    console.log(`${name.padEnd(36)} median ${median.toFixed(0).padStart(6)} ms   peak RSS ${rssMiB.toFixed(0)} MiB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
