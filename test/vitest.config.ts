import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // The CLI tests run the built binary: build once, before any test file runs.
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 60_000,
    // Tests that run the CLI several times as subprocesses; a loaded 2-core machine is slow, never wrong.
    testTimeout: 30_000,
  },
});
