/**
 * `tfguard apply [tfguard options] [terraform options] [PLANFILE]`. tfguard's own options are `--long` ones;
 * every other option goes to `terraform plan` unchanged, in order. `-chdir=DIR` becomes the working directory
 * of every terraform run. The three spellings of auto-approve are tfguard's to judge, never Terraform's.
 * `-h`, `-help` and `--help` ask for tfguard's help (src/apply/help.ts).
 */
import { parseTargets, type OutputTarget } from '../commands/output.js';
import { globProblem } from '../engine/glob.js';
import { UsageError } from '../errors.js';

/** `apply`, or `destroy` (= `apply -destroy`, as `terraform destroy` is `terraform apply -destroy`). */
export type ApplyCommand = 'apply' | 'destroy';

export interface Allow {
  rule: string;
  /** Address glob; undefined allows every finding of the rule. */
  address?: string;
}

export interface ApplyArgs {
  dir?: string;
  config?: string;
  /**
   * Where each report goes: a file; else text to stdout (the terminal, as terraform's output); a machine format
   * (json, sarif, ...) without a file to stderr, so that stdout stays terraform's.
   */
  targets: OutputTarget[];
  terraformBin?: string;
  color?: boolean;
  auditLog?: string;
  autoApprove: boolean;
  allow: Allow[];
  reason?: string;
  expect: string[];
  /** Options for `terraform plan`, as given. */
  planArgs: string[];
  /** From `-chdir=DIR`. */
  chdir?: string;
  /** A saved plan to review and apply instead of planning. */
  planFile?: string;
  /** `-h`, `-help` or `--help`: print tfguard's apply help, run nothing. */
  help: boolean;
  /** `--staged`: apply each group blast-radius finds one member (or `--batch N`) at a time. */
  staged: boolean;
  /** `--resume`: continue the staged rollout that stopped (implies `staged`). */
  resume: boolean;
  /** `--batch N`: members per stage (default 1). */
  batch?: number;
  /** `--dry-run`: plan, review and list what would run; run and apply nothing. */
  dryRun: boolean;
}

/** tfguard options that take a value. */
const VALUED = new Set(['--dir', '--config', '--format', '--output', '--terraform-bin', '--audit-log', '--allow', '--reason', '--expect', '--batch']);
/** tfguard options that take no value. */
const FLAGS = new Set(['--no-color', '--staged', '--resume', '--dry-run']);
/** terraform plan options whose value may follow as the next argument. */
const TF_VALUED = new Set(['-var', '-var-file', '-target', '-replace', '-parallelism', '-lock-timeout', '-state', '-out', '-generate-config-out']);
/** Asks for tfguard's apply help (terraform's own `-h` and `-help` would print `terraform plan`'s). */
const HELP = new Set(['-h', '-help', '--help']);

function autoApproveValue(arg: string): boolean | undefined {
  const m = /^--?auto-approve(?:=(.*))?$/.exec(arg);
  if (!m) return undefined;
  if (m[1] === undefined || m[1] === 'true') return true;
  if (m[1] === 'false') return false;
  throw new UsageError(`${arg}: auto-approve takes true or false`);
}

/** An address glob given on the command line, or a UsageError saying why it is refused. */
function checkedGlob(option: string, glob: string): string {
  const problem = globProblem(glob);
  if (problem !== undefined) throw new UsageError(`${option} ${problem}`);
  return glob;
}

function parseAllow(value: string): Allow {
  const eq = value.indexOf('=');
  if (eq < 0) return { rule: value };
  const address = value.slice(eq + 1);
  if (!address) throw new UsageError(`--allow ${value}: give an address glob after =, or none`);
  return { rule: value.slice(0, eq), address: checkedGlob('--allow', address) };
}

