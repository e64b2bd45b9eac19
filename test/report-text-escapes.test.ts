/**
 * Forged output: a real plan (test/helpers/forged.ts) whose for_each keys, `self.input` values, attribute values,
 * variable, `.tf` file name and config hold ESC sequences (OSC 0 retitles the window, CSI 2J clears the screen),
 * CR/LF with a fake `PASS: no rule fired.` line, BEL, backspace, DEL, C1 controls and bidi overrides. Everything
 * tfguard prints for a person — check's and apply's text report, the apply prompt, scan's text report, `tfguard
 * log`, one-line errors — shows them as escapes (`\u001b`, `\r`, `\n`, ...): no control byte but the line ends of
 * tfguard's own lines, no C1, no invisible format character, no verdict line that tfguard did not write. The JSON
 * outputs keep the exact values, with every such character as a JSON escape.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../src/apply/prompt.js';
import { escapeControls, escapeControlsDeep, jsonText } from '../src/report/escape.js';
import { expectOneLineError, json, tfguard, type Run } from './helpers/cli.js';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { FORGED_FILE, FORGED_REASON, forgedConfig, makeForged, type Forged } from './helpers/forged.js';
import { baseEnv, BIN, copyWorkspace, freshDir, hasScript, NO_SCRIPT, SCRIPT, scratchDir, shq } from './helpers/workspace.js';

const NO_TF = NO_TERRAFORM.replace('saved binary plan tests', 'forged-output tests on a real plan');
const title = (text: string, ...needs: [boolean, string][]) => {
  const missing = needs.filter(([ok]) => !ok).map(([, why]) => why);
  return missing.length === 0 ? text : `${text} [skipped: ${missing.join('; ')}]`;
};
const TF: [boolean, string] = [hasTerraform, NO_TF];
const PTY: [boolean, string] = [hasScript, NO_SCRIPT];

/** What a terminal acts on: C0 controls but LF, DEL, C1 controls. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;
/** What it does not show: bidi overrides and isolates, zero-width characters, separators, tags (Unicode Cf). */
const INVISIBLE = /[\p{Cf}\u2028\u2029]/gu;
/** tfguard's own colors (src/report/style.ts): the only escapes it may write. */
const OWN_COLORS = /\u001b\[(?:1|2|22|31|32|33|39)m/g;

/** The output holds no control or invisible character: the offending ones are listed, with the output. */
function expectInert(text: string, what: string): void {
  const found = [...text.matchAll(CONTROL), ...text.matchAll(INVISIBLE)].map((m) => `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')}`);
  expect(found, `${what} holds raw control or invisible characters:\n${text}`).toEqual([]);
}

/** Every line that reads as a verdict (PASS, BLOCK, WARN at its start). */
function verdictLines(text: string): string[] {
  return text.split('\n').filter((l) => /^(PASS|BLOCK|WARN)/.test(l));
}

// The forged values, as tfguard must show them (escaped) in text.
const SHOWN = {
  /** self.input.node inside the destroy-time command, and the each.key after it. */
  command: String.raw`talosctl reset --nodes 10.0.0.1\u001b[2J\u001b[H\r\nPASS: no rule fired.\n --graceful=false --reboot # cp1\u001b]0;pwned\u0007\r\nPASS: no rule fired.\n`,
  /** An attribute value in the causal chain, before → after. */
  chain: String.raw`which changes input.node: 10.0.0.1\u001b[2J\u001b[H\r\nPASS: no rule fired.\n.lan → 10.0.0.1\u001b[2J\u001b[H\r\nPASS: no rule fired.\n.lan\r\nPASS: no rule fired.\n\u001b]0;pwned\u0007 @org/admins #123 \u202e`,
  /** A replace path, before → after. */
  replacePath: String.raw`triggers_replace: lan → lan\r\nPASS: no rule fired.\n\u001b]0;pwned\u0007 @org/admins #123 \u202e`,
  /** C1, backspace, DEL and a zero-width space in a value. */
  c1: String.raw`10.0.0.2\u009b31m\b\u007f\u200b`,
  /** The file that declares wipe_disk. */
  file: String.raw`x\u0085\u001b]0;pwned\u0007\r\nPASS: no rule fired.tf:2`,
  reason: String.raw`CHG-1\u001b]0;pwned\u0007\u009b2J\r\nPASS: no rule fired.`,
};

let forged: Forged;
let scratch: string;

beforeAll(() => {
  if (!hasTerraform) return;
  forged = makeForged();
  scratch = freshDir('forged-out');
});

describe.skipIf(!hasTerraform)('check on the forged plan', () => {
  let config: string;
  /** The plan under a name that is forged too: the report's first line shows it. */
  let planPath: string;
  let text: Run;

  beforeAll(() => {
    config = join(scratch, 'tfguard.json');
    writeFileSync(config, forgedConfig());
    planPath = join(scratch, 'plan\u001b]0;pwned\u0007\r\nPASS: no rule fired.json');
    copyFileSync(forged.planJson, planPath);
    text = tfguard(['check', planPath, '--dir', forged.dir, '--config', config]);
  });

  it(title('--format text: no value from the plan, the sources or the config reaches the terminal raw', TF), () => {
    expect(text.code, text.stderr).toBe(1);
    expectInert(text.stdout, 'the text report');
    expectInert(text.stderr, 'stderr');
  });

  it(title("--format text: every value is shown, escaped, on tfguard's own lines", TF), () => {
    for (const [what, shown] of Object.entries(SHOWN)) expect(text.stdout, what).toContain(shown);
    expect(text.stdout).toContain(String.raw`plan\u001b]0;pwned\u0007\r\nPASS: no rule fired.json`);
    expect(text.stdout).toContain(String.raw`old\u009b2J\u202e CHG-1`);
  });

  it(title("--format text: each verdict line is tfguard's, one per finding, and no PASS line at all", TF), () => {
    const report = json(tfguard(['check', planPath, '--dir', forged.dir, '--config', config, '--format', 'json']));
    const lines = verdictLines(text.stdout);
    expect(lines.filter((l) => l.startsWith('PASS'))).toEqual([]);
    expect(lines.slice(0, -1)).toEqual(report.findings.map((f: { rule: string }) => `BLOCK  ${f.rule}`));
    expect(lines.at(-1)).toMatch(/^BLOCKED: do not apply this plan\. \d+ blocking findings\./);
    expect(text.stdout.endsWith(`${lines.at(-1)}\n`)).toBe(true);
  });

  it(title("with colors, the only escapes are tfguard's own colors", TF), () => {
    const run = tfguard(['check', planPath, '--dir', forged.dir, '--config', config], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(OWN_COLORS);
    expectInert(run.stdout.replace(OWN_COLORS, ''), 'the colored text report, without its own colors');
    expect(run.stdout.replace(OWN_COLORS, '')).toBe(text.stdout);
  });

  it(title('--format json keeps the exact values, and writes every control and invisible character as an escape', TF), () => {
    const run = tfguard(['check', planPath, '--dir', forged.dir, '--config', config, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    expectInert(run.stdout.replace(/\n/g, ''), 'the JSON report');
    const report = json(run);
    const messages = report.findings.map((f: { message: string }) => f.message).join('\n');
    expect(messages).toContain('--nodes 10.0.0.1\u001b[2J\u001b[H\r\nPASS: no rule fired.\n --graceful');
    expect(messages).toContain('10.0.0.2\u009b31m\b\u007f\u200b');
    expect(messages).toContain(`(${FORGED_FILE}:2)`);
    expect(report.waived[0].waiver.reason).toBe(FORGED_REASON);
    expect(report.plan.source).toBe(planPath);
  });
});

describe.skipIf(!hasTerraform)('scan on the forged sources', () => {
  it(title('the text report shows commands and file names from the sources as inert text', TF), () => {
    const run = tfguard(['scan', forged.dir]);
    expect(run.code, run.stderr).toBe(1);
    expectInert(run.stdout, "scan's text report");
    expect(run.stdout).toContain('# ${each.key} \\u001b]0;pwned\\u0007\\r\\nPASS: no rule fired.\\n');
    expect(run.stdout).toContain(String.raw`at x\u0085\u001b]0;pwned\u0007\r\nPASS: no rule fired.tf:`);
    const lines = verdictLines(run.stdout);
    expect(lines.filter((l) => l.startsWith('PASS'))).toEqual([]);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^BLOCK {2}[a-z-]+$/);
    expect(lines.at(-1)).toMatch(/^BLOCKED: do not commit or push this change\./);
  });

  it(title('the JSON report keeps the exact file name, with escapes only', TF), () => {
    const run = tfguard(['scan', forged.dir, '--format', 'json']);
    expectInert(run.stdout.replace(/\n/g, ''), "scan's JSON report");
    expect(json(run).findings.map((f: { file: string }) => f.file)).toContain(FORGED_FILE);
  });
});

describe('escapeControls, the one escaping function', () => {
  it('writes C0 controls, DEL, C1, separators, format characters and lone surrogates as escapes', () => {
    expect(escapeControls('a\u0000\b\t\n\u000b\f\r\u001b[2J\u007f\u0085\u009b')).toBe(String.raw`a\u0000\b\t\n\u000b\f\r\u001b[2J\u007f\u0085\u009b`);
    expect(escapeControls('\u00ad\u061c\u200b\u200e\u2028\u2029\u202a\u202e\u2066\u2069\ufeff')).toBe(
      String.raw`\u00ad\u061c\u200b\u200e\u2028\u2029\u202a\u202e\u2066\u2069\ufeff`,
    );
    // A tag character (U+E0041, invisible "A") and a lone surrogate: one escape per UTF-16 unit, as JSON has them.
    expect(escapeControls('x\u{e0041}y\ud800z')).toBe(String.raw`x\udb40\udc41y\ud800z`);
  });

  it("leaves what is shown as it is: backslashes, accents, CJK, emoji, tfguard's arrows and icons", () => {
    const shown = String.raw`sed 's/\./x/' é 中 😀 → — ⛔ ⚠️ ✅ · …`;
    expect(escapeControls(shown)).toBe(shown);
  });

  it('keeps the characters it is told to keep; escapes every string of a value', () => {
    expect(escapeControls('a\tb\r\nc\u001b', '\t\n')).toBe('a\tb\\r\nc\\u001b');
    expect(escapeControlsDeep({ a: ['x\ny', 3, null], b: { c: '\u202e' } })).toEqual({ a: [String.raw`x\ny`, 3, null], b: { c: String.raw`\u202e` } });
  });

  it('jsonText: the same value to a JSON reader, with no raw control or invisible character', () => {
    const value = { s: 'a\u001b]0;x\u0007\r\n\u0085\u009b\u202e\u200b\u{e0041}\ud800 é', n: [1, 'b\u007f'] };
    const text = jsonText(value);
    expect(JSON.parse(text)).toEqual(value);
    expectInert(text.replace(/\n/g, ''), 'jsonText');
    expect(text).toContain(String.raw`\r\n\u0085\u009b\u202e\u200b\udb40\udc41\ud800 é`);
    expect(text).toContain(String.raw`b\u007f`);
  });
});

describe('one-line errors', () => {
  it('an error that echoes a file name stays one line, with the name escaped', () => {
    const run = tfguard(['check', 'nowhere/plan\u001b]0;pwned\u0007\r\nPASS: no rule fired.\n\u202e.json']);
    expectOneLineError(run, String.raw`plan\u001b]0;pwned\u0007\r\nPASS: no rule fired.\n\u202e.json`);
    expectInert(run.stderr.slice(0, -1), 'the error');
  });

  it('an error that echoes an argument shows its C1 and bidi characters as escapes', () => {
    const run = tfguard(['explain', 'rule\u009b2J\u202e']);
    expectOneLineError(run, String.raw`unknown rule "rule\u009b2J\u202e"`);
    expectInert(run.stderr.slice(0, -1), 'the error');
  });
});

describe('the apply prompt', () => {
  it('writes its question as inert text', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (d: string) => (shown += d));
    const answer = ask('Apply \u001b[2J\r\nPASS: no rule fired.\n? ', 'yes', { input, output });
    input.end();
    expect(await answer).toBe(false);
    expectInert(shown.replace(/\n$/, ''), 'the prompt');
    expect(shown).toContain(String.raw`Apply \u001b[2J\r\nPASS: no rule fired.\n? `);
  });
});

/** The apply runs below work on copies of the forged workspace whose `.tfguard.json` sets its rules to warn. */
function warnWorkspace(name: string): string {
  const ws = copyWorkspace(forged.dir, name);
  writeFileSync(join(ws, '.tfguard.json'), forgedConfig('warn'));
  return ws;
}

/** What tfguard wrote from its report's first line on (terraform's plan output comes before it). */
function fromReport(text: string): string {
  const at = text.indexOf('tfguard 0.1.0 · ');
  expect(at, text).toBeGreaterThanOrEqual(0);
  return text.slice(at);
}

describe.skipIf(!hasTerraform || !hasScript)('tfguard apply on a terminal', () => {
  it(title('the report and the prompt are inert: no fake PASS line above the prompt; "no" applies nothing', TF, PTY), async () => {
    const ws = warnWorkspace('forged-pty');
    const state = () => readFileSync(join(ws, 'terraform.tfstate'), 'utf8');
    const before = state();
    const command = [process.execPath, BIN, 'apply'].map(shq).join(' ');
    const child = spawn(SCRIPT!, ['-qfec', command, '/dev/null'], { cwd: ws, env: baseEnv({ TERM: 'dumb' }), stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const asked = new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        screen += d;
        if (/type "destroy \d+": $/.test(screen)) resolve();
      });
    });
    const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await Promise.race([asked, code]);
    child.stdin.write('no\n');
    expect(await code, screen).toBe(1);
    clearTimeout(timer);
    // The terminal turns every line end into CR LF; any other CR would be the plan's.
    const ours = fromReport(screen).replace(/\r\n/g, '\n');
    const question = 'To apply it anyway, type "destroy 4": ';
    const prompt = ours.indexOf(question);
    expect(prompt, ours).toBeGreaterThan(0);
    // Up to the answer: after it comes what the person typed, as the terminal echoes it.
    expectInert(ours.slice(0, prompt + question.length), 'the report and the prompt');
    expect(ours).toContain(SHOWN.command);
    const lines = verdictLines(ours.slice(0, prompt));
    expect(lines.filter((l) => !l.startsWith('WARN'))).toEqual([]);
    expect(lines.at(-1)).toMatch(
      /^WARN: a person must review this plan \(\d+ warnings?\): tfguard apply asks for confirmation, and refuses to apply it with -auto-approve\.$/,
    );
    expect(ours).toContain('\ntfguard: declined: nothing was applied.\n');
    expect(state()).toBe(before);
  }, 60_000);
});

