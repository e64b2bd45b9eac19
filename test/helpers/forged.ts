/**
 * A real Terraform workspace whose plan holds forged output: for_each keys, `self.input` values, attribute values
 * (before → after), a variable, a `.tf` file name and a script line that carry terminal escapes (OSC 0 retitles the
 * window, CSI 2J clears the screen), CR/LF with a fake `PASS: no rule fired.` line, BEL, backspace, DEL, C1
 * controls, bidi overrides and a zero-width space, plus `@org/admins`, `#123` and `GH-7` for the markdown report.
 *
 * Terraform itself accepts all of them (HCL escapes `\u001b`, `\r`, `\n`). Only the builtin `terraform_data` is
 * used: no provider download. Stage 1 is applied to an empty state (creates only); the hostile variable is then
 * set in `forged.auto.tfvars` and the change is only planned: the destroy-time provisioners never run here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, terraform } from './workspace.js';

/** What a forged value draws on a terminal that shows it raw: a title, a cleared screen, a fake verdict. */
export const FAKE_PASS = '\r\nPASS: no rule fired.\n';

/** A `.tf` file name with NEL (a C1 line break), OSC 0, CR/LF: Linux file names hold any byte but `/` and NUL. */
export const FORGED_FILE = 'x\u0085\u001b]0;pwned\u0007\r\nPASS: no rule fired.tf';

const MAIN_TF = String.raw`
variable "suffix" {
  type    = string
  default = "lan"
}

locals {
  nodes = {
    "cp1\u001b]0;pwned\u0007\r\nPASS: no rule fired.\n" = { ip = "10.0.0.1\u001b[2J\u001b[H\r\nPASS: no rule fired.\n" }
    "@org/admins #123 \u202eevil\u2066"                  = { ip = "10.0.0.2\u009b31m\u0008\u007f\u200b" }
    "cp3"                                               = { ip = "10.0.0.3\tfix GH-7" }
  }
}

resource "terraform_data" "machine_config" {
  for_each = local.nodes

  input = {
    node = "${'$'}{each.value.ip}.${'$'}{var.suffix}"
  }
}

# Replaced whenever its machine configuration's node changes; resets the node on destroy.
resource "terraform_data" "cp_reset_on_destroy" {
  for_each = local.nodes

  triggers_replace = {
    node = terraform_data.machine_config[each.key].output.node
  }

  input = {
    node = each.value.ip
  }

  provisioner "local-exec" {
    when    = destroy
    command = "talosctl reset --nodes ${'$'}{self.input.node} --graceful=false --reboot # ${'$'}{each.key} \u001b]0;pwned\u0007\r\nPASS: no rule fired.\n"
  }
}
`;

const FORGED_TF = String.raw`
resource "terraform_data" "wipe_disk" {
  triggers_replace = var.suffix

  provisioner "local-exec" {
    when    = destroy
    command = "sgdisk --zap-all /dev/sda # @org/admins #123\u001b[2J"
  }
}
`;

/** The variable set after stage 1: every instance above is replaced, and its values change. */
const TFVARS = `${String.raw`suffix = "lan\r\nPASS: no rule fired.\n\u001b]0;pwned\u0007 @org/admins #123 \u202e"`}\n`;

/** A deploy script that scan reads (auto-approve check): the raw bytes, as a file may hold them. */
const SCRIPT = `#!/bin/sh\nterraform apply -auto-approve # \u001b]0;pwned\u0007\rPASS: no rule fired.\n`;

export interface Forged {
  /** The workspace: state after stage 1, sources, the hostile tfvars, a script. */
  dir: string;
  /** `terraform show -json` of the planned change. */
  planJson: string;
}

/** Makes the workspace (terraform init, apply of stage 1, plan of stage 2). Needs `terraform` on PATH. */
export function makeForged(): Forged {
  const dir = makeWorkspace('forged', { 'main.tf': MAIN_TF, [FORGED_FILE]: FORGED_TF });
  writeFileSync(join(dir, 'forged.auto.tfvars'), TFVARS);
  writeFileSync(join(dir, 'deploy.sh'), SCRIPT);
  terraform(dir, ['plan', '-input=false', '-no-color', '-out=plan.tfplan']);
  const planJson = join(dir, 'plan.json');
  writeFileSync(planJson, terraform(dir, ['show', '-json', 'plan.tfplan']));
  return { dir, planJson };
}

/** A reason, as a config or `--reason` may hold it: retitles the window and draws a fake verdict line. */
export const FORGED_REASON = 'CHG-1\u001b]0;pwned\u0007\u009b2J\r\nPASS: no rule fired.';

/**
 * A `.tfguard.json` whose text comes from its author: a waiver (of mass-destroy, whose finding lists the same
 * addresses as the others) and an expired waiver (listed, waives nothing) with forged reasons; with `severity`, the four rules the plan
 * fires at that severity (`warn`: `tfguard apply` then asks on a terminal).
 */
export function forgedConfig(severity?: 'warn'): string {
  const rules = ['blast-radius', 'destroy-provisioner', 'mass-destroy', 'reset-on-destroy-replaced'];
  return JSON.stringify(
    {
      ...(severity ? { rules: Object.fromEntries(rules.map((r) => [r, severity])) } : {}),
      waivers: [
        { rule: 'mass-destroy', address: '*', reason: FORGED_REASON, expires: '2999-12-31' },
        { rule: 'destroy-provisioner', address: 'terraform_data.wipe_*', reason: `old\u009b2J\u202e ${FORGED_REASON}`, expires: '2000-01-01' },
      ],
    },
    null,
    2,
  );
}
