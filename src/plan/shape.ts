/**
 * What a document is when it is not a plan: text around the JSON, a truncated file, a state, Terraform's UI
 * event stream (`terraform plan -json`). Each ends in one InputError line that says what it is and what to
 * run instead. A plan trimmed with jq (`resource_changes` kept, the rest dropped) is still a plan.
 */
import { InputError } from '../errors.js';
import { SUPPORTED_MAJORS } from './schema.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One line of `terraform plan -json` (or `tofu plan -json`, `apply -json`): a UI event, not a plan. */
function isUiEvent(value: unknown): boolean {
  return isRecord(value) && typeof value['@level'] === 'string' && typeof value['@message'] === 'string' && 'type' in value;
}

function firstLineIsUiEvent(text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0) return false;
  const end = text.indexOf('\n', start);
  try {
    return isUiEvent(JSON.parse(text.slice(start, end < 0 ? undefined : end)));
  } catch {
    return false;
  }
}

function uiStreamError(source: string): InputError {
  return new InputError(
    `${source}: is the UI event stream of \`terraform plan -json\` (one JSON message per line), not a plan: ` +
      'run `terraform plan -out=tfplan && terraform show -json tfplan`',
  );
}

/**
 * Terragrunt (0.67 and later) logs what terraform prints, `show -json` included, unless told not to:
 * `14:27:45.423 STDOUT [unit] terraform: {"format_version":...`, one log line per line of output.
 */
const TERRAGRUNT_LOG_LINE = /^(?:\u001b\[[0-9;]*m)*\d{2}:\d{2}:\d{2}\.\d{3}(?:\u001b\[[0-9;]*m)*\s+(?:\u001b\[[0-9;]*m)*STDOUT\b/m;

/** Why a text that is not clean JSON failed, in words that point at the fix. */
export function explainParseError(source: string, text: string, error: Error): InputError {
  if (firstLineIsUiEvent(text)) return uiStreamError(source);
  if (TERRAGRUNT_LOG_LINE.test(text.slice(0, 64 << 10))) {
    return new InputError(
      `${source}: is Terragrunt's log of terraform's output (lines like "14:27:45.423 STDOUT [unit] terraform: {...}"), ` +
        'not plan JSON: run terragrunt with --log-disable (before 0.73: --terragrunt-log-disable), ' +
        'or write one file per unit with --json-out-dir and check the folder',
    );
  }
  const trimmed = text.trim();
  const start = trimmed.indexOf('{"format_version"');
  const wrapped = !trimmed.startsWith('{') && trimmed.includes('"format_version"');
  if (start > 0 || wrapped || /non-whitespace character after JSON/.test(error.message)) {
    return new InputError(
      `${source}: has text around the plan JSON (a wrapper such as setup-terraform's? ` +
        'use its terraform_wrapper: false, or redirect only `terraform show -json` stdout)',
    );
  }
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    return new InputError(`${source}: is not JSON (expected the output of \`terraform show -json PLANFILE\`)`);
  }
  // A cut can also end after a comma, a key or a number: then the parser fails at the very end of the text.
  const at = /at position (\d+)/.exec(error.message);
  if (/end of JSON input|Unterminated/.test(error.message) || (at && Number(at[1]) >= text.trimEnd().length)) {
    return new InputError(`${source}: is truncated: the JSON ends before it is complete`);
  }
  return new InputError(`${source}: is not valid JSON (${error.message})`);
}

/**
 * The checks that come before the schema: is this a plan at all, and of a format we know. A plan has
 * `planned_values` (Terraform always writes it) or, trimmed, a non-empty `resource_changes` list; a
 * document with neither says nothing about what an apply would do. `changeCount`: the length of a
 * `resource_changes` list that was read entry by entry.
 */
export function checkShape(source: string, json: unknown, changeCount?: number): asserts json is Record<string, unknown> {
  if (!isRecord(json)) throw new InputError(`${source}: is not a plan (the top level is not a JSON object)`);
  if (isUiEvent(json)) throw uiStreamError(source);
  // A streamed resource_changes list is not kept: its length is given.
  const hasChanges = changeCount !== undefined ? changeCount > 0 : Array.isArray(json.resource_changes) && json.resource_changes.length > 0;
  const hasPlannedValues = json.planned_values != null;
  const looksLikeState =
    ('values' in json && !hasPlannedValues && !hasChanges) ||
    ('lineage' in json && 'serial' in json) ||
    ('resources' in json && 'version' in json && !('format_version' in json));
  if (looksLikeState) {
    throw new InputError(`${source}: this is a state, not a plan (run \`terraform show -json PLANFILE\` on a saved plan)`);
  }
  const version = json.format_version;
  if (version !== undefined && typeof version !== 'string') {
    throw new InputError(`${source}: format_version must be a string like "1.2", not ${JSON.stringify(version)}`);
  }
  if (typeof version !== 'string') {
    throw new InputError(`${source}: has no format_version: not the output of \`terraform show -json\``);
  }
  const major = Number(version.split('.')[0]);
  if (/^\d+\.\d+$/.test(version) && !SUPPORTED_MAJORS.includes(major)) {
    throw new InputError(`${source}: format_version ${version} is not supported (tfguard reads ${SUPPORTED_MAJORS.join('.x and ')}.x)`);
  }
  if (!hasPlannedValues && !hasChanges) {
    const rc = json.resource_changes;
    const changes = !('resource_changes' in json)
      ? 'no resource_changes'
      : `resource_changes is ${Array.isArray(rc) ? 'empty' : rc === null ? 'null' : typeof rc === 'object' ? 'an object' : `a ${typeof rc}`}`;
    throw new InputError(`${source}: has no planned_values and ${changes}: not a plan (an empty state? a trimmed plan must keep its resource_changes)`);
  }
}
