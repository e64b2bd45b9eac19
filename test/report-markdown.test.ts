/**
 * `--format markdown`: the pull-request comment. The incident through the built CLI (marker, verdict, table,
 * the three reset commands, the causal chains, byte-identical across runs), waivers folded in <details>, expired
 * waivers listed, secrets never shown, and hostile values (addresses with `|`, `<script>`, backticks) proven
 * harmless by rendering the Markdown with a CommonMark + GFM-tables renderer that lets raw HTML through.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatMarkdownSet, MARKDOWN_MARKER, mdCode, mdCodeBlock, mdMessage, mdText } from '../src/report/markdown.js';
import type { ReportFinding } from '../src/report/report.js';
import { reportSet } from '../src/report/set.js';
import { FIXTURES_DIR } from './helpers/env.js';
import { tfguard, type Run } from './helpers/cli.js';
import { codeTexts, decodeEntities, md } from './helpers/markdown.js';
import { makeFinding, makeReport } from './helpers/report.js';

const plan = (name: string) => `fixtures/${name}/plan.json`;
const INCIDENT = plan('incident');
const INCIDENT_SRC = 'fixtures/incident/src';

/**
 * What a reader sees: tags removed, entities decoded, and the zero-width spaces that mdText puts after `@` and `#`
 * (no mention, no issue link) removed: they are invisible. A zero-width space from the plan is escaped (`\u200b`).
 */
function visibleText(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, '')).replace(/\u200b/g, '');
}

