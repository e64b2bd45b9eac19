/**
 * `tfguard apply --staged` (and `--resume`): the whole plan is reviewed first; each group blast-radius finds in it
 * is then applied one member (or `--batch N`) at a time, every other change last. Each stage is its own
 * `terraform plan -target=… -out`, reviewed on its own (its findings must pass), confirmed (or -auto-approve
 * when nothing fires), `before_destroy` run, applied, then `health` run. The first failure stops the rollout:
 * the remaining members stay untouched and `.tfguard/rollout.json` says what `--resume` must check again.
 *
 * Staging takes care of one thing: doing a group all at once (blast-radius). Any other finding of the whole plan
 * — a destroy-time provisioner that runs in every stage, a protected resource — refuses the rollout before its
 * first stage, as each stage would be refused on its own.
 */
import { destroyedChanges } from '../engine/instances.js';
import type { ReportFinding } from '../report/report.js';
import { runbookText, describeRunbook } from '../runbook/list.js';
import { beforeDestroyCommands, healthCommands, preflightCommands, type PlannedCommand } from '../runbook/render.js';
import { auditArgs } from './args.js';
import type { AuditDecision, AuditRecord } from './audit.js';
import { entry, finish, interruptedStop, isStop, logEntry, nothingApplied, recordReview, say, stopped, type ApplyContext, type Stop } from './context.js';
import { decideApply } from './decide.js';
import { ask } from './prompt.js';
import { removeRollout, writeRollout, type RolloutState } from './rollout-state.js';
import { planStages, stageTargets, type Stage } from './stages.js';
import { applyReviewed, changesSomething, dryRunEnd, planAndReview, renderInput, runCommands, type Reviewed } from './steps.js';

type StageInfo = NonNullable<AuditRecord['stage']>;

async function logStage(ctx: ApplyContext, r: Reviewed, stage: StageInfo, decision: AuditDecision, why: string, tfExit: number | null): Promise<void> {
  const line = entry(ctx, {
    plan: { file: '(private temp file)', sha256: r.hash, format_version: r.plan.formatVersion },
    stage,
    decision,
    why,
    terraform_exit_code: tfExit,
  });
  recordReview(line, r.report, r.overridden);
  await logEntry(ctx, line);
}

const refused = (why: string): Stop => ({ stop: true, decision: 'refused', why, code: 1, message: `refused: ${why}.` });

/**
 * The whole plan's findings that staging does not take care of must pass as for any apply: blocking ones refuse
 * the rollout, and a person confirms the others once, here. Then preflight.
 */
async function gate(
  ctx: ApplyContext,
  whole: Reviewed,
  staged: ReadonlySet<string>,
  of: number,
  batch: number,
  preflight: readonly PlannedCommand[],
): Promise<Stop | undefined> {
  const handled = (f: ReportFinding) => f.rule === 'blast-radius' && f.addresses.every((a) => staged.has(a));
  const findings = whole.report.findings.filter((f) => !handled(f));
  const overridden = (whole.report.overridden ?? []).filter((f) => !handled(f));
  const decision = decideApply({
    findings,
    overridden,
    destroyed: destroyedChanges(whole.plan).length,
    autoApprove: ctx.args.autoApprove,
    interactive: process.stdin.isTTY === true,
  });
  if (decision.action === 'refuse') {
    const blocking = findings.some((f) => f.severity === 'block');
    const hint = blocking
      ? ' --staged applies the same changes one group member at a time: it takes care of blast-radius (all at once), not of what each change does — a destroy-time provisioner still runs in every stage, so each stage would be refused on its own'
      : '';
    return refused(`the rollout is refused before its first stage: ${decision.why.replace(/\.$/, '')}.${hint}`);
  }
  say(`--staged: the stages take care of the blast-radius finding(s) above: each group goes ${batch} member(s) at a time.`);
  const pre = await runCommands(ctx, preflight, nothingApplied(ctx));
  if (pre) return pre;
  if (findings.length + overridden.length > 0 && decision.action === 'ask') {
    const yes = await ask(`Roll this plan out in ${of} stages (each is confirmed too). ${decision.question}`, decision.phrase);
    if (ctx.signal) return interruptedStop(ctx, ctx.signal, '');
    if (!yes) return { stop: true, decision: 'declined', why: `the answer was not "${decision.phrase}"`, code: 1, message: 'declined: nothing was applied.' };
  }
  return undefined;
}

