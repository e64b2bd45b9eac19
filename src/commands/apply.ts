/**
 * `tfguard apply`: plan to a private temp file (or take a saved plan), review it with every rule, decide —
 * refuse, ask a person, or apply — and apply exactly the reviewed plan (its sha256 is checked right before).
 * Every run appends one line to the audit log; a log that cannot be written refuses the apply. The temp plan
 * holds secrets and is removed on every path. Any signal before terraform apply starts means nothing is applied
 * (exit 128+N, decision `interrupted`).
 */
import { escapeControls } from '../report/escape.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RULES } from '../../rules/index.js';
import { applyOptions, auditArgs, parseApplyArgs, type ApplyArgs } from '../apply/args.js';
import { planTargets } from '../apply/targets.js';
import { AuditLog, auditIdentity, auditPath, type AuditDecision, type AuditRecord } from '../apply/audit.js';
import { decideApply } from '../apply/decide.js';
import { APPLY_HELP } from '../apply/help.js';
import { applyOverrides, type OverriddenFinding } from '../apply/overrides.js';
import { ask } from '../apply/prompt.js';
import { makePlanDir, removeStalePlanDirs } from '../apply/temp-plan.js';
import { destroyedChanges } from '../engine/instances.js';
import { summarize, summaryLine } from '../engine/summary.js';
import { loadConfig } from '../config/load.js';
import { InputError, TerraformError, UsageError } from '../errors.js';
import { buildReport, relativeDir, type Report } from '../report/report.js';
import { resolveTerraform } from '../terraform/binary.js';
import { onFatalSignals, signalExitCode } from '../terraform/signals.js';
import { streamTerraform, terraformRunning } from '../terraform/stream.js';
import { parseTargets, writeReports } from './output.js';
import { reportSet } from '../report/set.js';
import { review } from './review.js';
import { existingDir } from './dir.js';

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

interface Context {
  args: ApplyArgs;
  argv: readonly string[];
  dir: string;
  record: AuditRecord;
  log?: AuditLog;
  /** The first signal tfguard received: before terraform apply starts, it means nothing is applied. */
  signal?: NodeJS.Signals;
  /** From the moment terraform apply is started, a signal is terraform's to handle, and its exit code ours. */
  applyStarted?: boolean;
  /** The decision is made and being recorded: a signal changes nothing any more. */
  finishing?: boolean;
}

function say(text: string): void {
  process.stderr.write(`tfguard: ${escapeControls(text)}\n`);
}

async function finish(ctx: Context, decision: AuditDecision, why: string, code: number, tfExit: number | null = null): Promise<number> {
  ctx.finishing = true;
  ctx.record.decision = decision;
  ctx.record.why = why;
  ctx.record.terraform_exit_code = tfExit;
  if (ctx.log) {
    try {
      await ctx.log.append(ctx.record);
    } catch (error) {
      say(`${decision}, but the audit log could not be written: ${(error as Error).message}`);
      return code === 0 ? 2 : code;
    }
  }
  return code;
}

const interruptedWhy = (signal: NodeJS.Signals, when = '') => `interrupted by ${signal}${when}; nothing was applied`;

/** A signal came while terraform ran: terraform got it and has exited; nothing is applied. */
async function interrupted(ctx: Context, signal: NodeJS.Signals, when: string, tfExit: number | null): Promise<number> {
  say(`interrupted by ${signal}: nothing was applied.`);
  return finish(ctx, 'interrupted', interruptedWhy(signal, when), signalExitCode(signal), tfExit);
}

function recordReview(record: AuditRecord, report: Report, overridden: OverriddenFinding[]): void {
  record.summary = report.summary;
  record.findings = report.findings.map((f) => ({ rule: f.rule, severity: f.severity, addresses: f.addresses }));
  record.waived = report.waived.map((w) => ({ rule: w.rule, addresses: w.addresses, address: w.waiver.address, reason: w.waiver.reason, expires: w.waiver.expires }));
  record.overrides = overridden.map((o) => ({ rule: o.override.rule, address: o.override.address, reason: o.override.reason, addresses: o.addresses }));
}

export async function apply(argv: readonly string[]): Promise<number> {
  const args = parseApplyArgs(argv);
  if (args.help) {
    process.stdout.write(APPLY_HELP);
    return 0;
  }
  removeStalePlanDirs();
  parseTargets(args.format);
  const ruleIds = RULES.map((r) => r.meta.id);
  for (const a of args.allow) {
    if (!ruleIds.includes(a.rule)) throw new UsageError(`--allow ${a.rule}: no such rule (tfguard rules lists them)`);
  }
  // A typo must not plan elsewhere, read no sources, or create the audit log's folder under it.
  const workdir = args.chdir === undefined ? resolve('.') : await existingDir(args.chdir, '-chdir');
  const dir = args.dir === undefined ? workdir : await existingDir(args.dir);
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
  };
  const ctx: Context = { args, argv, dir, record };
  // Any signal before terraform apply starts means nothing is applied. While terraform plan runs, terraform gets
  // it (src/terraform/stream.ts) and tfguard stops once it has exited; at any other time — review, prompt —
  // tfguard stops at once: recorded, temp plan removed (the 'exit' handler), exit 128+N. Once terraform apply
  // has started, the signal is terraform's to handle and its exit code is passed through. (Before this
  // listener — loading the CLI — a signal has its default action: nothing to apply or clean up yet.)
  // The listener stays until the process exits: once the record is being written a signal changes nothing, and
  // removing it would give SIGPIPE its default action (Node ignores it; libuv restores "terminate", not "ignore").
  onFatalSignals((signal) => {
    if (ctx.applyStarted || ctx.finishing) {
      // Terraform's to handle, or the decision is being recorded: let it end. A tfguard still here 3 s later is
      // stuck on something, and stops as the signal asked (the timer never keeps it alive).
      if (!terraformRunning()) setTimeout(() => process.exit(signalExitCode(signal)), 3000).unref();
      return;
    }
    ctx.signal ??= signal;
    if (terraformRunning()) return;
    try {
      ctx.log?.appendSync({ ...record, decision: 'interrupted', why: interruptedWhy(signal) });
    } catch (error) {
      say(`interrupted, but the audit log could not be written: ${(error as Error).message}`);
    }
    say(`interrupted by ${signal}: nothing was applied.`);
    process.exit(signalExitCode(signal));
  });
  const config = await loadConfig({ dir, file: args.config, rules: RULES });
  const log = await AuditLog.open(auditPath(dir, args.auditLog ?? config.auditLog));
  ctx.log = log;
  try {
    return await run(ctx, workdir);
  } catch (error) {
    await finish(ctx, 'failed', `error: ${(error as Error).message}`, 2);
    throw error;
  } finally {
    await log.close();
  }
}

