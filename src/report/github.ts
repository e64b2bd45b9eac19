/**
 * `--format github`: GitHub Actions workflow commands, which the runner turns into annotations on the run and,
 * with `file=` and `line=`, on the pull request's diff. One `::error` (block) or `::warning` (warn) per finding,
 * then one `::notice` (pass, warn) or `::error` (block) with the decision. Every command is one line: data and
 * properties are escaped the way @actions/core escapes them, so no text from a plan can start another command.
 * Other control and invisible characters (ESC sequences, which the job log would obey, C1, bidi overrides) are
 * shown as escapes (src/report/escape.ts). Mentions do not fire in annotations.
 */
import { escapeControls } from './escape.js';
import { artifactPath, type Report, type ReportFinding } from './report.js';
import type { ReportSet } from './set.js';

/** Addresses listed under a finding's message; the JSON report lists them all. */
const MAX_ADDRESSES = 20;

/** Tab, CR and LF stay (data escaping takes care of CR and LF); the others become escapes. */
const KEEP = '\t\r\n';

/** Data (the text after `::`): `%`, `\r` and `\n` as GitHub's runner reads them back; other controls as escapes. */
export function escapeData(text: string): string {
  return escapeControls(text, KEEP).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=`, `title=`, ...): as data, plus `:` and `,`, which end a value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function command(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function findingCommand(report: Report, f: ReportFinding, prefix: string): string {
  const shown = f.addresses.slice(0, MAX_ADDRESSES).map((a) => `- ${a}`);
  const hidden = f.addresses.length - shown.length;
  if (hidden > 0) shown.push(`… and ${hidden} more (--format json lists them all)`);
  const body = [`${prefix}${f.message}`, ...shown].join('\n');
  return command(
    f.severity === 'block' ? 'error' : 'warning',
    {
      file: f.location ? artifactPath(report, f.location.file) : undefined,
      line: f.location ? f.location.line : undefined,
      title: `tfguard ${f.rule}`,
    },
    body,
  );
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function decisionCommand(set: ReportSet): string {
  const findings = set.reports.flatMap((r) => r.findings);
  const blocking = findings.filter((f) => f.severity === 'block').length;
  const warnings = findings.length - blocking;
  const plans = set.reports.length > 1 ? ` (${set.reports.length} plans)` : '';
  if (set.decision === 'block') {
    return command(
      'error',
      { title: 'tfguard: blocked' },
      `BLOCKED: do not apply this plan${plans}. ${count(blocking, 'blocking finding')}, ${count(warnings, 'warning')}.`,
    );
  }
  if (set.decision === 'warn') {
    return command(
      'notice',
      { title: 'tfguard: review' },
      `WARN: a person must review this plan${plans}; -auto-approve is refused (${count(warnings, 'warning')}).`,
    );
  }
  return command('notice', { title: 'tfguard: pass' }, `PASS: no rule fired${plans}.`);
}

export function formatGithubSet(set: ReportSet): string {
  const several = set.reports.length > 1;
  const lines: string[] = [];
  for (const report of set.reports) {
    const prefix = several ? `${report.plan.source}: ` : '';
    for (const f of report.findings) lines.push(findingCommand(report, f, prefix));
  }
  lines.push(decisionCommand(set));
  return `${lines.join('\n')}\n`;
}
