/**
 * `--format markdown`: a pull-request comment (or a GitHub job summary). The verdict first, a summary table,
 * then the findings grouped by rule: addresses, why Terraform acts, the destroy-time commands that will run, what
 * to do instead; waived findings folded away, expired waivers listed.
 *
 * Stable across runs of the same plan (no timestamps, the engine's order) and marked with a hidden
 * `<!-- tfguard-report -->` first line, so a bot can find its comment and update it in place. Every value from
 * the plan, the sources or the config is escaped: as a code span or code block with a fence longer than any
 * backtick run inside, or as text with Markdown and HTML punctuation backslash-escaped, `@` and `#123` kept from
 * becoming mentions and issue links; control and invisible characters as `\u001b`, ... (src/report/escape.ts).
 */
import type { Decision, InstanceDetail, RenderedProvisioner, Severity } from '../engine/types.js';
import { escapeControls } from './escape.js';
import type { Waiver } from '../config/schema.js';
import { artifactPath, inlinePlace, ruleDocsUrl, type Report, type ReportFinding } from './report.js';
import type { ReportSet } from './set.js';
import { commandsFor } from './text.js';

export const MARKDOWN_MARKER = '<!-- tfguard-report -->';

/** GitHub refuses comments over 65,536 characters: past this budget the report is rendered compact. */
const MAX_LENGTH = 60_000;

interface Limits {
  /** Addresses (with their details) listed per finding. */
  addresses: number;
  /** Causal chains and replace paths under each address. */
  chains: boolean;
  /** Commands shown per finding, suggestions shown per finding. */
  commands: number;
  suggestions: number;
  /** Waived findings listed. */
  waived: number;
  /** Findings shown per rule. */
  findingsPerRule: number;
}

const FULL: Limits = { addresses: 30, chains: true, commands: 10, suggestions: 25, waived: 50, findingsPerRule: 100 };
const COMPACT: Limits = { addresses: 5, chains: false, commands: 3, suggestions: 5, waived: 10, findingsPerRule: 10 };

// ------------------------------------------------------------------------------------------------------------
// Escaping

/**
 * One line: a value never breaks the paragraph, list item or table row it sits in; any other control or invisible
 * character is shown as an escape.
 */
