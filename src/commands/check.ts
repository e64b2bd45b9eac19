/**
 * `tfguard check PLAN...`: load each plan, run the rules, report (one combined report for several plans, each
 * finding under its plan), and say with the exit code whether to apply: the worst decision wins.
 */
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { existingDir } from './dir.js';
import { holdsTerraform } from '../hcl/files.js';
import { needsLocations } from '../report/formats.js';
import { buildReport, relativeDir, type Report } from '../report/report.js';
import { reportSet } from '../report/set.js';
import { exitCodeFor, parseFailOn } from './fail-on.js';
import { parseTargets, writeReports } from './output.js';
import { reviewPlans } from './review.js';
import { runbookListing } from '../runbook/check-list.js';

export interface CheckOptions {
  dir?: string;
  config?: string;
  format?: string[] | string;
  output?: string;
  failOn?: string;
  terraformBin?: string;
  color?: boolean;
}

/** `--dir` for every plan; without it, the plan file's folder when it holds .tf files, else the current one. */
async function rootFor(plan: string, dir: string | undefined): Promise<string> {
  if (dir !== undefined) return existingDir(dir);
  if (plan !== '-' && (await holdsTerraform(dirname(resolve(plan))))) return dirname(resolve(plan));
  return resolve('.');
}

export async function check(plans: string[], opts: CheckOptions): Promise<number> {
  const targets = parseTargets(opts.format, opts.output);
  const failOn = parseFailOn(opts.failOn);
  if (plans.length === 0) throw new UsageError('give a plan: a `terraform show -json` file, a saved plan, or - for stdin');
  if (plans.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read once');
  // On a terminal, `-` would wait without a word: say what it waits for.
  if (plans.includes('-') && process.stdin.isTTY === true) {
    process.stderr.write('tfguard: reading a plan from standard input (terraform show -json PLANFILE | tfguard check -); end it with Ctrl-D\n');
  }

  const reports: Report[] = [];
  const listings: string[] = [];
  const secrets = new Set<string>();
  const wantLocations = needsLocations(targets.map((t) => t.format));
  for (const source of plans) {
    const dir = await rootFor(source, opts.dir);
    // One input may hold several plans (Terragrunt's run-all show -json): each is reported as its own.
    for (const { sourceName, plan, config, result } of await reviewPlans({ source, dir, configFile: opts.config, terraformBin: opts.terraformBin, wantLocations })) {
      reports.push(buildReport({ source: sourceName, dir: relativeDir(dir), plan, result, config: config.source }));
      // What tfguard apply would run for this plan (the config's runbook): listed, never run.
      listings.push(runbookListing(sourceName, plan, config, result));
      for (const s of plan.secrets) secrets.add(s);
    }
  }
  const set = reportSet(reports);
  await writeReports(set, secrets, targets, opts.color);
  process.stderr.write(listings.join(''));
  return exitCodeFor(set.decision, failOn);
}
