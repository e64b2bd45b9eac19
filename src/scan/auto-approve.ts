/**
 * `-auto-approve` (or `--auto-approve`, `-auto-approve=true`) given to `apply` or `destroy` in files that run
 * commands: shell scripts, Makefiles, CI definitions, package.json scripts, Taskfiles, justfiles. A command
 * that goes through `tfguard apply` is fine: tfguard refuses `-auto-approve` itself when the plan has findings.
 * `TF_CLI_ARGS` / `TF_CLI_ARGS_apply` / `TF_CLI_ARGS_destroy` set to include `-auto-approve` count too.
 *
 * Line-based: `#` comments (shell, YAML, make, just) are dropped, outside quotes; lines ending in `\` are
 * joined. A command is one segment between `;`, `&&`, `||`, `|`, `&`, parentheses and backticks.
 */
import { readFile, stat } from 'node:fs/promises';
import type { CommandFile, CommandFileKind } from './walk.js';
import type { ScanFinding } from './types.js';

/** Files larger than this are not command files anyone writes by hand. */
const MAX_BYTES = 4 * 1024 * 1024;

const AUTO = /(?:^|[\s"'[,(])(--?auto-approve(?:=["']?(?:true|1)["']?)?)(?=$|[\s"'\],;)&|])/;
const SUBCOMMAND = /(?:^|[\s"'[,:])(apply|destroy)(?=$|[\s"'\],])/g;
const TFGUARD = /(?:^|[\s/"'({])tfguard(?:@[\w.^~-]+)?(?=[\s)}"'])/i;
/** An action input that applies without review (`dflook/terraform-apply`: `auto_approve: true`). */
const ACTION_INPUT = /^\s*(?:-\s+)?auto[-_]approve\s*:\s*["']?true\b["']?/;
const YAML_KINDS = new Set<CommandFileKind>(['github-actions', 'gitlab-ci', 'ci']);
const TF_CLI_ARGS = /\bTF_CLI_ARGS(?:_apply|_destroy)?\b["']?\s*[:=]\s*[^\n]*?(?:^|[\s"'=])--?auto-approve\b(?!=(?:false|0))/;
const SEPARATORS = /&&|\|\||[;|&()`]/;

const KIND_LABEL: Record<CommandFileKind, string> = {
  shell: 'shell script',
  make: 'Makefile',
  'github-actions': 'GitHub Actions workflow',
  'gitlab-ci': 'GitLab CI',
  ci: 'CI pipeline',
  'package-json': 'package.json script',
  taskfile: 'Taskfile',
  justfile: 'justfile',
};

export async function autoApproveFindings(files: readonly CommandFile[]): Promise<ScanFinding[]> {
  const perFile = await Promise.all(files.map((f) => scanFile(f)));
  return perFile.flat();
}

async function scanFile(file: CommandFile): Promise<ScanFinding[]> {
  let text: string;
  try {
    if ((await stat(file.abs)).size > MAX_BYTES) return [];
    text = await readFile(file.abs, 'utf8');
  } catch {
    return []; // a dangling link or an unreadable file runs nothing
  }
  if (!/auto[-_]approve/.test(text)) return [];
  const label = KIND_LABEL[file.kind];
  if (file.kind === 'package-json') {
    const scripts = packageScripts(text);
    if (scripts) {
      return scripts.flatMap(({ name, value, line }) =>
        findInLine(value).map((hit) => finding(file.rel, line, hit, `${label} "${name}"`)),
      );
    }
    // Not valid JSON: read it as lines, so a broken file hides nothing.
  }
  return logicalLines(text).flatMap(({ text: line, lineAt }) =>
    findInLine(line, file.kind).map((hit) => finding(file.rel, lineAt(hit.offset), hit, label)),
  );
}

interface Hit {
  offset: number;
  /** What is shown: the command from its program to its end, or the TF_CLI_ARGS assignment. */
  command: string;
  via: 'command' | 'env' | 'input';
}

function finding(file: string, line: number, hit: Hit, where: string): ScanFinding {
  const what =
    hit.via === 'env'
      ? 'makes every terraform apply or destroy skip its review, outside tfguard'
      : hit.via === 'input'
        ? 'makes the action apply a plan nobody reviewed, outside tfguard'
        : 'applies a plan nobody reviewed, outside tfguard';
  const message =
    `\`${hit.command}\` (${where}) ${what}. ` +
    'Use `tfguard apply` instead: it refuses -auto-approve when the plan has findings.';
  return { rule: 'auto-approve', severity: 'block', message, file, line };
}

/** The hits in one logical line (a command line, or a package.json script). */
export function findInLine(line: string, kind?: CommandFileKind): Hit[] {
  const hits: Hit[] = [];
  const env = TF_CLI_ARGS.exec(line);
  if (env) hits.push({ offset: env.index, command: clip(line.slice(env.index).replace(/^export\s+/, '')), via: 'env' });
  if (kind !== undefined && YAML_KINDS.has(kind)) {
    const input = ACTION_INPUT.exec(line);
    if (input) hits.push({ offset: input.index, command: clip(input[0]), via: 'input' });
  }
  // Segments are cut on a copy where `$(VAR)` / `${VAR}` are masked, so a Makefile's `$(TERRAFORM) apply`
  // stays one command; offsets are the same in both.
  const masked = line.replace(/\$[({]\w+[)}]/g, (m) => `$${'_'.repeat(m.length - 1)}`);
  const cut = new RegExp(SEPARATORS.source, 'g');
  const bounds: [number, number][] = [];
  let from = 0;
  for (const m of masked.matchAll(cut)) {
    bounds.push([from, m.index]);
    from = m.index + m[0].length;
  }
  bounds.push([from, line.length]);
  for (const [at, end] of bounds) {
    const segment = line.slice(at, end);
    const auto = AUTO.exec(segment);
    if (!auto) continue;
    const autoAt = auto.index + auto[0].indexOf(auto[1]!);
    const sub = [...segment.matchAll(SUBCOMMAND)].find((m) => m.index < autoAt);
    if (!sub) continue;
    const subAt = sub.index + sub[0].indexOf(sub[1]!);
    if (TFGUARD.test(segment.slice(0, subAt))) continue; // `tfguard apply -auto-approve`: tfguard decides
    if (env && env.index <= at + autoAt && at + autoAt < env.index + env[0].length) continue;
    hits.push({ offset: at + autoAt, command: clip(commandText(segment)), via: 'command' });
  }
  return hits;
}

/** The command as shown: without a YAML key or list marker before it, quotes, brackets and a dangling `2>`. */
function commandText(segment: string): string {
  return segment
    .replace(/^\s*(?:-\s+)?(?:[\w.-]+:\s+)?/, '')
    .replace(/["'[\],]/g, ' ')
    .replace(/\s+\d*>+\s*$/, '');
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}

interface LogicalLine {
  text: string;
  /** The 1-based physical line of an offset in `text`. */
  lineAt(offset: number): number;
}

/** Comments dropped, `\`-continued lines joined; each knows where its pieces came from. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split(/\r?\n/);
  let pieces: { start: number; line: number }[] = [];
  let joined = '';
  physical.forEach((raw, i) => {
    let line = stripComment(raw);
    const continued = /\\$/.test(line);
    if (continued) line = line.slice(0, -1);
    pieces.push({ start: joined.length, line: i + 1 });
    joined += continued ? `${line} ` : line;
    if (!continued || i === physical.length - 1) {
      const parts = pieces;
      out.push({
        text: joined,
        lineAt: (offset) => [...parts].reverse().find((p) => p.start <= offset)?.line ?? parts[0]!.line,
      });
      pieces = [];
      joined = '';
    }
  });
  return out;
}

/** Drops a `#` comment: at the start of the line, or after whitespace outside quotes. */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '\\') {
      i++;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** `scripts` of a package.json with the line of each name, or undefined when the text is not JSON. */
function packageScripts(text: string): { name: string; value: string; line: number }[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const scripts = (data as { scripts?: unknown } | null)?.scripts;
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return [];
  const from = Math.max(0, text.search(/"scripts"\s*:/));
  return Object.entries(scripts).flatMap(([name, value]) => {
    if (typeof value !== 'string') return [];
    const key = new RegExp(`${escapeRegExp(JSON.stringify(name))}\\s*:`, 'g');
    key.lastIndex = from;
    const m = key.exec(text);
    const line = m ? text.slice(0, m.index).split('\n').length : 1;
    return [{ name, value, line }];
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
