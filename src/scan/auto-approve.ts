/**
 * `-auto-approve` (or `--auto-approve`, `-auto-approve=true`) given to `apply` or `destroy` in files that run
 * commands: shell scripts, Makefiles, CI definitions, package.json scripts, Taskfiles, justfiles. A command
 * that goes through `tfguard apply` is fine: tfguard refuses `-auto-approve` itself when the plan has findings.
 * `TF_CLI_ARGS` / `TF_CLI_ARGS_apply` / `TF_CLI_ARGS_destroy` set to include `-auto-approve` count too, and so
 * do the other ways to apply unattended: a `yes` piped into apply or destroy (`echo yes | terraform apply`,
 * `<<< yes`), `terragrunt run-all apply --non-interactive` (run-all passes -auto-approve to every module; the
 * flag, or TERRAGRUNT_NON_INTERACTIVE / TG_NON_INTERACTIVE, skips its one question). In CI files, `terraform
 * apply PLANFILE` (a saved plan applies without a prompt) warns unless the same job runs `tfguard check`.
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
/** A segment that only says yes, to be piped into a command that asks. */
const YES_FEEDER = /^\s*(?:yes(?:\s+["']?y(?:es)?["']?)?|(?:echo|printf)\s+(?:-[en]+\s+)?["']?y(?:es)?(?:\\n)?["']?)\s*$/;
const HERE_YES = /<<<\s*["']?y(?:es)?\b/;
const TERRAGRUNT_ALL = /\bterragrunt\b[^\n]*?(?:\brun-all\b|\brun\s+--all\b|\s--all\b)/;
const NON_INTERACTIVE = /(?:^|\s)--(?:terragrunt-)?non-interactive(?:=["']?true["']?)?(?=$|\s)/;
const TG_ENV = /\b(?:TERRAGRUNT_NON_INTERACTIVE|TG_NON_INTERACTIVE)\b["']?\s*[:=]\s*["']?(?:true|1)\b/;
/** A terraform-like program as the command's first word (after `VAR=value` assignments and a path). */
const TF_PROGRAM = /^(?:\w+=\S*\s+)*(?:\S*\/)?(?:terraform|tofu|terragrunt|\$[({](?:TERRAFORM|TF|TOFU)[)}])(?=\s|$)/;
/** terraform apply options whose value may be the next word. */
const TF_VALUED = new Set(['-var', '-var-file', '-target', '-replace', '-state', '-state-out', '-backup', '-lock-timeout', '-parallelism']);
const TFGUARD_CHECK = /(?:^|[\s/"'({])tfguard(?:@[\w.^~-]+)?\s+check\b/i;

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
  if (!/auto[-_]approve|\bapply\b|\bdestroy\b|NON_INTERACTIVE/.test(text)) return [];
  const label = KIND_LABEL[file.kind];
  if (file.kind === 'package-json') {
    const scripts = packageScripts(text);
    if (scripts) {
      return scripts.flatMap(({ name, value, line }) => findInLine(value).map((hit) => finding(file.rel, line, hit, `${label} "${name}"`)));
    }
    // Not valid JSON: read it as lines, so a broken file hides nothing.
  }
  const checked = YAML_KINDS.has(file.kind) ? checkedJobs(text, file.kind) : undefined;
  return logicalLines(text).flatMap(({ text: line, lineAt }) =>
    findInLine(line, file.kind)
      .filter((hit) => hit.via !== 'saved-plan' || !checked?.(lineAt(hit.offset)))
      .map((hit) => finding(file.rel, lineAt(hit.offset), hit, label)),
  );
}

/**
 * Whether the CI job around a (1-based) line runs `tfguard check`: GitHub Actions jobs are the keys under
 * `jobs:`, GitLab CI jobs the top-level keys; another CI file is one job. By indentation, not a YAML parser:
 * a job is the lines from its key to the next key at the same indentation.
 */
export function checkedJobs(text: string, kind: CommandFileKind): (line: number) => boolean {
  const lines = text.split(/\r?\n/).map(stripComment);
  const starts: number[] = [];
  if (kind === 'github-actions') {
    const jobs = lines.findIndex((l) => /^jobs\s*:\s*$/.test(l));
    if (jobs >= 0) {
      const indent =
        lines
          .slice(jobs + 1)
          .find((l) => l.trim() !== '')
          ?.search(/\S/) ?? -1;
      for (let i = jobs + 1; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.trim() === '') continue;
        const at = l.search(/\S/);
        if (at === 0) break;
        if (at === indent && /^\s*[\w.-]+\s*:/.test(l)) starts.push(i);
      }
    }
  } else if (kind === 'gitlab-ci') {
    lines.forEach((l, i) => {
      if (/^[^\s#-][^:]*:/.test(l)) starts.push(i);
    });
  }
  const scopeOf = (index: number): [number, number] => {
    const start = [...starts].reverse().find((s) => s <= index) ?? 0;
    const next = starts.find((s) => s > start) ?? lines.length;
    return starts.length === 0 || index < starts[0]! ? [0, lines.length] : [start, next];
  };
  return (line) => {
    const [from, to] = scopeOf(line - 1);
    return lines.slice(from, to).some((l) => TFGUARD_CHECK.test(l));
  };
}

interface Hit {
  offset: number;
  /** What is shown: the command from its program to its end, or the TF_CLI_ARGS assignment. */
  command: string;
  via: 'command' | 'env' | 'input' | 'pipe' | 'non-interactive' | 'saved-plan';
}

const WHAT: Record<Hit['via'], string> = {
  command: 'applies a plan nobody reviewed, outside tfguard',
  env: 'makes every apply or destroy skip its review, outside tfguard',
  input: 'makes the action apply a plan nobody reviewed, outside tfguard',
  pipe: 'answers the confirmation with a piped "yes": it applies a plan nobody reviewed, outside tfguard',
  'non-interactive': 'applies every module with -auto-approve and skips the one question terragrunt asks: plans nobody reviewed, outside tfguard',
  'saved-plan': 'applies a saved plan without a prompt, and no `tfguard check` runs in this job',
};

function finding(file: string, line: number, hit: Hit, where: string): ScanFinding {
  if (hit.via === 'saved-plan') {
    const message =
      `\`${hit.command}\` (${where}) ${WHAT[hit.via]}: nothing gates what it destroys. ` +
      'Run `tfguard check` on that plan earlier in the same job, or apply it with `tfguard apply PLANFILE`.';
    return { rule: 'auto-approve', severity: 'warn', message, file, line };
  }
  const message = `\`${hit.command}\` (${where}) ${WHAT[hit.via]}. Use \`tfguard apply\` instead: it refuses -auto-approve when the plan has findings.`;
  return { rule: 'auto-approve', severity: 'block', message, file, line };
}

/** The hits in one logical line (a command line, or a package.json script). */
export function findInLine(line: string, kind?: CommandFileKind): Hit[] {
  const hits: Hit[] = [];
  const env = TF_CLI_ARGS.exec(line) ?? TG_ENV.exec(line);
  if (env) hits.push({ offset: env.index, command: clip(line.slice(env.index).replace(/^export\s+/, '')), via: 'env' });
  const ci = kind !== undefined && YAML_KINDS.has(kind);
  if (ci) {
    const input = ACTION_INPUT.exec(line);
    if (input) hits.push({ offset: input.index, command: clip(input[0]), via: 'input' });
  }
  const segments = segmentsOf(line);
  segments.forEach(({ at, text: segment, after }, k) => {
    const hit = segmentHit(segment, after === '|' ? segments[k - 1] : undefined, ci);
    if (!hit) return;
    if (env && env.index <= at + hit.offset && at + hit.offset < env.index + env[0].length) return;
    hits.push({ ...hit, offset: at + hit.offset });
  });
  return hits;
}

interface Segment {
  at: number;
  text: string;
  /** The separator before it (`|`, `&&`, `;`, ...), '' for the first. */
  after: string;
}

/**
 * One command per segment. Segments are cut on a copy where `$(VAR)` / `${VAR}` are masked, so a Makefile's
 * `$(TERRAFORM) apply` stays one command; offsets are the same in both.
 */
function segmentsOf(line: string): Segment[] {
  const masked = line.replace(/\$[({]\w+[)}]/g, (m) => `$${'_'.repeat(m.length - 1)}`);
  const out: Segment[] = [];
  let from = 0;
  let after = '';
  for (const m of masked.matchAll(new RegExp(SEPARATORS.source, 'g'))) {
    out.push({ at: from, text: line.slice(from, m.index), after });
    from = m.index + m[0].length;
    after = m[0];
  }
  out.push({ at: from, text: line.slice(from), after });
  return out;
}

/** An apply or destroy in one segment that runs unattended; `fed` is the segment piped into it, if any. */
function segmentHit(segment: string, fedBy: Segment | undefined, ci: boolean): Hit | undefined {
  const sub = [...segment.matchAll(SUBCOMMAND)][0];
  if (!sub) return undefined;
  const subAt = sub.index + sub[0].indexOf(sub[1]!);
  if (TFGUARD.test(segment.slice(0, subAt))) return undefined; // `tfguard apply -auto-approve`: tfguard decides
  const auto = AUTO.exec(segment);
  if (auto) {
    const autoAt = auto.index + auto[0].indexOf(auto[1]!);
    const first = [...segment.matchAll(SUBCOMMAND)].find((m) => m.index < autoAt);
    if (first) return { offset: autoAt, command: clip(commandText(segment)), via: 'command' };
  }
  if (!TF_PROGRAM.test(commandText(segment).trim())) return undefined;
  if ((fedBy && YES_FEEDER.test(fedBy.text)) || HERE_YES.test(segment)) {
    const text = fedBy && YES_FEEDER.test(fedBy.text) ? `${fedBy.text.trim()} | ${commandText(segment)}` : commandText(segment);
    return { offset: subAt, command: clip(text), via: 'pipe' };
  }
  if (TERRAGRUNT_ALL.test(segment) && NON_INTERACTIVE.test(segment)) {
    return { offset: subAt, command: clip(commandText(segment)), via: 'non-interactive' };
  }
  if (ci && sub[1] === 'apply' && savedPlanArgument(segment.slice(subAt + sub[1].length)) !== undefined) {
    return { offset: subAt, command: clip(commandText(segment)), via: 'saved-plan' };
  }
  return undefined;
}

/** The saved plan file given to `apply`: its first argument that is not an option or an option's value. */
function savedPlanArgument(rest: string): string | undefined {
  const words = rest
    .replace(/\s+\d*>+\s*\S*\s*$/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.replace(/^["']|["']$/g, '');
    if (w.startsWith('-')) {
      if (TF_VALUED.has(w)) i++;
      continue;
    }
    return w === '' ? undefined : w;
  }
  return undefined;
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
