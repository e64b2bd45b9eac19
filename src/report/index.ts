/** Output formats, one file each, behind one map. Each renders a whole run: one report per plan. */
import { formatJsonSet } from './json.js';
import type { ReportSet } from './set.js';
import { formatTextSet } from './text.js';

export interface FormatOptions {
  color: boolean;
}

export const FORMATS: Record<string, (set: ReportSet, opts: FormatOptions) => string> = {
  json: (set) => formatJsonSet(set),
  text: (set, opts) => formatTextSet(set, opts),
};

export const FORMAT_NAMES = Object.keys(FORMATS);
