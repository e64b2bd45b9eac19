/**
 * Small things a new user trips on: `tfguard check -` on a terminal says what it waits for; `tfguard log`
 * before any apply says there is nothing yet (exit 0), unless the log was named and is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, tfguard } from './helpers/cli.js';
import { hasScript, NO_SCRIPT, ptyTfguard } from './helpers/workspace.js';

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-first-use-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tfguard check - on a terminal', () => {
  it.skipIf(!hasScript)(
    `says it is reading a plan from standard input${hasScript ? '' : ` [skipped: ${NO_SCRIPT}]`}`,
    async () => {
      const pty = ptyTfguard(['check', '-'], { cwd: tmp });
      await pty.waitFor(/reading a plan from standard input/);
      pty.type('\x04'); // end of input: an empty plan
      const { code, output } = await pty.done;
      expect(code, output).toBe(2);
      expect(output).toContain('is empty');
    },
    30_000,
  );

  it('piped, it says nothing but the report', () => {
    const run = tfguard(['check', '-'], { input: '' });
    expectOneLineError(run, 'empty');
    expect(run.stderr).not.toContain('reading a plan');
  });
});

describe('tfguard log before any apply', () => {
  it('says no decisions are recorded yet, and exits 0 (JSON: [])', () => {
    const text = tfguard(['log', '--dir', tmp]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`No decisions recorded yet: tfguard apply writes them to ${join(tmp, '.tfguard', 'audit.jsonl')}.\n`);
    const json = tfguard(['log', '--dir', tmp, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('a log named with --audit-log that does not exist is still an error (a typo is not "nothing happened")', () => {
    expectOneLineError(tfguard(['log', '--dir', tmp, '--audit-log', 'audit.jsnol']), 'no such audit log');
  });
});
