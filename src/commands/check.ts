/** `tfguard check PLAN`: load, run the rules, report, and say with the exit code whether to apply. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RULES } from '../../rules/index.js';
import { loadConfig } from '../config/load.js';
import { runRules } from '../engine/run.js';
import { InputError, UsageError } from '../errors.js';
import { loadPlan } from '../plan/load.js';
import { FORMATS, FORMAT_NAMES } from '../report/index.js';
import { buildReport } from '../report/report.js';
import { wantColor } from '../report/style.js';
import { exitCodeFor, parseFailOn } from './fail-on.js';
import { readSourcesFor } from './sources.js';
import { redactText } from '../plan/values.js';

export interface CheckOptions {
  dir?: string;
  config?: string;
  format?: string;
  output?: string;
  failOn?: string;
  terraformBin?: string;
  color?: boolean;
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function check(plans: string[], opts: CheckOptions): Promise<number> {
  const format = opts.format ?? 'text';
  if (!FORMAT_NAMES.includes(format)) throw new UsageError(`unknown --format ${format} (one of: ${FORMAT_NAMES.join(', ')})`);
  const failOn = parseFailOn(opts.failOn);
  if (plans.length === 0) throw new UsageError('give a plan: a `terraform show -json` file, a saved plan, or - for stdin');
  if (plans.length > 1) throw new UsageError('check reads one plan per run');

  const dir = resolve(opts.dir ?? '.');
  const config = await loadConfig({ dir, file: opts.config, rules: RULES });
  const { source, plan } = await loadPlan(plans[0]!, { terraformBin: opts.terraformBin, cwd: dir });
  const sources = await readSourcesFor(plan, dir);
  const result = runRules({ plan, config, rules: RULES, today: todayUtc(), sources });
  const report = buildReport({ source, plan, result, config: config.source });

  const toFile = opts.output !== undefined;
  const color = !toFile && format === 'text' && wantColor({ flag: opts.color, isTTY: process.stdout.isTTY === true, env: process.env });
  // Every format passes through redaction of every string the plan marks sensitive anywhere.
  const text = redactText(FORMATS[format]!(report, { color }), plan.secrets);
  if (toFile) {
    try {
      await writeFile(opts.output!, text);
    } catch (error) {
      throw new InputError(`${opts.output}: cannot write the report (${(error as Error).message})`);
    }
    process.stderr.write(`tfguard: ${report.decision} (${report.findings.length} finding(s)); report written to ${opts.output}\n`);
  } else {
    process.stdout.write(text);
  }
  return exitCodeFor(report.decision, failOn);
}
