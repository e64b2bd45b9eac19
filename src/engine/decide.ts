/** The decision of a set of findings, for plans and for scans alike: any block blocks, any warning warns. */
import type { Decision, Severity } from './types.js';

export function decide(findings: readonly { severity: Severity }[]): Decision {
  if (findings.some((f) => f.severity === 'block')) return 'block';
  if (findings.length > 0) return 'warn';
  return 'pass';
}