/** Applies one stage: plan, review, confirm, before_destroy, apply, health. */
async function runStage(
  ctx: ApplyContext,
  state: RolloutState,
  stage: Stage | undefined,
  info: StageInfo,
  preflight: readonly PlannedCommand[],
  whole?: Reviewed,
): Promise<Stop | undefined> {
  const label = `stage ${info.index} of ${info.of}`;
  const what = stage ? `group ${stage.group}: ${info.targets.join(', ')}` : 'every other change';
  if (info.of > 1) say(`${label} (${what})`, ctx.secrets);
  const r = whole ?? (await planAndReview(ctx, { file: `stage-${info.index}.tfplan`, targets: info.targets, label: `${label} (${what})` }));
  if (isStop(r)) return r;
  if (!changesSomething(r.plan)) {
    say(`${label}: nothing to change.`);
    await logStage(ctx, r, info, 'applied', 'nothing to change', null);
    return undefined;
  }
  const input = renderInput(ctx, r.plan);
  const beforeDestroy = beforeDestroyCommands(ctx.config.runbook, r.plan, input);
  const members = stage?.members.map((m) => m.instance) ?? [];
  const health = healthCommands(ctx.config.runbook, members, input);
  const result = await applyReviewed(ctx, r, {
    preflight,
    beforeDestroy,
    question: info.of > 1 ? `Stage ${info.index} of ${info.of} (${what}): ` : '',
    beforeApply: () => writeRollout(ctx.dir, { ...state, pending_health: (state.pending_health = members) }, ctx.secrets),
  });
  ctx.applyStarted = false;
  if (isStop(result)) {
    await logStage(ctx, r, info, result.decision, result.why, result.tfExit ?? null);
    return result;
  }
  const why = result.code === 0 ? `${label} applied` : `terraform apply exited ${result.code} in ${label}`;
  await logStage(ctx, r, info, result.code === 0 ? 'applied' : 'failed', why, result.code);
  if (result.code !== 0) return { stop: true, decision: 'failed', why, code: result.code, tfExit: result.code };
  state.applied++;
  ctx.record.rollout!.applied++;
  if (ctx.signal) return interruptedStop(ctx, ctx.signal, ` during ${label}`);
  const stop = await runCommands(ctx, health, `the rollout stops after ${label}; nothing more is applied`);
  if (stop) return stop;
  state.pending_health = [];
  return undefined;
}

/** The arguments to resume with, as the log keeps them (-var values hidden: give them again). */
function resumeArgs(ctx: ApplyContext): string {
  return ['--resume', ...auditArgs(ctx.argv).filter((a) => a !== '--staged' && a !== '--resume')].join(' ');
}

/** The rollout stops: what `--resume` needs is kept (or nothing, when nothing was applied), and said. */
async function stopRollout(ctx: ApplyContext, state: RolloutState, stop: Stop, info: { index: number; of: number }): Promise<number> {
  const where = `stage ${info.index} of ${info.of}`;
  const keep = state.applied > 0 || state.pending_health.length > 0;
  if (keep) await writeRollout(ctx.dir, { ...state, stopped: `${stop.why} (at ${where})` }, ctx.secrets);
  else removeRollout(ctx.dir);
  if (stop.message) say(stop.message, ctx.secrets);
  const next = keep
    ? `${state.applied} stage(s) applied so far; the remaining members are untouched. To continue: tfguard apply ${resumeArgs(ctx)} (the same options; -var values again): it runs the health checks of the last stage applied again, then plans again from the current state.`
    : 'Nothing was applied.';
  say(`the rollout stopped at ${where}. ${next}`, ctx.secrets);
  return finish(
    ctx,
    stop.decision,
    `${stop.why} (rollout stopped at ${where}${keep ? '; tfguard apply --resume continues it' : ''})`,
    stop.code,
    stop.tfExit ?? null,
  );
}

