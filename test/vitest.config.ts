import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` (npm test) is the everyday loop: rules, reports, the loader and the CLI run as a
 * subprocess on fixtures, a few minutes on a 2-core machine. `e2e` (npm run test:e2e) is what only a whole
 * system proves: npm pack and install, real git repositories with a bare remote and their hooks, real
 * `terraform apply` runs (signals, runbooks, staged rollouts), re-plans of generated HCL. CI (.ci/run) runs both.
 * A new test file that drives terraform apply, git pushes or npm installs belongs in E2E.
 */
export const E2E = [
  'test/install.test.ts',
  'test/hook.test.ts',
  'test/hook-new-only.test.ts',
  'test/apply.test.ts',
  'test/apply-staged.test.ts',
  'test/apply-runbook.test.ts',
  'test/apply-targeted.test.ts',
  'test/apply-terraform-flags.test.ts',
  'test/apply-destroy.test.ts',
  'test/advice-replan.test.ts',
  'test/ci-templates.test.ts',
];

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    // The CLI tests run the built binary: build once, before any test file runs.
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 60_000,
    // Tests that run the CLI several times as subprocesses; a loaded 2-core machine is slow, never wrong.
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
