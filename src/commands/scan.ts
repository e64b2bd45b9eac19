/**
 * `tfguard scan [DIR]`: the static check for a git pre-push hook. No plan, no terraform binary, no state:
 * destroy-time provisioners in every root module under DIR, `-auto-approve` outside tfguard in scripts and CI,
 * with `--base REF` every `prevent_destroy = true` removed since REF, and with `--commits BASE..TIP` (or `TIP`)
 * what each commit of that range adds in the files it changes, also when a later commit removes it again.
 * It reads the same `.tfguard.json` as `check` (severity of destroy-provisioner, waivers) and the `tfguard:allow`
 * comments; with `--new-only` (the git hooks) what the base already has is a note, and only what is new blocks.
 */
import { escapeControls } from '../report/escape.js';
import { stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { wantColor } from '../report/style.js';
import { autoApproveFindings } from '../scan/auto-approve.js';
import { destroyProvisionerFindings } from '../scan/provisioners.js';
import { formatScanJson, formatScanText } from '../scan/report.js';
import { loadTerraform } from '../scan/terraform.js';
import { decide, sortFindings, type ScanFinding, type ScanResult } from '../scan/types.js';
import { walk } from '../scan/walk.js';
import { maxCommits } from '../scan/commits.js';
import { exitCodeFor, parseFailOn } from './fail-on.js';
import { RULES } from '../../rules/index.js';
import { loadConfig } from '../config/load.js';
import { judgeScan, scanInlineWaivers } from '../scan/judge.js';

export interface ScanOptions {
  config?: string;
  newOnly?: boolean;
  base?: string;
  commits?: string;
  maxCommits?: string;
  format?: string;
  output?: string;
  failOn?: string;
  color?: boolean;
}

const FORMATS = ['text', 'json'] as const;

export async function scan(dirArg: string | undefined, opts: ScanOptions): Promise<number> {
  const format = opts.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format ${format} (one of: ${FORMATS.join(', ')})`);
  const failOn = parseFailOn(opts.failOn);

  const shown = dirArg ?? '.';
  const dir = resolve(shown);
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new InputError(`${shown}: no such directory`);
  }
  if (!info.isDirectory()) throw new InputError(`${shown}: not a directory`);

  // The config first: an invalid one is an error before anything else (exit 2), as in check.
  const config = await loadConfig({ dir, file: opts.config, rules: RULES });
  if (opts.newOnly && opts.commits === undefined) throw new UsageError('--new-only tells what --commits adds, which is not given');

  // Git is asked first: a wrong --base fails before any parsing.
  const prevent = opts.base === undefined ? undefined : await import('../scan/prevent-destroy.js');
  const base = prevent && opts.base !== undefined ? await prevent.resolveBase(dir, shown, opts.base) : undefined;
  if (opts.maxCommits !== undefined && opts.commits === undefined) throw new UsageError('--max-commits bounds --commits, which is not given');
  const max = opts.commits === undefined ? undefined : maxCommits(opts.maxCommits);
  const history = opts.commits === undefined ? undefined : import('../scan/history.js').then((h) => h.scanCommits(dir, shown, opts.commits!, max!));
  history?.catch(() => {}); // awaited below; not an unhandled rejection while DIR is read

  const tree = await walk(dir);
  const [terraform, autoApprove, atBase, commits] = await Promise.all([
    loadTerraform(
      dir,
      tree.terraformDirs.map((d) => d.dir),
      { allBlocks: base !== undefined },
    ),
    autoApproveFindings(tree.commandFiles),
    prevent && base ? prevent.protectedAtBaseOf(dir, base) : undefined,
    history,
  ]);
  let all: ScanFinding[] = [...destroyProvisionerFindings(terraform), ...autoApprove];
  if (commits) all = (await import('../scan/attribute.js')).attributeFindings(all, terraform, commits);
  if (prevent && atBase) all.push(...prevent.preventDestroyFindings(terraform, atBase));
  const inline = scanInlineWaivers(terraform, RULES.map((r) => r.meta.id) as [string, ...string[]]);
  const { findings, waived, expiredWaivers, notes } = judgeScan(all, {
    config,
    inline,
    today: new Date().toISOString().slice(0, 10),
    newOnly: opts.newOnly === true,
  });
  sortFindings(findings);
  sortFindings(notes);

  const result: ScanResult = {
    dir: shown,
    base: opts.base ?? null,
    decision: decide(findings),
    findings,
    ...(commits ? { commits: { range: commits.range.spec, count: commits.commits.length, files: commits.files } } : {}),
    counts: { roots: terraform.roots.length, terraformFiles: tree.terraformFiles, commandFiles: tree.commandFiles.length, baseFiles: atBase?.files ?? 0 },
    config: config.source ?? null,
    waived,
    expiredWaivers,
    notes,
  };
  const toFile = opts.output !== undefined;
  const color = !toFile && format === 'text' && wantColor({ flag: opts.color, isTTY: process.stdout.isTTY === true, env: process.env });
  const text = format === 'json' ? formatScanJson(result) : formatScanText(result, { color });
  if (toFile) {
    try {
      await writeFile(opts.output!, text);
    } catch (error) {
      throw new InputError(`${opts.output}: cannot write the report (${(error as Error).message})`);
    }
    process.stderr.write(`tfguard: ${result.decision} (${findings.length} finding(s)); report written to ${escapeControls(opts.output!)}\n`);
  } else {
    process.stdout.write(text);
  }
  return exitCodeFor(result.decision, failOn);
}
