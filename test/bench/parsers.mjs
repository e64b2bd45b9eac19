#!/usr/bin/env node
// How fast can a plan's resource_changes be read? tfguard's validating byte scanner (src/plan/scanner.ts, the
// elements found in WebAssembly and JSON.parse'd a run of small ones at a time, as the plan loader reads them) beside a bare JSON.parse of the whole file and maintained
// streaming JSON parsers from npm, each in its own process, each counting the elements and the deletes in them.
//
//   node test/bench/parsers.mjs PLAN.json            (default: a 50 MB plan scaled from ../shared/perf)
//
// The npm parsers are not dependencies of tfguard: they are installed into a temp folder outside the repository
// (npm install --prefix), or taken from PARSERS_DIR (a folder with their node_modules). Env: BENCH_RUNS (3).
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(import.meta.dirname, '..', '..');
const PARSERS = { 'stream-json': '3', '@streamparser/json': '0.0', jsonparse: '1' };

/** Each reader: resolves to [elements, deletes]. */
const readers = {
  async 'tfguard scanner'(file) {
    const { JsonScanner, SKIP } = await import(pathToFileURL(join(root, 'dist', 'src', 'plan', 'scanner.js')).href);
    let count = 0;
    let deletes = 0;
    // Every element whole, as CAPTURE takes it: a cut of nothing (`each` lets the scanner read runs of them).
    const whole = { cut: new Map() };
    const changes = {
      each: whole,
      enter: () => whole,
      capture: (_i, rc) => {
        count++;
        if (rc.change.actions.includes('delete')) deletes++;
      },
    };
    const scanner = new JsonScanner({ start: () => ({ enter: (key) => (key === 'resource_changes' ? changes : SKIP), capture() {} }), end() {} }, (text) =>
      JSON.parse(text),
    );
    for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 })) scanner.feed(chunk);
    scanner.finish();
    return [count, deletes];
  },
  async 'JSON.parse (whole file)'(file) {
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    return [plan.resource_changes.length, plan.resource_changes.filter((rc) => rc.change.actions.includes('delete')).length];
  },
  async 'stream-json'(file, req) {
    const { parser } = await import(pathToFileURL(req.resolve('stream-json')).href);
    const { pick } = await import(pathToFileURL(req.resolve('stream-json/filters/pick.js')).href);
    const { streamArray } = await import(pathToFileURL(req.resolve('stream-json/streamers/stream-array.js')).href);
    const chain = (await import(pathToFileURL(req.resolve('stream-chain')).href)).default;
    let count = 0;
    let deletes = 0;
    const pipeline = chain([createReadStream(file), parser(), pick({ filter: 'resource_changes' }), streamArray()]);
    pipeline.on('data', ({ value }) => {
      count++;
      if (value.change.actions.includes('delete')) deletes++;
    });
    await new Promise((resolve, reject) => pipeline.on('end', resolve).on('error', reject));
    return [count, deletes];
  },
  async '@streamparser/json'(file, req) {
    const { JSONParser } = req('@streamparser/json');
    let count = 0;
    let deletes = 0;
    const parser = new JSONParser({ paths: ['$.resource_changes.*'], keepStack: false });
    parser.onValue = ({ value }) => {
      count++;
      if (value.change.actions.includes('delete')) deletes++;
    };
    for await (const chunk of createReadStream(file)) parser.write(chunk);
    return [count, deletes];
  },
  async jsonparse(file, req) {
    const Parser = req('jsonparse');
    const parser = new Parser();
    let count = 0;
    let deletes = 0;
    parser.onValue = function (value) {
      if (this.stack.length === 2 && this.stack[1].key === 'resource_changes') {
        count++;
        if (value.change.actions.includes('delete')) deletes++;
        delete this.value[this.key]; // what was read is not kept
      }
    };
    for await (const chunk of createReadStream(file)) parser.write(chunk);
    return [count, deletes];
  },
};

if (process.argv[2] === '--one') {
  const [, , , name, file, dir] = process.argv;
  const req = createRequire(join(dir || root, 'package.json'));
  const [count, deletes] = await readers[name](file, req);
  console.log(`${count} ${deletes}`);
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-parsers-'));
try {
  let file = process.argv[2];
  if (!file) {
    const base = join(tmp, 'base.json');
    writeFileSync(base, gunzipSync(readFileSync(join(root, '..', 'shared', 'perf', 'base-plan.json.gz'))));
    file = join(tmp, 'plan-50mb.json');
    execFileSync('python3', [join(root, '..', 'shared', 'perf', 'scale-plan.py'), base, file, '--mb', '50'], { stdio: 'ignore' });
  }
  let dir = process.env.PARSERS_DIR;
  if (!dir) {
    dir = join(tmp, 'parsers');
    const specs = Object.entries(PARSERS).map(([name, major]) => `${name}@${major}`);
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--silent', ...specs], { stdio: 'inherit' });
  }
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const time = existsSync('/usr/bin/time');
  console.log(
    `${file}: ${(readFileSync(file).length / 1e6).toFixed(0)} MB; node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('| reader | resource_changes, deletes | time (median) | peak RSS |\n|---|---|---|---|');
  for (const name of Object.keys(readers)) {
    const pkg = Object.keys(PARSERS).find((p) => p === name);
    if (pkg && !version(pkg)) continue;
    const times = [];
    let rss = 0;
    let said = '';
    for (let r = 0; r < runs; r++) {
      const args = ['--one', name, file, dir];
      const cmd = time ? ['/usr/bin/time', ['-f', '%M', process.execPath, process.argv[1], ...args]] : [process.execPath, [process.argv[1], ...args]];
      const start = process.hrtime.bigint();
      const res = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', maxBuffer: 1 << 26 });
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
      if (res.status !== 0) throw new Error(`${name}: ${res.stderr}`);
      said = res.stdout.trim();
      if (time) rss = Math.max(rss, Number(res.stderr.trim().split('\n').pop()) / 1024);
    }
    times.sort((a, b) => a - b);
    const label = pkg ? `${name} ${version(pkg)}` : name;
    console.log(`| ${label} | ${said.replace(' ', ', ')} | ${times[Math.floor(times.length / 2)].toFixed(2)} s | ${time ? `${rss.toFixed(0)} MiB` : '?'} |`);
  }
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