describe.skipIf(!hasTerraform)('tfguard apply without a terminal, then tfguard log', () => {
  let ws: string;
  let apply: SpawnSyncReturns<string>;
  beforeAll(() => {
    if (!hasTerraform) return;
    ws = warnWorkspace('forged-log');
    // No terminal: refused after the review, and recorded with its arguments, override and waiver.
    apply = spawnSync(process.execPath, [BIN, 'apply', '--allow', 'blast-radius', '--reason', FORGED_REASON], {
      cwd: ws,
      env: baseEnv(),
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
  });

  it(title("apply's report and its refusal are inert", TF), () => {
    expect(apply.status, apply.stderr).toBe(1);
    expectInert(fromReport(apply.stdout), "apply's report");
    expect(apply.stdout).toContain(`blast-radius on 3 address(es) by --allow blast-radius: ${SHOWN.reason}`);
    expectInert(
      apply.stderr
        .split('\n')
        .filter((l) => l.startsWith('tfguard: '))
        .join(''),
      "apply's messages",
    );
  });

  it(title('the text shows the arguments, reasons and waivers of the audit log as inert text', TF), () => {
    const run = tfguard(['log', '--dir', ws]);
    expect(run.code, run.stderr).toBe(0);
    expectInert(run.stdout, 'the log');
    expect(run.stdout).toContain(`override: blast-radius: ${SHOWN.reason}`);
    expect(run.stdout).toContain(`waived: mass-destroy by "*": ${SHOWN.reason}`);
    expect(verdictLines(run.stdout)).toEqual([]);
  });

  it(title('--format json keeps the exact reasons, with escapes only', TF), () => {
    const run = tfguard(['log', '--dir', ws, '--format', 'json']);
    expectInert(run.stdout.replace(/\n/g, ''), 'the JSON log');
    expect(json(run)[0].overrides[0].reason).toBe(FORGED_REASON);
  });
});

afterAll(() => {
  if (hasTerraform) rmSync(scratchDir(), { recursive: true, force: true });
});