export async function rollout(ctx: ApplyContext, pending: RolloutState | undefined): Promise<number> {
  const { args, config } = ctx;
  const batch = args.batch ?? pending?.batch ?? 1;
  const whole = await planAndReview(ctx, { file: 'whole.tfplan', targets: [], label: 'the whole plan (--staged)' });
  if (isStop(whole)) return stopped(ctx, whole);
  recordReview(ctx.record, whole.report, whole.overridden);
  const report = whole.report;
  const blast = [...report.findings, ...report.waived, ...(report.overridden ?? [])].filter((f) => f.rule === 'blast-radius').map((f) => f.addresses);
  const { stages, problems } = planStages(whole.plan, config.groups, blast, batch);
  // A resumed rollout goes on counting: its stages are numbered after the ones applied before it stopped.
  const done = pending?.applied ?? 0;
  const of = done + stages.length + 1;
  // Rendered now, before anything runs: a placeholder on a secret is a config error (exit 2), nothing run.
  const input = renderInput(ctx, whole.plan);
  const preflight = preflightCommands(config.runbook, whole.plan, input);
  const pendingHealth = pending ? healthCommands(config.runbook, pending.pending_health, input) : [];
  const listed = stages.map((s) => ({ group: s.group, targets: stageTargets(s), members: s.members.map((m) => m.instance) }));
  const heading =
    stages.length > 0
      ? `Staged rollout (--batch ${batch}): ${of} stages${done > 0 ? ` (${done} applied before it stopped; ${of - done} now)` : ''}, each planned, reviewed and confirmed on its own:`
      : '--staged: blast-radius finds no group to stage in this plan; it is applied as one stage:';
  process.stderr.write(runbookText(heading, [...describeRunbook(config.runbook, whole.plan, input, listed)]) || `tfguard: ${heading}\n`);
  ctx.record.rollout = { stages: of, applied: 0, batch, resumed: pending !== undefined };
  if (args.dryRun) return dryRunEnd(whole);
  if (problems.length > 0) return stopped(ctx, refused(`--staged cannot keep a quorum standing: ${problems.join('; ')}. Nothing was applied`));

  const now = new Date().toISOString();
  const state: RolloutState = {
    ...(pending ?? { version: 1, run_id: ctx.runId, started: now, updated: now, applied: 0, pending_health: [], stopped: null }),
    batch,
  };
  if (stages.length > 0) {
    const stop = await gate(ctx, whole, new Set(listed.flatMap((s) => s.targets)), of - done, batch, preflight);
    if (stop) return stopped(ctx, stop);
  }
  if (pendingHealth.length > 0) {
    say(`resuming rollout ${state.run_id}: first the health checks of the last stage it applied.`);
    const stop = await runCommands(ctx, pendingHealth, 'the rollout stays stopped; nothing more was applied');
    if (stop) return stopRollout(ctx, state, stop, { index: done, of });
  }
  state.pending_health = [];
  // A new rollout is recorded right before its first terraform apply (runStage): stopped before, it left nothing.
  if (pending) await writeRollout(ctx.dir, { ...state, stopped: null }, ctx.secrets);
  for (const [i, stage] of stages.entries()) {
    const info = { index: done + i + 1, of, group: stage.group, targets: stageTargets(stage) };
    const stop = await runStage(ctx, state, stage, info, []);
    if (stop) return stopRollout(ctx, state, stop, info);
  }
  // Every other change, last: a plan without -target (or, when nothing was staged, the whole plan reviewed above).
  const info = { index: of, of, group: null, targets: [] };
  const stop = await runStage(ctx, state, undefined, info, stages.length === 0 ? preflight : [], stages.length === 0 ? whole : undefined);
  if (stop) return stopRollout(ctx, state, stop, info);
  removeRollout(ctx.dir);
  const before = state.applied - ctx.applied;
  return finish(ctx, 'applied', `rollout complete: ${ctx.applied} stage(s) applied${before > 0 ? ` (and ${before} before it was resumed)` : ''}`, 0, 0);
}
