/** `tfguard log`: the audit log of `tfguard apply`, newest first, readable. */
import { readFile } from 'node:fs/promises';
import { RULES } from '../../rules/index.js';
import type { AuditRecord } from '../apply/audit.js';
import { auditPath } from '../apply/audit.js';
import { loadConfig } from '../config/load.js';
import { summaryLine } from '../engine/summary.js';
import { InputError, UsageError } from '../errors.js';
import { existingDir } from './dir.js';
import { escapeControls, escapeControlsDeep, jsonText } from '../report/escape.js';
import { makeStyle, wantColor, type Style } from '../report/style.js';

export interface LogOptions {
  dir?: string;
  auditLog?: string;
  limit?: string;
  format?: string;
  color?: boolean;
}

function parseLines(path: string, text: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as AuditRecord);
    } catch {
      throw new InputError(`${path}:${i + 1}: not a JSON line; the audit log is damaged`);
    }
  });
  return records;
}

function decisionLabel(decision: string, s: Style): string {
  const label = decision.padEnd(11);
  if (decision === 'applied' || decision === 'ran') return s.green(label);
  if (decision === 'declined' || decision === 'interrupted') return s.yellow(label); // nothing was applied
  return s.red(label);
}

/** Every string of the record (args, reasons, paths, host and user names) as inert text: src/report/escape.ts. */
function formatRecord(raw: AuditRecord, s: Style): string {
  const r = escapeControlsDeep(raw);
  const tf = r.terraform?.bin ? `${r.terraform.bin} ${r.terraform.version ?? ''}`.trim() : 'terraform ?';
  const lines = [`${s.bold(r.time)}  ${decisionLabel(r.decision, s)}  ${r.user}@${r.host}  ${r.dir}  (${tf})`];
  const sha = r.plan?.sha256 ? `plan sha256 ${r.plan.sha256.slice(0, 12)}` : 'no plan';
  lines.push(`  ${sha}${r.summary ? ` · ${summaryLine(r.summary)}` : ''}`);
  lines.push(`  args: ${r.args.join(' ') || '(none)'}`);
  if (r.findings.length > 0) {
    lines.push(`  findings: ${r.findings.map((f) => `${f.rule} (${f.severity}, ${f.addresses.length})`).join(', ')}`);
  }
  for (const o of r.overrides ?? []) lines.push(s.yellow(`  override: ${o.rule}${o.address ? `=${o.address}` : ''}: ${o.reason}`));
  for (const w of r.waived ?? []) lines.push(s.dim(`  waived: ${w.rule} by "${w.address}": ${w.reason} (until ${w.expires})`));
  if (r.expect?.length) lines.push(`  expect: ${r.expect.join(', ')}`);
  if (r.rollout)
    lines.push(`  rollout: ${r.rollout.applied} of ${r.rollout.stages} stage(s) applied, batch ${r.rollout.batch}${r.rollout.resumed ? ', resumed' : ''}`);
  if (r.stage)
    lines.push(`  stage ${r.stage.index} of ${r.stage.of}${r.stage.group ? ` (${r.stage.group})` : ''}: ${r.stage.targets.join(', ') || 'every other change'}`);
  if (r.command) {
    const c = r.command;
    const end = c.timed_out ? 'timed out' : c.exit_code === null ? 'stopped' : `exit ${c.exit_code}`;
    lines.push(`  ${c.phase} "${c.name}"${c.address ? ` for ${c.address}` : ''}: ${c.run} (${end}, ${c.seconds} s)`);
  }
  if (r.run_id) lines.push(s.dim(`  run ${r.run_id}`));
  const exit = r.terraform_exit_code === null ? '' : ` (terraform exit ${r.terraform_exit_code})`;
  lines.push(`  ${r.why}${exit}`);
  return lines.join('\n');
}

export async function printLog(opts: LogOptions): Promise<number> {
  const dir = await existingDir(opts.dir ?? '.');
  let limit: number | undefined;
  if (opts.limit !== undefined) {
    limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${opts.limit}: a whole number from 1`);
  }
  const configured = opts.auditLog === undefined ? (await loadConfig({ dir, rules: RULES })).auditLog : undefined;
  const path = auditPath(dir, opts.auditLog ?? configured);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A log named with --audit-log must exist (a typo would read as "nothing happened"); the default one is
      // only written by the first tfguard apply.
      if (opts.auditLog !== undefined) throw new InputError(`${path}: no such audit log`);
      if (opts.format === 'json') process.stdout.write('[]\n');
      else process.stdout.write(`No decisions recorded yet: tfguard apply writes them to ${escapeControls(path)}.\n`);
      return 0;
    }
    throw new InputError(`${path}: cannot read (${(error as Error).message})`);
  }
  const records = parseLines(path, text).reverse().slice(0, limit);
  if (opts.format === 'json') {
    process.stdout.write(jsonText(records));
    return 0;
  }
  const s = makeStyle(wantColor({ flag: opts.color, isTTY: process.stdout.isTTY === true, env: process.env }));
  process.stdout.write(records.length === 0 ? 'The audit log is empty.\n' : `${records.map((r) => formatRecord(r, s)).join('\n\n')}\n`);
  return 0;
}
