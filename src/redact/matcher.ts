/**
 * Finding every form of every secret of a set in a text, with one regular expression of literals compiled once
 * per set. A secret with special characters has up to some thirty forms (./encodings.ts); ten thousand such
 * secrets as literals would make an expression V8 takes minutes and gigabytes to compile. So such a secret is
 * searched for by an anchor instead: ANCHOR characters of its own that every form holds as they are (letters,
 * digits, `_.~-` pass through every encoding). Where an anchor is found, the secret's forms are compared with the
 * text around it. A plain secret (its own only form), or one without an anchor, is in the expression itself.
 */
import { isPlain, secretForms } from './encodings.js';

const ANCHOR = 4;
const KEPT = /[A-Za-z0-9_.~-]/;

/** A form of a secret and where its anchor stands in it. */
interface Anchored {
  form: string;
  offset: number;
}

export interface SecretsMatcher {
  /** Every anchor and every secret searched for as a whole, longest first. */
  re: RegExp;
  /** Forms the expression finds themselves. */
  whole: Set<string>;
  /** The secrets of each anchor. */
  anchored: Map<string, string[]>;
  /** The forms to compare around an anchor, made the first time it is found. */
  forms: Map<string, Anchored[]>;
}

/** Every run of ANCHOR characters of a secret that all its forms keep as they are. */
function anchorsOf(secret: string): string[] {
  const out: string[] = [];
  let run = 0;
  for (let i = 0; i < secret.length; i++) {
    run = KEPT.test(secret[i]!) ? run + 1 : 0;
    if (run >= ANCHOR) out.push(secret.slice(i - ANCHOR + 1, i + 1));
  }
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function buildMatcher(secrets: ReadonlySet<string>): SecretsMatcher | null {
  const whole = new Set<string>();
  const candidates = new Map<string, string[]>();
  const uses = new Map<string, number>();
  for (const secret of secrets) {
    if (secret === '') continue;
    const anchors = isPlain(secret) ? [] : anchorsOf(secret);
    if (anchors.length === 0) {
      for (const form of secretForms(secret)) whole.add(form);
      continue;
    }
    candidates.set(secret, anchors);
    for (const a of new Set(anchors)) uses.set(a, (uses.get(a) ?? 0) + 1);
  }
  // Each secret takes its anchor least shared with others: fewer forms to compare where it is found.
  const anchored = new Map<string, string[]>();
  for (const [secret, anchors] of candidates) {
    const anchor = anchors.reduce((best, a) => (uses.get(a)! < uses.get(best)! ? a : best));
    const sharing = anchored.get(anchor);
    if (sharing) sharing.push(secret);
    else anchored.set(anchor, [secret]);
  }
  const literals = [...whole, ...anchored.keys()].sort((a, b) => b.length - a.length);
  if (literals.length === 0) return null;
  return { re: new RegExp(literals.map(escapeRegExp).join('|'), 'g'), whole, anchored, forms: new Map() };
}

/** Every form of the secrets of an anchor, with each place the anchor stands in it. */
function formsAround(m: SecretsMatcher, anchor: string): Anchored[] {
  let list = m.forms.get(anchor);
  if (!list) {
    list = [];
    for (const secret of m.anchored.get(anchor) ?? []) {
      for (const form of secretForms(secret)) {
        for (let at = form.indexOf(anchor); at >= 0; at = form.indexOf(anchor, at + 1)) list.push({ form, offset: at });
      }
    }
    m.forms.set(anchor, list);
  }
  return list;
}

/**
 * Where the secrets stand in a text: [start, end) spans, sorted, overlapping ones merged (a secret inside or
 * across another is covered whole). The expression is resumed one character after each match, so that a match
 * never hides another that overlaps it.
 */
export function findSecrets(text: string, m: SecretsMatcher): [number, number][] {
  const spans: [number, number][] = [];
  m.re.lastIndex = 0;
  for (let hit = m.re.exec(text); hit !== null; hit = m.re.exec(text)) {
    const at = hit.index;
    if (m.whole.has(hit[0])) spans.push([at, at + hit[0].length]);
    const anchor = text.slice(at, at + ANCHOR);
    for (const { form, offset } of m.anchored.has(anchor) ? formsAround(m, anchor) : []) {
      const start = at - offset;
      if (start >= 0 && text.startsWith(form, start)) spans.push([start, start + form.length]);
    }
    m.re.lastIndex = at + 1;
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}
