/**
 * What a provisioner really runs, as one line to show and to match against the destructive commands:
 * local-exec's `interpreter` words followed by its `command`, with the variables its `environment` sets
 * substituted for `$NAME` and `${NAME}` in the command (`command = "$ACTION $TARGET"` with
 * `environment = { ACTION = "wipefs -a" }` runs `wipefs -a ...`); remote-exec's `inline` lines; a script.
 *
 * Templates (`${self.input.node}`) go through the caller's `render`: `check` fills them from the instance's prior
 * values, `scan` leaves them as written. Pure.
 */
import type { SourceProvisioner } from '../hcl/types.js';
import { shQuote } from '../shell.js';

export interface WhatRuns {
  /** The command line as it runs. */
  text: string;
  /** Why what runs cannot be told from the sources, when it cannot. */
  unknown?: string;
}

/** `${NAME}`, `${NAME:-default}` and the like, or `$NAME`. */
const SHELL_VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=?+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The command with each variable the environment sets replaced by its value. */
export function substituteEnvironment(command: string, environment: Readonly<Record<string, string>>): string {
  return command.replace(SHELL_VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    return Object.hasOwn(environment, name) ? environment[name]! : whole;
  });
}

/** The shell variables a command uses. */
function variablesIn(command: string): string[] {
  return [...command.matchAll(SHELL_VARIABLE)].map((m) => m[1] ?? m[2]!);
}

/** An argument shown as a shell would need it: quoted when it holds anything but plain word characters. */
function word(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : shQuote(text);
}

/** The first word is nothing but a variable or an unresolved template: the program itself is unknown. */
const UNKNOWN_PROGRAM = /^\s*(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)(?:\s|$)/;

export function whatRuns(p: SourceProvisioner, render: (template: string) => string): WhatRuns {
  if (p.command === undefined) {
    if (p.inline !== undefined) return { text: p.inline.map(render).join('; ') }; // run one after another, each whatever the last did
    if (p.script !== undefined) return { text: render(p.script) };
    return { text: `(${p.type} provisioner)` };
  }
  const environment = Object.fromEntries(Object.entries(p.environment ?? {}).map(([k, v]) => [k, render(v)]));
  const rendered = render(p.command);
  const command = substituteEnvironment(rendered, environment);
  const interpreter = (p.interpreter ?? []).map(render);
  const text = interpreter.length > 0 ? [...interpreter.map(word), word(command)].join(' ') : command;

  const why: string[] = [];
  if (p.opaque?.interpreter !== undefined) why.push(`its interpreter is ${p.opaque.interpreter}, which tfguard cannot read`);
  const unset = variablesIn(rendered).filter((name) => !Object.hasOwn(environment, name));
  if (p.opaque?.environment !== undefined && unset.length > 0) {
    why.push(`its environment is ${p.opaque.environment}, which tfguard cannot read, and the command uses ${unset.map((n) => `$${n}`).join(', ')}`);
  }
  const program = interpreter.length > 0 ? interpreter[0]! : command;
  const unknownProgram = UNKNOWN_PROGRAM.exec(program);
  if (unknownProgram) why.push(`the program it runs is ${unknownProgram[1]}, which tfguard cannot read`);
  return why.length > 0 ? { text, unknown: why.join('; ') } : { text };
}
