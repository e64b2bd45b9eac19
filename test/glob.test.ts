/**
 * Address globs: the documented semantics, and matching that stays linear however the pattern is written (a
 * `*?*?...` protect glob used to make the regex engine behind it run for minutes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addressMatcher, compileGlob, globProblem, MAX_ALTERNATIVES, MAX_GLOB_LENGTH, nameMatcher } from '../src/engine/glob.js';
import { expectOneLineError, json, tfguard } from './helpers/cli.js';
import { FIXTURES_DIR } from './helpers/env.js';

describe('glob semantics', () => {
  it.each([
    ['*', 'module.a["x"].aws_instance.b[0]', true],
    ['module.database.*', 'module.database.aws_db_instance.main', true],
    ['module.database.*', 'module.database["eu"].aws_db_instance.main', false],
    ['module.database*', 'module.database["eu"].aws_db_instance.main', true],
    ['aws_instance.web[?]', 'aws_instance.web[0]', true],
    ['aws_instance.web[?]', 'aws_instance.web[10]', false],
    ['a?c', 'a/c', true],
    ['a?c', 'a😀c', true],
    ['aws_{instance,db_instance}.*', 'aws_db_instance.main', true],
    ['aws_{instance,db_instance}.*', 'aws_s3_bucket.main', false],
    ['x.{a,b{1,2}}', 'x.b2', true],
    ['x.{a,b{1,2}}', 'x.b', false],
    ['x.{a}', 'x.{a}', true],
    ['x.{a,b', 'x.{a,b', true],
    ['x.\\*', 'x.*', true],
    ['x.\\*', 'x.y', false],
    ['**.main', 'module.a.aws_db_instance.main', true],
    ['*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', true],
    ['*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
    ['', '', true],
    ['', 'a', false],
  ])('%s on %s: %s', (glob, text, expected) => {
    expect(compileGlob(glob)(text)).toBe(expected);
  });

  it('matches the resource address of an instance too', () => {
    expect(addressMatcher(['aws_s3_bucket.backups'])('aws_s3_bucket.backups["x"]')).toBe(true);
    expect(nameMatcher(['aws_s3_bucket.backups'])('aws_s3_bucket.backups["x"]')).toBe(false);
  });

  it('refuses a pattern past the limits, and says why', () => {
    expect(globProblem('a'.repeat(MAX_GLOB_LENGTH + 1))).toContain(`longer than ${MAX_GLOB_LENGTH} characters`);
    expect(globProblem('{a,b}'.repeat(9))).toContain(`more than ${MAX_ALTERNATIVES} patterns`);
    expect(globProblem('{a,b}'.repeat(8))).toBeUndefined();
    expect(globProblem('*?'.repeat(400))).toBeUndefined();
  });
});

describe('a pathological protect glob', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tfguard-glob-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const plan = join(FIXTURES_DIR, 'incident', 'plan.json');
  const src = join(FIXTURES_DIR, 'incident', 'src');

  function withConfig(config: unknown): string {
    const dir = mkdtempSync(join(tmp, 'cfg-'));
    writeFileSync(join(dir, '.tfguard.json'), JSON.stringify(config));
    return join(dir, '.tfguard.json');
  }

  it('`*?` fifty times is matched at once (it ran for minutes): protected-resource fires where it should', () => {
    const config = withConfig({ protect: [`${'*?'.repeat(50)}x`, `${'*?'.repeat(10)}powder*`] });
    const run = tfguard(['check', plan, '--dir', src, '--config', config, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const protectedFinding = json(run).findings.find((f: any) => f.rule === 'protected-resource');
    expect(protectedFinding.addresses).toEqual(['terraform_data.cp_reset_on_destroy["powder"]']);
  });

  it('a glob past the limits is a config error naming where it is (exit 2)', () => {
    expectOneLineError(
      tfguard(['check', plan, '--dir', src, '--config', withConfig({ protect: ['ok.*', '{a,b}'.repeat(9)] })]),
      'protect[1]',
      'more than 256 patterns',
    );
    const waiver = { rule: 'blast-radius', address: 'x'.repeat(1001), reason: 'r', expires: '2099-01-01' };
    expectOneLineError(
      tfguard(['check', plan, '--dir', src, '--config', withConfig({ waivers: [waiver] })]),
      'waivers[0].address',
      'longer than 1000 characters',
    );
    expectOneLineError(tfguard(['check', plan, '--dir', src, '--config', withConfig({ rules: { 'blast-radius': { nodes: ['{a,b}'.repeat(9)] } } })]), 'nodes');
  });

  it('apply refuses such a glob in --expect and --allow before anything runs', () => {
    expectOneLineError(
      tfguard(['apply', '--expect', '{a,b}'.repeat(9), '--terraform-bin', join(tmp, 'none')], { cwd: tmp }),
      '--expect',
      'more than 256 patterns',
    );
    expectOneLineError(
      tfguard(['apply', '--allow', `blast-radius=${'x'.repeat(1001)}`, '--reason', 'r', '--terraform-bin', join(tmp, 'none')], { cwd: tmp }),
      '--allow',
      'longer than',
    );
  });
});
