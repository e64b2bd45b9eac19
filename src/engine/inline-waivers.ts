/**
 * Inline waivers: a comment right above a resource (or `removed`) block, next to what it waives, as tflint's
 * `tflint-ignore`:
 *
 *   # tfguard:allow destroy-provisioner reason="decommission script, reviewed CHG-12" expires=2027-03-31
 *   resource "terraform_data" "reset" { ... }
 *
 * It waives the findings of that rule whose addresses all belong to the block, with the rules of a waiver in
 * `.tfguard.json`: a reason, an expiry date (valid through that day, UTC), nothing waived once expired. A comment
 * that cannot be read — another word than `allow`, an unknown rule, no reason or expiry, a bad date, not right
 * above a block — is an error naming its file and line: it is never ignored. Pure: the comments come from
 * src/hcl (blocks.ts reads them with the blocks).
 */
import { waiverSchema, type Waiver } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { DirectiveComment, Sources } from '../hcl/types.js';
import { nearest } from '../nearest.js';
import { formatIssues } from '../zod-issues.js';

export interface InlineWaiver extends Waiver {
  /** Where the comment is: `file` as the command names files, 1-based `line`. */
  file: string;
  line: number;
  /** Resource addresses (no instance keys) of the block it stands above, in every module call that reads it. */
  blocks: string[];
}

export const SYNTAX = 'tfguard:allow RULE reason="..." expires=YYYY-MM-DD';
const KEYS = ['reason', 'expires'];
const PAIR = /^\s+([A-Za-z_][\w-]*)=("(?:[^"\\]|\\.)*"|[^\s"]\S*)/;

/** Reads one `tfguard:` comment of a block (`file` as it is to be shown); throws an InputError naming file and line. */
export function parseDirective(d: DirectiveComment, file: string, blocks: string[], ruleIds: readonly [string, ...string[]]): InlineWaiver {
  const fail = (why: string): never => {
    throw new InputError(`${file}:${d.line}: tfguard:${d.text.split(/\s/)[0]}: ${why} (the form: # ${SYNTAX})`);
  };
  const head = /^(\S*)\s*(\S*)/.exec(d.text)!;
  if (head[1] !== 'allow') fail(`unknown tfguard comment${head[1] ? ` "${head[1]}"` : ''}: tfguard:allow is the one there is`);
  const rule = head[2]!;
  if (!rule || rule.includes('=')) fail('name the rule it waives first');
  const values: Record<string, string> = {};
  let rest = d.text.slice(head[0].length);
  while (rest.trim() !== '') {
    const m = PAIR.exec(rest);
    if (!m) fail(`cannot read ${JSON.stringify(rest.trim().slice(0, 40))}: write key=value, with the value in double quotes when it holds spaces`);
    const [all, key, raw] = m!;
    if (!KEYS.includes(key!)) fail(`unknown key "${key}"${nearest(key!, KEYS) ? ` (did you mean "${nearest(key!, KEYS)}"?)` : ''}`);
    if (values[key!] !== undefined) fail(`${key} is given twice`);
    values[key!] = raw!.startsWith('"') ? (JSON.parse(raw!) as string) : raw!;
    rest = rest.slice(all!.length);
  }
  if (values.reason === undefined) fail('give reason="..." (why the finding is waived: a change ticket, a planned rebuild)');
  if (values.expires === undefined) fail('give expires=YYYY-MM-DD (it is valid through that day, UTC)');
  const input = { rule, address: blocks[0] ?? '', reason: values.reason, expires: values.expires };
  const schema = waiverSchema(ruleIds);
  const checked = schema.safeParse(input);
  if (!checked.success) fail(formatIssues(checked.error.issues, 3, { input, schema }));
  return { ...input, reason: values.reason!.trim(), expires: values.expires!, file, line: d.line, blocks };
}

/** An error for the first comment that stands above no block. */
export function refuseStray(stray: readonly DirectiveComment[], shown: (file: string) => string = (f) => f): void {
  const d = stray[0];
  if (d)
    throw new InputError(
      `${shown(d.file)}:${d.line}: a tfguard:${d.text.split(/\s/)[0]} comment must stand right above a resource or removed block (comment lines only in between)`,
    );
}

/** The inline waivers of a root module's sources (check, apply); every comment is checked. */
export function inlineWaivers(sources: Sources, ruleIds: readonly [string, ...string[]]): InlineWaiver[] {
  refuseStray(sources.strayDirectives ?? []);
  const blocks = [...sources.blocks.values(), ...sources.removed];
  return blocks.flatMap((b) => (b.directives ?? []).map((d) => parseDirective(d, d.file, [b.groupAddress], ruleIds)));
}
