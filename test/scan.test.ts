/**
 * `tfguard scan`: destroy-time provisioners in every root module, `-auto-approve` outside tfguard in scripts and
 * CI, `prevent_destroy` removed since a git base — on real temp folders and real git repositories, through the
 * functions and through the built CLI as a subprocess.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../src/commands/scan.js';
import { InputError } from '../src/errors.js';
import { findInLine } from '../src/scan/auto-approve.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';
import { writeTree } from './helpers/files.js';
import { expectOneLineError } from './helpers/cli.js';

const BIN = join(ROOT, 'bin', 'tfguard.js');
const INCIDENT_SRC = join(FIXTURES_DIR, 'incident', 'src');
const INCIDENT_TF = readFileSync(join(INCIDENT_SRC, 'main.tf'), 'utf8');

let tmp: string;
let counter = 0;

beforeAll(async () => {
  // dist/ is built once by test/global-setup.ts.
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-scan-test-'));
}, 180_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Writes files into a fresh temp folder and returns its path. */
async function tree(files: Record<string, string>): Promise<string> {
  return writeTree(join(tmp, `t${counter++}`), files);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`not found: ${needle}`);
  return i + 1;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'TFGUARD_TERRAFORM_BIN', 'TFGUARD_DEBUG', 'NODE_OPTIONS']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  env.NO_COLOR = '1';
  return env;
}

function tfguard(args: string[], cwd = ROOT): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: baseEnv(), input: '', encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command in-process: its exit code and the report it printed (stdout captured). */
async function scanJson(
  dir: string,
  opts: { base?: string; failOn?: string; commits?: string; maxCommits?: string } = {},
): Promise<{ code: number; report: any }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  let code: number;
  try {
    code = await scan(dir, { format: 'json', ...opts });
  } finally {
    process.stdout.write = write;
  }
  return { code, report: JSON.parse(chunks.join('')) };
}

async function scanError(dir: string, opts: { base?: string; commits?: string; maxCommits?: string } = {}): Promise<InputError> {
  const error = await scanJson(dir, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=tfguard test', '-c', 'user.email=test@tfguard.invalid', '-c', 'commit.gpgsign=false', '-C', dir, ...args], {
    encoding: 'utf8',
    env: baseEnv(),
  });
}

