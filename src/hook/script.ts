/**
 * The git hook scripts that `tfguard hook install` writes: small POSIX sh scripts that run `tfguard scan` on
 * exactly what is pushed (pre-push) or committed (pre-commit), and fail closed.
 *
 * What is scanned is a snapshot, not the working tree: the tree of each pushed ref (or of the index being
 * committed) is checked out into a temp folder with a temp index, every entry of it (sparse-checkout does not
 * apply), so a push of another branch, uncommitted edits or a sparse checkout neither hide nor invent a finding.
 * `tfguard scan` runs in that folder with GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE pointing at the repository,
 * the folder and the temp index, so that `--base` (prevent_destroy removed) compares the snapshot with the base,
 * and `--commits` reads every pushed commit's changed files from the repository: one tfguard process per pushed
 * ref, however many commits it has.
 *
 * Pure: (hook, where tfguard is) -> script text. Nothing here touches the filesystem.
 */
import { shQuote } from '../shell.js';

export const HOOK_NAMES = ['pre-push', 'pre-commit'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The line that makes a hook file tfguard's: install replaces, and uninstall removes, only files holding it. */
export const MARKER = '# installed by tfguard hook install — do not edit; tfguard hook uninstall removes it';
/** What identifies the marker, even if an editor mangled the dash. */
const MARKER_PREFIX = '# installed by tfguard hook install';

export function isTfguardHook(text: string): boolean {
  return text.split('\n').some((line) => line.startsWith(MARKER_PREFIX));
}

/** How the hook runs tfguard: the node binary and the CLI launcher (bin/tfguard.js) recorded at install time. */
export interface Runner {
  node: string;
  cli: string;
}

/** The runner recorded in a tfguard hook script, if it can be read back (for `tfguard hook status`). */
export function recordedRunner(text: string): Runner | undefined {
  const value = (name: string): string | undefined => {
    const m = new RegExp(`^${name}=('(?:[^']|'\\\\'')*')$`, 'm').exec(text);
    return m ? m[1]!.slice(1, -1).replaceAll(`'\\''`, "'") : undefined;
  };
  const node = value('TFGUARD_NODE');
  const cli = value('TFGUARD_CLI');
  return node !== undefined && cli !== undefined ? { node, cli } : undefined;
}

const BYPASS: Record<HookName, string> = { 'pre-push': 'git push --no-verify', 'pre-commit': 'git commit --no-verify' };
const WHAT: Record<HookName, string> = { 'pre-push': 'push', 'pre-commit': 'commit' };

export function bypassCommand(hook: HookName): string {
  return BYPASS[hook];
}

/** Shared by both hooks: finding tfguard, the temp folder, the snapshot and the scan. */
function common(hook: HookName, runner: Runner): string {
  const what = WHAT[hook];
  const bypass = BYPASS[hook];
  return `TFGUARD_NODE=${shQuote(runner.node)}
TFGUARD_CLI=${shQuote(runner.cli)}

# Everything on stderr, as git's own messages are (git does not show every hook's stdout).
exec 1>&2

# The outcome: 0 lets git go on; anything else refuses, with one line saying how to bypass knowingly.
finish() {
  case $1 in
    0) exit 0 ;;
    1) echo "tfguard: ${what} refused: the scan above blocks what this ${what} adds. Change the sources, or waive a reviewed finding with a reason (tfguard:allow, .tfguard.json); or ${what} anyway, knowingly: ${bypass}" >&2 ;;
    *) echo "tfguard: could not check this ${what} (exit $1), so it is refused. Fix the error above, or ${what} anyway, knowingly: ${bypass}" >&2 ;;
  esac
  exit 1
}

# How tfguard is run: the checkout recorded at install time; else the repository's own node_modules, tfguard on
# PATH, or npx --no-install tfguard. Found before anything else, so that a missing tfguard refuses at once.
top=$(git rev-parse --show-toplevel) || finish 2
if [ -f "$TFGUARD_CLI" ] && { [ -x "$TFGUARD_NODE" ] || command -v node >/dev/null 2>&1; }; then
  how=cli
  [ -x "$TFGUARD_NODE" ] || TFGUARD_NODE=node
elif [ -x "$top/node_modules/.bin/tfguard" ]; then
  how=local
elif command -v tfguard >/dev/null 2>&1; then
  how=path
elif command -v npx >/dev/null 2>&1 && (cd "$top" && npx --no-install tfguard --version) >/dev/null 2>&1; then
  how=npx
else
  echo "tfguard: tfguard cannot be found (not $TFGUARD_CLI with node, nor tfguard on PATH, nor npx --no-install tfguard), so this ${what} is refused. Run tfguard hook install again, or ${what} anyway, knowingly: ${bypass}" >&2
  exit 1
fi
run_tfguard() {
  case $how in
    cli) "$TFGUARD_NODE" "$TFGUARD_CLI" "$@" ;;
    local) "$top/node_modules/.bin/tfguard" "$@" ;;
    path) command tfguard "$@" ;;
    *) npx --no-install tfguard "$@" ;;
  esac
}

git_dir=$(git rev-parse --absolute-git-dir) || finish 2
work=$(mktemp -d "\${TMPDIR:-/tmp}/tfguard-hook.XXXXXX") || {
  echo "tfguard: cannot make a temp folder, so this ${what} is refused; ${what} anyway, knowingly: ${bypass}" >&2
  exit 1
}
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Checks out the tree $1 into $work/tree through a temp index, $work/index, that holds every entry of the tree:
# sparse-checkout settings do not apply to it, so files outside the sparse set (skip-worktree entries) are
# scanned too. Nothing else is touched: not the repository's index, not the working tree. Then scans it; the
# other arguments go to tfguard scan. Returns the scan's exit code.
scan_tree() {
  snapshot=$1
  shift
  rm -rf "$work/tree" "$work/index" && mkdir "$work/tree" || return 2
  (
    cd "$work/tree" || exit 2
    GIT_DIR="$git_dir" GIT_WORK_TREE="$work/tree" GIT_INDEX_FILE="$work/index"
    export GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
    git -c core.sparseCheckout=false -c index.sparse=false read-tree "$snapshot" || exit 2
    GIT_LFS_SKIP_SMUDGE=1 git -c core.sparseCheckout=false checkout-index --all --force -u || exit 2
    # Temp files of tfguard go into $work too, which the trap removes whatever happens.
    TMPDIR="$work" run_tfguard scan . "$@"
  )
}
`;
}

function prePush(): string {
  return `# pre-push: stdin holds one line per pushed ref, "<local ref> <local sha> <remote ref> <remote sha>".
# Each pushed ref is scanned as a whole (its tip, with --base the commit the remote has for prevent_destroy
# removed) and commit by commit (--commits: what every pushed commit adds, also when a later commit removes it).
# Only what the push adds or changes blocks (--new-only): what the remote already has is shown as notes.
# The base: the remote's commit; for a new branch (remote sha all zeros), the merge-base with the remote's default
# branch; else none, and the pushed commits are those no remote-tracking ref has. Deletions are skipped.
remote=$1

# The remote's default branch as a local ref: <remote>/HEAD, else <remote>/main, else <remote>/master.
default_branch() {
  for ref in "refs/remotes/$remote/HEAD" "refs/remotes/$remote/main" "refs/remotes/$remote/master"; do
    if git rev-parse --quiet --verify "$ref^{commit}" >/dev/null 2>&1; then
      echo "$ref"
      return 0
    fi
  done
  return 1
}

status=0
seen=' '
while read -r local_ref local_sha remote_ref remote_sha; do
  [ -n "$local_sha" ] || continue
  case $local_sha in *[!0]*) ;; *) continue ;; esac
  [ "$local_sha" = "$remote_sha" ] && continue
  # Only commits have a tree to scan (a tag on a blob or tree does not).
  git rev-parse --quiet --verify "$local_sha^{commit}" >/dev/null 2>&1 || continue
  base=
  case $remote_sha in
    *[!0]*) git rev-parse --quiet --verify "$remote_sha^{commit}" >/dev/null 2>&1 && base=$remote_sha ;;
  esac
  if [ -z "$base" ] && default=$(default_branch); then
    base=$(git merge-base "$local_sha" "$default" 2>/dev/null) || base=
  fi
  [ -z "$base" ] || base=$(git rev-parse --short "$base") || finish 2
  case $seen in *" $local_sha:$base "*) continue ;; esac
  seen="$seen$local_sha:$base "

  short=$(git rev-parse --short "$local_sha") || finish 2
  if [ -n "$base" ]; then
    echo "tfguard: scanning $local_ref ($short) -> $remote_ref, changes since $base" >&2
    scan_tree "$local_sha" --new-only --base "$base" --commits "$base..$short"
  else
    echo "tfguard: scanning $local_ref ($short) -> $remote_ref (new, no base to compare with)" >&2
    scan_tree "$local_sha" --new-only --commits "$short"
  fi
  case $? in
    0) ;;
    1) [ "$status" -ne 0 ] || status=1 ;;
    *) status=2 ;; # an error outranks a block: both refuse, but the message says which
  esac
done
finish "$status"
`;
}

function preCommit(): string {
  return `# pre-commit: the index being committed (git commit -a and git commit FILE use their own, named by
# GIT_INDEX_FILE), written as a tree (exactly what is committed, skip-worktree entries too), scanned with
# --base HEAD when HEAD exists. Only what the commit adds or changes blocks (--new-only): what HEAD already has is
# shown as notes.
index=\${GIT_INDEX_FILE:-$(git rev-parse --git-path index)}
base=
git rev-parse --quiet --verify 'HEAD^{commit}' >/dev/null 2>&1 && base=HEAD
if [ -f "$index" ]; then
  cp "$index" "$work/staged" || finish 2
else
  GIT_INDEX_FILE="$work/staged" git read-tree --empty || finish 2
fi
tree=$(GIT_INDEX_FILE="$work/staged" git write-tree) || finish 2
# The staged tree as a commit object (not on any branch; git gc drops it), so that scan --commits tells what
# this commit adds or changes from what HEAD already has.
staged=$(GIT_AUTHOR_NAME=tfguard GIT_AUTHOR_EMAIL=tfguard@localhost GIT_COMMITTER_NAME=tfguard \
  GIT_COMMITTER_EMAIL=tfguard@localhost git commit-tree "$tree" \${base:+-p "$base"} -m 'the staged changes') || finish 2
staged=$(git rev-parse --short "$staged") || finish 2
if [ -n "$base" ]; then
  scan_tree "$tree" --new-only --base "$base" --commits "$base..$staged"
else
  scan_tree "$tree" --new-only --commits "$staged"
fi
finish $?
`;
}

export function hookScript(hook: HookName, runner: Runner): string {
  const what = WHAT[hook];
  return `#!/bin/sh
${MARKER}
# tfguard ${hook} hook: runs \`tfguard scan\` on what each ${what} adds and refuses the ${what} when the scan
# blocks what it adds or changes (destroy-time provisioners that run destructive commands, -auto-approve outside
# tfguard in scripts and CI, prevent_destroy removed), or when it cannot run (tfguard fails closed).
# Bypass knowingly: ${BYPASS[hook]}

${common(hook, runner)}
${hook === 'pre-push' ? prePush() : preCommit()}`;
}
