/**
 * `tfguard hook`: the pre-push and pre-commit hooks on REAL git repositories in temp folders, each with a local
 * bare remote. The hook is installed by the built CLI as a subprocess and run by git itself (`git push`,
 * `git commit`); there is no global tfguard, so the hook must find this checkout through the path recorded at
 * install time.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookScript, isTfguardHook, MARKER, recordedRunner } from '../src/hook/script.js';
import { expectOneLineError } from './helpers/cli.js';
import { ROOT } from './helpers/env.js';
import {
  BIN,
  commit,
  DB_TF,
  DESTRUCTIVE_TF,
  expectRefusedPush,
  git,
  gitRun,
  install,
  INITIAL_TF,
  remoteRef,
  removeScratch,
  run,
  type Run,
  scratch,
  setup,
  tfguard,
  VARIABLE_TF,
  WORKFLOW,
  write,
} from './helpers/git-repo.js';

const T = 90_000;

let tmp: string;
let counter = 0;

beforeAll(() => {
  tmp = scratch();
});

afterAll(removeScratch);

describe('tfguard hook install (pre-push)', () => {
  it(
    'writes an executable sh script with the marker that runs this checkout with this node',
    () => {
      const { clone } = setup();
      const r = install(clone);
      expect(r.stdout).toContain('installed the pre-push hook in .git/hooks/pre-push');
      expect(r.stdout).toContain('git push --no-verify');
      const file = join(clone, '.git', 'hooks', 'pre-push');
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('#!/bin/sh\n')).toBe(true);
      expect(text.split('\n')[1]).toBe(MARKER);
      expect(isTfguardHook(text)).toBe(true);
      expect(recordedRunner(text)).toEqual({ node: process.execPath, cli: realpathSync(BIN) });
      expect(statSync(file).mode & 0o777).toBe(0o755);
      // POSIX sh: dash (or whatever /bin/sh is) parses it.
      expect(run('sh', ['-n', file], clone).code).toBe(0);

      const status = tfguard(['hook', 'status', '--dir', clone]);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('hooks folder: .git/hooks');
      expect(status.stdout).toMatch(/pre-push\s+tfguard \(runs .*bin\/tfguard\.js\)/);
      expect(status.stdout).toMatch(/pre-commit\s+not installed/);
    },
    T,
  );

  it(
    'refuses a push that adds a destroy-time talosctl reset; the remote ref is unchanged; --no-verify bypasses',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      const head = commit(clone, 'reset nodes on destroy');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('destroy-provisioner');
      expect(r.stderr).toContain('talosctl reset --nodes ${self.input.node}');
      expect(r.stderr).toContain('at reset.tf:4');
      expect(r.stderr).toContain(`added by ${git(clone, 'rev-parse', '--short', head)} "reset nodes on destroy"`);
      // The bypass the hook names works, and is a deliberate act.
      expect(gitRun(clone, ['push', '--no-verify', 'origin', 'main']).code).toBe(0);
      expect(remoteRef(remote)).toBe(head);
    },
    T,
  );

  it(
    'refuses a push that adds terraform apply -auto-approve to a GitHub workflow',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      write(clone, '.github/workflows/deploy.yml', WORKFLOW);
      commit(clone, 'deploy on push');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('auto-approve');
      expect(r.stderr).toContain('.github/workflows/deploy.yml:9');
    },
    T,
  );

  it(
    'lets a harmless push through (a new variable)',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      write(clone, 'variables.tf', VARIABLE_TF);
      const head = commit(clone, 'add a variable');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`changes since ${base.slice(0, 7)}`);
      expect(r.stderr).toContain('PASS');
      expect(remoteRef(remote)).toBe(head);
    },
    T,
  );

  it(
    'refuses a push that removes prevent_destroy (--base is what the remote has)',
    () => {
      const { remote, clone, base } = setup({ 'main.tf': INITIAL_TF, 'db.tf': DB_TF });
      install(clone);
      write(clone, 'db.tf', DB_TF.replace('prevent_destroy = true', 'prevent_destroy = false'));
      commit(clone, 'unprotect the database');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('prevent-destroy-removed');
      expect(r.stderr).toContain('terraform_data.db no longer has lifecycle { prevent_destroy = true }');
    },
    T,
  );

  it(
    'a new branch (remote sha all zeros) is compared with the merge-base of the default branch',
    () => {
      const { remote, clone, base } = setup({ 'main.tf': INITIAL_TF, 'db.tf': DB_TF });
      install(clone);
      git(clone, 'checkout', '-q', '-b', 'feature');
      write(clone, 'variables.tf', VARIABLE_TF);
      const feature = commit(clone, 'add a variable');
      const ok = gitRun(clone, ['push', '-u', 'origin', 'feature']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain(`changes since ${base.slice(0, 7)}`);
      expect(remoteRef(remote, 'feature')).toBe(feature);

      // Another new branch that deletes the protected block: only a base can tell, and the merge-base is it.
      git(clone, 'checkout', '-q', '-b', 'drop-db', 'main');
      rmSync(join(clone, 'db.tf'));
      commit(clone, 'drop the database');
      const refused = gitRun(clone, ['push', 'origin', 'drop-db']);
      expectRefusedPush(refused, remote, 'drop-db', undefined);
      expect(refused.stderr).toContain('was deleted together with its protection');
    },
    T,
  );

  it(
    'a new branch with no default branch to compare with is scanned without a base',
    () => {
      const { remote, clone } = setup();
      install(clone);
      // An orphan history, pushed to a remote without a main: no merge-base can be found.
      const other = join(dirname(clone), 'other.git');
      git(dirname(clone), 'init', '-q', '--bare', other);
      git(clone, 'remote', 'add', 'other', other);
      write(clone, 'variables.tf', VARIABLE_TF);
      commit(clone, 'variable');
      const ok = gitRun(clone, ['push', 'other', 'main:fresh']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('(new, no base to compare with)');
      expect(remoteRef(other, 'fresh')).toBe(git(clone, 'rev-parse', 'HEAD'));

      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      commit(clone, 'reset');
      const refused = gitRun(clone, ['push', 'other', 'main:fresh2']);
      expectRefusedPush(refused, other, 'fresh2', undefined);
      expect(remoteRef(remote, 'fresh2')).toBeUndefined();
    },
    T,
  );

  it(
    'scans what is pushed, not the working tree: another branch, and uncommitted edits',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      // A destructive commit on a branch that is not checked out.
      git(clone, 'checkout', '-q', '-b', 'feature');
      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      commit(clone, 'reset');
      git(clone, 'checkout', '-q', 'main');
      expect(existsSync(join(clone, 'reset.tf'))).toBe(false);
      const refused = gitRun(clone, ['push', 'origin', 'feature:main']);
      expectRefusedPush(refused, remote, 'main', base);

      // A destructive edit that is not committed does not block a harmless push.
      write(clone, 'variables.tf', VARIABLE_TF);
      const head = commit(clone, 'variable');
      write(clone, 'scratch.tf', DESTRUCTIVE_TF);
      const ok = gitRun(clone, ['push', 'origin', 'main']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(remoteRef(remote)).toBe(head);
      // The working tree and the index are as they were.
      expect(git(clone, 'status', '--porcelain')).toBe('?? scratch.tf');
    },
    T,
  );

  it(
    'skips deletions; scans each pushed ref',
    () => {
      const { remote, clone } = setup();
      git(clone, 'push', '-q', 'origin', 'main:old');
      install(clone);
      const del = gitRun(clone, ['push', 'origin', '--delete', 'old']);
      expect(del.code, del.stderr).toBe(0);
      expect(remoteRef(remote, 'old')).toBeUndefined();
      expect(del.stderr).not.toContain('scanning');

      // Two refs in one push: one harmless, one not: the whole push is refused (git pushes all or nothing here).
      git(clone, 'checkout', '-q', '-b', 'good');
      write(clone, 'variables.tf', VARIABLE_TF);
      commit(clone, 'variable');
      git(clone, 'checkout', '-q', '-b', 'bad', 'main');
      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      commit(clone, 'reset');
      const r = gitRun(clone, ['push', 'origin', 'good', 'bad']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('scanning refs/heads/good');
      expect(r.stderr).toContain('scanning refs/heads/bad');
      expect(remoteRef(remote, 'good')).toBeUndefined();
      expect(remoteRef(remote, 'bad')).toBeUndefined();
    },
    T,
  );

  it(
    'fails closed: a .tf that does not parse refuses the push as an error',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      write(clone, 'broken.tf', 'resource "terraform_data" "x" {\n');
      commit(clone, 'broken');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('tfguard: could not check this push');
      expect(r.stderr).toContain('git push --no-verify');
      expect(remoteRef(remote)).toBe(base);
    },
    T,
  );

  it(
    'falls back to tfguard on PATH when the recorded CLI is gone, and refuses when there is none',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      const file = join(clone, '.git', 'hooks', 'pre-push');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^TFGUARD_CLI=.*$/m, "TFGUARD_CLI='/nonexistent/bin/tfguard.js'"));
      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      commit(clone, 'reset');

      // A tfguard on PATH (a wrapper that leaves a trace, then runs this checkout).
      const bin = join(dirname(clone), 'bin');
      const trace = join(dirname(clone), 'trace');
      write(bin, 'tfguard', `#!/bin/sh\necho "$@" >> '${trace}'\nexec '${process.execPath}' '${BIN}' "$@"\n`);
      chmodSync(join(bin, 'tfguard'), 0o755);
      const viaPath = gitRun(clone, ['push', 'origin', 'main'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
      expectRefusedPush(viaPath, remote, 'main', base);
      expect(readFileSync(trace, 'utf8')).toMatch(/^scan \. --new-only --base ([0-9a-f]{7,}) --commits \1\.\.[0-9a-f]{7,}$/m);

      // No tfguard anywhere (and no node or npx): refused, with one line saying so.
      const bare = join(dirname(clone), 'bare-bin');
      mkdirSync(bare);
      for (const tool of ['git', 'sh', 'mktemp', 'rm', 'mkdir', 'cp', 'cat']) {
        const found = run('sh', ['-c', `command -v ${tool}`], clone).stdout.trim();
        if (found) symlinkSync(found, join(bare, tool));
      }
      const none = gitRun(clone, ['push', 'origin', 'main'], { PATH: bare });
      expect(none.code).not.toBe(0);
      expect(none.stderr).toContain('tfguard cannot be found');
      expect(none.stderr).toContain('git push --no-verify');
      expect(remoteRef(remote)).toBe(base);
    },
    T,
  );
});

/** The short sha and subject of a commit, as the hook names it. */
function named(dir: string, sha: string): { short: string; subject: string } {
  return { short: git(dir, 'rev-parse', '--short', sha), subject: git(dir, 'log', '-1', '--format=%s', sha) };
}

