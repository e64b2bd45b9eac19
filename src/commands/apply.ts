/**
 * `tfguard apply`: plan to a private temp file (or take a saved plan), review it with every rule, decide —
 * refuse, ask a person, or apply — and apply exactly the reviewed plan (its sha256 is checked right before).
 * The config's runbook runs around it: `preflight` after the review and before the prompt, `before_destroy`
 * after confirmation and before terraform apply (src/runbook). `--staged` rolls a group out member by member
 * (src/apply/rollout.ts). Every run appends a line to the audit log (and one per command and stage); a log that
 * cannot be written refuses the apply. The temp plan holds secrets and is removed on every path. Any signal
 * before terraform apply starts means nothing is applied (exit 128+N, decision `interrupted`).
 */
import { resolve } from 'node:path';
import { RULES } from '../../rules/index.js';
import { auditArgs, destroyArgv, parseApplyArgs, withoutColor, type ApplyCommand } from '../apply/args.js';
import { AuditLog, auditIdentity, auditPath, type AuditRecord } from '../apply/audit.js';
import { finish, interruptedWhy, isStop, nothingApplied, recordReview, say, stopped, type ApplyContext } from '../apply/context.js';
import { APPLY_HELP, DESTROY_HELP } from '../apply/help.js';
import { rollout } from '../apply/rollout.js';
import { newRunId, readRollout, ROLLOUT_FILE } from '../apply/rollout-state.js';
import { applyReviewed, dryRunEnd, planAndReview, renderInput } from '../apply/steps.js';
import { makePlanDir, removeStalePlanDirs } from '../apply/temp-plan.js';
import { loadConfig } from '../config/load.js';
import { summarize, summaryLine } from '../engine/summary.js';
import { UsageError } from '../errors.js';
import { commandRunning } from '../runbook/exec.js';
import { runbookText, describeRunbook } from '../runbook/list.js';
import { beforeDestroyCommands, preflightCommands } from '../runbook/render.js';
import { isEmpty } from '../runbook/schema.js';
import { resolveTerraform } from '../terraform/binary.js';
import { onFatalSignals, signalExitCode } from '../terraform/signals.js';
import { terraformRunning } from '../terraform/stream.js';
import { existingDir } from './dir.js';

/**
 * `tfguard apply ARGS`; `tfguard destroy ARGS` is `tfguard apply -destroy ARGS` (`-destroy` then is in the
 * arguments the audit log keeps), with no saved plan.
 */
