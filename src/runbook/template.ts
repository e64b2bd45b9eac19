/**
 * The `run` text of a runbook command (`.tfguard.json` `preflight`, `before_destroy`, `health`) and its
 * placeholders: `{address}`, `{key}`, `{run_id}` and `{before.PATH}`. A placeholder is `{name}` not preceded by
 * `$` (`${HOME}` is the shell's), its name made of letters, digits, `_`, `-` and `.`: `{print $1}` and `{a,b}` are
 * the shell's too. Each value is inserted as one shell-quoted word (src/shell.ts), so a placeholder inside quotes,
 * backquotes or after a here-document is refused when the config is loaded: there the quoting would not hold
 * (`"{key}"` would put the value outside any quotes). Pure.
 */
import { shQuote } from '../shell.js';

export type Phase = 'preflight' | 'before_destroy' | 'health';

export interface Placeholder {
  start: number;
  end: number;
  name: string;
}

const PLACEHOLDER = /(?<!\$)\{([A-Za-z_][\w.-]*)\}/g;
const BEFORE_PATH = /^before(?:\.[\w-]+)+$/;

/** The placeholders each phase takes. */
export const PHASE_PLACEHOLDERS: Readonly<Record<Phase, readonly string[]>> = {
  preflight: ['run_id'],
  before_destroy: ['address', 'key', 'run_id', 'before.PATH'],
  health: ['address', 'key', 'run_id'],
};

export function placeholders(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({ start: m.index, end: m.index + m[0].length, name: m[1]! }));
}

type Quoting = 'single quotes' | 'double quotes' | 'backquotes' | 'a here-document';

/**
 * For each position of a shell command, whether it is inside quotes (where an inserted quoted word would not be
 * one word). A here-document (`<<`) makes the rest of the command one: coarse, and safe.
 */
function quotingAt(command: string): (Quoting | undefined)[] {
  const out: (Quoting | undefined)[] = new Array(command.length);
  let state: Quoting | undefined;
  let ansi = false; // $'...': backslash escapes inside single quotes
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    out[i] = state;
    if (state === 'a here-document') continue;
    if (state === undefined) {
      if (ch === '\\') {
        out[i + 1] = undefined;
        i++;
      } else if (ch === "'") {
        ansi = command[i - 1] === '$';
        state = 'single quotes';
      } else if (ch === '"') state = 'double quotes';
      else if (ch === '`') state = 'backquotes';
      else if (command.startsWith('<<', i) && command[i + 2] !== '<') state = 'a here-document';
      continue;
    }
    if (state === 'single quotes') {
      if (ansi && ch === '\\') {
        out[i + 1] = state;
        i++;
      } else if (ch === "'") state = undefined;
      continue;
    }
    if (ch === '\\') {
      out[i + 1] = state;
      i++;
    } else if ((state === 'double quotes' && ch === '"') || (state === 'backquotes' && ch === '`')) state = undefined;
  }
  return out;
}

/** What is wrong with a `run` text for a phase: unknown placeholders, placeholders where quoting would not hold. */
export function templateProblems(template: string, phase: Phase): string[] {
  const allowed = PHASE_PLACEHOLDERS[phase];
  const quoting = quotingAt(template);
  const problems: string[] = [];
  for (const p of placeholders(template)) {
    const known = allowed.includes(p.name) || (allowed.includes('before.PATH') && BEFORE_PATH.test(p.name));
    if (!known) {
      const hint = p.name.startsWith('before') && allowed.includes('before.PATH') ? ' (a path is before.NAME.NAME..., e.g. {before.vmid})' : '';
      problems.push(`unknown placeholder {${p.name}}${hint}: ${phase} takes ${allowed.map((a) => `{${a}}`).join(', ')}`);
      continue;
    }
    const inside = quoting[p.start];
    if (inside) problems.push(`{${p.name}} is inside ${inside}: tfguard quotes every value itself, so write it outside quotes (node/{key}, not "node/{key}")`);
  }
  return problems;
}

/** `{before.a.b}` → ['a', 'b']; undefined for any other placeholder. */
export function beforePath(name: string): string[] | undefined {
  return BEFORE_PATH.test(name) ? name.split('.').slice(1) : undefined;
}

export type Resolved = { value: string } | { problem: string };

/** The command with every placeholder replaced by its value, shell-quoted; or the problems, if any value has one. */
export function renderTemplate(template: string, resolve: (name: string) => Resolved): { command: string } | { problems: string[] } {
  const problems: string[] = [];
  let command = '';
  let from = 0;
  for (const p of placeholders(template)) {
    const r = resolve(p.name);
    if ('problem' in r) problems.push(r.problem);
    else command += template.slice(from, p.start) + shQuote(r.value);
    from = p.end;
  }
  return problems.length > 0 ? { problems: [...new Set(problems)] } : { command: command + template.slice(from) };
}

/** Whether the template takes a value from the instance (`{address}`, `{key}`, `{before.*}`). */
export function usesInstance(template: string): boolean {
  return placeholders(template).some((p) => p.name !== 'run_id');
}
