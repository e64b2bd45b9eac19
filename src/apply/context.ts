/**
 * What one `tfguard apply` run carries from step to step, and the ways it ends: every end is recorded in the
 * audit log (one line for the run; one more per runbook command and per stage of a staged rollout) and leaves
 * an exit code. Any signal before terraform apply starts means nothing (more) is applied.
 */
import type { Config } from '../config/schema.js';
import type { PlanDir } from './temp-plan.js';
import { escapeControls } from '../report/escape.js';
import { redactText } from '../redact/redact.js';
import { signalExitCode } from '../terraform/signals.js';
import type { ReportFinding, Report } from '../report/report.js';
import type { OverriddenFinding } from './overrides.js';
import type { ApplyArgs } from './args.js';
import { auditIdentity, type AuditDecision, type AuditLog, type AuditRecord } from './audit.js';

export interface ApplyContext {
  args: ApplyArgs;
  argv: readonly string[];
  /** Root module: sources, `.tfguard.json`, `.tfguard/`; runbook commands run here. */
  dir: string;
  /** Where terraform runs (`-chdir`). */
  workdir: string;
  config: Config;
  /** The run's audit line (a staged rollout: its summary line). */
  record: AuditRecord;
  log?: AuditLog | undefined;
  terraform: { bin: string; version: string | null };
  runId: string;
  tmp?: PlanDir;
  /** Every secret of the plans read so far: redacted from the log, the output and the rollout state. */
  secrets: ReadonlySet<string>;
  /** The first signal tfguard received: before terraform apply starts, it means nothing (more) is applied. */
  signal?: NodeJS.Signals;
  /** terraform apply is running (or ran, in a single apply): a signal is terraform's to handle. */
  applyStarted?: boolean;
  /** The decision is made and being recorded: a signal changes nothing any more. */
  finishing?: boolean;
  /** terraform applies this run made (stages of a rollout). */
  applied: number;
}

/** How a step ends a run (or a rollout) early. `message` goes to stderr after `tfguard: `. */
export interface Stop {
  stop: true;
  decision: AuditDecision;
  why: string;
  code: number;
  tfExit?: number | null;
  message?: string;
}

export const isStop = (value: unknown): value is Stop => typeof value === 'object' && value !== null && 'stop' in value;

export function say(text: string, secrets: ReadonlySet<string> = new Set()): void {
  process.stderr.write(`tfguard: ${escapeControls(redactText(text, secrets))}\n`);
}

/** `nothing was applied`, or after stages of a rollout `nothing more was applied (2 stage(s) applied before)`. */
export function nothingApplied(ctx: Pick<ApplyContext, 'applied'>): string {
  return ctx.applied === 0 ? 'nothing was applied' : `nothing more was applied (${ctx.applied} stage(s) applied before)`;
}

export function interruptedWhy(ctx: Pick<ApplyContext, 'applied'>, signal: NodeJS.Signals, when = ''): string {
  return `interrupted by ${signal}${when}; ${nothingApplied(ctx)}`;
}

/** A signal stopped a step (terraform or a command got it and has exited). */
export function interruptedStop(ctx: ApplyContext, signal: NodeJS.Signals, when: string, tfExit: number | null = null): Stop {
  return {
    stop: true,
    decision: 'interrupted',
    why: interruptedWhy(ctx, signal, when),
    code: signalExitCode(signal),
    tfExit,
    message: `interrupted by ${signal}: ${nothingApplied(ctx)}.`,
  };
}

export async function finish(ctx: ApplyContext, decision: AuditDecision, why: string, code: number, tfExit: number | null = null): Promise<number> {
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
    } finally {
      await ctx.log.close().catch(() => undefined);
    }
  }
  return code;
}

/** Ends the run at a Stop: its message on stderr, the run's line in the log. */
export async function stopped(ctx: ApplyContext, stop: Stop): Promise<number> {
  if (stop.message) say(stop.message, ctx.secrets);
  return finish(ctx, stop.decision, stop.why, stop.code, stop.tfExit ?? null);
}

/** A new line for the log: this run's identity and arguments, nothing reviewed yet. */
export function entry(ctx: ApplyContext, fields: Partial<AuditRecord>): AuditRecord {
  const r = ctx.record;
  return {
    ...auditIdentity(),
    dir: r.dir,
    terraform: r.terraform,
    args: r.args,
    plan: { file: null, sha256: null, format_version: null },
    summary: null,
    findings: [],
    waived: [],
    overrides: [],
    expect: r.expect,
    decision: 'ran',
    why: '',
    terraform_exit_code: null,
    run_id: ctx.runId,
    ...fields,
  };
}

/** Appends a line (a command, a stage); a log that cannot be written stops the run: nothing more is applied. */
export async function logEntry(ctx: ApplyContext, record: AuditRecord): Promise<void> {
  await ctx.log?.append(record);
}

/** The review's part of a log line: summary, findings (rule, severity, addresses), waivers, overrides. */
export function recordReview(record: AuditRecord, report: Report, overridden: readonly OverriddenFinding[]): void {
  record.summary = report.summary;
  record.findings = report.findings.map((f: ReportFinding) => ({ rule: f.rule, severity: f.severity, addresses: f.addresses }));
  record.waived = report.waived.map((w) => ({
    rule: w.rule,
    addresses: w.addresses,
    address: w.waiver.address,
    reason: w.waiver.reason,
    expires: w.waiver.expires,
  }));
  record.overrides = overridden.map((o) => ({ rule: o.override.rule, address: o.override.address, reason: o.override.reason, addresses: o.addresses }));
}
