/**
 * Renders the command a destroy-time provisioner will run, from its raw template and the instance's prior
 * values: `self.*` from `change.before` (masked by `before_sensitive`), `each.key` and `count.index` from the
 * instance key, `path.module`/`path.root` from the sources. What cannot be resolved stays as written, `${...}`.
 */
import type { InstanceKey, PathStep } from '../plan/model.js';
import { maskedAt, maskedWithin, SENSITIVE, valueAt } from '../plan/values.js';

export interface RenderContext {
  self: unknown;
  selfSensitive: unknown;
  key?: InstanceKey | undefined;
  pathModule?: string | undefined;
  pathRoot?: string | undefined;
}

export interface RenderedCommand {
  text: string;
  /** Interpolations left as written. */
  unresolved: string[];
  /** Whether a sensitive value was masked. */
  masked: boolean;
}

/** The end (exclusive) of a `${...}` that opens at `start`, skipping nested braces and quoted strings. */
function interpolationEnd(text: string, start: number): number {
  let depth = 1;
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

const TRAVERSAL = /^(self|each|count|path)((?:\.[A-Za-z_][\w-]*|\[\s*(?:\d+|"(?:[^"\\]|\\.)*")\s*\])*)$/;

/** `.a["b"][0]` → ['a', 'b', 0] */
function steps(rest: string): PathStep[] {
  const out: PathStep[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[\s*(\d+)\s*\]|\[\s*("(?:[^"\\]|\\.)*")\s*\]/g;
  for (const m of rest.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

type Resolved = { value: string; masked: boolean } | undefined;

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function resolve(expr: string, ctx: RenderContext): Resolved {
  const m = TRAVERSAL.exec(expr.trim());
  if (!m) return undefined;
  const root = m[1]!;
  const path = steps(m[2] ?? '');
  if (root === 'self') {
    if (path.length === 0) return undefined;
    if (maskedAt(ctx.selfSensitive, path) || maskedWithin(ctx.selfSensitive, path)) return { value: SENSITIVE, masked: true };
    const text = scalar(valueAt(ctx.self, path));
    return text === undefined ? undefined : { value: text, masked: false };
  }
  const name = path.length === 1 ? path[0] : undefined;
  if (root === 'each' && name === 'key' && typeof ctx.key === 'string') return { value: ctx.key, masked: false };
  if (root === 'count' && name === 'index' && typeof ctx.key === 'number') return { value: String(ctx.key), masked: false };
  if (root === 'path' && name === 'module' && ctx.pathModule !== undefined) return { value: ctx.pathModule, masked: false };
  if (root === 'path' && name === 'root' && ctx.pathRoot !== undefined) return { value: ctx.pathRoot, masked: false };
  return undefined;
}

export function renderCommand(template: string, ctx: RenderContext): RenderedCommand {
  let text = '';
  const unresolved: string[] = [];
  let masked = false;
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('$${', i)) {
      text += '${';
      i += 3;
      continue;
    }
    if (template.startsWith('${', i)) {
      const end = interpolationEnd(template, i + 1);
      if (end < 0) {
        text += template.slice(i);
        break;
      }
      const raw = template.slice(i, end);
      const inner = raw.slice(2, -1).replace(/^~/, '').replace(/~$/, '');
      const resolved = resolve(inner, ctx);
      if (resolved) {
        text += resolved.value;
        masked ||= resolved.masked;
      } else {
        text += raw;
        unresolved.push(raw);
      }
      i = end;
      continue;
    }
    text += template[i];
    i++;
  }
  return { text, unresolved, masked };
}
