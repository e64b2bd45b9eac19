/** `--format text`: what a tired engineer reads in ten seconds. */
import { summaryLine } from '../engine/summary.js';
import type { InstanceDetail, RenderedProvisioner } from '../engine/types.js';
import { escapeControlsDeep } from './escape.js';
import { waiverLabel, type Report, type ReportFinding } from './report.js';
import type { ReportSet } from './set.js';
import { makeStyle, type Style } from './style.js';

const MAX_ADDRESSES = 12;

/** An instance's why is shown once per report; later findings about it point back to it. */
function detailLine(d: InstanceDetail, explained: Set<string>): string[] {
  if (explained.has(d.address)) return [`    - ${d.address}  ${d.action} (why: above)`];
  explained.add(d.address);
  const lines = [`    - ${d.address}  ${d.action}`];
  if (d.because) lines.push(`        because ${d.because}`);
  if (d.chain && d.chain.length > 0) {
    for (const c of d.chain) lines.push(`        ${c}`);
  } else {
    for (const p of d.replace_paths ?? []) lines.push(`        ${p.path}: ${p.before} → ${p.after}`);
  }
  return lines;
}

/** Suggestions are shown once per report: a finding with the same ones as an earlier finding points back to them. */
function suggestionLines(f: ReportFinding, advised: Set<string>): string[] {
  if (!f.suggestions || f.suggestions.length === 0) return [];
  const key = JSON.stringify(f.suggestions);
  if (advised.has(key)) return ['  Instead: as above.'];
  advised.add(key);
  return ['  Instead:', ...f.suggestions.map((x) => `    ${x}`)];
}

function findingBlock(f: ReportFinding, s: Style, explained: Set<string>, advised: Set<string>): string[] {
  const label = f.severity === 'block' ? s.red(s.bold('BLOCK')) : s.yellow(s.bold('WARN '));
  const lines = [`${label}  ${s.bold(f.rule)}`, `  ${f.message}`];
  const shown = new Set(f.details.map((d) => d.address));
  for (const d of f.details.slice(0, MAX_ADDRESSES)) lines.push(...detailLine(d, explained));
  const bare = f.addresses.filter((a) => !shown.has(a));
  for (const a of bare.slice(0, Math.max(0, MAX_ADDRESSES - f.details.length))) lines.push(`    - ${a}`);
  const hidden = f.addresses.length - Math.min(f.addresses.length, MAX_ADDRESSES);
  if (hidden > 0) lines.push(s.dim(`    … and ${hidden} more (--format json lists them all)`));
  lines.push(...suggestionLines(f, advised));
  lines.push(s.dim(`  docs: ${f.docs}`));
  return lines;
}