const RESET_TF = `resource "terraform_data" "r" {
  provisioner "local-exec" {
    when    = destroy
    command = "talosctl reset --nodes 10.0.0.1 --graceful=false"
  }
}
`;

/** A commit that adds REL and the next one that removes it; returns the first. */
function addThenRemove(clone: string, rel: string, text: string, subject: string): string {
  write(clone, rel, text);
  const first = commit(clone, subject);
  rmSync(join(clone, rel.split('/')[0]!), { recursive: true });
  commit(clone, `undo: ${subject}`);
  return first;
}

const OUTPUT_TF = 'output "workers" {\n  value = var.workers\n}\n';

/** One commit per step, each writing its files; returns the last commit. */
function commitSteps(clone: string, steps: [subject: string, rel: string, text: string][]): string {
  let head = '';
  for (const [subject, rel, text] of steps) {
    write(clone, rel, text);
    head = commit(clone, subject);
  }
  return head;
}

describe('pre-push scans every pushed commit, not only the tip', () => {
  it(
    'a commit that adds a destructive provisioner and a later one that removes it: refused, naming the commit',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      const first = addThenRemove(clone, 'reset.tf', RESET_TF, 'reset the node on destroy');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('destroy-provisioner');
      expect(r.stderr).toContain('talosctl reset --nodes 10.0.0.1 --graceful=false');
      const { short, subject } = named(clone, first);
      expect(r.stderr).toContain(`at reset.tf:2 in ${short} "${subject}"`);
      // The remote has neither commit: the first one never lands.
      expect(gitRun(remote, ['cat-file', '-e', `${first}^{commit}`]).code).not.toBe(0);
    },
    T,
  );

  it(
    'a harmless push of several commits passes, and a finding still in the tip is shown once, with the commit that added it',
    () => {
      const { remote, clone } = setup();
      install(clone);
      const head = commitSteps(clone, [
        ['a variable', 'variables.tf', VARIABLE_TF],
        ['four workers', 'variables.tf', VARIABLE_TF.replace('default = 3', 'default = 4')],
        ['an output', 'outputs.tf', OUTPUT_TF],
      ]);
      const ok = gitRun(clone, ['push', 'origin', 'main']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('PASS');
      expect(ok.stderr).toContain('3 commits');
      expect(remoteRef(remote)).toBe(head);

      write(clone, 'reset.tf', RESET_TF);
      const added = commit(clone, 'reset on destroy');
      write(clone, 'reset.tf', `${RESET_TF}\n# edited\n`);
      commit(clone, 'edit the reset file');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', head);
      expect(r.stderr.match(/BLOCK {2}destroy-provisioner/g)).toHaveLength(1);
      const { short, subject } = named(clone, added);
      expect(r.stderr).toContain(`added by ${short} "${subject}"`);
    },
    T,
  );

  it(
    'a new branch of several commits is scanned commit by commit from the merge-base',
    () => {
      const { remote, clone } = setup();
      install(clone);
      git(clone, 'checkout', '-q', '-b', 'feature');
      const first = addThenRemove(clone, '.github/workflows/deploy.yml', WORKFLOW, 'deploy on push');
      write(clone, 'variables.tf', VARIABLE_TF);
      commit(clone, 'a variable');
      const r = gitRun(clone, ['push', 'origin', 'feature']);
      expectRefusedPush(r, remote, 'feature', undefined);
      const { short, subject } = named(clone, first);
      expect(r.stderr).toContain(`at .github/workflows/deploy.yml:9 in ${short} "${subject}"`);

      // The same branch without the bad commit passes.
      git(clone, 'checkout', '-q', '-b', 'clean', 'main');
      const head = commitSteps(clone, [
        ['a variable', 'variables.tf', VARIABLE_TF],
        ['an output', 'outputs.tf', OUTPUT_TF],
      ]);
      const ok = gitRun(clone, ['push', 'origin', 'clean']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('2 commits');
      expect(remoteRef(remote, 'clean')).toBe(head);
    },
    T,
  );

  it(
    'a new branch with no base: every commit no remote-tracking ref has',
    () => {
      const { clone } = setup();
      install(clone);
      const other = join(dirname(clone), 'other.git');
      git(dirname(clone), 'init', '-q', '--bare', other);
      git(clone, 'remote', 'add', 'other', other);
      const first = addThenRemove(clone, 'reset.tf', RESET_TF, 'reset on destroy');
      const r = gitRun(clone, ['push', 'other', 'main:fresh']);
      expectRefusedPush(r, other, 'fresh', undefined);
      const { short, subject } = named(clone, first);
      expect(r.stderr).toContain(`in ${short} "${subject}"`);
    },
    T,
  );

  it(
    'more commits than TFGUARD_MAX_COMMITS: refused with a message, never a silent pass',
    () => {
      const { remote, clone, base } = setup();
      install(clone);
      commitSteps(
        clone,
        [1, 2, 3].map((i) => [`variable ${i}`, `v${i}.tf`, `variable "v${i}" {}\n`]),
      );
      const r = gitRun(clone, ['push', 'origin', 'main'], { TFGUARD_MAX_COMMITS: '2' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('3 commits');
      expect(r.stderr).toContain('TFGUARD_MAX_COMMITS');
      expect(r.stderr).toContain('tfguard: could not check this push');
      expect(remoteRef(remote)).toBe(base);
      const ok = gitRun(clone, ['push', 'origin', 'main'], { TFGUARD_MAX_COMMITS: '3' });
      expect(ok.code, ok.stderr).toBe(0);
    },
    T,
  );

  it(
    'a file outside the sparse checkout is scanned as pushed',
    () => {
      const { remote, clone, base } = setup({ 'app/main.tf': INITIAL_TF, 'nodes/main.tf': INITIAL_TF });
      install(clone);
      write(clone, 'nodes/reset.tf', RESET_TF);
      commit(clone, 'reset on destroy');
      git(clone, 'sparse-checkout', 'set', 'app');
      expect(existsSync(join(clone, 'nodes'))).toBe(false);
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('at nodes/reset.tf:2');
    },
    T,
  );
});

describe('where hooks live', () => {
  it(
    'respects a relative core.hooksPath (relative to the top), installing from a subdirectory',
    () => {
      const { remote, clone, base } = setup();
      git(clone, 'config', 'core.hooksPath', '.githooks');
      mkdirSync(join(clone, 'envs', 'prod'), { recursive: true });
      const r = install(join(clone, 'envs', 'prod'));
      expect(r.stdout).toContain('.githooks/pre-push');
      expect(existsSync(join(clone, '.githooks', 'pre-push'))).toBe(true);
      expect(existsSync(join(clone, '.git', 'hooks', 'pre-push'))).toBe(false);
      expect(tfguard(['hook', 'status', '--dir', clone]).stdout).toContain('hooks folder: .githooks (core.hooksPath = .githooks)');

      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      commit(clone, 'reset');
      expectRefusedPush(gitRun(clone, ['push', 'origin', 'main']), remote, 'main', base);
    },
    T,
  );

  it(
    'respects an absolute core.hooksPath, creating the folder',
    () => {
      const { remote, clone, base } = setup();
      const shared = join(dirname(clone), 'shared-hooks');
      git(clone, 'config', 'core.hooksPath', shared);
      install(clone);
      expect(isTfguardHook(readFileSync(join(shared, 'pre-push'), 'utf8'))).toBe(true);
      write(clone, '.github/workflows/deploy.yml', WORKFLOW);
      commit(clone, 'deploy');
      expectRefusedPush(gitRun(clone, ['push', 'origin', 'main']), remote, 'main', base);
    },
    T,
  );

  it(
    'a linked worktree shares the main repository hooks',
    () => {
      const { remote, clone } = setup();
      const wt = join(dirname(clone), 'wt');
      git(clone, 'worktree', 'add', '-q', '-b', 'wt-branch', wt);
      const r = install(wt);
      expect(existsSync(join(clone, '.git', 'hooks', 'pre-push'))).toBe(true);
      expect(r.stdout).toContain(join(clone, '.git', 'hooks', 'pre-push'));
      write(wt, 'reset.tf', DESTRUCTIVE_TF);
      commit(wt, 'reset');
      expectRefusedPush(gitRun(wt, ['push', 'origin', 'wt-branch']), remote, 'wt-branch', undefined);
    },
    T,
  );

  it(
    'outside a git repository: exit 2, one line',
    () => {
      const dir = join(tmp, `plain${counter++}`);
      mkdirSync(dir);
      expectOneLineError(tfguard(['hook', 'install', '--dir', dir]), 'not in a git repository');
      expectOneLineError(tfguard(['hook', 'install', '--dir', join(dir, 'missing')]), 'no such directory');
      const usage = tfguard(['hook', 'install', '--hook', 'post-commit', '--dir', dir]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('post-commit');
    },
    T,
  );
});

describe('someone else’s hook', () => {
  const FOREIGN = "#!/bin/sh\n# the team's own checks\necho foreign-hook-ran >&2\nexit 0\n";

  function withForeignHook(): { clone: string; remote: string; base: string; file: string } {
    const s = setup();
    const file = join(s.clone, '.git', 'hooks', 'pre-push');
    writeFileSync(file, FOREIGN);
    chmodSync(file, 0o755);
    return { ...s, file };
  }

  it(
    'is not overwritten without --force (exit 2, one line, untouched)',
    () => {
      const { clone, file } = withForeignHook();
      const r = tfguard(['hook', 'install', '--dir', clone]);
      expectOneLineError(r, '.git/hooks/pre-push already exists and is not tfguard', '--force');
      expect(readFileSync(file, 'utf8')).toBe(FOREIGN);
      expect(readdirSync(dirname(file)).filter((n) => n.includes('tfguard'))).toEqual([]);
      expect(tfguard(['hook', 'status', '--dir', clone]).stdout).toMatch(/pre-push\s+another hook, not tfguard's/);
    },
    T,
  );

  it(
    'is backed up with --force, reinstalling leaves the backup alone, and uninstall puts it back',
    () => {
      const { remote, clone, base, file } = withForeignHook();
      const forced = install(clone, '--force');
      expect(forced.stdout).toContain('moved the existing pre-push hook to .git/hooks/pre-push.tfguard-backup');
      const backup = `${file}.tfguard-backup`;
      expect(readFileSync(backup, 'utf8')).toBe(FOREIGN);
      expect(isTfguardHook(readFileSync(file, 'utf8'))).toBe(true);
      expect(tfguard(['hook', 'status', '--dir', clone]).stdout).toContain('backup kept: .git/hooks/pre-push.tfguard-backup');

      // Over its own hook: replaced silently, no second backup.
      const again = install(clone, '--force');
      expect(again.stdout).not.toContain('moved');
      expect(again.stdout).toContain('reinstalled');
      expect(readdirSync(dirname(file)).filter((n) => n.startsWith('pre-push') && !n.endsWith('.sample'))).toEqual(['pre-push', 'pre-push.tfguard-backup']);

      // The tfguard hook is the one that runs now.
      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      commit(clone, 'reset');
      expectRefusedPush(gitRun(clone, ['push', 'origin', 'main']), remote, 'main', base);

      const removed = tfguard(['hook', 'uninstall', '--dir', clone]);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toContain('put back .git/hooks/pre-push.tfguard-backup');
      expect(readFileSync(file, 'utf8')).toBe(FOREIGN);
      expect(statSync(file).mode & 0o777).toBe(0o755);
      expect(existsSync(backup)).toBe(false);
      // The team's hook runs again, and tfguard no longer does.
      const pushed = gitRun(clone, ['push', 'origin', 'main']);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stderr).toContain('foreign-hook-ran');
    },
    T,
  );

  it(
    'a backup that exists already is kept: the next one is .tfguard-backup.1, and uninstall restores the newest',
    () => {
      const { clone, file } = withForeignHook();
      writeFileSync(`${file}.tfguard-backup`, '#!/bin/sh\n# an older one\n');
      const forced = install(clone, '--force');
      expect(forced.stdout).toContain('.git/hooks/pre-push.tfguard-backup.1');
      expect(readFileSync(`${file}.tfguard-backup.1`, 'utf8')).toBe(FOREIGN);
      expect(tfguard(['hook', 'uninstall', '--dir', clone]).code).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(FOREIGN);
      expect(readFileSync(`${file}.tfguard-backup`, 'utf8')).toBe('#!/bin/sh\n# an older one\n');
      expect(existsSync(`${file}.tfguard-backup.1`)).toBe(false);
    },
    T,
  );

  it(
    'uninstall refuses to remove a hook that is not tfguard’s (exit 2, one line, nothing removed)',
    () => {
      const { clone, file } = withForeignHook();
      expectOneLineError(tfguard(['hook', 'uninstall', '--dir', clone]), 'not tfguard', 'nothing was removed');
      expect(readFileSync(file, 'utf8')).toBe(FOREIGN);
    },
    T,
  );

  it(
    'uninstall without a backup removes the hook; with no hook it has nothing to do',
    () => {
      const { clone } = setup();
      install(clone);
      const first = tfguard(['hook', 'uninstall', '--dir', clone]);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("removed tfguard's pre-push hook from .git/hooks/pre-push");
      expect(existsSync(join(clone, '.git', 'hooks', 'pre-push'))).toBe(false);
      const second = tfguard(['hook', 'uninstall', '--dir', clone]);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('nothing to remove');
    },
    T,
  );
});

describe('tfguard hook install --hook pre-commit', () => {
  function expectRefusedCommit(r: Run, clone: string, head: string): void {
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toContain('BLOCKED');
    expect(r.stderr).toContain('tfguard: commit refused');
    expect(r.stderr).toContain('git commit --no-verify');
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(head);
  }

  it(
    'refuses a commit that adds a destructive provisioner; lets a harmless one through',
    () => {
      const { clone, base } = setup();
      const r = install(clone, '--hook', 'pre-commit');
      expect(r.stdout).toContain('installed the pre-commit hook in .git/hooks/pre-commit');
      expect(existsSync(join(clone, '.git', 'hooks', 'pre-push'))).toBe(false);

      write(clone, 'reset.tf', DESTRUCTIVE_TF);
      git(clone, 'add', 'reset.tf');
      const refused = gitRun(clone, ['commit', '-m', 'reset']);
      expectRefusedCommit(refused, clone, base);
      expect(refused.stderr).toContain('talosctl reset');
      // The refused change is still staged: nothing was lost.
      expect(git(clone, 'status', '--porcelain')).toBe('A  reset.tf');

      // Unstaged, the destructive file is not part of the commit: a harmless staged change goes through.
      git(clone, 'reset', '-q');
      write(clone, 'variables.tf', VARIABLE_TF);
      git(clone, 'add', 'variables.tf');
      const ok = gitRun(clone, ['commit', '-m', 'variable']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('against HEAD');
      expect(git(clone, 'status', '--porcelain')).toBe('?? reset.tf');
    },
    T,
  );

  it(
    'git commit -a (its own index) and a prevent_destroy removed since HEAD are refused',
    () => {
      const { clone, base } = setup({ 'main.tf': INITIAL_TF, 'db.tf': DB_TF });
      install(clone, '--hook', 'pre-commit');
      write(clone, 'main.tf', INITIAL_TF + DESTRUCTIVE_TF);
      expectRefusedCommit(gitRun(clone, ['commit', '-a', '-m', 'reset']), clone, base);
      git(clone, 'checkout', '-q', '--', 'main.tf');

      write(clone, 'db.tf', '');
      const r = gitRun(clone, ['commit', '-a', '-m', 'drop the database']);
      expectRefusedCommit(r, clone, base);
      expect(r.stderr).toContain('prevent-destroy-removed');
    },
    T,
  );

  it(
    'a staged file outside the sparse checkout (skip-worktree) is scanned: refused',
    () => {
      const { clone, base } = setup({ 'app/main.tf': INITIAL_TF, 'nodes/main.tf': INITIAL_TF });
      git(clone, 'sparse-checkout', 'set', 'app');
      install(clone, '--hook', 'pre-commit');
      // Staged outside the sparse set (as `git cherry-pick -n` of such a change does): in the index with the
      // skip-worktree bit, not on disk.
      const outside = join(dirname(clone), 'reset.tf');
      writeFileSync(outside, RESET_TF);
      const blob = git(clone, 'hash-object', '-w', outside);
      git(clone, 'update-index', '--add', '--cacheinfo', `100644,${blob},nodes/reset.tf`);
      git(clone, 'update-index', '--skip-worktree', 'nodes/reset.tf');
      expect(git(clone, 'ls-files', '-v', 'nodes/reset.tf')).toBe('S nodes/reset.tf');
      expect(existsSync(join(clone, 'nodes', 'reset.tf'))).toBe(false);
      const r = gitRun(clone, ['commit', '-m', 'reset']);
      expectRefusedCommit(r, clone, base);
      expect(r.stderr).toContain('at nodes/reset.tf:2');
    },
    T,
  );

  it(
    'the first commit of a new repository (no HEAD) is scanned too',
    () => {
      const dir = join(tmp, `fresh${counter++}`);
      mkdirSync(dir);
      git(dir, 'init', '-q');
      install(dir, '--hook', 'pre-commit');
      write(dir, 'reset.tf', DESTRUCTIVE_TF);
      git(dir, 'add', '-A');
      const r = gitRun(dir, ['commit', '-m', 'first']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('tfguard: commit refused');
      expect(gitRun(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']).code).not.toBe(0);
    },
    T,
  );
});

describe('the script', () => {
  it('records paths with spaces and quotes so that sh reads them back', () => {
    const runner = { node: '/opt/my node/bin/node', cli: "/home/o'brien/tfguard $HOME/bin/tfguard.js" };
    for (const hook of ['pre-push', 'pre-commit'] as const) {
      const text = hookScript(hook, runner);
      expect(recordedRunner(text)).toEqual(runner);
      const file = join(tmp, `script-${hook}`);
      writeFileSync(
        file,
        `${text
          .split('\n')
          .filter((l) => /^TFGUARD_(NODE|CLI)=/.test(l))
          .join('\n')}\nprintf '%s\\n' "$TFGUARD_NODE" "$TFGUARD_CLI"\n`,
      );
      expect(run('sh', [file], tmp).stdout).toBe(`${runner.node}\n${runner.cli}\n`);
      writeFileSync(file, text);
      expect(run('sh', ['-n', file], tmp).code).toBe(0);
    }
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('declares tfguard-scan for the pre-commit framework', () => {
    const text = readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    expect(text).toMatch(/^- id: tfguard-scan$/m);
    expect(text).toMatch(/^ {2}entry: tfguard scan$/m);
    expect(text).toMatch(/^ {2}language: node$/m);
    expect(text).toMatch(/^ {2}pass_filenames: false$/m);
    expect(text).toMatch(/^ {2}always_run: true$/m);
    expect(text).toMatch(/^ {2}stages: \[pre-commit, pre-push\]$/m);
    expect(text).toMatch(/^ {2}minimum_pre_commit_version: '3\.2\.0'$/m);
  });
});