/** A real git repository holding these files, committed once. */
async function repo(files: Record<string, string>): Promise<string> {
  const dir = await tree(files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

const DB_TF = `resource "terraform_data" "db" {
  input = "data"

  lifecycle {
    prevent_destroy = true
  }
}

resource "terraform_data" "cache" {
  lifecycle {
    prevent_destroy = true
  }
}
`;

describe('destroy-time provisioners', () => {
  it('the incident sources block on talosctl reset, at main.tf and the provisioner line', async () => {
    const { code, report } = await scanJson(INCIDENT_SRC);
    expect(code).toBe(1);
    expect(report.decision).toBe('block');
    expect(report.findings).toHaveLength(1);
    const [f] = report.findings;
    expect(f).toMatchObject({
      rule: 'destroy-provisioner',
      severity: 'block',
      file: 'main.tf',
      line: lineOf(INCIDENT_TF, 'provisioner "local-exec"'),
      addresses: ['terraform_data.cp_reset_on_destroy'],
    });
    expect(f.message).toContain('terraform_data.cp_reset_on_destroy has a destroy-time local-exec provisioner');
    // The raw command, as written, not rendered.
    expect(f.message).toContain('`talosctl reset --nodes ${self.input.node} --graceful=false --reboot`');
    expect(f.message).toContain('DESTRUCTIVE (talosctl reset:');
  });

  it('a harmless destroy provisioner (echo bye) warns: exit 0, and 1 with --fail-on warn', async () => {
    const dir = await tree({
      'main.tf': `resource "terraform_data" "hello" {
  provisioner "local-exec" {
    command = "echo hi"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo bye"
  }
}
`,
    });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(0);
    expect(report.decision).toBe('warn');
    expect(report.findings).toEqual([
      expect.objectContaining({ rule: 'destroy-provisioner', severity: 'warn', file: 'main.tf', line: 5, addresses: ['terraform_data.hello'] }),
    ]);
    expect(report.findings[0].message).toContain('`echo bye`');
    expect((await scanJson(dir, { failOn: 'warn' })).code).toBe(1);
  });

  it('finds every root under DIR; a module called by two roots is reported once, with both addresses', async () => {
    const dir = await tree({
      'envs/prod/main.tf': 'module "node" {\n  source = "../../modules/node"\n}\n',
      'envs/staging/main.tf': 'module "worker" {\n  source = "../../modules/node"\n}\n',
      'modules/node/main.tf': `resource "terraform_data" "reset" {
  provisioner "remote-exec" {
    when   = destroy
    inline = ["kubectl drain node1", "rm -rf /var/lib/etcd"]
  }
}
`,
      'other/removed.tf': `removed {
  from = terraform_data.old
  provisioner "local-exec" {
    when    = destroy
    command = "wipefs -a /dev/sdb"
  }
}

removed {
  from = terraform_data.kept
  lifecycle {
    destroy = false
  }
  provisioner "local-exec" {
    when    = destroy
    command = "wipefs -a /dev/sdc"
  }
}
`,
      // Skipped folders are not read: a broken file there changes nothing.
      'node_modules/pkg/main.tf': 'resource "x" {',
      '.terraform/modules/m/main.tf': 'resource "x" {',
    });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => [f.file, f.line, f.severity, f.addresses])).toEqual([
      ['modules/node/main.tf', 2, 'block', ['module.node.terraform_data.reset', 'module.worker.terraform_data.reset']],
      ['other/removed.tf', 3, 'block', ['terraform_data.old']],
    ]);
    expect(report.findings[0].message).toContain('`kubectl drain node1; rm -rf /var/lib/etcd`');
    expect(report.findings[1].message).toContain('removed block for terraform_data.old');
  });

  it('a .tf file that does not parse is an error naming the file relative to DIR', async () => {
    const dir = await tree({ 'ok/main.tf': 'resource "terraform_data" "a" {}\n', 'bad/main.tf': 'resource "terraform_data" "b" {\n  input = \n}\n' });
    const error = await scanError(dir);
    expect(error.message).toMatch(/^bad\/main\.tf: cannot parse: line 2/);
  });

  it('DIR that is not a directory is an error', async () => {
    expect((await scanError(join(INCIDENT_SRC, 'main.tf'))).message).toContain('not a directory');
    expect((await scanError(join(tmp, 'nope'))).message).toContain('no such directory');
  });
});

describe('-auto-approve outside tfguard', () => {
  it.each([
    ['.github/workflows/deploy.yml', 'jobs:\n  deploy:\n    steps:\n      - run: terraform apply -auto-approve tfplan\n', 4],
    ['Makefile', 'plan:\n\tterraform plan -out=tfplan\n\napply:\n\tterraform apply -auto-approve tfplan\n', 5],
    ['scripts/deploy.sh', '#!/bin/sh\nset -e\nterraform init\nterraform apply \\\n  -input=false \\\n  -auto-approve\n', 6],
    ['bin/deploy', '#!/usr/bin/env bash\ntofu destroy --auto-approve\n', 2],
    ['package.json', JSON.stringify({ name: 'infra', scripts: { test: 'vitest', deploy: 'terraform apply -auto-approve=true' } }, null, 2), 5],
    ['.gitlab-ci.yml', 'deploy:\n  script:\n    - terraform apply -auto-approve\n', 3],
    ['ci/deploy.gitlab-ci.yml', 'deploy:\n  script:\n    - cd envs/prod && terraform apply -auto-approve\n', 3],
    ['.github/workflows/env.yml', 'env:\n  TF_CLI_ARGS_apply: "-auto-approve"\n', 2],
    ['Taskfile.yml', 'tasks:\n  deploy:\n    cmds:\n      - terraform apply -auto-approve\n', 4],
  ])('%s blocks', async (file, content, line) => {
    const dir = await tree({ [file]: content });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(report.findings).toHaveLength(1);
    const [f] = report.findings;
    expect(f).toMatchObject({ rule: 'auto-approve', severity: 'block', file, line });
    expect(f.message).toContain('tfguard apply');
    expect(f).not.toHaveProperty('addresses');
  });

  it('tfguard apply -auto-approve, commented lines, plan and other files: nothing', async () => {
    const dir = await tree({
      Makefile:
        'apply:\n\tnpx tfguard apply -auto-approve\n# terraform apply -auto-approve\n\t# terraform apply -auto-approve\n\t$(TFGUARD) apply -auto-approve\n',
      'deploy.sh':
        '#!/bin/bash\n# old: terraform apply -auto-approve\ntfguard apply -auto-approve tfplan   # tfguard decides\nterraform plan -auto-approve=false\necho done # terraform apply -auto-approve\n',
      '.github/workflows/ci.yml':
        'jobs:\n  a:\n    steps:\n      # - run: terraform apply -auto-approve\n      - run: npx tfguard apply -auto-approve\n      - run: terraform apply -auto-approve=false\n',
      'package.json': JSON.stringify({ description: 'never terraform apply -auto-approve', scripts: { deploy: 'tfguard apply -auto-approve' } }),
      'notes.md': 'terraform apply -auto-approve\n',
      'config.yml': 'run: terraform apply -auto-approve\n',
    });
    const { code, report } = await scanJson(dir);
    expect(report.findings).toEqual([]);
    expect(report.decision).toBe('pass');
    expect(code).toBe(0);
  });

  it('sees one command per segment: tfguard check && terraform apply -auto-approve blocks', () => {
    expect(findInLine('tfguard check plan.json && terraform apply -auto-approve plan')).toHaveLength(1);
    expect(findInLine('terraform -chdir=envs/prod apply -input=false -auto-approve')[0]?.command).toBe(
      'terraform -chdir=envs/prod apply -input=false -auto-approve',
    );
    expect(findInLine('terraform apply -auto-approve=false')).toEqual([]);
    expect(findInLine('npx tfguard apply -auto-approve; terraform destroy -auto-approve')).toHaveLength(1);
  });
});

