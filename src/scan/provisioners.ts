/**
 * Destroy-time provisioners (`when = destroy`) in resource blocks and in `removed` blocks that destroy
 * (`lifecycle { destroy = true }`, the default). One finding per provisioner, at its line; a module called by
 * several roots or under several names is reported once, with every address it has (terraform.ts).
 */
import { destructiveMatches } from '../engine/destructive-commands.js';
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

function toFinding(p: Pending): ScanFinding {
  const addresses = p.addresses;
  const name = addresses.length === 1 ? addresses[0]! : p.local;
  const { shown, text } = whatRuns(p.provisioner);
  const destructive = destructiveMatches(text);
  const who = p.removed
    ? `The removed block for ${name} (destroy = true) has a destroy-time ${p.provisioner.type} provisioner: the next apply destroys it and runs`
    : `${name} has a destroy-time ${p.provisioner.type} provisioner that runs`;
  const tail =
    destructive.length > 0
      ? ` — DESTRUCTIVE (${destructive.map((d) => `${d.name}: ${d.what}`).join('; ')})`
      : '. It runs whenever the resource is destroyed or replaced: a person must review every plan that does that';
  return { rule: 'destroy-provisioner', severity: destructive.length > 0 ? 'block' : 'warn', message: `${who} ${shown}${tail}`, file: p.file, line: p.line, addresses };
}

/** The raw command as written (unrendered), and all the text that says what runs. */
function whatRuns(p: SourceProvisioner): { shown: string; text: string } {
  const parts = [p.command, ...(p.inline ?? []), p.script].filter((x): x is string => x !== undefined);
  if (p.command !== undefined) return { shown: `\`${p.command}\``, text: parts.join('\n') };
  if (p.inline !== undefined && p.inline.length > 0) return { shown: `\`${p.inline.join('; ')}\``, text: parts.join('\n') };
  if (p.script !== undefined) return { shown: `\`${p.script}\``, text: parts.join('\n') };
  return { shown: '(no command found)', text: '' };
}
