/**
 * Output formats, one file each, behind one map. Each renders a whole run: one report per plan. Commands load
 * only the formats they write, through formats.ts; this map holds every one, for code that wants them all.
 */
import { formatGithubSet } from './github.js';
import { formatJsonSet } from './json.js';
import { formatJunitSet } from './junit.js';
import { formatMarkdownSet } from './markdown.js';
import { formatSarifSet } from './sarif.js';
import type { Formatter } from './formats.js';
import { formatTextSet } from './text.js';

export { FORMAT_NAMES, needsLocations, type FormatOptions } from './formats.js';

export const FORMATS: Record<string, Formatter> = {
  github: (set) => formatGithubSet(set),
  json: (set) => formatJsonSet(set),
  junit: (set) => formatJunitSet(set),
  markdown: (set) => formatMarkdownSet(set),
  sarif: (set) => formatSarifSet(set),
  text: (set, opts) => formatTextSet(set, opts),
};
