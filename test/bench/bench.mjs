#!/usr/bin/env node
// npm run bench: tfguard beside its baselines, measured in the same run on the same machine, as a table.
// Each row runs tfguard and its baseline alternately (A B A B ...) so that both see the same load; the table
// gives medians of wall time and the peak RSS (GNU time), and the ratio. The machine's load average is printed
// before and after: on a shared machine, compare ratios, not seconds.
//
// Env: BENCH_RUNS (default 3; 1 for plans over 100 MB), BENCH_SIZES (MB, default 5,50,529,1100), BENCH_QUICK=1
// (sizes 5,50 only), BENCH_JQ=0 (no jq), BENCH_APPLY=0 (no tfguard apply row). Plans are scaled from the real
// plan in ../shared/perf when it is there (else made up here); everything is written to a temp folder that is
// removed at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'tfguard.js');
const perf = join(root, '..', 'shared', 'perf');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_QUICK ? '5,50' : (process.env.BENCH_SIZES ?? '5,50,529,1100')).split(',').map(Number);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const JQ = process.env.BENCH_JQ !== '0' && has('jq');
const TERRAFORM = process.env.BENCH_APPLY !== '0' && has('terraform');
const dir = mkdtempSync(join(tmpdir(), 'tfguard-bench-'));
const rows = [];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One run: wall seconds, peak RSS in MiB, exit code, stdout. */
function once(cmd, args, opts = {}) {
  const full = TIME ? [TIME, ['-f', '%M', cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  // Output comes back as bytes, decoded after the clock stops: decoding the 30 MB report of 100,000 deletes into a
  // string is the harness's work (~25 ms), not the command's.
  const res = spawnSync(full[0], full[1], { maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stdout = res.stdout?.toString('utf8') ?? '';
  const stderr = res.stderr?.toString('utf8') ?? '';
  const rss = TIME ? Number(stderr.trim().split('\n').pop()) / 1024 : NaN;
  return { seconds, rss, code: res.status, stdout, stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs each command `runs` times, alternating; medians per command. */
function measure(commands, runs) {
  const results = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of commands.entries()) results[i].push(once(c.cmd, c.args, c.opts));
  }
  return results.map((list) => ({
    seconds: median(list.map((x) => x.seconds)),
    rss: Math.max(...list.map((x) => x.rss)),
    code: list[0].code,
    stdout: list[0].stdout,
    stderr: list[0].stderr,
  }));
}

const fmt = (m) => (m.code === null ? 'killed' : `${m.seconds.toFixed(2)} s, ${m.rss.toFixed(0)} MiB`);
const row = (what, ours, base, baseName) =>
  rows.push({
    what,
    tfguard: fmt(ours),
    baseline: base ? `${baseName} ${base.failed ?? fmt(base)}` : (baseName ?? ''),
    ratio: base && !base.failed ? (ours.seconds / base.seconds).toFixed(2) : '—',
  });

function check(file, extra = []) {
  return { cmd: process.execPath, args: [bin, 'check', file, '--format', 'json', ...extra], opts: { cwd: dir } };
}

function basePlan() {
  const out = join(dir, 'base.json');
  if (existsSync(join(perf, 'base-plan.json.gz'))) writeFileSync(out, gunzipSync(readFileSync(join(perf, 'base-plan.json.gz'))));
  else writeFileSync(out, JSON.stringify(syntheticPlan(2000, 50)));
  return out;
}

/** A made-up plan when ../shared/perf is absent: n instances, one in `every` replaced. */
function syntheticPlan(n, every) {
  const resources = [];
  const changes = [];
  for (let i = 0; i < n; i++) {
    const address = `module.node["n${i % 50}"].terraform_data.disk[${i}]`;
    const values = { id: `id-${i}`, input: { node: `10.0.${i % 250}.${i % 200}`, token: `secret-${i}-xxxxxxxx` } };
    resources.push({ address, mode: 'managed', type: 'terraform_data', name: 'disk', index: i, values, sensitive_values: { input: { token: true } } });
    const destroy = i % every === 0;
    changes.push({
      address,
      module_address: `module.node["n${i % 50}"]`,
      mode: 'managed',
      type: 'terraform_data',
      name: 'disk',
      index: i,
      change: {
        actions: destroy ? ['delete', 'create'] : ['no-op'],
        before: values,
        after: values,
        after_unknown: {},
        before_sensitive: { input: { token: true } },
        after_sensitive: { input: { token: true } },
      },
    });
  }
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: {} },
    resource_changes: changes,
    prior_state: { format_version: '1.0', values: { root_module: { child_modules: [{ address: 'module.node', resources }] } } },
    configuration: { root_module: {} },
  };
}

/** A plan of `mb` MB scaled from the base (scale-plan.py when it is there, else repeats of the synthetic plan). */
function scaled(base, mb) {
  const out = join(dir, `plan-${mb}mb.json`);
  if (existsSync(join(perf, 'scale-plan.py')) && has('python3')) {
    const said = spawnSync('python3', [join(perf, 'scale-plan.py'), base, out, '--mb', String(mb)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (said.status !== 0) throw new Error(`scale-plan.py failed: ${said.stderr}`);
    const m = /(\d+) resource changes/.exec(`${said.stdout}${said.stderr}`);
    if (m) resourceChanges.set(out, Number(m[1]));
  } else {
    const n = Math.round(mb * 140);
    writeFileSync(out, JSON.stringify(syntheticPlan(n, 100)));
    resourceChanges.set(out, n);
  }
  return out;
}

/** `count` instances of one resource, all deleted (no prior_state: the plan alone). */
function massDelete(count) {
  const out = join(dir, `delete-${count}.json`);
  const changes = [];
  for (let i = 0; i < count; i++) {
    changes.push({
      address: `terraform_data.node["n${i}"]`,
      mode: 'managed',
      type: 'terraform_data',
      name: 'node',
      index: `n${i}`,
      change: { actions: ['delete'], before: { id: `id-${i}` }, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false },
    });
  }
  writeFileSync(
    out,
    JSON.stringify({
      format_version: '1.2',
      terraform_version: '1.11.4',
      planned_values: { root_module: {} },
      resource_changes: changes,
      configuration: { root_module: {} },
    }),
  );
  return out;
}

/** 301 .tf files: a root module calling 100 modules of 3 files, one in ten with a destroy-time provisioner. */
function sourceTree() {
  const tree = join(dir, 'scan');
  for (let m = 0; m < 100; m++) {
    const d = join(tree, 'modules', `m${m}`);
    mkdirSync(d, { recursive: true });
    let main = '';
    for (let i = 0; i < 8; i++)
      main += `resource "terraform_data" "r${i}" {\n  input = { name = "m${m}-${i}" }\n  lifecycle {\n    ignore_changes = [input]\n  }\n}\n`;
    if (m % 10 === 0) main += 'resource "terraform_data" "reset" {\n  provisioner "local-exec" {\n    when    = destroy\n    command = "echo reset"\n  }\n}\n';
    writeFileSync(join(d, 'main.tf'), main);
    writeFileSync(
      join(d, 'variables.tf'),
      Array.from({ length: 10 }, (_, i) => `variable "v${i}" {\n  type    = string\n  default = "m${m}-${i}"\n}\n`).join(''),
    );
    writeFileSync(join(d, 'outputs.tf'), Array.from({ length: 8 }, (_, i) => `output "o${i}" {\n  value = terraform_data.r${i}.id\n}\n`).join(''));
  }
  writeFileSync(join(tree, 'main.tf'), Array.from({ length: 100 }, (_, m) => `module "m${m}" {\n  source = "./modules/m${m}"\n}\n`).join(''));
  return tree;
}

/** The same tree with only the files that hold blocks (the root's module calls, each module's main.tf). */
function neededTree(tree) {
  const out = join(dir, 'needed');
  mkdirSync(out);
  writeFileSync(join(out, 'main.tf'), readFileSync(join(tree, 'main.tf')));
  for (let m = 0; m < 100; m++) {
    mkdirSync(join(out, 'modules', `m${m}`), { recursive: true });
    writeFileSync(join(out, 'modules', `m${m}`, 'main.tf'), readFileSync(join(tree, 'modules', `m${m}`, 'main.tf')));
  }
  return out;
}

/** A plan (no configuration: it cannot say where provisioners are) that destroys module.m0's reset helper. */
function provisionerPlan() {
  const out = join(dir, 'provisioner-plan.json');
  const change = (address, module, name, actions) => ({
    address,
    module_address: module,
    mode: 'managed',
    type: 'terraform_data',
    name,
    change: {
      actions,
      before: { id: 'x' },
      after: actions.includes('delete') && !actions.includes('create') ? null : { id: 'x' },
      after_unknown: {},
      before_sensitive: {},
      after_sensitive: {},
    },
  });
  const changes = [change('module.m0.terraform_data.reset', 'module.m0', 'reset', ['delete'])];
  for (let m = 1; m < 100; m++) changes.push(change(`module.m${m}.terraform_data.r0`, `module.m${m}`, 'r0', ['no-op']));
  writeFileSync(out, JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', planned_values: { root_module: {} }, resource_changes: changes }));
  return out;
}

/** Resource changes of each scaled plan, as the scaler counts them. */
const resourceChanges = new Map();

const JQ_DELETES = '[.resource_changes[]? | select(.change.actions | index("delete"))] | length';

function plansRows(base) {
  for (const mb of SIZES) {
    const file = scaled(base, mb);
    const size = `${(statSync(file).size / 1e6).toFixed(0)} MB`;
    const runs = mb > 100 ? 1 : RUNS;
    const commands = { tfguard: check(file) };
    if (existsSync(join(perf, 'bare-parse.mjs'))) commands.bare = { cmd: process.execPath, args: [join(perf, 'bare-parse.mjs'), file], opts: { cwd: dir } };
    if (JQ) commands.jq = { cmd: 'jq', args: [JQ_DELETES, file], opts: { cwd: dir } };
    const names = Object.keys(commands);
    const got = Object.fromEntries(measure(Object.values(commands), runs).map((m, i) => [names[i], m]));
    const report = JSON.parse(got.tfguard.stdout || '{}');
    const total = resourceChanges.get(file);
    const destroyed = report.summary ? report.summary.delete + report.summary.replace : '?';
    if (got.bare && got.bare.code !== 0) got.bare.failed = 'fails (larger than a V8 string)';
    // tfguard and the baselines must agree on what the plan destroys.
    const counts = [got.bare && !got.bare.failed ? got.bare.stdout.trim() : undefined, got.jq?.stdout.trim()].filter(Boolean);
    const agree = counts.every((c) => c === String(destroyed)) ? '' : ` (tfguard counts ${destroyed} destroyed, the baselines ${counts.join('/')}!)`;
    const changes = report.summary ? Object.values(report.summary).reduce((a, x) => a + x, 0) : '?';
    const what = `check, ${size} plan (${total ?? '?'} resource changes, ${changes} that change something, ${destroyed} destroyed), decision ${report.decision ?? `exit ${got.tfguard.code}`}${agree}`;
    if (got.bare) row(what, got.tfguard, got.bare, 'bare JSON.parse + count deletes');
    if (got.jq) row(got.bare ? `check, ${size} plan` : what, got.tfguard, got.jq, 'jq delete count');
    if (!got.bare && !got.jq) row(what, got.tfguard, undefined, '');
    if (mb === Math.max(...SIZES) && mb > 100) {
      const [stdin] = measure(
        [{ cmd: 'sh', args: ['-c', `cat "${file}" | "${process.execPath}" "${bin}" check - --format json >/dev/null`], opts: { cwd: dir } }],
        1,
      );
      row(`check - (stdin), ${size} plan`, stdin, undefined, '');
    }
    rmSync(file, { force: true });
  }
}

function applyRow() {
  const mod = join(dir, 'apply');
  mkdirSync(mod);
  writeFileSync(
    join(mod, 'main.tf'),
    'variable "v" {\n  type = string\n}\nresource "terraform_data" "x" {\n  for_each = toset([for i in range(50) : tostring(i)])\n  input    = var.v\n}\n',
  );
  const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  execFileSync('terraform', ['init', '-input=false'], { cwd: mod, env, stdio: 'ignore' });
  execFileSync('terraform', ['apply', '-auto-approve', '-input=false', '-var', 'v=0'], { cwd: mod, env, stdio: 'ignore' });
  let n = 0;
  const tf = () => ({
    cmd: 'sh',
    args: ['-c', `terraform plan -input=false -out=p.tfplan -var v=${++n} >/dev/null && terraform apply -input=false p.tfplan >/dev/null`],
    opts: { cwd: mod, env },
  });
  const ours = () => ({ cmd: process.execPath, args: [bin, 'apply', '-auto-approve', '-input=false', '-var', `v=${++n}`], opts: { cwd: mod, env } });
  const results = [[], []];
  for (let r = 0; r < RUNS; r++) {
    results[0].push(once(...Object.values(ours())));
    results[1].push(once(...Object.values(tf())));
  }
  const med = (list) => ({ seconds: median(list.map((x) => x.seconds)), rss: Math.max(...list.map((x) => x.rss)), code: list[0].code });
  const [o, t] = results.map(med);
  // An apply that did not apply is no measure of one.
  const exit = (m) => (m.code === 0 ? '' : ` (exit ${m.code}!)`);
  rows.push({
    what: 'tfguard apply, 50-resource safe change',
    tfguard: fmt(o) + exit(o),
    baseline: `terraform plan -out + apply ${fmt(t)}${exit(t)}`,
    ratio: `${(o.seconds / t.seconds).toFixed(2)} (+${(o.seconds - t.seconds).toFixed(2)} s)`,
  });
}

try {
  // As `npm run build` does: tsc, then the bundle bin/tfguard.js runs (scripts/bundle.mjs).
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'inherit' });
  if (build.status !== 0 && !existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('build failed');
  const bundle = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  if (bundle.status !== 0) console.log('the bundle was not built: tfguard runs from dist/src (a slower start)');
  // One run of each command first, as a user's second run: the code cache (bin/tfguard.js) is then written.
  for (const args of [
    ['check', join(root, 'fixtures', 'incident', 'plan.json')],
    ['scan', join(root, 'fixtures', 'incident', 'src')],
  ])
    spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore' });
  console.log(`node ${process.version}, ${cpus().length} cores; load average at start: ${load()}; runs per row: ${RUNS} (1 over 100 MB)`);
  if (!JQ) console.log('jq: not installed (or BENCH_JQ=0): its rows are skipped. apt-get install jq adds them.');

  const small = join(root, 'fixtures', 'incident', 'plan.json');
  const [s, n0] = measure([check(small), { cmd: process.execPath, args: ['-e', '0'] }], Math.max(RUNS, 5));
  row('check, a small plan (the incident, 9 changes)', s, n0, 'node -e 0');

  const base = basePlan();
  plansRows(base);

  const deletes = massDelete(100_000);
  const [d, db] = measure([check(deletes), { cmd: process.execPath, args: [join(perf, 'bare-parse.mjs'), deletes] }], RUNS);
  row(`100,000 instances of one resource deleted (${(statSync(deletes).size / 1e6).toFixed(0)} MB)`, d, db, 'bare JSON.parse');

  const tree = sourceTree();
  const cache = join(dir, 'xdg');
  const scan = (extra = {}) => ({
    cmd: process.execPath,
    args: [bin, 'scan', tree],
    opts: { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: cache, ...extra } },
  });
  const [cold] = measure([scan({ TFGUARD_CACHE: 'off' })], RUNS);
  once(scan().cmd, scan().args, scan().opts);
  const [warm] = measure([scan()], RUNS);
  rows.push({ what: 'scan of 301 .tf files, parse cache off / warm', tfguard: `${fmt(cold)} / ${fmt(warm)}`, baseline: '', ratio: '—' });

  // check --dir: a plan that destroys a block with a provisioner reads the sources. Against the same check of a
  // tree that holds only the files with the blocks it reads (the 101 files with module calls and resources).
  const needed = neededTree(tree);
  const dirPlan = provisionerPlan();
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const off = { env: { ...process.env, TFGUARD_CACHE: 'off' } };
  const [withDir, onlyNeeded, alone] = measure(
    [
      { ...check(dirPlan, ['--dir', tree]), opts: { cwd: dir, ...off } },
      { ...check(dirPlan, ['--dir', needed]), opts: { cwd: dir, ...off } },
      { ...check(dirPlan, ['--dir', empty]), opts: { cwd: dir, ...off } },
    ],
    // The HCL parser's start varies by a tenth of a second from run to run: more runs for a ratio near 1.
    Math.max(RUNS, 7),
  );
  rows.push({
    what: "check --dir of the 301 files (a plan that destroys a provisioner's resource), parse cache off",
    tfguard: fmt(withDir),
    baseline: `check --dir of only the 101 files it needs ${fmt(onlyNeeded)}; the plan alone ${fmt(alone)}`,
    ratio: (withDir.seconds / onlyNeeded.seconds).toFixed(2),
  });

  if (TERRAFORM) applyRow();
  else console.log('terraform: not installed (or BENCH_APPLY=0): the tfguard apply row is skipped.');

  console.log(`load average at end: ${load()}\n`);
  console.log('| what | tfguard | baseline | ratio |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.what} | ${r.tfguard} | ${r.baseline} | ${r.ratio} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
