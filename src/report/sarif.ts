/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run; the driver lists every
 * registered rule with its README section; one result per finding, at the `.tf` file and line that declares its
 * first resource (relative to the current directory, `/` separators) when the sources were read, and at its
 * resource addresses as logical locations always. Waived findings are results with a suppression: external (.tfguard.json), or inSource (a tfguard:allow comment).
 * Deterministic: no timestamps, no absolute paths of the machine unless a module lives outside the tree.
 */
import { createHash } from 'node:crypto';
import { RULES } from '../../rules/index.js';
import type { Severity } from '../engine/types.js';
import { VERSION } from '../version.js';
import { jsonText } from './escape.js';
import { docsBaseUrl } from '../package-info.js';
import { artifactPath, inlinePlace, ruleDocsUrl, type Report, type ReportFinding } from './report.js';
import type { ReportSet } from './set.js';

export const SARIF_SCHEMA_URI = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';

/** Logical locations listed per result (every address is in `properties.addresses` anyway). */
const MAX_LOGICAL_LOCATIONS = 100;

type Level = 'error' | 'warning';

export function sarifLevel(severity: Severity): Level {
  return severity === 'block' ? 'error' : 'warning';
}

const SEVERITY_WORDS: Record<Severity, string> = {
  block: 'block: tfguard refuses to apply the plan (exit 1)',
  warn: 'warn: the check passes, but -auto-approve is refused and a person must review the plan',
};

interface RuleDescriptor {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[] };
}

function descriptor(id: string, description: string, severity: Severity | undefined): RuleDescriptor {
  const url = ruleDocsUrl(id);
  const level = sarifLevel(severity ?? 'block');
  const full = severity
    ? `${description}. Default severity ${SEVERITY_WORDS[severity]}. Every rule can be set to block, warn or off in .tfguard.json.`
    : description;
  const help =
    `${description}.\n\n` +
    'Change the plan, or waive the finding in .tfguard.json with a reason and an expiry date ' +
    '({ "waivers": [ { "rule", "address", "reason", "expires" } ] }).\n\n' +
    `Documentation: ${url ?? `tfguard explain ${id}`}`;
  const helpMarkdown =
    `${description}.\n\n` +
    'Change the plan, or waive the finding in `.tfguard.json` with a reason and an expiry date.\n\n' +
    (url ? `[Documentation](${url})` : `Documentation: \`tfguard explain ${id}\``);
  return {
    id,
    shortDescription: { text: description },
    fullDescription: { text: full },
    help: { text: help, markdown: helpMarkdown },
    ...(url ? { helpUri: url } : {}),
    defaultConfiguration: { level },
    properties: { tags: ['terraform', 'safety'] },
  };
}

/** Every registered rule, then any other rule id a finding names (sorted), so every ruleId resolves. */
function ruleDescriptors(set: ReportSet): RuleDescriptor[] {
  const rules = RULES.map((r) => descriptor(r.meta.id, r.meta.description.replace(/\.$/, ''), r.meta.severity));
  const known = new Set(rules.map((r) => r.id));
  const extra = new Set<string>();
  for (const report of set.reports) {
    for (const f of [...report.findings, ...report.waived, ...(report.overridden ?? [])]) {
      if (!known.has(f.rule)) extra.add(f.rule);
    }
  }
  for (const id of [...extra].sort()) rules.push(descriptor(id, `tfguard rule ${id}`, undefined));
  return rules;
}

/** A relative path as a URI reference: each segment percent-encoded (`"`, `[`, spaces, `%`). */
export function pathToUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** A stable identity for dedup across runs: the rule, the root module and the addresses, not the wording. */
function fingerprint(report: Report, f: ReportFinding): string {
  const key = [f.rule, report.plan.dir ?? '.', ...[...f.addresses].sort()].join('\n');
  return createHash('sha256').update(key).digest('hex');
}

function isResourceAddress(address: string): boolean {
  return address !== '(plan)';
}

type Suppression = { kind: 'external' | 'inSource'; state: 'accepted'; justification: string };

function result(report: Report, f: ReportFinding, ruleIndex: Map<string, number>, several: boolean, suppression?: Suppression) {
  const logical = f.addresses
    .filter(isResourceAddress)
    .slice(0, MAX_LOGICAL_LOCATIONS)
    .map((a) => ({ fullyQualifiedName: a, kind: 'resource' }));
  const physical = f.location
    ? {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(artifactPath(report, f.location.file)) },
          ...(f.location.line >= 1 ? { region: { startLine: f.location.line } } : {}),
        },
      }
    : {};
  const location = { ...physical, ...(logical.length > 0 ? { logicalLocations: logical } : {}) };
  const hasLocation = Object.keys(location).length > 0;
  const index = ruleIndex.get(f.rule);
  return {
    ruleId: f.rule,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel(f.severity),
    message: { text: several ? `[${report.plan.source}] ${f.message}` : f.message },
    ...(hasLocation ? { locations: [location] } : {}),
    partialFingerprints: { 'tfguard/v1': fingerprint(report, f) },
    ...(suppression ? { suppressions: [suppression] } : {}),
    properties: {
      plan: report.plan.source,
      planDir: report.plan.dir ?? '.',
      severity: f.severity,
      addresses: f.addresses,
      details: f.details,
      ...(f.location ? { location: f.location } : {}),
      ...(f.commands ? { commands: f.commands } : {}),
      ...(f.suggestions ? { suggestions: f.suggestions } : {}),
      docs: f.docs,
    },
  };
}

export function buildSarif(set: ReportSet) {
  const rules = ruleDescriptors(set);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const several = set.reports.length > 1;
  const results = set.reports.flatMap((report) => [
    ...report.findings.map((f) => result(report, f, ruleIndex, several)),
    ...report.waived.map((w) => {
      const place = inlinePlace(w.waiver);
      return result(report, w, ruleIndex, several, {
        kind: place ? 'inSource' : 'external',
        state: 'accepted',
        justification: `waived ${place ? `by tfguard:allow at ${place}` : `in .tfguard.json by "${w.waiver.address}"`} until ${w.waiver.expires}: ${w.waiver.reason}`,
      });
    }),
    ...(report.overridden ?? []).map((o) =>
      result(report, o, ruleIndex, several, {
        kind: 'external',
        state: 'accepted',
        justification: `overridden for one run by --allow ${o.override.rule}${o.override.address ? `=${o.override.address}` : ''}: ${o.override.reason}`,
      }),
    ),
  ]);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'tfguard',
            version: VERSION,
            semanticVersion: VERSION,
            ...(docsBaseUrl() ? { informationUri: docsBaseUrl() } : {}),
            rules,
          },
        },
        results,
        properties: {
          decision: set.decision,
          plans: set.reports.map((r) => ({
            source: r.plan.source,
            dir: r.plan.dir ?? '.',
            format_version: r.plan.format_version,
            terraform_version: r.plan.terraform_version,
            decision: r.decision,
            summary: r.summary,
            expired_waivers: r.expired_waivers,
          })),
        },
      },
    ],
  };
}

/** `--format sarif`: one SARIF 2.1.0 log with one run, whatever the number of plans. */
export function formatSarifSet(set: ReportSet): string {
  return jsonText(buildSarif(set));
}