/** Backslash escapes of mdText undone: the value as a reader sees it. */
function unescapeText(text: string): string {
  return text.replace(/\\([\\`*_[\]<>|~&#!$@{}])/g, '$1');
}

// Each CLI run starts node (and hcl2json's WebAssembly when it reads sources): slow on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

let tmp: string;

beforeAll(async () => {
  // dist/ is built once by test/global-setup.ts.
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-md-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('--format markdown on the incident', () => {
  let run: Run;
  beforeAll(() => {
    run = tfguard(['check', INCIDENT, '--dir', INCIDENT_SRC, '--format', 'markdown']);
  });

  it('exits 1 and starts with the hidden marker and the verdict', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(MARKDOWN_MARKER);
    expect(lines[1]).toBe('## ⛔ tfguard: BLOCKED — do not apply');
  });

  it('has the summary table: the plan, add/change/destroy/replace, decision and findings', () => {
    expect(run.stdout).toContain('| Plan | Add | Change | Destroy | Replace | Decision | Findings |');
    expect(run.stdout).toContain('| `fixtures/incident/plan.json` | 4 | 3 | 3 | 3 | ⛔ block | 5 blocking |');
    const html = md.render(run.stdout);
    expect(html).toContain('<table>');
    expect(html.match(/<tr>/g)).toHaveLength(2);
  });

  it('groups findings by rule, each heading with its severity and where its docs are', () => {
    for (const rule of ['blast-radius', 'destroy-provisioner', 'reset-on-destroy-replaced']) {
      expect(run.stdout).toMatch(new RegExp(`^### ⛔ \`${rule}\` — block.*docs: \`tfguard explain ${rule}\`$`, 'm'));
    }
    expect(run.stdout.match(/^### /gm)).toHaveLength(3);
    expect(run.stdout).toContain('### ⛔ `destroy-provisioner` — block · 3 findings');
  });

  it('shows the three reset commands in code blocks, with the destructive pattern names and where they are declared', () => {
    for (const ip of ['191', '192', '193']) {
      expect(run.stdout).toContain(`\`\`\`sh\ntalosctl reset --nodes 192.168.111.${ip} --graceful=false --reboot\n\`\`\``);
    }
    expect(run.stdout.match(/\*\*DESTRUCTIVE\*\*: talosctl reset, reboot\/shutdown/g)).toHaveLength(3);
    expect(run.stdout).toContain('(`local-exec` provisioner, `fixtures/incident/src/main.tf:49`)');
    const blocks = codeTexts(md.render(run.stdout));
    for (const ip of ['191', '192', '193']) expect(blocks).toContain(`talosctl reset --nodes 192.168.111.${ip} --graceful=false --reboot\n`);
  });

  it('shows the addresses as code and the causal chains of the replacements', () => {
    const html = md.render(run.stdout);
    const codes = codeTexts(html);
    for (const key of ['fresh', 'powder', 'storm']) expect(codes).toContain(`terraform_data.cp_reset_on_destroy["${key}"]`);
    const text = visibleText(html);
    for (const [key, ip] of [
      ['powder', '191'],
      ['fresh', '192'],
      ['storm', '193'],
    ]) {
      expect(text).toContain(`because it references terraform_data.machine_config["${key}"], which changes input.node: 192.168.111.${ip} → ${key}.homelab.lan`);
    }
  });

  it('shows what to do instead: staging does not help, the HCL alternatives as a code block', () => {
    expect(run.stdout).toContain('Instead:\n\n```hcl\n# Staging does not help: ');
    expect(run.stdout).toContain('lifecycle {\n  ignore_changes = [triggers_replace]\n}\n');
    expect(run.stdout).not.toContain('terraform apply -target');
  });

  it('is byte-identical across runs (a bot updates one comment in place)', () => {
    const again = tfguard(['check', INCIDENT, '--dir', INCIDENT_SRC, '--format', 'markdown']);
    expect(again.stdout).toBe(run.stdout);
    expect(run.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});

describe('--format markdown verdicts', () => {
  it('pass', () => {
    const run = tfguard(['check', plan('add-worker'), '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([MARKDOWN_MARKER, '## ✅ tfguard: pass']);
    expect(run.stdout).toContain('No rule fired.');
  });

  it('review required (warn)', () => {
    const run = tfguard(['check', plan('removed-from-config'), '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([MARKDOWN_MARKER, '## ⚠️ tfguard: review required']);
    expect(run.stdout).toContain('### ⚠️ `blast-radius` — warn');
  });

  it('several plans: one row per plan, each plan its own section, the worst decision on top', () => {
    const run = tfguard(['check', INCIDENT, plan('add-worker'), plan('removed-from-config'), '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout.split('\n')[1]).toBe('## ⛔ tfguard: BLOCKED — do not apply');
    expect(run.stdout).toContain('| `fixtures/incident/plan.json` |');
    expect(run.stdout).toContain('| `fixtures/add-worker/plan.json` | 1 | 0 | 0 | 0 | ✅ pass | none |');
    expect(run.stdout).toContain('| `fixtures/removed-from-config/plan.json` | 0 | 0 | 2 | 0 | ⚠️ warn | 1 warning |');
    expect(run.stdout).toContain('### ⛔ Plan `fixtures/incident/plan.json`');
    expect(run.stdout).toContain('### ✅ Plan `fixtures/add-worker/plan.json`');
    expect(run.stdout).toContain('#### ⛔ `blast-radius` — block');
    expect(run.stdout).toContain('#### ⚠️ `blast-radius` — warn');
  });
});

describe('--format markdown waivers and secrets', () => {
  it('folds waived findings in <details> with the reason and expiry, and lists expired waivers', async () => {
    const dir = await mkdtemp(join(tmp, 'waived-'));
    await writeFile(join(dir, 'main.tf'), readFileSync(join(FIXTURES_DIR, 'incident', 'src', 'main.tf')));
    const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await writeFile(
      join(dir, '.tfguard.json'),
      JSON.stringify({
        waivers: [
          { rule: 'blast-radius', address: 'terraform_data.cp_reset_on_destroy*', reason: 'CHG-42 <b>planned</b> | rebuild', expires: future },
          { rule: 'reset-on-destroy-replaced', address: 'terraform_data.cp_reset_on_destroy*', reason: 'old ticket', expires: '2020-01-01' },
        ],
      }),
    );
    const run = tfguard(['check', INCIDENT, '--dir', dir, '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(1);
    const details = /<details>\n<summary>Waived: 1 finding<\/summary>\n([\s\S]*?)<\/details>/.exec(run.stdout);
    expect(details, run.stdout).not.toBeNull();
    const inside = details![1]!;
    expect(inside).toContain('`blast-radius`');
    expect(inside).toContain(`until ${future}`);
    expect(unescapeText(inside)).toContain('CHG-42 <b>planned</b> | rebuild');
    // The waived rule is no longer among the findings; the expired waiver is listed and waives nothing.
    expect(run.stdout).not.toMatch(/^### .*`blast-radius`/m);
    expect(run.stdout).toContain('Expired waivers');
    expect(run.stdout).toMatch(
      /- `reset-on-destroy-replaced` `terraform_data\.cp_reset_on_destroy\*` expired 2020-01-01 — would have waived 1 finding: old ticket/,
    );
    expect(run.stdout).toMatch(/^### ⛔ `reset-on-destroy-replaced`/m);
    const html = md.render(run.stdout);
    expect(html).toContain('<details>');
    expect(html).not.toContain('<b>planned</b>');
    expect(visibleText(html)).toContain('CHG-42 <b>planned</b> | rebuild');
  });

  it('never shows a secret of the plan (sensitive-values, sources read: the rendered command is masked)', () => {
    const scenario = JSON.parse(readFileSync(join(FIXTURES_DIR, 'sensitive-values', 'scenario.json'), 'utf8')) as { secret: string };
    const run = tfguard(['check', plan('sensitive-values'), '--dir', 'fixtures/sensitive-values/src', '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('`destroy-provisioner`');
    expect(run.stdout).toContain('(sensitive)');
    expect(run.stdout).not.toContain(scenario.secret);
    expect(unescapeText(run.stdout)).not.toContain(scenario.secret);
  });
});

// ------------------------------------------------------------------------------------------------------------
// Escaping, on reports written here.

const HOSTILE = 'aws_instance.x["a|b<script>alert(1)</script>`tick`*star*_u_[l](http://e.x) @here $x$ ~~s~~"]';

function finding(rule: string, over: Partial<ReportFinding> = {}): ReportFinding {
  return makeFinding(rule, { message: `Destroys ${rule}`, addresses: ['terraform_data.a'], ...over });
}

const report = makeReport;

describe('markdown escaping', () => {
  it('code spans take a fence longer than any backtick run, padded when the value starts or ends with one', () => {
    expect(mdCode('a')).toBe('`a`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('``x')).toBe('``` ``x ```');
    expect(mdCode('a|b', { table: true })).toBe('`a\\|b`');
    expect(mdCode('line\nbreak')).toBe('`line break`');
    for (const value of ['a`b', '``x', '`', 'x`', ' lead', HOSTILE]) {
      expect(codeTexts(md.render(mdCode(value)))).toEqual([value]);
    }
  });

  it('code blocks take a fence longer than any backtick run inside', () => {
    const command = 'echo ```; rm -rf `pwd` ````';
    const block = mdCodeBlock(command, 'sh');
    expect(block[0]).toBe('`````sh');
    expect(codeTexts(md.render(block.join('\n')))).toEqual([`${command}\n`]);
  });

  it('text escapes Markdown and HTML punctuation; a message shows every character, backticks included', () => {
    const text = 'a <script>x</script> | *b* _c_ [d](e) @f $g$ ~h~ &amp; #1 \\';
    expect(visibleText(md.render(mdText(text))).trim()).toBe(text);
    const message = 'Runs `rm -rf <dir>` on <img src=x onerror=alert(1)> | `a` ``b`` now';
    const html = md.render(mdMessage(message));
    expect(codeTexts(html)).toEqual([]);
    expect(html).not.toContain('<img');
    expect(visibleText(html).trim()).toBe(message);
  });

  it('a hostile address, plan name, message, command and waiver render as their text, and the table keeps its shape', () => {
    const set = reportSet([
      report({
        plan: { source: 'stacks/a|b<script>x</script>.json', dir: '.', format_version: '1.2', terraform_version: null },
        findings: [
          finding('destroy-provisioner', {
            message: `Destroying ${HOSTILE} runs \`curl -d "\`x\`" <evil>\` | and <iframe src=x>`,
            addresses: [HOSTILE],
            details: [{ address: HOSTILE, action: 'replace (destroy then create)', because: 'a <b>bold</b> | reason', chain: ['x `y` <z>'] }],
            location: { file: 'mod "dir"/main.tf', line: 3 },
            commands: [
              { provisioner: 'local-exec', command: 'echo ``` <script>` | x', destructive: ['rm -r'], unresolved: ['${self.x}'], file: 'main.tf', line: 4 },
            ],
            suggestions: [`terraform apply -target='${HOSTILE}'`],
          }),
        ],
        waived: [
          {
            ...finding('blast-radius', { addresses: [HOSTILE], message: 'waived <script>' }),
            waiver: { rule: 'blast-radius', address: 'aws_instance.x*', reason: 'because </details><script>', expires: '2099-01-01' },
          },
        ],
      }),
    ]);
    const out = formatMarkdownSet(set);
    const html = md.render(out);
    expect(html).not.toMatch(/<(script|iframe|img|b)[\s>]/);
    // The table: a header row and one body row of 7 cells each.
    const table = /<table>([\s\S]*?)<\/table>/.exec(html)![1]!;
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.match(/<t[hd][ >]/g)).toHaveLength(7);
    expect(codeTexts(rows[1]!)).toContain('stacks/a|b<script>x</script>.json');
    // The address as code, the command and suggestion as code blocks, intact.
    const codes = codeTexts(html);
    expect(codes).toContain(HOSTILE);
    expect(codes).toContain('echo ``` <script>` | x\n');
    expect(codes).toContain(`terraform apply -target='${HOSTILE}'\n`);
    expect(codes).toContain('${self.x}');
    const visible = visibleText(html);
    expect(visible).toContain(`Destroying ${HOSTILE} runs`);
    expect(visible).toContain('a <b>bold</b> | reason');
    expect(visible).toContain('because </details><script>');
    // The waiver's reason cannot close the <details> block early.
    expect(html.match(/<\/details>/g)).toHaveLength(1);
    expect(html.indexOf('because &lt;/details&gt;')).toBeLessThan(html.indexOf('</details>'));
  });

  it('stays under the size GitHub accepts for a comment, however many addresses', () => {
    const addresses = Array.from({ length: 3000 }, (_, i) => `module.n["${i}"].terraform_data.node`);
    const big = finding('mass-destroy', {
      addresses,
      details: addresses.map((a) => ({ address: a, action: 'delete', because: 'the count went down', chain: ['x → y, because it references z'] })),
    });
    const many = Array.from({ length: 400 }, (_, i) =>
      finding('destroy-provisioner', { addresses: [addresses[i]!], message: `Destroying ${addresses[i]} runs ${'x'.repeat(1000)}` }),
    );
    const out = formatMarkdownSet(reportSet([report({ findings: [big, ...many] })]));
    expect(out.length).toBeLessThan(65_536);
    expect(out).toContain('Shortened to fit in a comment');
    expect(out.startsWith(`${MARKDOWN_MARKER}\n## ⛔ tfguard: BLOCKED — do not apply\n`)).toBe(true);
  });
});
