/** Output formats, one file each, behind one map. */
import { formatJson } from './json.js';
import type { Report } from './report.js';
import { formatText } from './text.js';

export interface FormatOptions {
  color: boolean;
}

export const FORMATS: Record<string, (report: Report, opts: FormatOptions) => string> = {
  json: (report) => formatJson(report),
  text: (report, opts) => formatText(report, opts),
};

export const FORMAT_NAMES = Object.keys(FORMATS);