export async function apply(given: readonly string[], command: ApplyCommand = 'apply'): Promise<number> {
  const argv = command === 'destroy' ? destroyArgv(given) : given;
  const parsed = parseApplyArgs(argv, command);
  if (parsed.help) {
    process.stdout.write(command === 'destroy' ? DESTROY_HELP : APPLY_HELP);
    return 0;
  }
  const args = withoutColor(parsed, process.env);
  removeStalePlanDirs();
  const ruleIds = RULES.map((r) => r.meta.id);
  for (const a of args.allow) {
    if (!ruleIds.includes(a.rule)) throw new UsageError(`--allow ${a.rule}: no such rule (tfguard rules lists them)`);
  }
  // A typo must not plan elsewhere, read no sources, or create the audit log's folder under it.
  const workdir = args.chdir === undefined ? resolve('.') : await existingDir(args.chdir, '-chdir');
  const dir = args.dir === undefined ? workdir : await existingDir(args.dir);
  const runId = newRunId();
  const record: AuditRecord = {
    ...auditIdentity(),
    dir,
    terraform: { bin: null, version: null },
    args: auditArgs(argv),
    plan: { file: null, sha256: null, format_version: null },
    summary: null,
    findings: [],
    waived: [],
    overrides: [],
    expect: args.expect,
    decision: 'refused',
    why: '',
    terraform_exit_code: null,
    run_id: runId,
  };
  const config = await loadConfig({ dir, file: args.config, rules: RULES });
  const terraform = { bin: '', version: null };
  const ctx: ApplyContext = { args, argv, dir, workdir, config, record, terraform, runId, secrets: new Set<string>(), applied: 0 };
  // Any signal before terraform apply starts means nothing is applied. While terraform or a runbook command
  // runs, it gets the signal (src/terraform/stream.ts, src/runbook/exec.ts) and tfguard stops once it has
  // exited; at any other time — review, prompt — tfguard stops at once: recorded, temp plan removed (the 'exit'
  // handler), exit 128+N. Once terraform apply has started, the signal is terraform's to handle and its exit code
  // is passed through (a rollout then stops after that stage). (Before this listener — loading the CLI — a
  // signal has its default action: nothing to apply or clean up yet.)
  // The listener stays until the process exits: once the record is being written a signal changes nothing, and
  // removing it would give SIGPIPE its default action (Node ignores it; libuv restores "terminate", not "ignore").
  onFatalSignals((signal) => {
    if (!ctx.finishing) ctx.signal ??= signal;
    if (ctx.applyStarted || ctx.finishing) {
      // Terraform's to handle, or the decision is being recorded: let it end. A tfguard still here 3 s later is
      // stuck on something, and stops as the signal asked (the timer never keeps it alive).
      if (!terraformRunning()) setTimeout(() => process.exit(signalExitCode(signal)), 3000).unref();
      return;
    }
    if (terraformRunning() || commandRunning()) return;
    try {
      ctx.log?.appendSync({ ...record, decision: 'interrupted', why: interruptedWhy(ctx, signal) });
    } catch (error) {
      say(`interrupted, but the audit log could not be written: ${(error as Error).message}`);
    }
    say(`interrupted by ${signal}: ${nothingApplied(ctx)}.`);
    process.exit(signalExitCode(signal));
  });
  // A dry run applies and runs nothing: it leaves no line in the log.
  const log = args.dryRun ? undefined : await AuditLog.open(auditPath(dir, args.auditLog ?? config.auditLog));
  ctx.log = log;
  try {
    return await run(ctx);
  } catch (error) {
    await finish(ctx, 'failed', `error: ${(error as Error).message}`, 2);
    throw error;
  } finally {
    await log?.close();
  }
}

async function run(ctx: ApplyContext): Promise<number> {
  const { args, record } = ctx;
  ctx.terraform = await resolveTerraform({ flag: args.terraformBin, cwd: ctx.workdir });
  record.terraform = { ...ctx.terraform };
  const pending = readRollout(ctx.dir);
  if (args.resume && !pending) throw new UsageError(`apply --resume: no stopped rollout to resume (no ${ROLLOUT_FILE} in ${ctx.dir})`);
  if (pending && !args.resume && !args.dryRun) {
    const why =
      `a staged rollout (run ${pending.run_id}) stopped${pending.stopped ? `: ${pending.stopped}` : ''}. Finish it first: ` +
      `tfguard apply --resume with the same options (it runs the health checks of its last stage again, then plans ` +
      `again from the current state), or remove ${ROLLOUT_FILE} to give it up. Nothing was applied`;
    return stopped(ctx, { stop: true, decision: 'refused', why, code: 1, message: `refused: ${why}.` });
  }
  if (pending) ctx.runId = record.run_id = pending.run_id;
  ctx.tmp = await makePlanDir();
  try {
    if (args.staged) return await rollout(ctx, pending);
    return await single(ctx);
  } finally {
    ctx.tmp.remove();
  }
}

async function single(ctx: ApplyContext): Promise<number> {
  const r = await planAndReview(ctx, { file: 'reviewed.tfplan', targets: [] });
  if (isStop(r)) return stopped(ctx, r);
  recordReview(ctx.record, r.report, r.overridden);
  const { runbook } = ctx.config;
  // Rendered now, before anything runs: a placeholder on a secret is a config error (exit 2), nothing run.
  const input = renderInput(ctx, r.plan);
  const preflight = preflightCommands(runbook, r.plan, input);
  const beforeDestroy = beforeDestroyCommands(runbook, r.plan, input);
  if (!isEmpty(runbook)) process.stderr.write(runbookText('What tfguard runs for this plan (.tfguard.json):', describeRunbook(runbook, r.plan, input)));
  if (ctx.args.dryRun) return dryRunEnd(r);
  const result = await applyReviewed(ctx, r, { preflight, beforeDestroy });
  if (isStop(result)) return stopped(ctx, result);
  const { code } = result;
  const why = code === 0 ? summaryLine(summarize(r.plan)) : `terraform apply exited ${code}`;
  return finish(ctx, code === 0 ? 'applied' : 'failed', why, code, code);
}
