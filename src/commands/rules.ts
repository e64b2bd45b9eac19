/** `tfguard rules`: every rule with its default severity and one-line description. */
import { RULES } from '../../rules/index.js';
import { PER_FINDING_SEVERITY } from '../config/json-schema.js';
import { UsageError } from '../errors.js';
import { ruleDocs, ruleDocsUrl } from '../report/report.js';

/** `block`, `warn`, or `block|warn` for a rule that picks one finding by finding. */
function severityWord(id: string, severity: string): string {
  return PER_FINDING_SEVERITY.has(id) ? 'block|warn' : severity;
}

export function listRules(opts: { format?: string }): number {
  const format = opts.format ?? 'text';
  if (format === 'json') {
    const rows = RULES.map((r) => ({
      id: r.meta.id,
      severity: r.meta.severity,
      ...(PER_FINDING_SEVERITY.has(r.meta.id) ? { per_finding: true } : {}),
      description: r.meta.description,
      options: r.meta.options.parse({}),
      docs: ruleDocs(r.meta.id),
      ...(ruleDocsUrl(r.meta.id) ? { docs_url: ruleDocsUrl(r.meta.id) } : {}),
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (format !== 'text') throw new UsageError(`unknown --format ${format} (one of: text, json)`);
  const width = Math.max(...RULES.map((r) => r.meta.id.length));
  const words = RULES.map((r) => severityWord(r.meta.id, r.meta.severity));
  const sevWidth = Math.max(...words.map((w) => w.length));
  const lines = RULES.map((r, i) => `${r.meta.id.padEnd(width)}  ${words[i]!.padEnd(sevWidth)}  ${r.meta.description}`);
  if (words.some((w) => w.includes('|'))) {
    lines.push(
      '',
      'block|warn: the rule blocks or warns finding by finding (tfguard explain RULE says which); a severity set in .tfguard.json applies to all its findings.',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
