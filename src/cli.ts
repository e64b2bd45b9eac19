/**
 * Commander wiring only. Commands are lazy-imported so that each pays only for what it uses. This is the one
 * place that sets the exit code: 0 pass, 1 blocked, 2 error. Every error ends here as one line on stderr.
 */
import { Command, CommanderError, Option } from 'commander';
import { APPLY_HELP, DESTROY_HELP } from './apply/help.js';
import { TfguardError } from './errors.js';
import { escapeControls } from './report/escape.js';
import { VERSION } from './version.js';

let exitCode = 0;
let stdoutError: NodeJS.ErrnoException | undefined;

/** Waits until what was written to stdout has been handed to the system (or failed). */
function flushStdout(): Promise<void> {
  if (process.stdout.destroyed) return Promise.resolve();
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

function stdoutFailed(error: NodeJS.ErrnoException): number {
  process.stderr.write(`tfguard: cannot write to standard output (${error.message.replace(/\s+/g, ' ')}), so nothing was approved\n`);
  return 2;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
let argvSeen: string[] = [];

/** The raw arguments after the command name: `apply` parses its own, terraform's single-dash ones included. */
function rawArgsAfter(command: string): string[] {
  const at = argvSeen.indexOf(command, 2);
  return at < 0 ? [] : argvSeen.slice(at + 1);
}

function buildProgram(): Command {
  const program = new Command('tfguard')
    .description('A safety gate for Terraform plans: refuses to apply what destroys what it should not.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      // Usage errors read like every other error: `tfguard: ...` on stderr, exit 2.
      // An argument echoed in the message is shown as inert text, like every other value.
      outputError: (text, write) =>
        write(
          `tfguard: ${escapeControls(
            text
              .replace(/^error: /, '')
              .replace(/\n(?=.)/g, ' ')
              .replace(/\n$/, ''),
          )}\n`,
        ),
    });

  program
    .command('check')
    .description('check a plan and exit 0 (pass), 1 (blocked) or 2 (error)')
    .argument('[plan...]', 'a `terraform show -json` file, a saved binary plan, a folder (every plan file under it), or - for stdin')
    .option(
      '--dir <dir>',
      "root module whose .tf sources and .tfguard.json are read (default: the plan file's folder if it holds .tf files, else the current one)",
    )
    .option('--config <file>', 'config file (default: .tfguard.json in DIR, else the nearest folder above it up to the git root)')
    .option('--format <format>', 'report format, or FORMAT=FILE to write it to a file; repeatable (text, json, markdown, sarif, junit, github)', collect, [])
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 at this decision').choices(['block', 'warn', 'never']).default('block'))
    .option('--terraform-bin <path>', 'terraform or tofu binary for saved plans (default: $TFGUARD_TERRAFORM_BIN, terraform, tofu)')
    .option('--no-color', 'no ANSI colors (also with NO_COLOR set)')
    .action(async (plans: string[], opts) => {
      const { check } = await import('./commands/check.js');
      exitCode = await check(plans, opts);
    });

  program
    .command('scan')
    .description('check the sources without a plan (for a git pre-push hook): exit 0 (pass), 1 (blocked) or 2 (error)')
    .argument('[dir]', 'directory to scan: every root module, script and CI file under it (default: cwd)')
    .option('--base <ref>', 'git ref to compare with: also report prevent_destroy removed since REF')
    .option('--commits <range>', 'BASE..TIP, or TIP (its commits that no remote-tracking ref has): also scan what each commit adds in the files it changes')
    .option('--max-commits <n>', 'refuse (exit 2) a --commits range of more commits than this (default: $TFGUARD_MAX_COMMITS, else 1000)')
    .option('--new-only', 'with --commits: only what the range adds counts; findings the base already has are notes (the git hooks)')
    .option('--config <file>', 'config file (default: .tfguard.json in DIR, else the nearest folder above it up to the git root)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 at this decision').choices(['block', 'warn', 'never']).default('block'))
    .option('--no-color', 'no ANSI colors (also with NO_COLOR set)')
    .action(async (dir: string | undefined, opts) => {
      const { scan } = await import('./commands/scan.js');
      exitCode = await scan(dir, opts);
    });

  const hook = program.command('hook').description('install, remove or show the git hook that runs `tfguard scan` on every push (or commit)');
  hook
    .command('install')
    .description('write a pre-push (or pre-commit) hook that refuses a push when `tfguard scan` blocks it')
    .addOption(new Option('--hook <name>', 'which git hook').choices(['pre-push', 'pre-commit']).default('pre-push'))
    .option('--force', "move an existing hook that is not tfguard's to <hook>.tfguard-backup first")
    .option('--dir <repo>', 'a folder in the repository (default: cwd)')
    .action(async (opts) => {
      const { hookInstall } = await import('./commands/hook.js');
      exitCode = await hookInstall(opts);
    });
  hook
    .command('uninstall')
    .description("remove tfguard's hook (never another one) and put back the hook it replaced, if any")
    .addOption(new Option('--hook <name>', 'which git hook').choices(['pre-push', 'pre-commit']).default('pre-push'))
    .option('--dir <repo>', 'a folder in the repository (default: cwd)')
    .action(async (opts) => {
      const { hookUninstall } = await import('./commands/hook.js');
      exitCode = await hookUninstall(opts);
    });
  hook
    .command('status')
    .description('show which hooks are installed, and where')
    .addOption(new Option('--hook <name>', 'only this git hook').choices(['pre-push', 'pre-commit']))
    .option('--dir <repo>', 'a folder in the repository (default: cwd)')
    .action(async (opts) => {
      const { hookStatus } = await import('./commands/hook.js');
      exitCode = await hookStatus(opts);
    });

  // apply and destroy take terraform's arguments as they are: -h, -help and --help are their own
  // (src/apply/help.ts), since terraform's -h would print `terraform plan`'s.
  const terraformLike = (name: string, description: string, argument: string, help: string, run: (argv: string[]) => Promise<number>) =>
    program
      .command(name)
      .description(description)
      .argument('[args...]', argument)
      .helpOption(false)
      .configureHelp({ formatHelp: () => help })
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async (_args: string[], _opts, cmd: Command) => {
        exitCode = await run(rawArgsAfter(cmd.name()));
      });
  terraformLike(
    'apply',
    'plan, review, confirm and apply exactly the reviewed plan, in place of `terraform apply` (tfguard apply -h)',
    'tfguard and terraform options, and optionally a saved PLANFILE',
    APPLY_HELP,
    async (argv) => (await import('./commands/apply.js')).apply(argv),
  );
  terraformLike(
    'destroy',
    'tfguard apply -destroy, as `terraform destroy` is `terraform apply -destroy` (tfguard destroy -h)',
    'tfguard and terraform options (no PLANFILE)',
    DESTROY_HELP,
    async (argv) => (await import('./commands/destroy.js')).destroy(argv),
  );

  program
    .command('log')
    .description('print the audit log of tfguard apply, newest first')
    .option('--dir <dir>', 'root module whose .tfguard/audit.jsonl is read', '.')
    .option('--audit-log <file>', 'another audit log file')
    .option('-n, --limit <n>', 'show the newest N entries')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no ANSI colors')
    .action(async (opts) => {
      const { printLog } = await import('./commands/log.js');
      exitCode = await printLog(opts);
    });

  program
    .command('rules')
    .description('list every rule with its default severity')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts) => {
      const { listRules } = await import('./commands/rules.js');
      exitCode = listRules(opts);
    });

  program
    .command('init')
    .description('write a starter .tfguard.json (every rule at its defaults) and say how to install the git hook')
    .option('--dir <dir>', 'root module to write .tfguard.json in', '.')
    .option('--force', 'overwrite an existing .tfguard.json')
    .action(async (opts) => {
      const { init } = await import('./commands/init.js');
      exitCode = await init(opts);
    });

  program
    .command('explain')
    .description("print a rule's documentation, default severity and default options")
    .argument('<rule>', 'rule id (tfguard rules lists them)')
    .action(async (rule: string) => {
      const { explain } = await import('./commands/explain.js');
      exitCode = explain(rule);
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  // Standard output that cannot be written (a full disk, `> /dev/full`, an I/O error) is an error: the report
  // was not delivered, so nothing passes (exit 2, one line). A reader that stops early (`tfguard check plan.json
  // | head`, EPIPE) is not: the exit code still tells.
  stdoutError = undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') stdoutError ??= error;
  });
  argvSeen = argv;
  try {
    await buildProgram().parseAsync(argv);
    await flushStdout();
    if (stdoutError) return stdoutFailed(stdoutError);
    return exitCode;
  } catch (error) {
    await flushStdout();
    if (stdoutError) return stdoutFailed(stdoutError);
    if (error instanceof CommanderError) {
      // Help and version exit 0; every usage error exits 2 (commander has printed the message).
      return error.exitCode === 0 ? 0 : 2;
    }
    // A message may echo a plan value, a path or an argument: shown as inert text, it stays one line.
    if (error instanceof TfguardError) {
      process.stderr.write(`tfguard: ${escapeControls(error.message)}\n`);
      return 2;
    }
    const message = escapeControls(error instanceof Error ? error.message : String(error));
    process.stderr.write(`tfguard: internal error, nothing was approved: ${message}\n`);
    if (process.env.TFGUARD_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
}
