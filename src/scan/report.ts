/** `tfguard scan` reports: text (the words of `check`) and JSON. Each returns a string. */
import { escapeControlsDeep, jsonText } from '../report/escape.js';
import { waiverLabel } from '../report/report.js';
import { makeStyle, type Style } from '../report/style.js';
import { configLabel } from '../report/text.js';
import { VERSION } from '../version.js';
import type { ScanFinding, ScanResult } from './types.js';

function findingJson(f: ScanFinding) {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    ...(f.addresses ? { addresses: f.addresses } : {}),
    ...(f.commit ? { commit: f.commit } : {}),
    ...(f.onlyInCommit ? { only_in_commit: true } : {}),
  };
}

export function formatScanJson(result: ScanResult): string {
  const scan = {
    dir: result.dir,
    base: result.base,
    ...(result.commits ? { commits: { range: result.commits.range, count: result.commits.count } } : {}),
    config: result.config,
  };
  const report = {
    tool: 'tfguard',
    version: VERSION,
    scan,
    decision: result.decision,
    findings: result.findings.map(findingJson),
    notes: result.notes.map(findingJson),
    waived: result.waived.map((w) => ({ ...findingJson(w), waiver: w.waiver })),
    expired_waivers: result.expiredWaivers,
  };
  return jsonText(report);
}

const MAX_ADDRESSES = 12;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Paths, commit subjects and commands as inert text (src/report/escape.ts), as in `check`'s text report. */
export function formatScanText(raw: ScanResult, opts: { color?: boolean } = {}): string {
  const result = escapeControlsDeep(raw);
  const s = makeStyle(opts.color ?? false);
  const c = result.counts;
  const base = result.base === null ? '' : ` against ${result.base}`;
  const lines = [
    s.dim(`tfguard ${VERSION} · scan ${result.dir}${base} · ${configLabel(result.config)}`),
    `Read ${plural(c.terraformFiles, 'Terraform file')} (${plural(c.roots, 'root module')}), ${plural(c.commandFiles, 'script and CI file')}` +
      (result.base === null ? '.' : `, ${plural(c.baseFiles, 'file')} changed since ${result.base}.`),
  ];
  if (result.commits) {
    const h = result.commits;
    lines.push(`Scanned ${plural(h.count, 'commit')} of ${h.range} one by one: ${plural(h.files, 'changed file')} read.`);
  }
  lines.push('');
  for (const f of result.findings) {
    const label = f.severity === 'block' ? s.red(s.bold('BLOCK')) : s.yellow(s.bold('WARN '));
    lines.push(`${label}  ${s.bold(f.rule)}`, `  ${f.message}`, ...place(f, s), '');
  }
  const before = baseName(result);
  if (result.notes.length > 0) {
    lines.push(s.dim(`Already there before this change (${result.notes.length}, in ${before}): shown, not counted.`), '');
    for (const f of result.notes) lines.push(`${s.dim('NOTE ')}  ${s.bold(f.rule)} (${f.severity} if it were new)`, `  ${f.message}`, ...place(f, s), '');
  }
  if (result.waived.length > 0) {
    lines.push(s.dim(`Waived (${result.waived.length}):`));
    for (const w of result.waived)
      lines.push(s.dim(`  ${w.rule} at ${w.file}:${w.line} by ${waiverLabel(w.waiver)}: ${w.waiver.reason} (until ${w.waiver.expires})`));
    lines.push('');
  }
  for (const e of result.expiredWaivers) {
    lines.push(s.yellow(`Expired waiver: ${e.rule} ${waiverLabel(e)} expired ${e.expires} and no longer waives (${e.reason}).`));
  }
  if (result.expiredWaivers.length > 0) lines.push('');
  const blocking = result.findings.filter((f) => f.severity === 'block').length;
  const warnings = result.findings.length - blocking;
  if (result.decision === 'block') {
    lines.push(
      s.red(s.bold('BLOCKED: do not commit or push this change.')) +
        ` ${plural(blocking, 'blocking finding')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}. Change the sources.`,
    );
    if (result.findings.some((f) => f.rule === 'destroy-provisioner' && f.severity === 'block')) {
      lines.push(
        'A destroy-time provisioner that was reviewed can be waived right above its block: # tfguard:allow destroy-provisioner reason="..." expires=YYYY-MM-DD',
      );
    }
    if (result.findings.some((f) => f.onlyInCommit && f.severity === 'block')) {
      const base = result.commits?.range.includes('..') ? ` ${result.commits.range.split('..')[0]}` : '';
      lines.push(`A commit above holds a blocking finding that a later commit removes: rewrite the commits (git rebase -i${base}) so that none holds it.`);
    }
  } else if (result.decision === 'warn') {
    lines.push(`${s.yellow(s.bold('WARN: a person must review this change;'))} ${plural(warnings, 'warning')}.`);
  } else if (result.notes.length > 0) {
    lines.push(
      `${s.green(s.bold('PASS:'))} nothing this change adds fired (${plural(result.notes.length, 'finding')} that ${before} already has: notes above).`,
    );
  } else {
    lines.push(`${s.green(s.bold('PASS:'))} no rule fired.`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where a finding is: file and line, the commit that adds it, and every address of a module read under several names. */
function place(f: ScanFinding, s: Style): string[] {
  const lines: string[] = [];
  const commit = f.commit ? `${f.commit.short} "${f.commit.subject}"` : '';
  if (f.onlyInCommit) lines.push(`    at ${f.file}:${f.line} in ${commit} (a later commit removes it, but this commit is pushed with it)`);
  else lines.push(`    at ${f.file}:${f.line}`, ...(commit ? [`    added by ${commit}`] : []));
  if (f.addresses && f.addresses.length > 1) {
    for (const a of f.addresses.slice(0, MAX_ADDRESSES)) lines.push(`    - ${a}`);
    if (f.addresses.length > MAX_ADDRESSES) lines.push(s.dim(`    … and ${f.addresses.length - MAX_ADDRESSES} more (--format json lists them all)`));
  }
  return lines;
}

/** What the change is compared with: the base of --commits BASE..TIP, else --base, else what the remote has. */
function baseName(result: ScanResult): string {
  const range = result.commits?.range;
  if (range?.includes('..')) return range.split('..')[0]!;
  return result.base ?? 'what the remote-tracking branches have';
}
