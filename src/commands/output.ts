/** Writing a report: the chosen format, colors on a terminal only, every plan secret redacted, stdout or a file. */
import { writeFile } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import { redactText } from '../plan/values.js';
import { FORMAT_NAMES, FORMATS } from '../report/index.js';
import type { Report } from '../report/report.js';
import { wantColor } from '../report/style.js';

export interface OutputOptions {
  format?: string | undefined;
  output?: string | undefined;
  color?: boolean | undefined;
}

export function checkFormat(format: string | undefined): string {
  const name = format ?? 'text';
  if (!FORMAT_NAMES.includes(name)) throw new UsageError(`unknown --format ${name} (one of: ${FORMAT_NAMES.join(', ')})`);
  return name;
}

export async function writeReport(report: Report, secrets: ReadonlySet<string>, opts: OutputOptions): Promise<void> {
  const format = checkFormat(opts.format);
  const toFile = opts.output !== undefined;
  const color = !toFile && format === 'text' && wantColor({ flag: opts.color, isTTY: process.stdout.isTTY === true, env: process.env });
  // Every format passes through redaction of every string the plan marks sensitive anywhere.
  const text = redactText(FORMATS[format]!(report, { color }), secrets);
  if (!toFile) {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(opts.output!, text);
  } catch (error) {
    throw new InputError(`${opts.output}: cannot write the report (${(error as Error).message})`);
  }
  process.stderr.write(`tfguard: ${report.decision} (${report.findings.length} finding(s)); report written to ${opts.output}\n`);
}
