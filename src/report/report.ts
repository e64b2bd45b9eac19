/** The report object: the JSON contract of DESIGN.md, which every output format renders. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Plan } from '../plan/model.js';
import type { RunResult } from '../engine/run.js';
import { summarize, type Summary } from '../engine/summary.js';
import type { Decision, Finding } from '../engine/types.js';
import type { Waiver } from '../config/schema.js';
import { docsBaseUrl } from '../package-info.js';
import { VERSION } from '../version.js';

export interface ReportFinding extends Finding {
  /** How to read the rule's documentation: `tfguard explain RULE`. */
  docs: string;
  /** The rule's section of the README online, when the package says where it is published. */
  docs_url?: string;
}

export interface Report {
  tool: 'tfguard';
  version: string;
  /**
   * `dir`: the root module directory (its `.tf` sources and `.tfguard.json`), relative to the current directory
   * with `/` separators, '.' when it is the current directory. Finding locations are relative to it.
   */
  plan: { source: string; dir: string; format_version: string; terraform_version: string | null };
  decision: Decision;
  summary: Summary;
  findings: ReportFinding[];
  waived: (ReportFinding & { waiver: Waiver })[];
  expired_waivers: (Waiver & { matched: number })[];
  /** Waivers of the config whose glob matches no address of the plan (a typo?): they waive nothing here. */
  unmatched_waivers?: Waiver[];
  /** Findings overridden for one run by `tfguard apply --allow` (present only there). */
  overridden?: (ReportFinding & { override: { rule: string; address: string | null; reason: string } })[];
  config: string | null;
}

/** An inline waiver (a `tfguard:allow` comment) carries where it is written. */
export function inlinePlace(w: Waiver): string | undefined {
  const at = w as Waiver & { file?: unknown; line?: unknown };
  return typeof at.file === 'string' && typeof at.line === 'number' ? `${at.file}:${at.line}` : undefined;
}

/** How reports name a waiver: `tfguard:allow at main.tf:3`, or the glob of a `.tfguard.json` waiver in quotes. */
export function waiverLabel(w: Waiver): string {
  const place = inlinePlace(w);
  return place ? `tfguard:allow at ${place}` : JSON.stringify(w.address);
}

/** How to read a rule's documentation wherever tfguard is installed: its section of the shipped README. */
export function ruleDocs(id: string): string {
  return `tfguard explain ${id}`;
}

/**
 * A rule's README section online, for formats read away from the installation (SARIF `helpUri`, a pull-request
 * comment): from the package's `homepage` or `repository` field; undefined when it has neither.
 */
export function ruleDocsUrl(id: string, base: string | undefined = docsBaseUrl()): string | undefined {
  return base === undefined ? undefined : `${base}#${id}`;
}

/** A directory as `plan.dir` holds it: relative to `cwd`, `/` separators, '.' for `cwd` itself. */
export function relativeDir(dir: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, dir));
  if (rel === '') return '.';
  return isAbsolute(rel) ? rel : rel.split(sep).join('/');
}

/**
 * A finding's file (`location.file`: relative to the root module, or absolute for a module outside it) relative
 * to the current directory, with `/` separators: what code scanning and pull-request annotations need.
 */
export function artifactPath(report: Pick<Report, 'plan'>, file: string, cwd: string = process.cwd()): string {
  const forward = (p: string) => p.replace(/\\/g, '/');
  if (isAbsolute(file)) return forward(relativeDir(file, cwd));
  const dir = forward(report.plan.dir ?? '.');
  const joined = dir === '.' ? forward(file) : `${dir}/${forward(file)}`;
  // Collapse `./` and `a/../` segments so that the same file always gets the same path.
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return (joined.startsWith('/') ? '/' : '') + (out.join('/') || '.');
}

export function buildReport(opts: {
  source: string;
  /** The root module directory, as `relativeDir` gives it (default '.'). */
  dir?: string | undefined;
  plan: Plan;
  result: RunResult;
  config?: string | undefined;
  overridden?: (Finding & { override: { rule: string; address: string | null; reason: string } })[];
}): Report {
  const { plan, result } = opts;
  const withDocs = <F extends Finding>(f: F) => {
    const url = ruleDocsUrl(f.rule);
    return { ...f, docs: ruleDocs(f.rule), ...(url ? { docs_url: url } : {}) };
  };
  return {
    tool: 'tfguard',
    version: VERSION,
    plan: {
      source: opts.source,
      dir: opts.dir ?? '.',
      format_version: plan.formatVersion,
      terraform_version: plan.terraformVersion ?? null,
    },
    decision: result.decision,
    summary: summarize(plan),
    findings: result.findings.map(withDocs),
    waived: result.waived.map(withDocs),
    expired_waivers: result.expiredWaivers,
    unmatched_waivers: result.unmatchedWaivers ?? [],
    ...(opts.overridden ? { overridden: opts.overridden.map(withDocs) } : {}),
    config: opts.config ?? null,
  };
}
