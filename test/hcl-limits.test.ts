/**
 * What reading the sources may cost, and how the HCL parser may fail: a `.tf` file past the size limit is
 * refused before it is read (a 50 MB file made the parser's WebAssembly run out of memory after a minute and
 * 3.4 GB, and tfguard exit 13 with a Go stack trace); any failure of the parser itself is one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_HCL_FILE_BYTES, hclFileLimit, HCL_LIMIT_ENV } from '../src/hcl/limits.js';
import { ParserFailure, workerParser } from '../src/hcl/parser.js';
import { BIN, cliEnv, expectOneLineError, tfguard } from './helpers/cli.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-hcl-limits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const INCIDENT_TF = readFileSync(join(FIXTURES_DIR, 'incident', 'src', 'main.tf'), 'utf8');

/** A root module whose main.tf is the incident's, padded with comments to `bytes`. */
function module(name: string, bytes: number, extra: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const pad = Math.max(0, bytes - Buffer.byteLength(INCIDENT_TF));
  const line = `# ${'x'.repeat(77)}\n`;
  writeFileSync(join(dir, 'main.tf'), INCIDENT_TF + line.repeat(Math.ceil(pad / line.length)));
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

describe('the size limit of a .tf file', () => {
  const big = module('big', DEFAULT_HCL_FILE_BYTES + 1024 * 1024);

  it('scan refuses a file past the default 4 MiB before parsing it: exit 2, one line, how to raise it', () => {
    expectOneLineError(tfguard(['scan', big]), 'main.tf: 5 MiB, larger than the 4 MiB limit', HCL_LIMIT_ENV);
  });

  it('check refuses it too when it needs the sources (the plan destroys resources with provisioners)', () => {
    const run = tfguard(['check', join(FIXTURES_DIR, 'incident', 'plan.json'), '--dir', big]);
    expectOneLineError(run, 'larger than the 4 MiB limit', '"limits": { "tf_file_mb": N }');
  });

  it('"limits": { "tf_file_mb" } in .tfguard.json sets it for check; the environment variable wins', () => {
    const dir = module('configured', 20 * 1024, { '.tfguard.json': JSON.stringify({ limits: { tf_file_mb: 0.01 } }) });
    const plan = join(FIXTURES_DIR, 'incident', 'plan.json');
    expectOneLineError(tfguard(['check', plan, '--dir', dir]), '21 KiB, larger than the 11 KiB limit');
    expect(tfguard(['check', plan, '--dir', dir], { env: { [HCL_LIMIT_ENV]: '1' } }).code).toBe(1); // read, and blocked
    expectOneLineError(tfguard(['check', plan, '--dir', dir], { env: { [HCL_LIMIT_ENV]: 'lots' } }), `${HCL_LIMIT_ENV}=lots`);
    const typo = module('typo', 1024, { '.tfguard.json': JSON.stringify({ limits: { tf_file_mb: -1 } }) });
    expectOneLineError(tfguard(['check', plan, '--dir', typo]), 'limits.tf_file_mb');
  });

  it('hclFileLimit: environment, then config, then the default', () => {
    expect(hclFileLimit(undefined, {})).toBe(DEFAULT_HCL_FILE_BYTES);
    expect(hclFileLimit(2, {})).toBe(2 * 1024 * 1024);
    expect(hclFileLimit(2, { [HCL_LIMIT_ENV]: '0.5' })).toBe(512 * 1024);
    expect(() => hclFileLimit(2, { [HCL_LIMIT_ENV]: '0' })).toThrow(/greater than 0/);
  });
});

describe('a parser that fails is one line and exit 2', () => {
  it('WebAssembly that cannot start (a memory limit): one line, exit 2 (it was a stack trace and exit 1)', () => {
    const dir = module('small', 0);
    // 2 GB of address space: Node starts; the parser's WebAssembly memory cannot be reserved.
    const r = spawnSync('sh', ['-c', `ulimit -v 2000000 && exec "${process.execPath}" "${BIN}" scan "${dir}"`], {
      cwd: ROOT,
      // Without the parse cache: a file parsed before would not need the parser at all.
      env: cliEnv({ TFGUARD_CACHE: 'off' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expectOneLineError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 'main.tf: cannot be read: the HCL parser failed', 'Wasm memory');
  });

  /** A stand-in for hcl2json that dies the way Go's runtime does: the trace on fd 2, then no answer ever. */
  function fakeParser(body: string): string {
    const file = join(tmp, `fake-${Math.random().toString(36).slice(2)}.cjs`);
    writeFileSync(file, `exports.parse = async (name, text) => { ${body} };\n`);
    return file;
  }

  it('a Go runtime crash (fatal error on fd 2, then silence) rejects every pending parse with its first line', async () => {
    const parse = workerParser(
      fakeParser(
        `require('fs').writeSync(2, 'runtime: out of memory: cannot allocate 4194304-byte block\\nfatal error: out of memory\\n\\ngoroutine 1 [running]:\\n'); return new Promise(() => {});`,
      ),
    );
    const both = await Promise.allSettled([parse('a.tf', 'x'), parse('b.tf', 'y')]);
    for (const r of both) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(ParserFailure);
      expect(reason.message).toBe('the HCL parser failed (runtime: out of memory: cannot allocate 4194304-byte block)');
    }
    await expect(parse('c.tf', 'z')).rejects.toBeInstanceOf(ParserFailure);
  });

  it('a parser that throws, or whose module cannot load, fails closed; a syntax error stays a per-file error', async () => {
    await expect(workerParser(fakeParser(`throw new Error('parse config: [a.tf:1,1-2: bad]');`))('a.tf', 'x')).rejects.toThrow('parse config');
    await expect(workerParser(join(tmp, 'no-such-module.cjs'))('a.tf', 'x')).rejects.toBeInstanceOf(ParserFailure);
    await expect(workerParser(fakeParser(`process.exit(3);`))('a.tf', 'x')).rejects.toThrow(/exited with code 3/);
  });

  it('the real parser answers, and the process exits when it is idle', () => {
    const r = spawnSync(process.execPath, [BIN, 'scan', module('exits', 0)], { cwd: ROOT, env: cliEnv(), encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('talosctl reset');
  });
});
