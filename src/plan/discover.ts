/**
 * The plans under a folder (`tfguard check stacks/`): every file whose name is a plan's, found recursively in a
 * stable order, each with its own folder (where its config is found and a saved plan is shown). Folders that
 * hold tools' copies and caches are not entered. Nothing is guessed from a file's content here: a file with a
 * plan's name that is not a plan is bad input when it is read (exit 2, naming it), never skipped.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

/** `terraform show -json` output, by name. */
export const JSON_PLAN_PATTERNS = ['plan.json', '*.plan.json', 'tfplan.json', '*.tfplan.json'] as const;
/** Saved binary plans (`terraform plan -out=...`), shown with `terraform show -json` in their folder. */
export const SAVED_PLAN_PATTERNS = ['tfplan', '*.tfplan'] as const;
/** Never entered: version control, packages, Terraform's and Terragrunt's working copies. */
export const SKIPPED_FOLDERS = ['.git', 'node_modules', '.terraform', '.terragrunt-cache'] as const;

export type PlanKind = 'json' | 'saved';

/** `*.x` needs at least one character before `.x`; names are matched exactly, case included. */
function endsWithName(name: string, suffix: string): boolean {
  return name.length > suffix.length && name.endsWith(suffix);
}

export function planKind(name: string): PlanKind | undefined {
  if (name === 'plan.json' || name === 'tfplan.json' || endsWithName(name, '.plan.json') || endsWithName(name, '.tfplan.json')) return 'json';
  if (name === 'tfplan' || endsWithName(name, '.tfplan')) return 'saved';
  return undefined;
}

export interface FoundPlan {
  /** The path to read and to name the plan by: the folder as given, then the path below it. */
  path: string;
  /** The plan's own folder, absolute. */
  dir: string;
  kind: PlanKind;
}

export interface Discovery {
  plans: FoundPlan[];
  /** Saved plans not read because their folder holds a JSON plan: `{ path, instead }` (the JSON plan's path). */
  skipped: { path: string; instead: string }[];
}

/** One line that says what was looked for, for the error when nothing is found. */
export function patternsLine(): string {
  return `${[...JSON_PLAN_PATTERNS, ...SAVED_PLAN_PATTERNS].join(', ')}; ${SKIPPED_FOLDERS.join(', ')} not searched`;
}

function readError(path: string, error: unknown): InputError {
  return new InputError(`${path}: cannot read this folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

/** Code-unit order of names (not the locale's): the same order on every machine. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Paths compared folder by folder: `a/plan.json` before `a.b/plan.json` and before `b.plan.json`. */
function byPath(a: string, b: string): number {
  const x = a.split(sep);
  const y = b.split(sep);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = byName(x[i]!, y[i]!);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

/**
 * Every plan under `folder` (a path as the user gave it), sorted by path, folder by folder. Symbolic links to
 * files are read; symbolic links to folders are not followed. In a folder that holds a JSON plan, its saved plans are not read:
 * they are where the JSON came from (`terraform show -json tfplan > plan.json`, Terragrunt's `--out-dir` and
 * `--json-out-dir` into one folder).
 */
export async function discoverPlans(folder: string): Promise<Discovery> {
  const plans: FoundPlan[] = [];
  const skipped: Discovery['skipped'] = [];
  const walk = async (shown: string, abs: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (error) {
      throw readError(shown, error);
    }
    const here: FoundPlan[] = [];
    const below: [string, string][] = [];
    for (const entry of entries) {
      const path = join(shown, entry.name);
      if (entry.isDirectory()) {
        if (!(SKIPPED_FOLDERS as readonly string[]).includes(entry.name)) below.push([path, join(abs, entry.name)]);
        continue;
      }
      const kind = planKind(entry.name);
      if (!kind) continue;
      if (entry.isSymbolicLink()) {
        let target;
        try {
          target = await stat(join(abs, entry.name));
        } catch (error) {
          throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
        if (!target.isFile()) continue;
      } else if (!entry.isFile()) {
        continue;
      }
      here.push({ path, dir: abs, kind });
    }
    here.sort((a, b) => byName(a.path, b.path));
    const json = here.find((p) => p.kind === 'json');
    for (const plan of here) {
      if (json && plan.kind === 'saved') skipped.push({ path: plan.path, instead: json.path });
      else plans.push(plan);
    }
    for (const [shownBelow, absBelow] of below) await walk(shownBelow, absBelow);
  };
  await walk(folder, resolve(folder));
  plans.sort((a, b) => byPath(a.path, b.path));
  return { plans, skipped };
}
