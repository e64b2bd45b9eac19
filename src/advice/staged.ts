/**
 * The staged alternative for a group whose destroy runs nothing: one `tfguard apply -target=…` per stage, each
 * stage small enough that a quorum stays standing. Never plain `terraform apply`: each stage is reviewed too.
 */
import { shQuote } from '../shell.js';

/** At most this many stages are written out; the rest are counted. */
export const MAX_STAGES = 20;

/** Members in order, cut into batches of `size` (at least 1). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}

/** One line per stage: its `-target` addresses, shell-quoted for POSIX shells. tfguard reviews each stage. */
export function stagedApplies(stages: readonly (readonly string[])[]): string[] {
  const lines = stages.slice(0, MAX_STAGES).map((targets) => {
    const flags = targets.map((a) => `-target=${shQuote(a)}`).join(' ');
    return `tfguard apply ${flags}`;
  });
  if (stages.length > MAX_STAGES) lines.push(`# … and ${stages.length - MAX_STAGES} more stages`);
  return lines;
}
