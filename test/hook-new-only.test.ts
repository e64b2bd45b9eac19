/**
 * A hook people keep enabled: once the remote (or HEAD) holds a destructive destroy-time provisioner or an
 * `-auto-approve`, a later push or commit that does not touch it goes through, with what was already there shown
 * as notes. What the push or commit adds or changes still blocks: a new or changed destroy-time provisioner, a new
 * `-auto-approve`, `prevent_destroy` removed. A reviewed provisioner can be waived next to it (tfguard:allow).
 * A plain `tfguard scan` still reports everything. Real repositories with a bare remote; git runs the hooks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
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
  setup,
  tfguard,
  WORKFLOW,
  write,
} from './helpers/git-repo.js';

const T = 120_000;
afterAll(removeScratch);

const README = '# infra\n';
const ALLOW = '# tfguard:allow destroy-provisioner reason="decommission script, reviewed CHG-12" expires=2099-03-31\n';

/** A repository whose remote already holds the incident's reset helper and a workflow with -auto-approve. */
function legacy() {
  return setup({ 'main.tf': INITIAL_TF, 'reset.tf': DESTRUCTIVE_TF, '.github/workflows/deploy.yml': WORKFLOW });
}

describe('pre-push: what the remote already has is a note', () => {
  it(
    'a README change goes through; the existing provisioner and -auto-approve are shown as notes',
    () => {
      const { remote, clone } = legacy();
      install(clone);
      write(clone, 'README.md', README);
      const head = commit(clone, 'docs');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Already there before this change (2');
      expect(r.stderr).toMatch(/NOTE\s+destroy-provisioner \(block if it were new\)/);
      expect(r.stderr).toMatch(/NOTE\s+auto-approve/);
      expect(r.stderr).toContain('PASS: nothing this change adds fired');
      expect(remoteRef(remote)).toBe(head);
      // A plain scan of the same tree still reports all of it.
      const plain = tfguard(['scan', clone]);
      expect(plain.code).toBe(1);
      expect(plain.stdout).toContain('BLOCK  destroy-provisioner');
      expect(plain.stdout).not.toContain('NOTE');
    },
    T,
  );

  it(
    'a changed destroy-time command blocks, and names the commit that changed it',
    () => {
      const { remote, clone, base } = legacy();
      install(clone);
      write(clone, 'reset.tf', DESTRUCTIVE_TF.replace('--reboot', '--reboot --wipe-mode all'));
      const head = commit(clone, 'wipe everything');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('--wipe-mode all');
      expect(r.stderr).toContain(`added by ${git(clone, 'rev-parse', '--short', head)} "wipe everything"`);
      expect(r.stderr).toMatch(/NOTE\s+auto-approve/);
    },
    T,
  );

  it(
    'a second -auto-approve blocks while the first stays a note',
    () => {
      const { remote, clone, base } = legacy();
      install(clone);
      write(clone, 'deploy.sh', '#!/bin/sh\nterraform apply -auto-approve\n');
      commit(clone, 'deploy script');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('deploy.sh:2');
      expect(r.stderr).toMatch(/NOTE\s+auto-approve/);
    },
    T,
  );

  it(
    'prevent_destroy removed blocks',
    () => {
      const { remote, clone, base } = setup({ 'main.tf': INITIAL_TF, 'reset.tf': DESTRUCTIVE_TF, 'db.tf': DB_TF });
      install(clone);
      write(clone, 'db.tf', DB_TF.replace('prevent_destroy = true', 'prevent_destroy = false'));
      commit(clone, 'unprotect');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expectRefusedPush(r, remote, 'main', base);
      expect(r.stderr).toContain('prevent-destroy-removed');
    },
    T,
  );

  it(
    'a tfguard:allow comment added above the reviewed block lets the push through, and scan agrees',
    () => {
      const { remote, clone } = setup();
      install(clone);
      write(clone, 'reset.tf', ALLOW + DESTRUCTIVE_TF);
      const head = commit(clone, 'reset helper, reviewed');
      const r = gitRun(clone, ['push', 'origin', 'main']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('by tfguard:allow at reset.tf:1: decommission script, reviewed CHG-12 (until 2099-03-31)');
      expect(remoteRef(remote)).toBe(head);
      expect(tfguard(['scan', clone]).code).toBe(0);
    },
    T,
  );
});

describe('pre-commit: what HEAD already has is a note', () => {
  it(
    'a commit that does not touch the provisioner goes through; one that adds another is refused',
    () => {
      const { clone } = legacy();
      install(clone, '--hook', 'pre-commit');
      write(clone, 'README.md', README);
      git(clone, 'add', '-A');
      const ok = gitRun(clone, ['commit', '-m', 'docs']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toMatch(/NOTE\s+destroy-provisioner/);
      expect(ok.stderr).toContain('PASS: nothing this change adds fired');

      const before = git(clone, 'rev-parse', 'HEAD');
      write(clone, 'more.tf', DESTRUCTIVE_TF.replace('cp_reset_on_destroy', 'worker_reset'));
      git(clone, 'add', '-A');
      const refused = gitRun(clone, ['commit', '-m', 'reset workers too']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('tfguard: commit refused');
      expect(refused.stderr).toContain('terraform_data.worker_reset');
      expect(refused.stderr).toContain('"the staged changes"');
      expect(git(clone, 'rev-parse', 'HEAD')).toBe(before);
    },
    T,
  );
});
