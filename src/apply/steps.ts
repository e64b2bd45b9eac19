/**
 * The steps of `tfguard apply`, shared by a single apply and by each stage of a staged rollout: plan (or take
 * the saved plan) and review it; run runbook commands; decide, ask, run `before_destroy`, and apply exactly the
 * reviewed plan (its sha256 checked right before). A step that ends the run returns a Stop.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RULES } from '../../rules/index.js';
import { destroyedChanges } from '../engine/instances.js';
import { InputError, TerraformError } from '../errors.js';
import type { Plan } from '../plan/model.js';
import { buildReport, relativeDir, type Report } from '../report/report.js';
import { reportSet } from '../report/set.js';
import type { RunResult } from '../engine/run.js';
import type { Config } from '../config/schema.js';
import { outcome, runCommand, succeeded } from '../runbook/exec.js';
import type { PlannedCommand, RenderInput } from '../runbook/render.js';
import { streamTerraform } from '../terraform/stream.js';
import { writeReports } from '../commands/output.js';
import { review } from '../commands/review.js';
import { applyOptions } from './args.js';
import { entry, interruptedStop, logEntry, nothingApplied, say, type ApplyContext, type Stop } from './context.js';
import { decideApply } from './decide.js';
import { applyOverrides, type OverriddenFinding } from './overrides.js';
import { ask } from './prompt.js';
import { planTargets } from './targets.js';

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

export interface Reviewed {
  planFile: string;
  /** The saved plan given on the command line, if any. */
  original?: string;
  hash: string;
  plan: Plan;
  config: Config;
  result: RunResult;
  report: Report;
  overridden: OverriddenFinding[];
}

export interface PlanStep {
  /** File name of the plan in the private temp folder. */
  file: string;
  /** `-target` addresses of a stage (added to the user's plan options). */
  targets: readonly string[];
  /** What the report calls the plan. */
  label?: string;
}

/** `terraform plan -out` (or the saved plan copied), `terraform show -json`, the rules, the report printed. */
export async function planAndReview(ctx: ApplyContext, step: PlanStep): Promise<Reviewed | Stop> {
  const { args } = ctx;
  const planFile = join(ctx.tmp!.path, step.file);
  const original = args.planFile && step.targets.length === 0 ? resolve(args.planFile) : undefined;
  ctx.record.plan.file ??= original ?? '(private temp file)';
  if (original) {
    await copyFile(original, planFile).catch((error: Error) => {
      throw new InputError(`${args.planFile}: cannot read the plan (${error.message})`);
    });
  } else {
    const targets = step.targets.map((t) => `-target=${t}`);
    const code = await streamTerraform(ctx.terraform.bin, ['plan', `-out=${planFile}`, ...args.planArgs, ...targets], { cwd: ctx.workdir });
    // Terraform may write the plan and exit 0 after "Interrupt received": the signal still stops tfguard.
    if (ctx.signal) return interruptedStop(ctx, ctx.signal, ' while terraform plan ran', code);
    if (code !== 0) return { stop: true, decision: 'failed', why: `terraform plan exited ${code}`, code: code === 1 ? 2 : code, tfExit: code };
    if (!existsSync(planFile)) throw new TerraformError(`${ctx.terraform.bin} plan exited 0 but wrote no plan; ${nothingApplied(ctx)}`);
  }
  const hash = await sha256(planFile);
  ctx.record.plan.sha256 ??= hash;
  const reviewed = await review({
    source: planFile,
    dir: ctx.dir,
    configFile: args.config,
    terraformBin: ctx.terraform.bin,
    terraformCwd: ctx.workdir,
    expect: args.expect,
    // tfguard planned with these -target options itself: `complete: false` is what it asked for.
    targets: original ? [] : [...planTargets(args.planArgs), ...step.targets],
  });
  ctx.record.plan.format_version ??= reviewed.plan.formatVersion;
  ctx.secrets = new Set([...ctx.secrets, ...reviewed.plan.secrets]);
  ctx.log?.redacting(ctx.secrets);
  const { result, overridden } = applyOverrides(
    reviewed.result,
    args.allow,
    args.reason,
    RULES.map((r) => r.meta.id),
  );
  const report = buildReport({
    source: step.label ?? args.planFile ?? 'the new plan',
    dir: relativeDir(ctx.dir),
    plan: reviewed.plan,
    result,
    config: reviewed.config.source,
    ...(args.allow.length > 0 ? { overridden } : {}),
  });
  await writeReports(reportSet([report]), ctx.secrets, args.targets, args.color);
  return { planFile, ...(original ? { original } : {}), hash, plan: reviewed.plan, config: reviewed.config, result, report, overridden };
}

export function renderInput(ctx: ApplyContext, plan: Plan): RenderInput {
  return { plan, runId: ctx.runId, source: ctx.config.source };
}

/** `preflight "vault unsealed"`, `before_destroy "snapshot" for proxmox_vm_qemu.vm["a"]`. */
export const commandLabel = (c: PlannedCommand): string => `${c.phase} "${c.name}"${c.address ? ` for ${c.address}` : ''}`;