describe('--base: prevent_destroy removed since a git ref', () => {
  it('a block that lost prevent_destroy, and one deleted with it, block; a move or a forget does not', async () => {
    const dir = await repo({
      'main.tf': 'module "db" {\n  source = "./db"\n}\n',
      'db/main.tf': `${DB_TF}
resource "terraform_data" "moved_away" {
  lifecycle {
    prevent_destroy = true
  }
}

resource "terraform_data" "forgotten" {
  lifecycle {
    prevent_destroy = true
  }
}

resource "terraform_data" "deleted" {
  lifecycle {
    prevent_destroy = true
  }
}
`,
    });
    const before = await scanJson(dir, { base: 'HEAD' });
    expect(before.report.findings).toEqual([]);
    expect(before.code).toBe(0);

    await writeFile(
      join(dir, 'db', 'main.tf'),
      `${DB_TF.replace('prevent_destroy = true', 'prevent_destroy = false')}
removed {
  from = terraform_data.forgotten
  lifecycle {
    destroy = false
  }
}
`,
    );
    await writeFile(join(dir, 'db', 'other.tf'), 'resource "terraform_data" "moved_away" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n');
    const { code, report } = await scanJson(dir, { base: 'HEAD' });
    expect(code).toBe(1);
    expect(report.scan).toEqual({ dir, base: 'HEAD', config: null });
    expect(report.findings.map((f: any) => [f.rule, f.severity, f.file, f.line, f.addresses])).toEqual([
      ['prevent-destroy-removed', 'block', 'db/main.tf', 1, ['module.db.terraform_data.db']],
      ['prevent-destroy-removed', 'block', 'db/main.tf', 27, ['module.db.terraform_data.deleted']],
    ]);
    expect(report.findings[0].message).toContain('terraform_data.db no longer has lifecycle { prevent_destroy = true }');
    expect(report.findings[1].message).toContain('was deleted together with its protection');
  });

  it('a deleted file and a committed change since an older ref count too', async () => {
    const dir = await repo({ 'main.tf': DB_TF, 'keep.tf': 'resource "terraform_data" "x" {}\n' });
    await writeFile(join(dir, 'keep.tf'), 'resource "terraform_data" "y" {}\n');
    git(dir, 'commit', '-q', '-am', 'unrelated');
    await unlink(join(dir, 'main.tf'));
    git(dir, 'commit', '-q', '-am', 'drop the database');
    const { code, report } = await scanJson(dir, { base: 'HEAD~2' });
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => [f.file, f.line, f.addresses])).toEqual([
      ['main.tf', 1, ['terraform_data.db']],
      ['main.tf', 9, ['terraform_data.cache']],
    ]);
    expect((await scanJson(dir, { base: 'HEAD' })).report.findings).toEqual([]);
  });

  it('an unknown ref, or a folder outside git, is an error', async () => {
    const dir = await repo({ 'main.tf': DB_TF });
    expect((await scanError(dir, { base: 'no-such-branch' })).message).toContain('--base no-such-branch: git cannot resolve it');
    const outside = await mkdtemp(join(tmpdir(), 'tfguard-nogit-'));
    try {
      expect((await scanError(outside, { base: 'HEAD' })).message).toContain('not in a git repository');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

const RESET = (name: string, command = 'talosctl reset --nodes 10.0.0.1 --graceful=false') => `resource "terraform_data" "${name}" {
  provisioner "local-exec" {
    when    = destroy
    command = "${command}"
  }
}
`;

/** Commits FILES (relative path → content, null deletes) in DIR; returns the commit's sha. */
async function commitFiles(dir: string, message: string, files: Record<string, string | null>): Promise<string> {
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) git(dir, 'rm', '-q', rel);
    else await writeTree(dir, { [rel]: text });
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

const short = (dir: string, sha: string) => git(dir, 'rev-parse', '--short', sha).trim();

describe('--commits: what each commit of a range adds', () => {
  it('a finding a later commit removes is reported at the commit that holds it; one still in DIR once, with the commit that added it', async () => {
    const dir = await repo({ 'main.tf': 'resource "terraform_data" "a" {}\n' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    const added = await commitFiles(dir, 'reset on destroy', { 'reset.tf': RESET('r') });
    // Held by two commits (at another line in the second): reported once, at the first.
    await commitFiles(dir, 'reset, moved down', { 'reset.tf': `\n\n${RESET('r')}` });
    await commitFiles(dir, 'no reset', { 'reset.tf': null });
    const kept = await commitFiles(dir, 'deploy', { 'ci/deploy.sh': '#!/bin/sh\nterraform apply -auto-approve\n' });
    await commitFiles(dir, 'deploy, edited', { 'ci/deploy.sh': '#!/bin/sh\n# deploy\nterraform apply -auto-approve\n' });
    const { code, report } = await scanJson(dir, { commits: `${base}..HEAD` });
    expect(code).toBe(1);
    expect(report.scan).toEqual({ dir, base: null, commits: { range: `${base}..HEAD`, count: 5 }, config: null });
    expect(report.findings.map((f: any) => [f.rule, f.file, f.line, f.commit?.short, f.commit?.subject, f.only_in_commit])).toEqual([
      ['auto-approve', 'ci/deploy.sh', 3, short(dir, kept), 'deploy', undefined],
      ['destroy-provisioner', 'reset.tf', 2, short(dir, added), 'reset on destroy', true],
    ]);
    expect(report.findings[1].commit.sha).toBe(added);
    // Without --commits, only DIR: the removed provisioner is not seen.
    expect((await scanJson(dir)).report.findings.map((f: any) => f.rule)).toEqual(['auto-approve']);
  });

  it('what the base already has is not added by the range, nor blocks when the range removes it in two steps', async () => {
    const dir = await repo({ 'reset.tf': RESET('r'), 'keep.tf': RESET('k', 'echo bye') });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    await commitFiles(dir, 'touch the reset file', { 'reset.tf': `# owned by the platform team\n${RESET('r')}` });
    await commitFiles(dir, 'drop the reset', { 'reset.tf': null });
    await commitFiles(dir, 'touch keep', { 'keep.tf': `${RESET('k', 'echo bye')}\n# edited\n` });
    const { code, report } = await scanJson(dir, { commits: `${base}..HEAD` });
    expect(code).toBe(0);
    expect(report.findings.map((f: any) => [f.file, f.severity, f.commit])).toEqual([['keep.tf', 'warn', undefined]]);
  });

  it('a merge: what it adds in files that differ from every parent (an evil merge) is found', async () => {
    const dir = await repo({ 'main.tf': 'resource "terraform_data" "a" {\n  input = "v1"\n}\n' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'checkout', '-q', '-b', 'side');
    await commitFiles(dir, 'side', { 'main.tf': 'resource "terraform_data" "a" {\n  input = "side"\n}\n' });
    git(dir, 'checkout', '-q', '-');
    await commitFiles(dir, 'ours', { 'main.tf': 'resource "terraform_data" "a" {\n  input = "ours"\n}\n' });
    git(dir, 'merge', '-q', '-s', 'ours', '--no-commit', 'side');
    const merge = await commitFiles(dir, 'merge side', { 'main.tf': `resource "terraform_data" "a" {\n  input = "both"\n}\n${RESET('r')}` });
    await commitFiles(dir, 'clean up', { 'main.tf': 'resource "terraform_data" "a" {\n  input = "both"\n}\n' });
    const { code, report } = await scanJson(dir, { commits: `${base}..HEAD` });
    expect(code).toBe(1);
    expect(report.scan.commits.count).toBe(4);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      rule: 'destroy-provisioner',
      file: 'main.tf',
      line: 5,
      commit: { sha: merge, subject: 'merge side' },
      only_in_commit: true,
    });
  });

  it('a module reads under the addresses DIR gives it, so that a finding in DIR and in a commit is one', async () => {
    const dir = await repo({ 'envs/prod/main.tf': 'module "node" {\n  source = "../../modules/node"\n}\n', 'modules/node/main.tf': '' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    const added = await commitFiles(dir, 'reset', { 'modules/node/reset.tf': RESET('reset') });
    await commitFiles(dir, 'reset, reformatted', { 'modules/node/reset.tf': `\n${RESET('reset')}` });
    const { report } = await scanJson(dir, { commits: `${base}..HEAD` });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      file: 'modules/node/reset.tf',
      line: 3,
      addresses: ['module.node.terraform_data.reset'],
      commit: { sha: added },
    });
    expect(report.findings[0]).not.toHaveProperty('only_in_commit');
  });

  it('DIR in a subfolder: paths relative to it, files outside it not read', async () => {
    const dir = await repo({ 'infra/main.tf': '', 'other/main.tf': '' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    await commitFiles(dir, 'both', { 'infra/reset.tf': RESET('r'), 'other/reset.tf': RESET('o') });
    await commitFiles(dir, 'none', { 'infra/reset.tf': null, 'other/reset.tf': null });
    const { report } = await scanJson(join(dir, 'infra'), { commits: `${base}..HEAD` });
    expect(report.findings.map((f: any) => [f.file, f.addresses])).toEqual([['reset.tf', ['terraform_data.r']]]);
  });

  it('TIP alone: the commits that no remote-tracking ref has', async () => {
    const dir = await repo({ 'reset.tf': RESET('old') });
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    const added = await commitFiles(dir, 'new reset', { 'reset.tf': null, 'new.tf': RESET('new') });
    await commitFiles(dir, 'no reset', { 'new.tf': null });
    const { report } = await scanJson(dir, { commits: 'HEAD' });
    expect(report.scan.commits).toEqual({ range: 'HEAD', count: 2 });
    expect(report.findings.map((f: any) => [f.file, f.commit.sha])).toEqual([['new.tf', added]]);
  });

  it('a .tf that does not parse in a commit is an error naming the commit', async () => {
    const dir = await repo({ 'main.tf': '' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    const broken = await commitFiles(dir, 'wip', { 'main.tf': 'resource "terraform_data" "a" {\n' });
    await commitFiles(dir, 'fixed', { 'main.tf': 'resource "terraform_data" "a" {}\n' });
    const error = await scanError(dir, { commits: `${base}..HEAD` });
    expect(error.message).toMatch(new RegExp(`^in commit ${short(dir, broken)} "wip": main\\.tf: cannot parse`));
  });

  it('more commits than --max-commits (or TFGUARD_MAX_COMMITS) is an error, never a pass', async () => {
    const dir = await repo({ 'main.tf': '' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    for (let i = 0; i < 3; i++) await commitFiles(dir, `c${i}`, { [`v${i}.tf`]: `variable "v${i}" {}\n` });
    const error = await scanError(dir, { commits: `${base}..HEAD`, maxCommits: '2' });
    expect(error.message).toContain(`--commits ${base}..HEAD: 3 commits to scan, more than the limit of 2`);
    expect((await scanJson(dir, { commits: `${base}..HEAD`, maxCommits: '3' })).code).toBe(0);
  });

  it('through the CLI: one-line errors for ranges git must not read as options, unknown refs and bad limits', async () => {
    const dir = await repo({ 'main.tf': '' });
    expectOneLineError(tfguard(['scan', dir, '--commits', '--output=x..HEAD']), '--commits "--output=x": not a git ref');
    expectOneLineError(tfguard(['scan', dir, '--commits', 'HEAD..-x']), 'not a git ref');
    expectOneLineError(tfguard(['scan', dir, '--commits', 'HEAD...HEAD']), 'give BASE..TIP or TIP');
    expectOneLineError(tfguard(['scan', dir, '--commits', 'nope..HEAD']), '--commits nope: git cannot resolve it');
    expectOneLineError(tfguard(['scan', dir, '--commits', 'HEAD', '--max-commits', '0']), '--max-commits "0"');
    expectOneLineError(tfguard(['scan', dir, '--max-commits', '5']), '--max-commits bounds --commits, which is not given');
    const outside = await mkdtemp(join(tmpdir(), 'tfguard-nogit-'));
    try {
      expectOneLineError(tfguard(['scan', outside, '--commits', 'HEAD']), 'not in a git repository, so the commits of HEAD cannot be read');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    const text = tfguard(['scan', dir, '--commits', 'HEAD']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Scanned 1 commit of HEAD one by one: 1 changed file read.');
  });
});

describe('the built CLI', () => {
  it('scan on the incident exits 1 and says where', () => {
    const run = tfguard(['scan', 'fixtures/incident/src']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('BLOCK  destroy-provisioner');
    expect(run.stdout).toContain(`    at main.tf:${lineOf(INCIDENT_TF, 'provisioner "local-exec"')}`);
    expect(run.stdout).toContain('BLOCKED:');
    expect(run.stdout).not.toContain('\u001b');
  });

  it('DIR defaults to the current directory; --format json prints one object', () => {
    const run = tfguard(['scan', '--format', 'json'], INCIDENT_SRC);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['tool', 'version', 'scan', 'decision', 'findings', 'notes', 'waived', 'expired_waivers']);
    expect(report).toMatchObject({ tool: 'tfguard', version: '0.1.0', scan: { dir: '.', base: null, config: null }, decision: 'block' });
    expect(Object.keys(report.findings[0])).toEqual(['rule', 'severity', 'message', 'file', 'line', 'addresses']);
  });

  it('auto-approve in a workflow blocks; --fail-on never exits 0; --output writes the report', async () => {
    const dir = await tree({ '.github/workflows/deploy.yml': 'jobs:\n  a:\n    steps:\n      - run: terraform apply -auto-approve\n' });
    const run = tfguard(['scan', dir]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('BLOCK  auto-approve');
    expect(run.stdout).toContain('    at .github/workflows/deploy.yml:4');
    expect(tfguard(['scan', dir, '--fail-on', 'never']).code).toBe(0);
    const out = join(dir, 'report.json');
    const toFile = tfguard(['scan', dir, '--format', 'json', '--output', out]);
    expect(toFile.code).toBe(1);
    expect(toFile.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).findings[0]).toMatchObject({ rule: 'auto-approve', line: 4 });
  });

  it('a clean tree passes', async () => {
    const dir = await tree({ 'main.tf': 'resource "terraform_data" "a" {}\n', 'deploy.sh': '#!/bin/sh\nnpx tfguard apply\n' });
    const run = tfguard(['scan', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('PASS: no rule fired.');
  });

  it('--base HEAD in a real repository blocks on a removed prevent_destroy', async () => {
    const dir = await repo({ 'main.tf': DB_TF });
    await writeFile(join(dir, 'main.tf'), DB_TF.replace('prevent_destroy = true', 'prevent_destroy = false'));
    const run = tfguard(['scan', '--base', 'HEAD'], dir);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('BLOCK  prevent-destroy-removed');
    expect(run.stdout).toContain('    at main.tf:1');
    const json = JSON.parse(tfguard(['scan', dir, '--base', 'HEAD', '--format', 'json']).stdout);
    expect(json.scan).toEqual({ dir, base: 'HEAD', config: null });
    expect(json.findings.map((f: any) => f.addresses)).toEqual([['terraform_data.db']]);
  });

  it('errors exit 2 with one line: unknown ref, outside git, broken .tf, not a directory', async () => {
    const dir = await repo({ 'main.tf': DB_TF });
    expectOneLineError(tfguard(['scan', dir, '--base', 'nope']), '--base nope', 'cannot resolve');
    const outside = await mkdtemp(join(tmpdir(), 'tfguard-nogit-'));
    try {
      expectOneLineError(tfguard(['scan', outside, '--base', 'HEAD']), 'not in a git repository');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    const broken = await tree({ 'stack/main.tf': 'resource "terraform_data" "a" {\n  input = \n}\n' });
    expectOneLineError(tfguard(['scan', broken]), 'stack/main.tf: cannot parse');
    expectOneLineError(tfguard(['scan', join(INCIDENT_SRC, 'main.tf')]), 'not a directory');
    expect(tfguard(['scan', dir, '--format', 'xml']).code).toBe(2);
  });
});
