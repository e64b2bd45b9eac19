/**
 * `.tfguard.json`: a strict schema (a typo is an error), built from the rule registry so that every rule's
 * options are checked where they are written.
 */
import { z } from 'zod';
import { GlobPattern } from '../engine/glob-schema.js';
import type { DeclaredGroup } from '../engine/instances.js';
import type { Rule } from '../engine/types.js';
import { BeforeDestroySchema, HealthSchema, PreflightSchema, type Runbook } from '../runbook/schema.js';

export const SeveritySetting = z.enum(['block', 'warn', 'off']);

export function waiverSchema(ruleIds: readonly [string, ...string[]]) {
  return z.strictObject({
    rule: z.enum(ruleIds),
    address: GlobPattern,
    reason: z.string().trim().min(1, 'say why the finding is waived (a change ticket, a planned rebuild)'),
    expires: z.iso.date('expected a date like 2026-12-31'),
  });
}

/** A declared group: a name, member globs (matched like `protect`) and how many members must stay standing. */
export const GroupSchema = z.strictObject({
  name: z.string().trim().min(1, 'name the group (it is shown in findings)'),
  members: z.array(GlobPattern).min(1, "list the address globs of the group's members"),
  quorum: z.number().int().min(1).optional(),
});

export function configSchema(rules: readonly Rule[]) {
  const ruleEntries: Record<string, z.ZodType> = {};
  for (const rule of rules) {
    const withSeverity = z.strictObject({ ...rule.meta.options.shape, severity: SeveritySetting.optional() });
    ruleEntries[rule.meta.id] = z.union([SeveritySetting, withSeverity]).optional();
  }
  const ids = rules.map((r) => r.meta.id) as [string, ...string[]];
  return z.strictObject({
    $schema: z.string().optional(),
    rules: z.strictObject(ruleEntries).optional(),
    protect: z.array(GlobPattern).optional(),
    waivers: z.array(waiverSchema(ids)).optional(),
    groups: z
      .array(GroupSchema)
      .superRefine((groups, ctx) => {
        const seen = new Set<string>();
        for (const [i, g] of groups.entries()) {
          if (seen.has(g.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a second group named ${JSON.stringify(g.name)}` });
          seen.add(g.name);
        }
      })
      .optional(),
    audit: z.strictObject({ log: z.string().min(1) }).optional(),
    limits: z
      .strictObject({
        tf_file_mb: z.number().positive().max(1024).describe('Largest .tf/.tofu file the HCL parser reads, in MiB (default 4)').optional(),
      })
      .optional(),
    preflight: z.array(PreflightSchema).optional(),
    before_destroy: z.array(BeforeDestroySchema).optional(),
    health: z.array(HealthSchema).optional(),
  });
}

export interface Waiver {
  rule: string;
  address: string;
  reason: string;
  expires: string;
}

/** The config after loading: a severity setting and parsed options for every rule. */
export interface Config {
  source?: string;
  rules: Map<string, { severity?: z.infer<typeof SeveritySetting>; options: Record<string, unknown> }>;
  protect: string[];
  waivers: Waiver[];
  /** `groups`: declared node sets with a quorum; blast-radius judges them (it gets them with its options). */
  groups: DeclaredGroup[];
  /** `audit.log`: where `tfguard apply` appends its audit log, relative to the root module. */
  auditLog?: string;
  /** `preflight`, `before_destroy`, `health`: the commands tfguard apply runs around an apply (src/runbook). */
  runbook: Runbook;
  /** `limits.tf_file_mb`: the largest `.tf` file given to the HCL parser (src/hcl/limits.ts). */
  tfFileMb?: number;
}