async function run(ctx: Context, workdir: string): Promise<number> {
  const { args, record } = ctx;
  const terraform = await resolveTerraform({ flag: args.terraformBin, cwd: workdir });
  record.terraform = { bin: terraform.bin, version: terraform.version };

  // The reviewed plan always lives in a private temp folder: a new plan is written there, a saved plan is
  // copied there, so what is applied is byte for byte what was reviewed.
  const tmp = await makePlanDir();
  const planFile = join(tmp.path, 'reviewed.tfplan');
  const original = args.planFile ? resolve(args.planFile) : undefined;
  try {
    record.plan.file = original ?? '(private temp file)';
    if (original) {
      await copyFile(original, planFile).catch((error: Error) => {
        throw new InputError(`${args.planFile}: cannot read the plan (${error.message})`);
      });
    } else {
      const code = await streamTerraform(terraform.bin, ['plan', `-out=${planFile}`, ...args.planArgs], { cwd: workdir });
      // Terraform may write the plan and exit 0 after "Interrupt received": the signal still stops tfguard.
      if (ctx.signal) return await interrupted(ctx, ctx.signal, ' while terraform plan ran', code);
      if (code !== 0) return await finish(ctx, 'failed', `terraform plan exited ${code}`, code === 1 ? 2 : code, code);
      if (!existsSync(planFile)) throw new TerraformError(`${terraform.bin} plan exited 0 but wrote no plan; nothing was applied`);
    }
    const hash = await sha256(planFile);
    record.plan.sha256 = hash;

    const reviewed = await review({
      source: planFile,
      dir: ctx.dir,
      configFile: args.config,
      terraformBin: terraform.bin,
      terraformCwd: workdir,
      expect: args.expect,
      // tfguard planned with these -target options itself: `complete: false` is what it asked for.
      targets: original ? [] : planTargets(args.planArgs),
    });
    record.plan.format_version = reviewed.plan.formatVersion;
    ctx.log?.redacting(reviewed.plan.secrets);
    const { result, overridden } = applyOverrides(reviewed.result, args.allow, args.reason, RULES.map((r) => r.meta.id));
    const report = buildReport({
      source: args.planFile ?? 'the new plan',
      dir: relativeDir(ctx.dir),
      plan: reviewed.plan,
      result,
      config: reviewed.config.source,
      ...(args.allow.length > 0 ? { overridden } : {}),
    });
    recordReview(record, report, overridden);
    await writeReports(reportSet([report]), reviewed.plan.secrets, parseTargets(args.format), args.color);

    const interactive = process.stdin.isTTY === true;
    const decision = decideApply({
      findings: report.findings,
      overridden: report.overridden ?? [],
      destroyed: destroyedChanges(reviewed.plan).length,
      autoApprove: args.autoApprove,
      interactive,
    });
    if (decision.action === 'refuse') {
      say(`refused: ${decision.why}`);
      return await finish(ctx, 'refused', decision.why, 1);
    }
    if (decision.action === 'ask') {
      const yes = await ask(decision.question, decision.phrase);
      if (!yes) {
        say('declined: nothing was applied.');
        return await finish(ctx, 'declined', `the answer was not "${decision.phrase}"`, 1);
      }
    }

    const now = await Promise.all([planFile, ...(original ? [original] : [])].map((f) => sha256(f).catch(() => 'unreadable')));
    if (now.some((h) => h !== hash)) {
      const why = 'the plan file changed after it was reviewed; nothing was applied';
      say(`refused: ${why}.`);
      return await finish(ctx, 'refused', why, 1);
    }
    if (ctx.signal) return await interrupted(ctx, ctx.signal, '', null); // fail closed (a signal outside terraform's run exits at once)
    ctx.applyStarted = true;
    const code = await streamTerraform(terraform.bin, ['apply', '-input=false', ...applyOptions(args.planArgs), planFile], { cwd: workdir });
    const why = code === 0 ? summaryLine(summarize(reviewed.plan)) : `terraform apply exited ${code}`;
    return await finish(ctx, code === 0 ? 'applied' : 'failed', why, code, code);
  } finally {
    tmp.remove();
  }
}