function oneLine(value: string): string {
  return escapeControls(value.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '));
}

/**
 * A zero-width space (as an entity), put after `@`, after `#` before a digit and after `GH-` before a digit: GitHub
 * then sees no mention (`@org/team` pings a whole team) and no issue reference (`#123`, `owner/repo#123`, `GH-123`
 * link an issue and leave a back-reference in it); a reader sees the same text. A backslash alone does not stop
 * them: GitHub finds mentions in the rendered text, where `\@` is `@` again.
 */
const UNLINK = /\\@|\\#(?=\d)|\bGH-(?=\d)/gi;
const ZERO_WIDTH_SPACE = '&#8203;';

/**
 * Plain text: ASCII punctuation that Markdown, GitHub extensions (math `$`, mentions `@`, strikethrough `~`)
 * or HTML give a meaning to is backslash-escaped; `|` too, so the text is safe in a table cell. Mentions and issue
 * references are broken by an invisible space (UNLINK).
 */
export function mdText(value: string): string {
  return oneLine(value)
    .replace(/[\\`*_[\]<>|~&#!$@{}]/g, (c) => `\\${c}`)
    .replace(UNLINK, (m) => `${m}${ZERO_WIDTH_SPACE}`);
}

/**
 * A code span: its content is shown literally, so no escaping is needed except the fence, one backtick longer
 * than the longest run inside, with a space on each side when the content starts or ends with a backtick or a
 * space. In a table cell, `|` still ends the cell inside a code span (GFM), so it becomes `\|` there.
 */
export function mdCode(value: string, opts: { table?: boolean } = {}): string {
  let content = oneLine(value);
  if (opts.table) content = content.replace(/\|/g, '\\|');
  if (content === '') return '` `';
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A fenced code block: a backtick fence longer than any backtick run in the content (at least three). The value's
 * lines stay lines (and tabs tabs); other control and invisible characters are shown as escapes.
 */
export function mdCodeBlock(raw: string, info = ''): string[] {
  const content = escapeControls(raw.replace(/\r\n?/g, '\n'), '\n\t');
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...content.split('\n'), fence];
}

/**
 * A message, as written: every character shown, the backticks tfguard puts around commands included. Turning
 * those into code spans would also turn any backtick pair inside an address or a command into one, and the
 * message would no longer say exactly what the plan holds; the commands have their own code blocks.
 */
export function mdMessage(message: string): string {
  return mdText(message);
}

// ------------------------------------------------------------------------------------------------------------
// Pieces

const ICON: Record<Decision, string> = { block: '⛔', warn: '⚠️', pass: '✅' };
const SEVERITY_ICON: Record<Severity, string> = { block: '⛔', warn: '⚠️' };

function verdict(decision: Decision): string {
  if (decision === 'block') return `## ${ICON.block} tfguard: BLOCKED — do not apply`;
  if (decision === 'warn') return `## ${ICON.warn} tfguard: review required`;
  return `## ${ICON.pass} tfguard: pass`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function findingCounts(report: Report): string {
  const block = report.findings.filter((f) => f.severity === 'block').length;
  const warn = report.findings.length - block;
  const parts: string[] = [];
  if (block > 0) parts.push(`${block} blocking`);
  if (warn > 0) parts.push(plural(warn, 'warning'));
  if (report.waived.length > 0) parts.push(`${report.waived.length} waived`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function verdictDetail(set: ReportSet): string {
  const blocking = set.reports.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'block').length, 0);
  const warnings = set.reports.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'warn').length, 0);
  if (set.decision === 'block') {
    return (
      `${plural(blocking, 'blocking finding')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}. ` +
      'Change the plan, or waive a finding with a reason in `.tfguard.json`.'
    );
  }
  if (set.decision === 'warn') {
    return `${plural(warnings, 'warning')}: a person must review the plan; \`-auto-approve\` is refused.`;
  }
  return 'No rule fired.';
}

function summaryTable(set: ReportSet): string[] {
  const lines = ['| Plan | Add | Change | Destroy | Replace | Decision | Findings |', '|---|---:|---:|---:|---:|---|---|'];
  for (const r of set.reports) {
    const s = r.summary;
    const cells = [
      mdCode(r.plan.source, { table: true }),
      String(s.create + s.replace),
      String(s.update),
      String(s.delete + s.replace),
      String(s.replace),
      `${ICON[r.decision]} ${r.decision}`,
      findingCounts(r),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function detailLines(d: InstanceDetail, limits: Limits): string[] {
  const why = d.because ? `, because ${mdText(d.because)}` : '';
  const lines = [`- ${mdCode(d.address)} — ${mdText(d.action)}${why}`];
  if (!limits.chains) return lines;
  if (d.chain && d.chain.length > 0) {
    for (const c of d.chain) lines.push(`  - ${mdText(c)}`);
  } else {
    for (const p of d.replace_paths ?? []) lines.push(`  - ${mdCode(p.path)}: ${mdCode(p.before)} → ${mdCode(p.after)}`);
  }
  return lines;
}

function addressLines(f: ReportFinding, limits: Limits): string[] {
  const lines: string[] = [];
  const byAddress = new Map(f.details.map((d) => [d.address, d]));
  const shown = f.addresses.slice(0, limits.addresses);
  for (const a of shown) {
    const d = byAddress.get(a);
    lines.push(...(d ? detailLines(d, limits) : [`- ${mdCode(a)}`]));
  }
  const hidden = f.addresses.length - shown.length;
  if (hidden > 0) lines.push(`- … and ${hidden} more (\`--format json\` lists them all)`);
  return lines;
}

function commandLines(report: Report, c: RenderedProvisioner): string[] {
  const where = mdCode(`${artifactPath(report, c.file)}:${c.line}`);
  const danger =
    c.destructive.length > 0
      ? ` — **DESTRUCTIVE**: ${c.destructive.map(mdText).join(', ')}`
      : c.unknown !== undefined
        ? ` — **CANNOT TELL what runs**: ${mdText(c.unknown)}`
        : '';
  const lines = [`Runs at destroy time (${mdCode(c.provisioner)} provisioner, ${where})${danger}:`, ''];
  lines.push(...mdCodeBlock(c.command, 'sh'));
  if (c.unresolved.length > 0) lines.push('', `Not resolved from the plan: ${c.unresolved.map((u) => mdCode(u)).join(', ')}`);
  return lines;
}

function findingLines(report: Report, f: ReportFinding, limits: Limits, advised: Set<string>): string[] {
  const lines = [`**${SEVERITY_ICON[f.severity]} ${f.severity}** — ${mdMessage(f.message)}`];
  if (f.location) lines.push('', `Declared at ${mdCode(`${artifactPath(report, f.location.file)}:${f.location.line}`)}.`);
  lines.push('', ...addressLines(f, limits));
  const commands = f.commands ?? [];
  for (const c of commands.slice(0, limits.commands)) lines.push('', ...commandLines(report, c));
  if (commands.length > limits.commands) lines.push('', `… and ${commands.length - limits.commands} more commands (\`--format json\`).`);
  lines.push(...suggestionLines(f, limits, advised));
  return lines;
}

/**
 * What to do instead, as one code block: `#` comment lines and either HCL to add or `tfguard apply -target` stages
 * (both read `#` as a comment). The same suggestions as an earlier finding's are not shown twice.
 */
function suggestionLines(f: ReportFinding, limits: Limits, advised: Set<string>): string[] {
  const suggestions = f.suggestions ?? [];
  if (suggestions.length === 0) return [];
  const key = JSON.stringify(suggestions);
  if (advised.has(key)) return ['', 'Instead: as above.'];
  advised.add(key);
  const shown = suggestions.slice(0, limits.suggestions);
  if (suggestions.length > shown.length) shown.push(`# … and ${suggestions.length - shown.length} more lines (\`--format json\`)`);
  const shell = shown.some((l) => l.startsWith('tfguard '));
  return ['', 'Instead:', '', ...mdCodeBlock(shown.join('\n'), shell ? 'sh' : 'hcl')];
}

/** Findings grouped by rule, in the engine's order (blocking rules first). */
function ruleGroups(report: Report, level: string, limits: Limits): string[] {
  const groups = new Map<string, ReportFinding[]>();
  for (const f of report.findings) {
    const list = groups.get(f.rule);
    if (list) list.push(f);
    else groups.set(f.rule, [f]);
  }
  const lines: string[] = [];
  const advised = new Set<string>();
  for (const [rule, findings] of groups) {
    const severities = [...new Set(findings.map((f) => f.severity))];
    const icon = severities.includes('block') ? SEVERITY_ICON.block : SEVERITY_ICON.warn;
    const count = findings.length > 1 ? ` · ${findings.length} findings` : '';
    const url = ruleDocsUrl(rule);
    const docs = url ? `[docs](${url})` : `docs: ${mdCode(`tfguard explain ${rule}`)}`;
    lines.push('', `${level} ${icon} ${mdCode(rule)} — ${severities.join(', ')}${count} · ${docs}`);
    for (const f of findings.slice(0, limits.findingsPerRule)) lines.push('', ...findingLines(report, f, limits, advised));
    const hidden = findings.length - limits.findingsPerRule;
    if (hidden > 0) lines.push('', `… and ${plural(hidden, 'more finding')} of this rule (\`--format json\` lists them all).`);
  }
  return lines;
}

function waivedLines(report: Report, limits: Limits): string[] {
  if (report.waived.length === 0) return [];
  const lines = ['', '<details>', `<summary>Waived: ${plural(report.waived.length, 'finding')}</summary>`, ''];
  for (const w of report.waived.slice(0, limits.waived)) {
    const addresses = w.addresses
      .slice(0, 5)
      .map((a) => mdCode(a))
      .join(', ');
    const more = w.addresses.length > 5 ? ` and ${w.addresses.length - 5} more` : '';
    lines.push(
      `- ${SEVERITY_ICON[w.severity]} ${mdCode(w.rule)} on ${addresses}${more} — ${mdMessage(w.message)}`,
      `  - waived by ${waivedBy(w.waiver)} until ${mdText(w.waiver.expires)}: ${mdText(w.waiver.reason)}`,
    );
  }
  if (report.waived.length > limits.waived) lines.push(`- … and ${report.waived.length - limits.waived} more`);
  lines.push('', '</details>');
  return lines;
}

function overriddenLines(report: Report): string[] {
  if (!report.overridden || report.overridden.length === 0) return [];
  const lines = ['', `**Overridden for this run** (${report.overridden.length}):`, ''];
  for (const o of report.overridden) {
    const allow = `--allow ${o.override.rule}${o.override.address ? `=${o.override.address}` : ''}`;
    lines.push(
      `- ${mdCode(o.rule)} (${o.severity}) on ${plural(o.addresses.length, 'address')} by ${mdCode(allow)}: ${mdText(o.override.reason)} — ${mdMessage(o.message)}`,
    );
    for (const a of o.addresses.slice(0, 5)) lines.push(`  - ${mdCode(a)}`);
    if (o.addresses.length > 5) lines.push(`  - … and ${o.addresses.length - 5} more`);
    for (const c of commandsFor(report, o.addresses)) lines.push(`  - runs at destroy time: ${mdCode(c.command)}`);
  }
  return lines;
}

function expiredLines(report: Report): string[] {
  if (report.expired_waivers.length === 0) return [];
  const lines = ['', `**${ICON.warn} Expired waivers** (they no longer waive anything):`, ''];
  for (const e of report.expired_waivers) {
    lines.push(`- ${mdCode(e.rule)} ${waivedBy(e)} expired ${mdText(e.expires)} — would have waived ${plural(e.matched, 'finding')}: ${mdText(e.reason)}`);
  }
  return lines;
}

/** `tfguard:allow` at its file and line, or the waiver's glob. */
function waivedBy(w: Waiver): string {
  const place = inlinePlace(w);
  return place ? `${mdCode('tfguard:allow')} at ${mdCode(place)}` : mdCode(w.address);
}

function unmatchedLines(report: Report): string[] {
  const unmatched = report.unmatched_waivers ?? [];
  if (unmatched.length === 0) return [];
  const lines = ['', `**${ICON.warn} Unmatched waivers** (their glob matches no resource in this plan: a typo, or a resource that is gone?):`, ''];
  for (const u of unmatched) lines.push(`- ${mdCode(u.rule)} ${mdCode(u.address)}: ${mdText(u.reason)}`);
  return lines;
}

function planBody(report: Report, level: string, limits: Limits): string[] {
  const lines: string[] = [];
  if (report.findings.length === 0) lines.push('', 'No rule fired.');
  lines.push(...ruleGroups(report, level, limits));
  lines.push(...overriddenLines(report), ...expiredLines(report), ...unmatchedLines(report), ...waivedLines(report, limits));
  return lines;
}

function render(set: ReportSet, limits: Limits, note?: string): string {
  const lines = [MARKDOWN_MARKER, verdict(set.decision), '', verdictDetail(set), '', ...summaryTable(set)];
  if (note) lines.push('', note);
  if (set.reports.length === 1) {
    lines.push(...planBody(set.reports[0]!, '###', limits));
  } else {
    for (const r of set.reports) {
      lines.push('', `### ${ICON[r.decision]} Plan ${mdCode(r.plan.source)}`);
      lines.push(...planBody(r, '####', limits));
    }
  }
  const version = set.reports[0]?.version;
  lines.push('', `<sub>tfguard${version ? ` ${mdText(version)}` : ''} · \`--format json\` has every detail</sub>`);
  return `${lines.join('\n')}\n`;
}

/** `--format markdown`: the whole run (one or several plans) as one comment. */
export function formatMarkdownSet(set: ReportSet): string {
  const full = render(set, FULL);
  if (full.length <= MAX_LENGTH) return full;
  return render(set, COMPACT, '_Shortened to fit in a comment: `--format json` lists every address and chain._');
}
