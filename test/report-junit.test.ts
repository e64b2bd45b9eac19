/**
 * `--format junit`: well-formed XML (checked by a strict parser written here, and by expat when python3 is on
 * the machine), one testsuite per plan, one testcase per registered rule, a failure per finding, waivers as
 * skipped, escaping of hostile addresses, deterministic output, no secret.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { writeReports } from '../src/commands/output.js';
import type { Report } from '../src/report/report.js';
import { reportSet } from '../src/report/set.js';
import { escapeXmlAttribute, escapeXmlText, formatJunitSet } from '../src/report/junit.js';
import { FIXTURES_DIR } from './helpers/env.js';
import { planJson } from './helpers/plan.js';
import { tfguard as cli, type Run } from './helpers/cli.js';
import { makeFinding, makeReport } from './helpers/report.js';

const tfguard = (args: string[], env: Record<string, string> = {}) => cli(args, { env });

/** Tests that run the CLI several times: each run parses HCL, slow on a loaded machine. */
const CLI_TIMEOUT = 60_000;
const RULE_IDS = RULES.map((r) => r.meta.id);
const plan = (name: string) => `fixtures/${name}/plan.json`;
const INCIDENT = plan('incident');

// ---------------------------------------------------------------------------------------------------------
// A small, strict XML 1.0 parser: enough to prove well-formedness of what tfguard writes and to read it back.

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Character data directly inside this element, references decoded. */
  text: string;
}

const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = '[A-Za-z_][\\w.:-]*';

function decode(raw: string, where: string): string {
  if (/<|]]>/.test(raw) && !where.startsWith('attribute')) throw new Error(`raw < or ]]> in ${where}: ${raw}`);
  return raw.replace(/&([^;]*);?/g, (all, ref: string) => {
    if (!all.endsWith(';')) throw new Error(`unterminated reference in ${where}: ${raw}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new Error(`unknown reference &${ref}; in ${where}`);
    const ch = String.fromCodePoint(m[1] ? parseInt(m[1], 16) : parseInt(m[2]!, 10));
    if (ILLEGAL.test(ch)) throw new Error(`reference to an illegal character &${ref}; in ${where}`);
    return ch;
  });
}

function parseXml(xml: string): XmlNode {
  const bad = ILLEGAL.exec(xml);
  if (bad) throw new Error(`illegal XML character U+${bad[0].codePointAt(0)!.toString(16)} at ${bad.index}`);
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>/.exec(xml);
  if (!prolog) throw new Error('no XML declaration');
  let i = prolog[0].length;
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`);
  const close = new RegExp(`^</(${NAME})\\s*>`);
  while (i < xml.length) {
    const rest = xml.slice(i);
    const top = stack[stack.length - 1]!;
    if (rest.startsWith('</')) {
      const m = close.exec(rest);
      if (!m) throw new Error(`bad end tag at ${i}`);
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}> at ${i}`);
      stack.pop();
      i += m[0].length;
    } else if (rest.startsWith('<')) {
      const m = open.exec(rest);
      if (!m) throw new Error(`bad start tag at ${i}: ${rest.slice(0, 60)}`);
      if (top === root && root.children.length > 0) throw new Error('more than one root element');
      const node: XmlNode = { name: m[1]!, attrs: {}, children: [], text: '' };
      for (const a of m[2]!.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"<]*)"`, 'g'))) {
        if (a[1]! in node.attrs) throw new Error(`duplicate attribute ${a[1]} on <${node.name}>`);
        // Attribute-value normalization: literal white space becomes a space; references survive.
        node.attrs[a[1]!] = decode(a[2]!.replace(/[\t\n\r]/g, ' '), `attribute ${a[1]} of <${node.name}>`);
      }
      top.children.push(node);
      if (m[3] !== '/') stack.push(node);
      i += m[0].length;
    } else {
      const end = rest.indexOf('<');
      const raw = end < 0 ? rest : rest.slice(0, end);
      const text = decode(raw.replace(/\r\n?/g, '\n'), `text of <${top.name}>`);
      if (top === root && text.trim() !== '') throw new Error('text outside the root element');
      top.text += text;
      i += raw.length;
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0]!;
}

const elements = (node: XmlNode, name: string) => node.children.filter((c) => c.name === name);

