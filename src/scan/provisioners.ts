/**
 * Destroy-time provisioners (`when = destroy`) in resource blocks and in `removed` blocks that destroy
 * (`lifecycle { destroy = true }`, the default). One finding per provisioner, at its line; a module called by
 * several roots or under several names is reported once, with every address it has (terraform.ts).
 */
import { destructiveMatches } from '../engine/destructive-commands.js';
import { renderCommand } from '../engine/render-command.js';
import { whatRuns } from '../engine/what-runs.js';
import type { SourceProvisioner } from '../hcl/types.js';
import type { TerraformTree } from './terraform.js';
import type { ScanFinding } from './types.js';

interface Pending {
  provisioner: SourceProvisioner;
  file: string;
  line: number;
  /** `type.name` as written, or the removed block's `from`. */
  local: string;
  addresses: string[];
  removed: boolean;
}

export function destroyProvisionerFindings(tree: TerraformTree): ScanFinding[] {
  const found: Pending[] = [];
  for (const { block, rel, addresses } of tree.blocks) {
    if (block.mode !== 'managed') continue;
    for (const p of block.provisioners) {
      if (p.when !== 'destroy') continue;
      found.push({ provisioner: p, file: rel, line: p.line ?? block.line, local: `${block.type}.${block.name}`, addresses, removed: false });
    }
  }
  for (const { block, rel, addresses } of tree.removed) {
    if (!block.destroy) continue; // destroy = false forgets: no provisioner runs
    for (const p of block.provisioners) {
      if (p.when !== 'destroy') continue;
      found.push({ provisioner: p, file: rel, line: p.line ?? block.line, local: block.from, addresses, removed: true });
    }
  }
  return found.map(toFinding);
}

/** What runs, as written: templates stay as they are (`$${` is shown as the shell sees it, `${`). */
function asWritten(template: string): string {
  return renderCommand(template, { self: undefined, selfSensitive: undefined }).text;
}

function toFinding(p: Pending): ScanFinding {
  const addresses = p.addresses;
  const name = addresses.length === 1 ? addresses[0]! : p.local;
  const runs = whatRuns(p.provisioner, asWritten);
  const destructive = destructiveMatches(runs.text);
  const who = p.removed
    ? `The removed block for ${name} (destroy = true) has a destroy-time ${p.provisioner.type} provisioner: the next apply destroys it and runs`
    : `${name} has a destroy-time ${p.provisioner.type} provisioner that runs`;
  const review = 'It runs whenever the resource is destroyed or replaced: a person must review every plan that does that';
  const tail =
    destructive.length > 0
      ? ` — DESTRUCTIVE (${destructive.map((d) => `${d.name}: ${d.what}`).join('; ')})`
      : runs.unknown !== undefined
        ? ` — tfguard cannot tell what it runs (${runs.unknown}); \`tfguard check\` on a plan shows it. ${review}`
        : `. ${review}`;
  return {
    rule: 'destroy-provisioner',
    severity: destructive.length > 0 ? 'block' : 'warn',
    message: `${who} \`${runs.text}\`${tail}`,
    file: p.file,
    line: p.line,
    addresses,
  };
}
