/**
 * `tfguard check PLAN...`: load each plan, run the rules, report (one combined report for several plans, each
 * finding under its plan), and say with the exit code whether to apply: the worst decision wins. A folder
 * stands for every plan file under it (src/plan/discover.ts), each checked with its own folder's config.
 */
import { dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { existingDir } from './dir.js';
import { holdsTerraform } from '../hcl/files.js';
import { isDirectory } from '../is-directory.js';
import { discoverPlans, patternsLine } from '../plan/discover.js';
import { escapeControls } from '../report/escape.js';
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

/** One plan input: a file or `-` as given, or a file found in a folder that was given. */
interface PlanInput {
  source: string;
  /** Found in a folder: the plan's own folder (its config, its sources, where a saved plan is shown). */
  folder?: string;
}

/**
 * `--dir` for every plan; without it, a found plan's own folder; a plan named on the command line: its folder
 * when it holds .tf files, else the current one.
 */
async function rootFor(input: PlanInput, dir: string | undefined): Promise<string> {
  if (dir !== undefined) return existingDir(dir);
  if (input.folder !== undefined) return input.folder;
  const plan = input.source;
  if (plan !== '-' && (await holdsTerraform(dirname(resolve(plan))))) return dirname(resolve(plan));
  return resolve('.');
}

/**
 * The arguments as plan inputs: a folder becomes the plans found under it (none found: exit 2, never a pass).
 * A file given twice (or named and also found in a folder given) is read once. `notes` say what was left out.
 */
async function planInputs(args: readonly string[], notes: string[]): Promise<PlanInput[]> {
  const inputs: PlanInput[] = [];
  const seen = new Set<string>();
  const add = (input: PlanInput): void => {
    const key = input.source === '-' ? '-' : resolve(input.source);
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push(input);
  };
  for (const arg of args) {
    // A missing path is left to the plan reader to name.
    if (arg === '-' || !(await isDirectory(arg))) {
      add({ source: arg });
      continue;
    }
    const { plans, skipped } = await discoverPlans(arg);
    if (plans.length === 0) throw new InputError(`${arg}: no plan file found in this folder or below it (${patternsLine()})`);
    for (const plan of plans) add({ source: plan.path, folder: plan.dir });
    for (const s of skipped) {
      notes.push(`tfguard: ${escapeControls(s.path)}: not read: ${escapeControls(s.instead)} in the same folder is checked (name a saved plan to check it)\n`);
    }
  }
  return inputs;
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
  // Said on stderr only once every plan was read: an error stays the one line it is.
  const notes: string[] = [];
  const secrets = new Set<string>();
  const wantLocations = needsLocations(targets.map((t) => t.format));
  for (const input of await planInputs(plans, notes)) {
    const dir = await rootFor(input, opts.dir);
    const terraformCwd = input.folder;
    // One input may hold several plans (Terragrunt's run-all show -json): each is reported as its own.
    const reviewed = await reviewPlans({ source: input.source, dir, terraformCwd, configFile: opts.config, terraformBin: opts.terraformBin, wantLocations });
    if (reviewed.length > 1) {
      const name = input.source === '-' ? '(stdin)' : input.source;
      notes.push(
        `tfguard: ${escapeControls(name)} holds ${reviewed.length} plans (JSON documents), named #1 to #${reviewed.length} in the order they come: ` +
          'plan JSON does not say which folder or unit it is from\n',
      );
    }
    for (const { sourceName, plan, config, result } of reviewed) {
      reports.push(buildReport({ source: sourceName, dir: relativeDir(dir), plan, result, config: config.source }));
      // What tfguard apply would run for this plan (the config's runbook): listed, never run.
      listings.push(runbookListing(sourceName, plan, config, result));
      for (const s of plan.secrets) secrets.add(s);
    }
  }
  const set = reportSet(reports);
  await writeReports(set, secrets, targets, opts.color);
  process.stderr.write(notes.join('') + listings.join(''));
  return exitCodeFor(set.decision, failOn);
}
