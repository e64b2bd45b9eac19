import { VERSION } from '../version.js';
import { sameItems } from '../same-items.js';
import { escapeControls, jsonText } from './escape.js';
import type { Report, ReportFinding } from './report.js';
import type { ReportSet } from './set.js';

/**
 * `--format json` for one plan: the report object of DESIGN.md. Values are exact (JSON escapes C0 controls; DEL,
 * C1 and invisible format characters are written as `\\uXXXX` too, so that the text is inert on a terminal).
 */
export function formatJson(report: Report): string {
  return largeJsonText(report);
}

/** `--format json`: one plan gives its report object; several give `{ tool, version, decision, plans: [...] }`. */
export function formatJsonSet(set: ReportSet): string {
  if (set.reports.length === 1) return formatJson(set.reports[0]!);
  return largeJsonText({ tool: 'tfguard', version: VERSION, decision: set.decision, plans: set.reports });
}

/** Lists this long are written once per distinct content, the rest of the report around them. */
const LONG = 1024;

/**
 * `jsonText(value)` of a report or a set of reports, the same text, made faster when findings list many
 * instances: several findings usually name the same instances (blast-radius and mass-destroy both list 100,000
 * deletes, with the same details), so each long `addresses` or `details` list is written (and escaped) once and
 * its text used wherever the same list appears. Everything else is written by `jsonText` itself.
 */
function largeJsonText(value: Report | { plans: Report[] }): string {
  const lists: unknown[][] = [];
  const tokens: string[] = [];
  // A token no plan text holds: checked below, else the plain path.
  const nonce = `tfguard-list-${Math.random().toString(36).slice(2)}-`;
  const cut = <F extends ReportFinding>(f: F): F => {
    let copy: F | undefined;
    for (const key of ['addresses', 'details'] as const) {
      const list = f[key];
      if (!Array.isArray(list) || list.length < LONG) continue;
      copy ??= { ...f };
      const token = `${nonce}${lists.length}`;
      lists.push(list);
      tokens.push(token);
      (copy as Record<string, unknown>)[key] = token;
    }
    return copy ?? f;
  };
  const cutReport = (r: Report): Report => ({
    ...r,
    findings: r.findings.map(cut),
    waived: r.waived.map(cut),
    ...(r.overridden ? { overridden: r.overridden.map(cut) } : {}),
  });
  const skeleton = 'plans' in value ? { ...value, plans: value.plans.map(cutReport) } : cutReport(value);
  if (lists.length === 0) return jsonText(value);
  const text = jsonText(skeleton);
  const parts: string[] = [];
  let from = 0;
  const written: { list: unknown[]; depth: number; text: string }[] = [];
  for (let i = 0; i < lists.length; i++) {
    const quoted = `"${tokens[i]}"`;
    const at = text.indexOf(quoted, from);
    if (at < 0 || text.indexOf(quoted, at + quoted.length) >= 0) return jsonText(value);
    // The list is the value of a key on a line of its own: its depth is that line's indent.
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let indent = 0;
    while (text.charCodeAt(lineStart + indent) === 0x20) indent++;
    const depth = indent / 2;
    const list = lists[i]!;
    let same = written.find((w) => w.depth === depth && sameItems(w.list, list));
    if (!same) {
      same = { list, depth, text: listText(list, depth) };
      written.push(same);
    }
    parts.push(text.slice(from, at), same.text);
    from = at + quoted.length;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * A list as `JSON.stringify(…, null, 2)` writes it as the value of a key at `depth` (its lines indented for
 * there), escaped as `jsonText` escapes: written inside a wrapper of that depth, which is then cut away.
 */
function listText(list: unknown[], depth: number): string {
  let wrapper: unknown = { k: list };
  let empty: unknown = { k: 0 };
  for (let d = 1; d < depth; d++) {
    wrapper = [wrapper];
    empty = [empty];
  }
  const shape = JSON.stringify(empty, null, 2);
  const at = shape.indexOf('"k": 0');
  const [head, tail] = [shape.slice(0, at + 5), shape.slice(at + 6)];
  const whole = JSON.stringify(wrapper, null, 2);
  return escapeControls(whole.slice(head.length, whole.length - tail.length), '\n');
}