/** The destroy-time commands any finding of the report (overridden ones too) shows for these addresses. */
export function commandsFor(report: Report, addresses: readonly string[]): RenderedProvisioner[] {
  const wanted = new Set(addresses);
  const seen = new Set<string>();
  const out: RenderedProvisioner[] = [];
  for (const f of [...report.findings, ...(report.overridden ?? [])]) {
    if (!f.commands || !f.addresses.some((a) => wanted.has(a))) continue;
    for (const c of f.commands) {
      const key = `${f.addresses.join('\n')}\n${c.command}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(c);
    }
  }
  return out;
}

/** Overridden findings in full: a person confirms them, so they see what they override and what will run. */
function overriddenBlock(report: Report, s: Style): string[] {
  const overridden = report.overridden ?? [];
  if (overridden.length === 0) return [];
  const lines = [s.yellow(s.bold(`Overridden for this run (${overridden.length}): these still happen if you confirm.`))];
  for (const o of overridden) {
    const allow = `--allow ${o.override.rule}${o.override.address ? `=${o.override.address}` : ''}`;
    lines.push(
      `${s.yellow('OVERRIDDEN')}  ${s.bold(o.rule)} on ${o.addresses.length} address(es) by ${allow}: ${o.override.reason}`,
      `  ${o.severity}: ${o.message}`,
    );
    for (const a of o.addresses.slice(0, MAX_ADDRESSES)) lines.push(`    - ${a}`);
    if (o.addresses.length > MAX_ADDRESSES) lines.push(s.dim(`    … and ${o.addresses.length - MAX_ADDRESSES} more (--format json lists them all)`));
    for (const c of commandsFor(report, o.addresses)) {
      const danger =
        c.destructive.length > 0 ? ` — DESTRUCTIVE (${c.destructive.join(', ')})` : c.unknown !== undefined ? ` — CANNOT TELL what runs (${c.unknown})` : '';
      lines.push(`    runs at destroy time (${c.provisioner}, ${c.file}:${c.line}): ${c.command}${danger}`);
    }
  }
  lines.push('');
  return lines;
}

function decisionLine(report: Report, s: Style): string {
  const overridden = report.overridden?.length ?? 0;
  const plus = overridden > 0 ? ` ${overridden} overridden finding${overridden === 1 ? '' : 's'} (above): a person must confirm.` : '';
  const blocking = report.findings.filter((f) => f.severity === 'block').length;
  const warnings = report.findings.length - blocking;
  if (report.decision === 'block') {
    return (
      s.red(s.bold(`BLOCKED: do not apply this plan.`)) +
      ` ${blocking} blocking finding${blocking === 1 ? '' : 's'}` +
      (warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '') +
      '. Change the plan, or waive with a reason in .tfguard.json.' +
      plus
    );
  }
  if (report.decision === 'warn') {
    return (
      s.yellow(s.bold('WARN: a person must review this plan')) +
      ` (${warnings} warning${warnings === 1 ? '' : 's'}): tfguard apply asks for confirmation, and refuses to apply it with -auto-approve.` +
      plus
    );
  }
  if (overridden > 0) {
    return (
      s.yellow(s.bold(`PASS with ${overridden} overridden finding${overridden === 1 ? '' : 's'}:`)) +
      ' nothing else fired; -auto-approve is refused and a person must confirm on a terminal.'
    );
  }
  return `${s.green(s.bold('PASS:'))} no rule fired.`;
}

/** The config a report was made with, as its header names it. */
export function configLabel(config: string | null): string {
  return config === null ? 'no config (every rule at its defaults)' : `config ${config}`;
}

/**
 * Every value from the plan, the sources or the config goes through escapeControlsDeep first: a control or
 * invisible character in it (an ESC sequence, CR/LF drawing a fake line, a bidi override) is shown as `\u001b`,
 * `\r`, `\n`, ..., so each line of the report is tfguard's own and only tfguard's colors reach the terminal.
 */
export function formatText(raw: Report, opts: { color?: boolean } = {}): string {
  const report = escapeControlsDeep(raw);
  const s = makeStyle(opts.color ?? false);
  const tf = report.plan.terraform_version ? `Terraform ${report.plan.terraform_version}, ` : '';
  const lines = [
    s.dim(`tfguard ${report.version} · ${report.plan.source} (${tf}format ${report.plan.format_version}) · ${configLabel(report.config)}`),
    summaryLine(report.summary),
    '',
  ];
  const explained = new Set<string>();
  const advised = new Set<string>();
  for (const f of report.findings) lines.push(...findingBlock(f, s, explained, advised), '');
  if (report.waived.length > 0) {
    lines.push(s.dim(`Waived (${report.waived.length}):`));
    for (const w of report.waived) {
      lines.push(s.dim(`  ${w.rule} on ${w.addresses.length} address(es) by ${waiverLabel(w.waiver)}: ${w.waiver.reason} (until ${w.waiver.expires})`));
    }
    lines.push('');
  }
  lines.push(...overriddenBlock(report, s));
  for (const e of report.expired_waivers) {
    lines.push(s.yellow(`Expired waiver: ${e.rule} ${waiverLabel(e)} expired ${e.expires} and no longer waives (${e.reason}).`));
  }
  for (const u of report.unmatched_waivers ?? []) {
    lines.push(
      s.yellow(`Unmatched waiver: ${u.rule} "${u.address}" matches no resource in this plan and waives nothing (a typo, or a resource that is gone?).`),
    );
  }
  if (report.expired_waivers.length + (report.unmatched_waivers?.length ?? 0) > 0) lines.push('');
  lines.push(decisionLine(report, s));
  return `${lines.join('\n')}\n`;
}

/** Several plans: each report in turn, then the decision of the whole run (the worst one). */
export function formatTextSet(set: ReportSet, opts: { color?: boolean } = {}): string {
  if (set.reports.length === 1) return formatText(set.reports[0]!, opts);
  const s = makeStyle(opts.color ?? false);
  const parts = set.reports.map((r) => formatText(r, opts));
  const counts = (d: string) => set.reports.filter((r) => r.decision === d).length;
  const overall = `${set.reports.length} plans: ${counts('block')} blocked, ${counts('warn')} to review, ${counts('pass')} passed.`;
  const label = set.decision === 'block' ? s.red(s.bold('BLOCKED')) : set.decision === 'warn' ? s.yellow(s.bold('WARN')) : s.green(s.bold('PASS'));
  return `${parts.join('\n')}\n${label}: ${overall}\n`;
}