export function parseApplyArgs(argv: readonly string[], command: ApplyCommand = 'apply'): ApplyArgs {
  const out: ApplyArgs = {
    targets: [],
    autoApprove: false,
    allow: [],
    expect: [],
    planArgs: [],
    help: false,
    staged: false,
    resume: false,
    dryRun: false,
  };
  const positionals: string[] = [];
  // `--format F[=FILE]` (repeatable) and `--output FILE` (the file of the one --format without =FILE): only
  // what they make, `targets`, is kept.
  const formats: string[] = [];
  let output: string | undefined;
  let i = 0;
  try {
    for (; i < argv.length; i++) {
      const arg = argv[i]!;
      if (HELP.has(arg)) return { ...out, help: true };
      const approve = autoApproveValue(arg);
      if (approve !== undefined) {
        out.autoApprove = approve;
        continue;
      }
      if (arg.startsWith('--')) {
        const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
        if (FLAGS.has(name!) && inline === undefined) {
          if (name === '--no-color') out.color = false;
          if (name === '--staged') out.staged = true;
          if (name === '--resume') out.resume = out.staged = true;
          if (name === '--dry-run') out.dryRun = true;
          continue;
        }
        if (!VALUED.has(name!)) throw new UsageError(`${command}: unknown option ${name} (terraform options take one dash: -var, -target, ...)`);
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`${command}: ${name} needs a value`);
        switch (name) {
          case '--dir':
            out.dir = value;
            break;
          case '--config':
            out.config = value;
            break;
          case '--format':
            formats.push(value);
            break;
          case '--output':
            output = value;
            break;
          case '--terraform-bin':
            out.terraformBin = value;
            break;
          case '--audit-log':
            out.auditLog = value;
            break;
          case '--allow':
            out.allow.push(parseAllow(value));
            break;
          case '--reason':
            out.reason = value;
            break;
          case '--expect':
            out.expect.push(checkedGlob('--expect', value));
            break;
          case '--batch':
            out.batch = batchSize(value);
            break;
        }
        continue;
      }
      if (arg.startsWith('-chdir=')) {
        out.chdir = arg.slice('-chdir='.length);
        continue;
      }
      if (arg === '-out' || arg.startsWith('-out=')) throw new UsageError(`${command}: -out is tfguard's to choose (it plans to a private temp file)`);
      if (arg.startsWith('-')) {
        out.planArgs.push(arg);
        if (TF_VALUED.has(arg) && argv[i + 1] !== undefined) out.planArgs.push(argv[++i]!);
        continue;
      }
      positionals.push(arg);
    }
  } catch (error) {
    // `tfguard apply --yes -h`: a person asking for help gets it, whatever came before.
    if (argv.slice(i + 1).some((a) => HELP.has(a))) return { ...out, help: true };
    throw error;
  }
  if (command === 'destroy') checkDestroy(out, positionals);
  if (positionals.length > 1) throw new UsageError(`apply: one saved plan at most, got ${positionals.join(' ')}`);
  if (positionals[0] !== undefined) {
    out.planFile = positionals[0];
    // As `terraform apply PLANFILE` does: options that do not change the plan are taken (and passed on to
    // terraform apply; -input is tfguard's: it always applies with -input=false), every other one is refused.
    const kept = applyOptions(out.planArgs);
    const input = out.planArgs.filter((a) => /^-input(=(true|false))?$/.test(a));
    const changing = out.planArgs.filter((a) => !input.includes(a) && !kept.includes(a));
    if (changing.length > 0) throw new UsageError(`apply: plan options (${changing.join(' ')}) cannot change a saved plan`);
    out.planArgs = kept;
  }
  checkStaged(out, command);
  out.targets = reportTargets(formats, output);
  if (out.allow.length > 0 && !out.reason?.trim()) throw new UsageError(`${command}: --allow needs --reason TEXT (it is recorded in the audit log)`);
  if (out.reason !== undefined && out.allow.length === 0) throw new UsageError(`${command}: --reason goes with --allow RULE[=ADDRESS_GLOB]`);
  return out;
}

function batchSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--batch ${value}: a whole number from 1`);
  return n;
}

/** `--staged` plans each stage itself: no saved plan, no -target of its own; `--batch` goes with it. */
function checkStaged(out: ApplyArgs, command: ApplyCommand): void {
  const flag = out.resume ? '--resume' : '--staged';
  if (out.batch !== undefined && !out.staged) throw new UsageError(`${command}: --batch N goes with --staged (or --resume)`);
  if (!out.staged) return;
  if (out.planFile !== undefined) throw new UsageError(`apply: ${flag} plans every stage itself, so it takes no saved plan (${out.planFile})`);
  if (out.planArgs.some((a) => a === '-target' || a.startsWith('-target='))) {
    throw new UsageError(`${command}: ${flag} chooses the -target of each stage itself; leave -target out`);
  }
}

/** A `-destroy` given as `-destroy=false` (Go's false spellings: terraform reads its flags with ParseBool). */
const DESTROY_OFF = /^-destroy=(false|0|f|F|FALSE|False)$/;
const isDestroy = (arg: string): boolean => arg === '-destroy' || (arg.startsWith('-destroy=') && !DESTROY_OFF.test(arg));

/**
 * The arguments of `tfguard destroy ARGS` as those of `tfguard apply -destroy ARGS`: `-destroy` first, unless
 * given already (never twice). What the run plans, records in the audit log and offers to `--resume`.
 */
export function destroyArgv(argv: readonly string[]): string[] {
  return argv.some(isDestroy) ? [...argv] : ['-destroy', ...argv];
}

/** `tfguard destroy` takes no saved plan (terraform destroy takes none) and cannot be told not to destroy. */
function checkDestroy(out: ApplyArgs, positionals: readonly string[]): void {
  const off = out.planArgs.find((a) => DESTROY_OFF.test(a));
  if (off !== undefined) throw new UsageError(`destroy: ${off} contradicts destroy (use tfguard apply)`);
  if (positionals.length > 0) {
    throw new UsageError(
      `destroy: takes no saved plan (${positionals.join(' ')}), as terraform destroy takes none; apply a saved destroy plan with tfguard apply PLANFILE`,
    );
  }
}

/**
 * Where apply's reports go (`--format F[=FILE]`, `--output FILE`, as for check): a file when one is given; else
 * text to stdout, where a person reads it between terraform's plan and its apply; a machine format (json, sarif,
 * junit, markdown, github) to stderr, never into terraform's stdout.
 */
export function reportTargets(formats: readonly string[], output: string | undefined): OutputTarget[] {
  return parseTargets(formats, output).map((t) => (t.file === undefined && t.format !== 'text' ? { ...t, stderr: true } : t));
}

/**
 * No colors: `--no-color`, a non-empty `NO_COLOR` (no-color.org) or terraform's own `-no-color` turn off
 * tfguard's colors, and every terraform run (plan, apply) gets `-no-color`, once: a `-no-color` given stays
 * where it is, its repeats are dropped; otherwise one is added.
 */
export function withoutColor(args: ApplyArgs, env: NodeJS.ProcessEnv): ApplyArgs {
  const off = args.color === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || args.planArgs.includes('-no-color');
  if (!off) return args;
  const first = args.planArgs.indexOf('-no-color');
  const planArgs = first < 0 ? [...args.planArgs, '-no-color'] : args.planArgs.filter((a, i) => a !== '-no-color' || i === first);
  return { ...args, color: false, planArgs };
}

/** The plan options that `terraform apply PLANFILE` also takes (it refuses -var, -target and the like). */
export function applyOptions(planArgs: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < planArgs.length; i++) {
    const arg = planArgs[i]!;
    if (/^-(lock|lock-timeout|parallelism)=/.test(arg) || arg === '-no-color' || arg === '-compact-warnings' || arg === '-lock') {
      out.push(arg);
    } else if ((arg === '-lock-timeout' || arg === '-parallelism') && planArgs[i + 1] !== undefined) {
      out.push(arg, planArgs[++i]!);
    }
  }
  return out;
}

/** The arguments as the audit log keeps them: `-var` values hidden (they may be secrets). */
export function auditArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = /^(-var=)([^=]+)=.*$/s.exec(arg);
    if (inline) out.push(`${inline[1]}${inline[2]}=(hidden)`);
    else if (arg === '-var' && argv[i + 1] !== undefined) out.push(arg, argv[++i]!.replace(/=.*$/s, '=(hidden)'));
    else out.push(arg);
  }
  return out;
}
