/**
 * `tfguard hook install|uninstall|status`: a git pre-push (or pre-commit) hook that runs `tfguard scan` on what is
 * pushed (or committed) and refuses it when the scan blocks. The hook runs the tfguard that installed it: the
 * absolute paths of this node and of this CLI's launcher are written into the script.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { hookStates, installHook, shown, uninstallHook } from '../hook/install.js';
import { bypassCommand, HOOK_NAMES, type HookName, type Runner } from '../hook/script.js';

export interface HookOptions {
  hook?: string;
  force?: boolean;
  dir?: string;
}

function parseHook(value: string | undefined): HookName {
  const hook = value ?? 'pre-push';
  if (!(HOOK_NAMES as readonly string[]).includes(hook)) throw new UsageError(`unknown --hook ${hook} (one of: ${HOOK_NAMES.join(', ')})`);
  return hook as HookName;
}

/** bin/tfguard.js of the checkout this module belongs to (src/commands or dist/src/commands), found upward. */
function launcherBesideThisModule(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    dir = path.dirname(dir);
    const candidate = path.join(dir, 'bin', 'tfguard.js');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * How the hook will run tfguard: this node, and the CLI that is running now (process.argv[1], symlinks resolved:
 * node_modules/.bin/tfguard becomes .../tfguard/bin/tfguard.js). When argv[1] is not tfguard's launcher (the
 * command called in-process), the launcher of this checkout.
 */
export function currentRunner(argv1: string | undefined = process.argv[1]): Runner {
  let cli: string | undefined;
  if (argv1) {
    try {
      const real = realpathSync(path.resolve(argv1));
      if (/^tfguard(\.[cm]?js)?$/.test(path.basename(real))) cli = real;
    } catch {
      // not a file
    }
  }
  cli ??= launcherBesideThisModule();
  if (!cli) throw new UsageError('cannot tell where this tfguard is installed (run it as `tfguard hook install` or `node bin/tfguard.js hook install`)');
  return { node: process.execPath, cli };
}

export async function hookInstall(opts: HookOptions, runner: Runner = currentRunner()): Promise<number> {
  const hook = parseHook(opts.hook);
  const result = await installHook({ dir: opts.dir ?? '.', hook, force: opts.force === true, runner });
  const where = shown(result.repo, result.file);
  const out: string[] = [];
  if (result.backup) {
    out.push(`tfguard: moved the existing ${hook} hook to ${shown(result.repo, result.backup)}; it no longer runs (tfguard hook uninstall puts it back)`);
  }
  const verb = hook === 'pre-push' ? 'push' : 'commit';
  out.push(
    `tfguard: ${result.before === 'tfguard' ? 'reinstalled' : 'installed'} the ${hook} hook in ${where}: every ${verb} is scanned by ` +
      `${runner.node} ${runner.cli}; bypass knowingly with ${bypassCommand(hook)}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

export async function hookUninstall(opts: HookOptions): Promise<number> {
  const hook = parseHook(opts.hook);
  const result = await uninstallHook({ dir: opts.dir ?? '.', hook });
  const where = shown(result.repo, result.file);
  if (!result.removed) {
    process.stdout.write(`tfguard: no ${hook} hook in ${where}; nothing to remove\n`);
  } else if (result.restored) {
    process.stdout.write(`tfguard: removed tfguard's ${hook} hook and put back ${shown(result.repo, result.restored)} as ${where}\n`);
  } else {
    process.stdout.write(`tfguard: removed tfguard's ${hook} hook from ${where}\n`);
  }
  return 0;
}

export async function hookStatus(opts: HookOptions): Promise<number> {
  const hooks = opts.hook === undefined ? HOOK_NAMES : [parseHook(opts.hook)];
  const { repo, hooks: states } = await hookStates(opts.dir ?? '.', hooks);
  const folder = shown(repo, repo.hooksDir);
  const lines = [`hooks folder: ${folder}${repo.hooksPath === undefined ? '' : ` (core.hooksPath = ${repo.hooksPath})`}`];
  const width = Math.max(...states.map((s) => s.hook.length));
  for (const s of states) {
    const name = s.hook.padEnd(width);
    if (s.state === 'none') lines.push(`${name}  not installed`);
    else if (s.state === 'foreign') lines.push(`${name}  another hook, not tfguard's (${shown(repo, s.file)})`);
    else {
      const runs = s.runner ? `runs ${s.runner.node} ${s.runner.cli}` : 'runs tfguard';
      lines.push(`${name}  tfguard (${runs})`);
      if (s.runner && !s.runner.present) {
        lines.push(`${' '.repeat(width)}  ! ${s.runner.cli} is gone: the hook falls back to tfguard on PATH or npx; run tfguard hook install again`);
      }
    }
    if (s.state !== 'none' && !s.executable) lines.push(`${' '.repeat(width)}  ! not executable: git does not run it (chmod +x ${shown(repo, s.file)})`);
    for (const b of s.backups) lines.push(`${' '.repeat(width)}  backup kept: ${shown(repo, b)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
