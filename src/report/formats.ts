/**
 * The report formats by name, each loaded only when a run asks for it: a command pays for the formatters it
 * writes, not for all six. (index.ts holds them all in one map, for code that wants every format.)
 */
import type { ReportSet } from './set.js';

export interface FormatOptions {
  color: boolean;
}

export type Formatter = (set: ReportSet, opts: FormatOptions) => string;

// Formatters that take no options are wrapped: their second parameter, when they have one, is not FormatOptions.
const LOADERS: Record<string, () => Promise<Formatter>> = {
  github: () => import('./github.js').then((m) => (set) => m.formatGithubSet(set)),
  json: () => import('./json.js').then((m) => (set) => m.formatJsonSet(set)),
  junit: () => import('./junit.js').then((m) => (set) => m.formatJunitSet(set)),
  markdown: () => import('./markdown.js').then((m) => (set) => m.formatMarkdownSet(set)),
  sarif: () => import('./sarif.js').then((m) => (set) => m.formatSarifSet(set)),
  text: () => import('./text.js').then((m) => (set, opts) => m.formatTextSet(set, opts)),
};

export const FORMAT_NAMES = Object.keys(LOADERS);

/** The formatter of a format name (one of FORMAT_NAMES). */
export function loadFormatter(name: string): Promise<Formatter> {
  const load = LOADERS[name];
  if (!load) throw new Error(`unknown format ${name}`);
  return load();
}

/**
 * Formats that point at a file and line for each finding (code scanning, annotations): `check` then reads the
 * `.tf` sources whenever the root module has some, even when no rule needs them.
 */
export function needsLocations(formats: readonly string[]): boolean {
  return formats.some((f) => f === 'sarif' || f === 'github');
}