/**
 * Runs commands one after another, each one a line in the audit log. The first that fails, times out or is
 * stopped by a signal ends the step: `consequence` says what that means (`nothing was applied`).
 */
export async function runCommands(ctx: ApplyContext, commands: readonly PlannedCommand[], consequence: string): Promise<Stop | undefined> {
  for (const c of commands) {
    if (ctx.signal) return interruptedStop(ctx, ctx.signal, ` before ${commandLabel(c)}`);
    say(`${commandLabel(c)}: ${c.command}`, ctx.secrets);
    const r = await runCommand(c, { cwd: ctx.dir, secrets: ctx.secrets });
    const how = outcome(r, c.timeoutMs);
    const ok = succeeded(r);
    await logEntry(
      ctx,
      entry(ctx, {
        decision: ok ? 'ran' : r.interrupted ? 'interrupted' : 'failed',
        why: `${commandLabel(c)}: ${how}`,
        command: {
          phase: c.phase,
          name: c.name,
          run: c.command,
          address: c.address ?? null,
          exit_code: r.exitCode,
          timed_out: r.timedOut,
          seconds: Math.round(r.ms / 100) / 10,
        },
      }),
    );
    if (r.interrupted) return interruptedStop(ctx, r.interrupted, ` while ${commandLabel(c)} ran`);
    if (ok) continue;
    const why = `${commandLabel(c)} failed (${how}): ${consequence}`;
    const tail = r.tail.slice(-10);
    say(`${c.phase === 'health' ? 'stopped' : 'refused'}: ${why}.${tail.length > 0 ? ' Its last lines:' : ' It printed nothing.'}`, ctx.secrets);
    for (const line of tail) process.stderr.write(`  | ${line}\n`);
    return { stop: true, decision: c.phase === 'health' ? 'failed' : 'refused', why, code: 1 };
  }
  return undefined;
}

export interface ApplyStep {
  /** Run after the decision, before the prompt. */
  preflight: readonly PlannedCommand[];
  /** Run after confirmation, before terraform apply. */
  beforeDestroy: readonly PlannedCommand[];
  /** Put before the question (`Stage 2 of 4 (...): `). */
  question?: string;
  /** Right before terraform apply starts (a rollout records what is about to be applied). */
  beforeApply?: () => Promise<void>;
}

/** Decide, preflight, ask, before_destroy, check the plan is unchanged, apply. Terraform's exit code, or a Stop. */
export async function applyReviewed(ctx: ApplyContext, r: Reviewed, step: ApplyStep): Promise<{ code: number } | Stop> {
  const { args } = ctx;
  const decision = decideApply({
    findings: r.report.findings,
    overridden: r.report.overridden ?? [],
    destroyed: destroyedChanges(r.plan).length,
    autoApprove: args.autoApprove,
    interactive: process.stdin.isTTY === true,
  });
  if (decision.action === 'refuse') return { stop: true, decision: 'refused', why: decision.why, code: 1, message: `refused: ${decision.why}` };
  const pre = await runCommands(ctx, step.preflight, nothingApplied(ctx));
  if (pre) return pre;
  if (decision.action === 'ask') {
    const yes = await ask(`${step.question ?? ''}${decision.question}`, decision.phrase);
    if (ctx.signal) return interruptedStop(ctx, ctx.signal, '');
    if (!yes)
      return { stop: true, decision: 'declined', why: `the answer was not "${decision.phrase}"`, code: 1, message: `declined: ${nothingApplied(ctx)}.` };
  }
  const before = await runCommands(ctx, step.beforeDestroy, `${nothingApplied(ctx)}; nothing was destroyed`);
  if (before) return before;
  const now = await Promise.all([r.planFile, ...(r.original ? [r.original] : [])].map((f) => sha256(f).catch(() => 'unreadable')));
  if (now.some((h) => h !== r.hash)) {
    const why = `the plan file changed after it was reviewed; ${nothingApplied(ctx)}`;
    return { stop: true, decision: 'refused', why, code: 1, message: `refused: ${why}.` };
  }
  await step.beforeApply?.();
  if (ctx.signal) return interruptedStop(ctx, ctx.signal, ''); // fail closed (a signal outside a child's run exits at once)
  ctx.applyStarted = true;
  const code = await streamTerraform(ctx.terraform.bin, ['apply', '-input=false', ...applyOptions(args.planArgs), r.planFile], { cwd: ctx.workdir });
  ctx.applied++;
  return { code };
}

/** Whether a plan changes anything (a stage whose members are already done has nothing to apply). */
export function changesSomething(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'no-op' && c.action !== 'read');
}

/** `--dry-run`: what `check` would say: 1 when a finding blocks, else 0. */
export function dryRunEnd(r: Reviewed): number {
  say(`dry run: nothing was run and nothing was applied (the review: ${r.report.decision}).`);
  return r.report.decision === 'block' ? 1 : 0;
}
