/**
 * The report formats by name, each loaded only when a run asks for it: a command pays for the formatters it
 * writes, not for all six. (index.ts holds them all in one map, for code that wants every format.)
 */
import type { ReportSet } from './set.js';

export interface FormatOptions {
  color: boolean;
}

export type Formatter = (set: ReportSet, opts: FormatOptions) => string;

const LOADERS: Record<string, () => Promise<Formatter>> = {
  github: async () => {
    const { formatGithubSet } = await import('./github.js');
    return (set) => formatGithubSet(set);
  },
  json: async () => {
    const { formatJsonSet } = await import('./json.js');
    return (set) => formatJsonSet(set);
  },
  junit: async () => {
    const { formatJunitSet } = await import('./junit.js');
    return (set) => formatJunitSet(set);
  },
  markdown: async () => {
    const { formatMarkdownSet } = await import('./markdown.js');
    return (set) => formatMarkdownSet(set);
  },
  sarif: async () => {
    const { formatSarifSet } = await import('./sarif.js');
    return (set) => formatSarifSet(set);
  },
  text: async () => {
    const { formatTextSet } = await import('./text.js');
    return (set, opts) => formatTextSet(set, opts);
  },
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
