/**
 * `--format junit`: JUnit XML, which CI systems (GitLab, Jenkins, Azure Pipelines, CircleCI, test-reporter
 * actions) show as test results. One `<testsuite>` per plan; one `<testcase>` per registered rule, so that the
 * rules that did not fire show as passed; a `<failure>` per finding (`type` is its severity: a `warn` finding
 * fails its test case too, so that a person sees it); a rule with only waived findings is `<skipped>`.
 * Deterministic: no timestamps, no host names, no durations; rules in registry order, findings in report order.
 */
import { RULES } from '../../rules/index.js';
import { summaryLine } from '../engine/summary.js';
import { escapeControls } from './escape.js';
import { artifactPath } from './report.js';
import type { Report, ReportFinding } from './report.js';
import type { ReportSet } from './set.js';

/**
 * Characters XML 1.0 does not allow anywhere, not even as character references: C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE and U+FFFF. They are dropped.
 */
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripIllegalXml(text: string): string {
  return text.replace(ILLEGAL_XML, '');
}

/**
 * Text content: `&` and `<` must be escaped, `>` too (so that `]]>` never appears), `\r` kept as a reference.
 * DEL, C1 controls and invisible format characters (bidi overrides, ...), which XML allows, are shown as escapes
 * (src/report/escape.ts): a CI page or a terminal shows them, never obeys them.
 */
export function escapeXmlText(text: string): string {
  return escapeControls(stripIllegalXml(text), '\t\n\r').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** A double-quoted attribute value; tab, newline and carriage return as references, which survive normalization. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXmlAttribute(String(v))}"`)
    .join('');
}

/**
 * What a CI system shows under a failed test case: the message, every address, the commands that will run;
 * files relative to the current directory, like `--format github`.
 */
function failureBody(report: Report, f: ReportFinding): string {
  const lines = [f.message, '', 'addresses:', ...f.addresses.map((a) => `  - ${a}`)];
  if (f.location) lines.push('', `declared at ${artifactPath(report, f.location.file)}:${f.location.line}`);
  if (f.commands && f.commands.length > 0) {
    lines.push('', 'commands that will run:');
    for (const c of f.commands) lines.push(`  - ${c.provisioner} (${artifactPath(report, c.file)}:${c.line}): ${c.command}`);
  }
  if (f.suggestions && f.suggestions.length > 0) {
    lines.push('', 'instead:');
    for (const s of f.suggestions) lines.push(`  ${s}`);
  }
  lines.push('', `docs: ${f.docs}`);
  return lines.join('\n');
}

interface Case {
  rule: string;
  xml: string[];
  failed: boolean;
  skipped: boolean;
}

function skippedMessages(report: Report, rule: string): string[] {
  const messages = new Set<string>();
  for (const w of report.waived) {
    if (w.rule === rule) messages.add(`waived: ${w.waiver.reason} (until ${w.waiver.expires})`);
  }
  for (const o of report.overridden ?? []) {
    if (o.rule === rule) messages.add(`overridden for this run: ${o.override.reason}`);
  }
  return [...messages];
}

function testCase(report: Report, rule: string): Case {
  const head = `    <testcase${attrs({ classname: `tfguard.${report.plan.source}`, name: rule })}`;
  const findings = report.findings.filter((f) => f.rule === rule);
  const skipped = skippedMessages(report, rule);
  if (findings.length === 0 && skipped.length === 0) return { rule, xml: [`${head}/>`], failed: false, skipped: false };
  const xml = [`${head}>`];
  for (const f of findings) {
    xml.push(`      <failure${attrs({ message: f.message, type: f.severity })}>${escapeXmlText(failureBody(report, f))}</failure>`);
  }
  if (findings.length === 0) xml.push(`      <skipped${attrs({ message: skipped.join('; ') })}/>`);
  else if (skipped.length > 0) xml.push(`      <system-out>${escapeXmlText(`also ${skipped.join('; ')}`)}</system-out>`);
  xml.push('    </testcase>');
  return { rule, xml, failed: findings.length > 0, skipped: findings.length === 0 };
}

/** Registered rules in registry order, then any other rule a finding names (sorted). */
function ruleIds(report: Report, registered: readonly string[]): string[] {
  const known = new Set(registered);
  const extra = new Set<string>();
  for (const f of [...report.findings, ...report.waived, ...(report.overridden ?? [])]) {
    if (!known.has(f.rule)) extra.add(f.rule);
  }
  return [...registered, ...[...extra].sort()];
}

function decisionText(report: Report): string {
  const blocking = report.findings.filter((f) => f.severity === 'block').length;
  const warnings = report.findings.length - blocking;
  if (report.decision === 'block') return `BLOCKED: do not apply this plan. ${blocking} blocking finding(s), ${warnings} warning(s).`;
  if (report.decision === 'warn') return `WARN: a person must review this plan; -auto-approve is refused (${warnings} warning(s)).`;
  return 'PASS: no rule fired.';
}

function testSuite(report: Report, registered: readonly string[]) {
  const cases = ruleIds(report, registered).map((rule) => testCase(report, rule));
  const counts = {
    tests: cases.length,
    failures: cases.filter((c) => c.failed).length,
    errors: 0,
    skipped: cases.filter((c) => c.skipped).length,
  };
  const properties = {
    decision: report.decision,
    format_version: report.plan.format_version,
    terraform_version: report.plan.terraform_version ?? 'unknown',
    tfguard_version: report.version,
  };
  const xml = [
    `  <testsuite${attrs({ name: report.plan.source, ...counts })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases.flatMap((c) => c.xml),
    `    <system-out>${escapeXmlText(`${summaryLine(report.summary)}\n${decisionText(report)}`)}</system-out>`,
    '  </testsuite>',
  ];
  return { xml, counts };
}

/**
 * The whole run as one `<testsuites>`. `tests`, `failures` and `skipped` count test cases (rule × plan), as
 * JUnit does: a rule with three findings is one failed test case holding three `<failure>` elements.
 */
export function formatJunitSet(set: ReportSet, registered: readonly string[] = RULES.map((r) => r.meta.id)): string {
  const suites = set.reports.map((r) => testSuite(r, registered));
  const total = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s.counts[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'tfguard', tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: total('skipped') })}>`,
    ...suites.flatMap((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
