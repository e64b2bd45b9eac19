/** `tfguard rules`: every rule with its default severity and one-line description. */
import { RULES } from '../../rules/index.js';
import { UsageError } from '../errors.js';
import { ruleDocs } from '../report/report.js';

export function listRules(opts: { format?: string }): number {
  const format = opts.format ?? 'text';
  if (format === 'json') {
    const rows = RULES.map((r) => ({
      id: r.meta.id,
      severity: r.meta.severity,
      description: r.meta.description,
      options: r.meta.options.parse({}),
      docs: ruleDocs(r.meta.id),
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (format !== 'text') throw new UsageError(`unknown --format ${format} (one of: text, json)`);
  const width = Math.max(...RULES.map((r) => r.meta.id.length));
  const lines = RULES.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(5)}  ${r.meta.description}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