/** expat, a conforming parser, as a second opinion when python3 is here. */
const hasExpat = spawnSync('python3', ['-c', 'import xml.dom.minidom'], { stdio: 'ignore' }).status === 0;

function wellFormed(xml: string): XmlNode {
  const tree = parseXml(xml);
  if (hasExpat) {
    const run = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'], { input: xml });
    expect(run.status, `expat: ${run.stderr}`).toBe(0);
  }
  return tree;
}

describe('the XML checker of these tests', () => {
  it.each([
    ['a bare &', '<a>&</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['< in an attribute', '<a x="<"/>'],
    ['a control character', '<a>\u0001</a>'],
    ['a reference to a control character', '<a>&#1;</a>'],
    [']]> in text', '<a>]]></a>'],
    ['crossed tags', '<a><b></a></b>'],
    ['an unclosed tag', '<a><b/>'],
    ['two roots', '<a/><b/>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
  ])('rejects %s', (_, body) => {
    expect(() => parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-junit-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const finding = makeFinding;

function report(over: Partial<Report> = {}): Report {
  return makeReport({ summary: { create: 0, update: 0, replace: 0, delete: 1, forget: 0, import: 0 }, ...over });
}

describe('junit on the incident', { timeout: CLI_TIMEOUT }, () => {
  let run: Run;
  beforeAll(() => {
    run = tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'junit']);
  });

  it('exits 1 and prints well-formed XML', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(() => wellFormed(run.stdout)).not.toThrow();
  });

  it('has one testsuite for the plan and one testcase per registered rule', () => {
    const root = wellFormed(run.stdout);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ name: 'tfguard', tests: String(RULE_IDS.length), failures: '3', errors: '0', skipped: '0' });
    const suites = elements(root, 'testsuite');
    expect(suites).toHaveLength(1);
    const suite = suites[0]!;
    expect(suite.attrs).toMatchObject({ name: INCIDENT, tests: String(RULE_IDS.length), failures: '3' });
    const cases = elements(suite, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(RULE_IDS);
    for (const c of cases) expect(c.attrs.classname).toBe(`tfguard.${INCIDENT}`);
    const property = (name: string) => elements(elements(suite, 'properties')[0]!, 'property').find((p) => p.attrs.name === name)?.attrs.value;
    expect(property('decision')).toBe('block');
    expect(property('terraform_version')).toBe('1.11.4');
  });

  it('gives a failure per finding, and passing rules no child at all', () => {
    const suite = elements(wellFormed(run.stdout), 'testsuite')[0]!;
    const byRule = new Map(elements(suite, 'testcase').map((c) => [c.attrs.name!, c]));
    const failures = (rule: string) => elements(byRule.get(rule)!, 'failure');
    expect(failures('blast-radius')).toHaveLength(1);
    expect(failures('destroy-provisioner')).toHaveLength(3);
    expect(failures('reset-on-destroy-replaced')).toHaveLength(1);
    for (const rule of ['mass-destroy', 'plan-incomplete', 'protected-resource', 'provider-destroy-hook', 'stateful-destroy', 'unexpected-change']) {
      expect(byRule.get(rule)!.children, rule).toEqual([]);
    }
    const blast = failures('blast-radius')[0]!;
    expect(blast.attrs.type).toBe('block');
    expect(blast.attrs.message).toMatch(/^The plan replaces 3 of 3 instances of terraform_data\.cp_reset_on_destroy/);
    for (const a of ['fresh', 'powder', 'storm']) expect(blast.text).toContain(`terraform_data.cp_reset_on_destroy["${a}"]`);
    const storm = failures('destroy-provisioner').find((f) => f.attrs.message!.includes('["storm"]'))!;
    expect(storm.attrs.message).toContain('terraform_data.cp_reset_on_destroy["storm"]');
    expect(storm.text).toContain('talosctl reset --nodes 192.168.111.193 --graceful=false --reboot');
    // Files relative to the current directory, as in --format github.
    expect(storm.text).toMatch(/declared at fixtures\/incident\/src\/main\.tf:\d+/);
    expect(storm.text).toMatch(/local-exec \(fixtures\/incident\/src\/main\.tf:\d+\): talosctl reset/);
    expect(storm.text).toContain('docs: tfguard explain destroy-provisioner');
  });

  it('is deterministic', () => {
    expect(tfguard(['check', INCIDENT, '--dir', 'fixtures/incident/src', '--format', 'junit']).stdout).toBe(run.stdout);
  });
});

describe('junit with several plans', { timeout: CLI_TIMEOUT }, () => {
  it('has one testsuite per plan, named after it, and sums the counts', () => {
    const plans = [plan('add-worker'), plan('removed-from-config'), INCIDENT];
    const run = tfguard(['check', ...plans, '--format', 'junit']);
    expect(run.code, run.stderr).toBe(1);
    const root = wellFormed(run.stdout);
    const suites = elements(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(plans);
    expect(root.attrs.tests).toBe(String(3 * RULE_IDS.length));
    expect(Number(root.attrs.failures)).toBe(suites.reduce((n, s) => n + Number(s.attrs.failures), 0));
    for (const [i, s] of suites.entries()) {
      expect(elements(s, 'testcase').map((c) => c.attrs.name)).toEqual(RULE_IDS);
      for (const c of elements(s, 'testcase')) expect(c.attrs.classname).toBe(`tfguard.${plans[i]}`);
    }
    // add-worker passes: no failure at all.
    expect(suites[0]!.attrs.failures).toBe('0');
    expect(suites[0]!.children.flatMap((c) => elements(c, 'failure'))).toEqual([]);
    // removed-from-config only warns, and a warning is a failure of type "warn".
    const warned = elements(suites[1]!, 'testcase').flatMap((c) => elements(c, 'failure'));
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((f) => f.attrs.type === 'warn')).toBe(true);
    expect(suites[1]!.attrs.failures).not.toBe('0');
  });
});

describe('junit waivers', { timeout: CLI_TIMEOUT }, () => {
  it('shows a rule whose findings are all waived as skipped, with the reason and the expiry', async () => {
    const dir = await mkdtemp(join(tmp, 'dir-'));
    await writeFile(join(dir, 'main.tf'), readFileSync(join(FIXTURES_DIR, 'incident', 'src', 'main.tf')));
    await writeFile(
      join(dir, '.tfguard.json'),
      JSON.stringify({
        waivers: [
          { rule: 'reset-on-destroy-replaced', address: 'terraform_data.cp_reset_on_destroy', reason: 'CHG-42 "rebuild" <all> & more', expires: '2999-12-31' },
        ],
      }),
    );
    const run = tfguard(['check', INCIDENT, '--dir', dir, '--format', 'junit']);
    expect(run.code, run.stderr).toBe(1);
    const suite = elements(wellFormed(run.stdout), 'testsuite')[0]!;
    const waived = elements(suite, 'testcase').find((c) => c.attrs.name === 'reset-on-destroy-replaced')!;
    expect(elements(waived, 'failure')).toEqual([]);
    expect(elements(waived, 'skipped').map((s) => s.attrs.message)).toEqual(['waived: CHG-42 "rebuild" <all> & more (until 2999-12-31)']);
    expect(suite.attrs.skipped).toBe('1');
    expect(suite.attrs.failures).toBe('2');
  });
});

describe('junit escaping', { timeout: CLI_TIMEOUT }, () => {
  const hostile = 'aws_instance.web["a\\"<&>\u0001b]]>"]';

  it('escapes text and attributes, and drops characters XML 1.0 cannot hold', () => {
    expect(escapeXmlText('a<b>&c]]>\u0000\u0008\u000b\u001f\ufffe\ud800ok\r')).toBe('a&lt;b&gt;&amp;c]]&gt;ok&#13;');
    expect(escapeXmlAttribute('"x"\t\n\r<&>')).toBe('&quot;x&quot;&#9;&#10;&#13;&lt;&amp;&gt;');
    expect(escapeXmlText('keeps é, 中 and 😀')).toBe('keeps é, 中 and 😀');
  });

  it('renders a crafted address with ", <, &, > and a control character', () => {
    const set = reportSet([
      report({
        plan: { source: 'stacks/"a"&<b>.json', dir: 'stacks', format_version: '1.2', terraform_version: null },
        findings: [finding('blast-radius', { addresses: [hostile], message: `Destroys ${hostile}\ton two lines\nhere` })],
      }),
    ]);
    const xml = formatJunitSet(set);
    expect(xml).not.toContain('\u0001');
    const root = wellFormed(xml);
    const suite = elements(root, 'testsuite')[0]!;
    expect(suite.attrs.name).toBe('stacks/"a"&<b>.json');
    const tc = elements(suite, 'testcase').find((c) => c.attrs.name === 'blast-radius')!;
    expect(tc.attrs.classname).toBe('tfguard.stacks/"a"&<b>.json');
    const failure = elements(tc, 'failure')[0]!;
    const clean = 'aws_instance.web["a\\"<&>b]]>"]';
    // Tab and newline of the message survive in the attribute, as references.
    expect(failure.attrs.message).toBe(`Destroys ${clean}\ton two lines\nhere`);
    expect(failure.text).toContain(`  - ${clean}`);
  });

  it('renders the crafted address from a real plan through the CLI', async () => {
    // planJson parses the addresses: build them with a placeholder, then put a raw U+0001 in its place.
    const addresses = ['terraform_data.db["a\\"<&>CTRL"]', 'terraform_data.db["b"]'];
    const json = planJson({
      changes: addresses.map((address) => ({ address, actions: ['delete'] })),
      prior: addresses,
    });
    const dir = await mkdtemp(join(tmp, 'plan-'));
    const path = join(dir, 'plan.json');
    await writeFile(path, JSON.stringify(json).replaceAll('CTRL', '\\u0001'));
    expect(readFileSync(path, 'utf8')).toContain('<&>\\u0001');
    // protected-resource matches by glob, whatever the key holds.
    await writeFile(join(dir, '.tfguard.json'), JSON.stringify({ protect: ['terraform_data.db*'] }));
    const run = tfguard(['check', path, '--dir', dir, '--format', 'junit']);
    expect(run.code, run.stderr).toBe(1);
    const root = wellFormed(run.stdout);
    const failures = elements(elements(root, 'testsuite')[0]!, 'testcase').flatMap((c) => elements(c, 'failure'));
    expect(failures.length, run.stdout + run.stderr).toBeGreaterThan(0);
    expect(failures.some((f) => f.text.includes('terraform_data.db["a\\"<&>"]'))).toBe(true);
  });

  it('lists every registered rule, and a rule it does not know after them', () => {
    const xml = formatJunitSet(reportSet([report({ findings: [finding('zz-custom', { severity: 'warn' })] })]));
    const cases = elements(elements(wellFormed(xml), 'testsuite')[0]!, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual([...RULE_IDS, 'zz-custom']);
    expect(elements(cases.at(-1)!, 'failure')[0]!.attrs.type).toBe('warn');
  });
});

describe('junit and secrets', { timeout: CLI_TIMEOUT }, () => {
  const { secret } = JSON.parse(readFileSync(join(FIXTURES_DIR, 'sensitive-values', 'scenario.json'), 'utf8')) as { secret: string };

  it('never prints the secret of fixtures/sensitive-values, to stdout or to a file', async () => {
    expect(readFileSync(join(FIXTURES_DIR, 'sensitive-values', 'plan.json'), 'utf8')).toContain(secret);
    const run = tfguard(['check', plan('sensitive-values'), '--dir', 'fixtures/sensitive-values/src', '--format', 'junit']);
    expect(run.code, run.stderr).toBe(1);
    wellFormed(run.stdout);
    expect(run.stdout).toContain('destroy-provisioner');
    expect(run.stdout).not.toContain(secret);
    const out = join(await mkdtemp(join(tmp, 'out-')), 'report.xml');
    expect(tfguard(['check', plan('sensitive-values'), '--format', `junit=${out}`]).code).toBe(1);
    expect(await readFile(out, 'utf8')).not.toContain(secret);
  });

  it('redacts a secret that XML escaping would otherwise change (& < " in it)', async () => {
    const secret = 'pa"ss<&>word-42';
    const set = reportSet([
      report({ findings: [finding('destroy-provisioner', { message: `runs curl -H 'token: ${secret}'`, addresses: [`terraform_data.x["${secret}"]`] })] }),
    ]);
    const out = join(await mkdtemp(join(tmp, 'redact-')), 'r.xml');
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      await writeReports(set, new Set([secret]), [{ format: 'junit', file: out }]);
    } finally {
      process.stderr.write = stderr;
    }
    const xml = await readFile(out, 'utf8');
    expect(xml).not.toContain(escapeXmlText(secret));
    expect(xml).not.toContain(escapeXmlAttribute(secret));
    expect(JSON.stringify(wellFormed(xml))).not.toContain('ss<&>wo');
    expect(xml).toContain('(sensitive)');
  });
});
