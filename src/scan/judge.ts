/**
 * What `scan` makes of its findings with the config (the same `.tfguard.json` as `check`) and the inline waivers:
 * - `rules.destroy-provisioner`: `off` drops its findings, `block` or `warn` sets their severity;
 * - waivers: those of the config (the glob is matched against resource addresses: scan knows no instances) and
 *   the `tfguard:allow` comments above the blocks; expired ones waive nothing and are reported;
 * - `--new-only` (the git hooks): a finding that the base already has is a note, not counted: only what the
 *   change adds (or changes) blocks. `prevent-destroy-removed` is always the change's doing.
 */
import type { Config, Waiver } from '../config/schema.js';
import { parseDirective, refuseStray, type InlineWaiver } from '../engine/inline-waivers.js';
import { applyWaivers, type ExpiredWaiver } from '../engine/waivers.js';
import type { TerraformTree } from './terraform.js';
import type { ScanFinding } from './types.js';

/** Every `tfguard:allow` comment under DIR, checked: one that cannot be read is an error naming file and line. */
export function scanInlineWaivers(tree: TerraformTree, ruleIds: readonly [string, ...string[]]): InlineWaiver[] {
  refuseStray(tree.strayDirectives);
  return [...tree.blocks, ...tree.removed].flatMap((b) => (b.block.directives ?? []).map((d) => parseDirective(d, d.file, b.addresses, ruleIds)));
}

export interface Judged {
  findings: ScanFinding[];
  waived: (ScanFinding & { waiver: Waiver })[];
  expiredWaivers: ExpiredWaiver[];
  /** With `--new-only`: findings the base already has. */
  notes: ScanFinding[];
}

/** A finding the change adds: a commit of the range holds it, or it compares with the base (prevent_destroy removed). */
export function isNew(f: ScanFinding): boolean {
  return f.commit !== undefined || f.onlyInCommit === true || f.rule === 'prevent-destroy-removed';
}

export function judgeScan(all: ScanFinding[], opts: { config: Config; inline: InlineWaiver[]; today: string; newOnly: boolean }): Judged {
  const setting = opts.config.rules.get('destroy-provisioner')?.severity;
  const configured = all.flatMap((f): ScanFinding[] => {
    if (f.rule !== 'destroy-provisioner' || setting === undefined) return [f];
    return setting === 'off' ? [] : [{ ...f, severity: setting }];
  });
  const { findings, waived, expiredWaivers } = applyWaivers(configured, [...opts.config.waivers, ...opts.inline], opts.today);
  if (!opts.newOnly) return { findings, waived, expiredWaivers, notes: [] };
  return { findings: findings.filter(isNew), waived, expiredWaivers, notes: findings.filter((f) => !isNew(f)) };
}
