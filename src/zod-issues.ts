/** Turns zod issues into `path: problem` text a person can act on. */
import type { z } from 'zod';

export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out ? `.${String(step)}` : String(step);
  }
  return out || '(top level)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  const lines = issues.slice(0, max).map((i) => `${issuePath(i.path)}: ${i.message}`);
  const more = issues.length > max ? ` (and ${issues.length - max} more)` : '';
  return lines.join('; ') + more;
}
