/** Output formats, one file each, behind one map. Each renders a whole run: one report per plan. */
import { formatGithubSet } from './github.js';
import { formatJsonSet } from './json.js';
import { formatJunitSet } from './junit.js';
import { formatMarkdownSet } from './markdown.js';
import { formatSarifSet } from './sarif.js';
import type { ReportSet } from './set.js';
import { formatTextSet } from './text.js';

export interface FormatOptions {
  color: boolean;
}

export const FORMATS: Record<string, (set: ReportSet, opts: FormatOptions) => string> = {
  github: (set) => formatGithubSet(set),
  json: (set) => formatJsonSet(set),
  junit: (set) => formatJunitSet(set),
  markdown: (set) => formatMarkdownSet(set),
  sarif: (set) => formatSarifSet(set),
  text: (set, opts) => formatTextSet(set, opts),
};

export const FORMAT_NAMES = Object.keys(FORMATS);

/**
 * Formats that point at a file and line for each finding (code scanning, annotations): `check` then reads the
 * `.tf` sources whenever the root module has some, even when no rule needs them.
 */
export function needsLocations(formats: readonly string[]): boolean {
  return formats.some((f) => f === 'sarif' || f === 'github');
}
