/**
 * Reading values out of a change without ever leaking a secret. The plan JSON holds sensitive values in plain
 * text next to `*_sensitive` masks; every value tfguard shows goes through `displayAt` or `masked`.
 */
import { redactText, SENSITIVE } from '../redact/redact.js';
import type { PathStep } from './model.js';

export { redactText, SENSITIVE };
export const UNKNOWN = '(known after apply)';
const MAX_DEPTH = 64;
const MAX_TEXT = 120;

function child(value: unknown, step: PathStep): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as Record<string, unknown>)[String(step)];
}

/** The value at a path, undefined where the path does not exist. */
export function valueAt(value: unknown, path: readonly PathStep[]): unknown {
  let current = value;
  for (const step of path) {
    current = child(current, step);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * Whether a mask (`true`, `false`, or an object/array mirroring the value) marks the path or anything above
 * it. A mask that is missing below an object is treated as not set.
 */
export function maskedAt(mask: unknown, path: readonly PathStep[]): boolean {
  let current = mask;
  for (const step of path) {
    if (current === true) return true;
    current = child(current, step);
  }
  return current === true;
}

/** Whether anything at or below the path is masked. */
export function maskedWithin(mask: unknown, path: readonly PathStep[]): boolean {
  if (maskedAt(mask, path)) return true;
  return containsTrue(valueAt(mask, path), 0);
}

function containsTrue(mask: unknown, depth: number): boolean {
  if (mask === true) return true;
  if (mask === null || typeof mask !== 'object' || depth > MAX_DEPTH) return depth > MAX_DEPTH;
  return Object.values(mask as Record<string, unknown>).some((m) => containsTrue(m, depth + 1));
}

/**
 * A copy of the value with every sensitive part replaced by `(sensitive)` and every unknown part by
 * `(known after apply)`. Past a safe depth the rest is cut to `…`.
 */
export function masked(value: unknown, sensitive: unknown, unknown: unknown = false, depth = 0): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    return value.map((v, i) => masked(v, child(sensitive, i), child(unknown, i), depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = masked(v, child(sensitive, k), child(unknown, k), depth + 1);
  }
  // Terraform leaves unknown attributes out of `after` and marks them only in `after_unknown`.
  if (unknown !== null && typeof unknown === 'object' && !Array.isArray(unknown)) {
    for (const [k, u] of Object.entries(unknown as Record<string, unknown>)) {
      if (u === true && !(k in out)) out[k] = UNKNOWN;
    }
  }
  return out;
}

/**
 * Secrets shorter than this are only masked where the plan marks them, never searched for in text: a short
 * value (`admin`, `true`, `eu-1`) is found everywhere (rule ids, addresses, paths) and redacting it would make
 * reports unreadable and wrong.
 */
const MIN_SECRET_LENGTH = 6;

/**
 * Every string the plan marks sensitive somewhere, so that copies of it the masks miss (a provider that copies
 * a sensitive input into an unmarked output) are redacted too.
 */
export function collectSecrets(value: unknown, sensitive: unknown, into: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH || sensitive === false || sensitive === undefined || sensitive === null) return;
  if (sensitive === true) {
    collectStrings(value, into, depth);
    return;
  }
  if (value === null || typeof value !== 'object' || typeof sensitive !== 'object') return;
  // The mask mirrors the value and is mostly empty: walk its keys, not the value's.
  for (const k of Object.keys(sensitive)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) collectSecrets(v, (sensitive as Record<string, unknown>)[k], into, depth + 1);
  }
}

/** Whether a mask marks anything sensitive (a value with such a mask holds secrets to collect). */
export function marksAny(mask: unknown, depth = 0): boolean {
  if (mask === true) return true;
  if (mask === null || typeof mask !== 'object' || depth > MAX_DEPTH) return false;
  for (const m of Object.values(mask as Record<string, unknown>)) if (marksAny(m, depth + 1)) return true;
  return false;
}

function collectStrings(value: unknown, into: Set<string>, depth: number): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET_LENGTH) into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  for (const v of Object.values(value as Record<string, unknown>)) collectStrings(v, into, depth + 1);
}

/** A short display form of a value: strings as they are, others as JSON, long text cut. */
export function display(value: unknown, secrets: ReadonlySet<string> = new Set()): string {
  if (value === undefined || value === null) return 'null';
  // Redact before cutting, so that a cut never leaves part of a secret behind.
  const text = redactText(typeof value === 'string' ? value : JSON.stringify(value), secrets);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The display form of the value at a path, masked: what a report may print. */
export function displayAt(
  value: unknown,
  sensitive: unknown,
  path: readonly PathStep[],
  unknown: unknown = false,
  secrets: ReadonlySet<string> = new Set(),
): string {
  if (maskedAt(sensitive, path)) return SENSITIVE;
  if (maskedAt(unknown, path)) return UNKNOWN;
  const v = valueAt(value, path);
  if (v === undefined) return maskedWithin(unknown, path) ? UNKNOWN : 'null';
  return display(masked(v, valueAt(sensitive, path), valueAt(unknown, path)), secrets);
}

/** `triggers_replace.node`, `tags["a.b"]`, `disk[0].size`: a path as a person reads it. */
export function formatPath(path: readonly PathStep[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}
