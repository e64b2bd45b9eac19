/** `tfguard scan` reports: text (the words of `check`) and JSON. Each returns a string. */
import { makeStyle } from '../report/style.js';
import { VERSION } from '../version.js';
import type { ScanFinding, ScanResult } from './types.js';

export function formatScanJson(result: ScanResult): string {
  const findings = result.findings.map((f: ScanFinding) => ({
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    ...(f.addresses ? { addresses: f.addresses } : {}),
  }));
  const report = { tool: 'tfguard', version: VERSION, scan: { dir: result.dir, base: result.base }, decision: result.decision, findings };
  return `${JSON.stringify(report, null, 2)}\n`;
}

const MAX_ADDRESSES = 12;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatScanText(result: ScanResult, opts: { color?: boolean } = {}): string {
  const s = makeStyle(opts.color ?? false);
  const c = result.counts;
  const base = result.base === null ? '' : ` against ${result.base}`;
  const lines = [
    s.dim(`tfguard ${VERSION} · scan ${result.dir}${base}`),
    `Read ${plural(c.terraformFiles, 'Terraform file')} (${plural(c.roots, 'root module')}), ${plural(c.commandFiles, 'script and CI file')}` +
      (result.base === null ? '.' : `, ${plural(c.baseFiles, 'file')} changed since ${result.base}.`),
    '',
  ];
  for (const f of result.findings) {
    const label = f.severity === 'block' ? s.red(s.bold('BLOCK')) : s.yellow(s.bold('WARN '));
    lines.push(`${label}  ${s.bold(f.rule)}`, `  ${f.message}`, `    at ${f.file}:${f.line}`);
    // A module read under several names: every address it has.
    if (f.addresses && f.addresses.length > 1) {
      for (const a of f.addresses.slice(0, MAX_ADDRESSES)) lines.push(`    - ${a}`);
      if (f.addresses.length > MAX_ADDRESSES) lines.push(s.dim(`    … and ${f.addresses.length - MAX_ADDRESSES} more (--format json lists them all)`));
    }
    lines.push('');
  }
  const blocking = result.findings.filter((f) => f.severity === 'block').length;
  const warnings = result.findings.length - blocking;
  if (result.decision === 'block') {
    lines.push(
      s.red(s.bold('BLOCKED: do not push this change.')) +
        ` ${plural(blocking, 'blocking finding')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}. Change the sources.`,
    );
  } else if (result.decision === 'warn') {
    lines.push(s.yellow(s.bold('WARN: a person must review this change;')) + ` ${plural(warnings, 'warning')}.`);
  } else {
    lines.push(s.green(s.bold('PASS:')) + ' no rule fired.');
  }
  return `${lines.join('\n')}\n`;
}
