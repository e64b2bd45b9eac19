/**
 * Writing a run's reports: every chosen format (`--format F` to stdout, `--format F=FILE` to a file, several
 * in one run), colors on a terminal only, every plan secret redacted.
 */
import { escapeControls } from '../report/escape.js';
import { appendFile, writeFile } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import { redactRendered } from '../redact/redact.js';
import { FORMAT_NAMES, loadFormatter } from '../report/formats.js';
import type { ReportSet } from '../report/set.js';
import { wantColor } from '../report/style.js';

export interface OutputTarget {
  format: string;
  /** undefined: stdout (or stderr, below). */
  file?: string;
  /** No file: stderr instead of stdout (apply keeps stdout for terraform's output). */
  stderr?: boolean;
}

function checkName(name: string): string {
  if (!FORMAT_NAMES.includes(name)) throw new UsageError(`unknown --format ${name} (one of: ${FORMAT_NAMES.join(', ')})`);
  return name;
}

/** `--format` values (`text`, `sarif=out.sarif`, ...) and `--output FILE` → where each format goes. */
export function parseTargets(formats: readonly string[] | string | undefined, output?: string): OutputTarget[] {
  const list = formats === undefined ? [] : typeof formats === 'string' ? [formats] : [...formats];
  const targets: OutputTarget[] = list.map((value) => {
    const eq = value.indexOf('=');
    if (eq < 0) return { format: checkName(value) };
    const file = value.slice(eq + 1);
    if (!file) throw new UsageError(`--format ${value}: give a file after =`);
    return { format: checkName(value.slice(0, eq)), file };
  });
  const bare = targets.filter((t) => t.file === undefined);
  if (bare.length > 1)
    throw new UsageError(`--format: only one format can go to stdout (${bare.map((t) => t.format).join(', ')}); give the others a file: --format F=FILE`);
  if (targets.length === 0) targets.push({ format: 'text' });
  if (output !== undefined) {
    const target = targets.find((t) => t.file === undefined);
    if (!target) throw new UsageError('--output goes with a --format that has no =FILE');
    target.file = output;
  }
  return targets;
}

/**
 * In a GitHub Actions job (`GITHUB_STEP_SUMMARY` set) that writes `--format github`, the Markdown report (the
 * text report without colors, should the markdown format be absent) is appended to the job summary file; never
 * truncated, so several runs in one step add up. Redacted like every other output.
 */
async function appendStepSummary(set: ReportSet, secrets: ReadonlySet<string>, targets: readonly OutputTarget[]): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file || !targets.some((t) => t.format === 'github')) return;
  const format = await loadFormatter('markdown');
  const text = redactRendered(set, secrets, (s) => format(s, { color: false }));
  try {
    await appendFile(file, text.endsWith('\n') ? `${text}\n` : `${text}\n\n`);
  } catch (error) {
    throw new InputError(`GITHUB_STEP_SUMMARY ${file}: cannot append the summary (${(error as Error).message})`);
  }
}

export async function writeReports(set: ReportSet, secrets: ReadonlySet<string>, targets: readonly OutputTarget[], color?: boolean): Promise<void> {
  for (const target of targets) {
    const stream = target.stderr ? process.stderr : process.stdout;
    const useColor = target.file === undefined && target.format === 'text' && wantColor({ flag: color, isTTY: stream.isTTY === true, env: process.env });
    // Every format passes through redaction of every string a plan marks sensitive anywhere, in every form.
    const format = await loadFormatter(target.format);
    const text = redactRendered(set, secrets, (s) => format(s, { color: useColor }));
    if (target.file === undefined) {
      stream.write(text);
      continue;
    }
    try {
      await writeFile(target.file, text);
    } catch (error) {
      throw new InputError(`${target.file}: cannot write the report (${(error as Error).message})`);
    }
  }
  await appendStepSummary(set, secrets, targets);
  if (targets.every((t) => t.file !== undefined)) {
    const findings = set.reports.reduce((n, r) => n + r.findings.length, 0);
    process.stderr.write(`tfguard: ${set.decision} (${findings} finding(s)); report written to ${escapeControls(targets.map((t) => t.file).join(', '))}\n`);
  }
}
