/**
 * `scan --commits`: the findings of each commit's changed files, merged with those of DIR (the tip), each said
 * once. A finding is the same one in DIR and in a commit when its rule, file and message are (not its line:
 * a commit before may have had it a few lines up). For each such finding, in order:
 * - as many as the base has (or, for a file the range leaves as it was, as DIR has) were already there: the
 *   remote has them; they are reported as DIR has them, without a commit;
 * - the others are attributed to the first commit, parents first, whose changed files hold them: "added by";
 * - a commit that holds more than DIR does adds findings of its own, reported at that commit's file and line
 *   (`onlyInCommit`): a later commit removed them, but the commit itself is pushed.
 * Addresses are those DIR gives a directory (a module is read under its callers' names), so that the messages
 * of a commit and of DIR agree.
 */
import path from 'node:path';
import { destroyProvisionerFindings } from './provisioners.js';
import type { History, Snapshot } from './history.js';
import type { Located, TerraformTree } from './terraform.js';
import type { ScanFinding } from './types.js';

const keyOf = (f: ScanFinding) => `${f.rule}\0${f.file}\0${f.message}`;

function byKey(findings: ScanFinding[]): Map<string, ScanFinding[]> {
  const map = new Map<string, ScanFinding[]>();
  for (const f of findings) {
    const key = keyOf(f);
    map.set(key, [...(map.get(key) ?? []), f]);
  }
  for (const list of map.values()) list.sort((a, b) => a.line - b.line);
  return map;
}

/** A commit's blocks under the addresses DIR gives their directory, when DIR reads that directory. */
function asInDir(tree: TerraformTree, modulePaths: Map<string, Set<string>>): TerraformTree {
  const rename = <B extends { groupAddress: string; module: string }>(located: Located<B>): Located<B> => {
    const paths = modulePaths.get(path.posix.dirname(located.rel));
    if (!paths) return located;
    const local = located.block.groupAddress.slice(located.block.module.length + 1);
    const modules = [...paths].sort();
    return { ...located, modules, addresses: modules.map((m) => (m ? `${m}.${local}` : local)).sort() };
  };
  return { ...tree, blocks: tree.blocks.map(rename), removed: tree.removed.map(rename) };
}

/** The findings in the files a snapshot read, and DIR's in the files it has as DIR has them. */
function findingsOf(snapshot: Snapshot, modulePaths: Map<string, Set<string>>, dirFindings: ScanFinding[]): ScanFinding[] {
  return [
    ...[...destroyProvisionerFindings(asInDir(snapshot.tree, modulePaths)), ...snapshot.autoApprove].filter((f) => snapshot.files.has(f.file)),
    ...dirFindings.filter((f) => snapshot.sameAsDir.has(f.file)).map((f) => ({ ...f })),
  ];
}

/** DIR's findings, each with the commit that added it, and the findings only a commit of the range holds. */
export function attributeFindings(dirFindings: ScanFinding[], dirTree: TerraformTree, history: History): ScanFinding[] {
  const modulePaths = dirTree.modulePaths;
  const out = dirFindings.map((f) => ({ ...f }));
  const inDir = byKey(out);
  const atBase = history.base?.snapshot ? byKey(findingsOf(history.base.snapshot, modulePaths, dirFindings)) : new Map<string, ScanFinding[]>();
  /** Per finding: DIR's copies and those only commits hold, in order; the first `already` were there before. */
  const slots = new Map<string, { list: (ScanFinding | undefined)[]; already: number }>();
  const slotsOf = (key: string, file: string) => {
    let s = slots.get(key);
    if (!s) {
      const list: (ScanFinding | undefined)[] = [...(inDir.get(key) ?? [])];
      const base = history.base;
      const already = base === undefined ? 0 : base.paths.has(file) ? (atBase.get(key)?.length ?? 0) : list.length;
      while (list.length < already) list.push(undefined);
      slots.set(key, (s = { list, already }));
    }
    return s;
  };
  for (const commit of history.commits) {
    const ref = { sha: commit.sha, short: commit.short, subject: commit.subject };
    for (const [key, found] of byKey(findingsOf(commit, modulePaths, dirFindings))) {
      const s = slotsOf(key, found[0]!.file);
      found.forEach((f, i) => {
        if (i >= s.list.length) {
          const only: ScanFinding = { ...f, commit: ref, onlyInCommit: true };
          s.list.push(only);
          out.push(only);
          return;
        }
        const slot = s.list[i];
        if (slot && i >= s.already && slot.commit === undefined) slot.commit = ref;
      });
    }
  }
  return out;
}
