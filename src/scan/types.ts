/** What `tfguard scan` reports: findings in the sources themselves, each at a file and line. */
import type { Waiver } from '../config/schema.js';
import type { Decision, Severity } from '../engine/types.js';
import type { ExpiredWaiver } from '../engine/waivers.js';

export type ScanRule = 'destroy-provisioner' | 'auto-approve' | 'prevent-destroy-removed';

export interface ScanFinding {
  rule: ScanRule;
  severity: Severity;
  message: string;
  /** Relative to DIR, `/`-separated. */
  file: string;
  /** 1-based. */
  line: number;
  /** Resource addresses (module path + type.name), for provisioner and prevent_destroy findings. */
  addresses?: string[];
  /** With `--commits`: the commit of the range that adds it (short sha and subject as git gives them). */
  commit?: CommitRef;
  /** With `--commits`: only that commit holds it, not DIR (a later commit removed it); file and line are the commit's. */
  onlyInCommit?: true;
}

export interface CommitRef {
  sha: string;
  short: string;
  subject: string;
}

export interface ScanResult {
  /** DIR as given. */
  dir: string;
  base: string | null;
  decision: Decision;
  findings: ScanFinding[];
  /** With `--commits`: the range as given, how many commits it holds and how many of their changed files were read. */
  commits?: { range: string; count: number; files: number };
  /** What was read, for the text report's header. */
  counts: { roots: number; terraformFiles: number; commandFiles: number; baseFiles: number };
  /** The config file used (as reports name it), or null: none. */
  config: string | null;
  waived: (ScanFinding & { waiver: Waiver })[];
  expiredWaivers: ExpiredWaiver[];
  /** `--new-only`: findings the base already has; shown, not counted. */
  notes: ScanFinding[];
}

export { decide } from '../engine/decide.js';

/** Blocking findings first, then by file and line. */
export function sortFindings(findings: ScanFinding[]): ScanFinding[] {
  const rank = (f: ScanFinding) => (f.severity === 'block' ? 0 : 1);
  return findings.sort(
    (a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}
