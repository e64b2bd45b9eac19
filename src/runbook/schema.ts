/**
 * The runbook keys of `.tfguard.json`: commands tfguard apply runs around an apply. `preflight` before anything
 * is applied (after the review, before the prompt), `before_destroy` once per destroyed or replaced instance
 * that `match` matches (after confirmation, before terraform apply), `health` between the stages of
 * `tfguard apply --staged`. Commands come from the config only, never from the plan or the sources.
 */
import { z } from 'zod';
import { GlobPattern } from '../engine/glob-schema.js';
import { templateProblems, type Phase } from './template.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** `30s`, `10m`, `1h30m`, `500ms` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  return ms;
}

const Duration = z.string().superRefine((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'a duration like 30s, 10m or 1h30m' });
  else if (ms < 1 || ms > MAX_TIMEOUT_MS) ctx.addIssue({ code: 'custom', message: 'between 1ms and 24h' });
});

function runText(phase: Phase) {
  return z
    .string()
    .trim()
    .min(1, 'give the command to run')
    .superRefine((text, ctx) => {
      if (text.includes('\0')) ctx.addIssue({ code: 'custom', message: 'a command cannot hold a NUL character' });
      for (const message of templateProblems(text, phase)) ctx.addIssue({ code: 'custom', message });
    });
}

const Name = z.string().trim().min(1, 'name the command (it is shown and logged)');

export const PreflightSchema = z.strictObject({
  name: Name,
  run: runText('preflight'),
  timeout: Duration.optional(),
  when: z.array(GlobPattern).min(1, 'list address globs, or leave when out to run it for every plan').optional(),
});

export const BeforeDestroySchema = z.strictObject({
  name: Name,
  match: z.array(GlobPattern).min(1, 'list the address globs of the instances it runs for'),
  run: runText('before_destroy'),
  timeout: Duration.optional(),
});

export const HealthSchema = z.strictObject({
  name: Name,
  run: runText('health'),
  timeout: Duration.optional(),
});

/** One command of the runbook, as loaded. */
export interface RunbookStep {
  name: string;
  run: string;
  timeoutMs: number;
  /** preflight: run only for plans that change a matching address. before_destroy: the instances it runs for. */
  match?: string[];
}

export interface Runbook {
  preflight: RunbookStep[];
  beforeDestroy: RunbookStep[];
  health: RunbookStep[];
}

type Entry = { name: string; run: string; timeout?: string | undefined };

function step(entry: Entry, match?: string[]): RunbookStep {
  const timeoutMs = entry.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(entry.timeout)!;
  return { name: entry.name, run: entry.run, timeoutMs, ...(match ? { match } : {}) };
}

/** The validated keys → the runbook. */
export function runbookOf(data: {
  preflight?: (Entry & { when?: string[] | undefined })[] | undefined;
  before_destroy?: (Entry & { match: string[] })[] | undefined;
  health?: Entry[] | undefined;
}): Runbook {
  return {
    preflight: (data.preflight ?? []).map((e) => step(e, e.when)),
    beforeDestroy: (data.before_destroy ?? []).map((e) => step(e, e.match)),
    health: (data.health ?? []).map((e) => step(e)),
  };
}

export function isEmpty(runbook: Runbook): boolean {
  return runbook.preflight.length + runbook.beforeDestroy.length + runbook.health.length === 0;
}

/** `30s`, `10m`, `1h30m`: a timeout as a person writes it. */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}
