/** `tfguard check PLAN`: load, run the rules, report, and say with the exit code whether to apply. */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { buildReport } from '../report/report.js';
import { exitCodeFor, parseFailOn } from './fail-on.js';
import { checkFormat, writeReport } from './output.js';
import { review } from './review.js';

export interface CheckOptions {
  dir?: string;
  config?: string;
  format?: string;
  output?: string;
  failOn?: string;
  terraformBin?: string;
  color?: boolean;
}

export async function check(plans: string[], opts: CheckOptions): Promise<number> {
  checkFormat(opts.format);
  const failOn = parseFailOn(opts.failOn);
  if (plans.length === 0) throw new UsageError('give a plan: a `terraform show -json` file, a saved plan, or - for stdin');
  if (plans.length > 1) throw new UsageError('check reads one plan per run');

  const dir = resolve(opts.dir ?? '.');
  const { sourceName, plan, config, result } = await review({ source: plans[0]!, dir, configFile: opts.config, terraformBin: opts.terraformBin });
  const report = buildReport({ source: sourceName, plan, result, config: config.source });
  await writeReport(report, plan.secrets, opts);
  return exitCodeFor(report.decision, failOn);
}
