/** `tfguard apply -h` (also `-help`, `--help`): tfguard's own help, never `terraform plan -h`. */
export const APPLY_HELP = `Usage: tfguard apply [tfguard options] [terraform plan options] [PLANFILE]

In place of \`terraform apply\`: plans to a private temp file (or takes a saved PLANFILE), reviews the plan with
every rule, then refuses, asks a person, or applies exactly the reviewed plan.
Exit: terraform apply's exit code once it ran; 1 refused or declined; 2 error; 128+N when signal N stopped
tfguard before terraform apply started (130 for Ctrl-C): then nothing was applied.

tfguard options (two dashes):
  --dir DIR                   root module whose .tf sources and .tfguard.json are read
                              (default: the -chdir directory, else the current one)
  --config FILE               config file (default: DIR/.tfguard.json)
  --format F[=FILE]           report format: text, json, markdown, sarif, junit, github (default: text);
                              repeatable. Without =FILE, text goes to stdout and any other format to
                              stderr: stdout stays terraform's output
  --output FILE               write the report of the --format without =FILE to FILE
  --terraform-bin PATH        terraform or tofu binary (default: $TFGUARD_TERRAFORM_BIN, terraform, tofu)
  --audit-log FILE            audit log (default: DIR/.tfguard/audit.jsonl, or audit.log in .tfguard.json)
  --allow RULE[=ADDRESS_GLOB] override RULE's findings (those whose addresses all match the glob) for this run
  --reason TEXT               why: required with --allow, recorded in the audit log
  --expect ADDRESS_GLOB       the intended scope (repeatable): other changes are unexpected-change findings
  --staged                    apply each group blast-radius finds one member at a time, every other change
                              last: each stage planned (-target), reviewed, confirmed, applied, then the
                              health checks of .tfguard.json run
  --batch N                   with --staged: N members per stage (it must keep the group's quorum standing)
  --resume                    continue a staged rollout that stopped (.tfguard/rollout.json): its health
                              checks first, then it plans again from the current state
  --dry-run                   plan, review, and list what would run (runbook commands, stages); run nothing
  --no-color                  no ANSI colors from tfguard, and -no-color to every terraform run (so does
                              a non-empty NO_COLOR, or terraform's own -no-color, which is passed once)
  -auto-approve, --auto-approve, -auto-approve=true
                              apply a plan with no findings without asking (any finding refuses it);
                              -auto-approve=false asks
  -h, -help, --help           this help

Terraform options (one dash) go to \`terraform plan\` unchanged and in order: -var, -var-file, -target,
-replace, -destroy, -refresh-only, -refresh=false, -parallelism, -lock, -lock-timeout, ... Of them, -lock,
-lock-timeout, -parallelism, -no-color and -compact-warnings also go to \`terraform apply\`.
  -chdir=DIR    honoured: every terraform run works in DIR, and DIR's sources are reviewed
  -out          refused: tfguard plans to its own private temp file
  PLANFILE      a saved plan to review and apply instead of planning: it takes what \`terraform apply PLANFILE\`
                takes (-input=false, -no-color, -lock, -lock-timeout, -parallelism, -compact-warnings), no
                option that would change the plan

The runbook of .tfguard.json runs around the apply: preflight after the review and before the prompt,
before_destroy once per destroyed instance after confirmation, health between stages. A command that fails,
times out or is interrupted refuses the apply (or stops the rollout).

Every run appends one line to the audit log, and one per command and stage (tfguard log prints it).
`;

/** `tfguard destroy -h`: what destroy is, then apply's help (it takes the same options). */
export const DESTROY_HELP = `Usage: tfguard destroy [tfguard options] [terraform plan options]

tfguard apply -destroy, as \`terraform destroy\` is \`terraform apply -destroy\`: plans the destroy, reviews it
with every rule, then refuses, asks a person, or applies exactly the reviewed plan. It takes every option of
tfguard apply below, and no PLANFILE (to apply a saved destroy plan: tfguard apply PLANFILE). The audit log
records its arguments with -destroy first.

${APPLY_HELP}`;
