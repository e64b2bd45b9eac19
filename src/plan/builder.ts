/**
 * Builds the plan model from a plan document given part by part: the byte scanner (scanner.ts) hands over each
 * `resource_changes` entry and each prior-state resource as it reads it, and planFromJson walks an object
 * already parsed through the same handlers. Each entry is checked (fast-check.ts, zod for the words when it
 * fails), its secrets collected and its unused values dropped at once; what is left of the document (small)
 * is checked by the plan schema at the end. Sections no rule reads (`planned_values`, `resource_drift`, ...)
 * are skipped: only whether they are there, and what kind of value they are, is kept.
 */
import { InputError } from '../errors.js';
import { issuePath } from '../zod-issues.js';
import { isValidChange, isValidPlanTop, isValidStateResource } from './fast-check.js';
import {
  collectChangeSecrets,
  collectConfig,
  collectPlanSecrets,
  normalizeAction,
  normalizeChange,
  priorInstance,
  type Plan,
  type PriorInstance,
  type ResourceChange,
} from './model.js';
import { CAPTURE, SKIP, type Action, type Cut, type Handler } from './scanner.js';
import { marksAny } from './values.js';
import { PlanJson, ResourceChange as ResourceChangeSchema, StateResource, type ResourceChangeJson, type StateResourceJson } from './schema.js';
import { checkShape } from './shape.js';

type Obj = Record<string, unknown>;
type Key = string | number;
type Path = readonly Key[];

/** Top-level keys whose values the model reads (or the state check looks at); every other key is skipped. */
const READ = new Set([
  'format_version',
  'terraform_version',
  'variables',
  'output_changes',
  'configuration',
  'deferred_changes',
  'deferred_action_invocations',
  'action_invocations',
  'errored',
  'complete',
  'applyable',
  'timestamp',
  'lineage',
  'serial',
  'version',
]);
const KEY_ORDER = Object.keys(PlanJson.shape);
/** What is cut out of each change and each prior resource, to be parsed only when needed. */
const CHANGE_CUT: Cut = { cut: new Map([['change', new Set(['before', 'after', 'after_unknown'])]]) };
const VALUES_CUT: Cut = { cut: new Map([['values', true]]) };
const KEPT_ISSUES = 8;

/** What a skipped value stands for: its kind, for the presence and type checks. */
function placeholder(first: number): unknown {
  switch (first) {
    case 0x7b:
      return {};
    case 0x5b:
      return [];
    case 0x22:
      return '';
    case 0x74:
      return true;
    case 0x66:
      return false;
    case 0x6e:
      return null;
    default:
      return 0;
  }
}

/** Collects a container's values into an object (or array) skeleton. */
class Collect implements Handler {
  constructor(readonly into: Obj | unknown[]) {}
  enter(): Action {
    return CAPTURE;
  }
  capture(key: Key, value: unknown): void {
    (this.into as Obj)[key] = value;
  }
  skipped(key: Key, first: number): void {
    (this.into as Obj)[key] = placeholder(first);
  }
}

interface PriorModule {
  instances: PriorInstance[];
  children: PriorModule[];
}

const newModule = (): PriorModule => ({ instances: [], children: [] });

/** A module's instances, then its child modules' from the last to the first (the order of a stack walk). */
function flattenPrior(root: PriorModule | undefined): PriorInstance[] {
  const out: PriorInstance[] = [];
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const i of current.instances) out.push(i);
    for (const c of current.children) stack.push(c);
  }
  return out;
}

interface Issue {
  path: Key[];
  message: string;
}

export class PlanBuilder {
  readonly root: Handler;
  private readonly top: Obj = {};
  private changes: ResourceChange[] = [];
  private changeCount = 0;
  /** The prior state's modules, as read; flattened in the order rules have always seen them (`prior`). */
  private priorRoot: PriorModule | undefined;
  private readonly secrets = new Set<string>();
  private readonly issues: Issue[] = [];
  private issueCount = 0;

  constructor(readonly source: string) {
    this.root = this.rootHandler();
  }

  private issue(prefix: Path, issues: readonly { path: readonly PropertyKey[]; message: string }[]): void {
    this.issueCount += issues.length;
    for (const i of issues) if (this.issues.length < KEPT_ISSUES) this.issues.push({ path: [...prefix, ...(i.path as Key[])], message: i.message });
  }

  private rootHandler(): Handler {
    const top = this.top;
    return {
      enter: (key, first) => {
        if (key === 'resource_changes') {
          this.changes = [];
          this.changeCount = 0;
          if (first !== 0x5b) return CAPTURE;
          top.resource_changes = [];
          return { each: CHANGE_CUT, enter: () => CHANGE_CUT, capture: (i, value, _at, cuts) => this.change(i as number, value, cuts) };
        }
        if (key === 'prior_state') {
          this.priorRoot = undefined;
          if (first !== 0x7b) return CAPTURE;
          const state: Obj = {};
          top.prior_state = state;
          return this.priorState(state);
        }
        return READ.has(key as string) ? CAPTURE : SKIP;
      },
      capture: (key, value) => {
        top[key] = value;
      },
      skipped: (key, first) => {
        top[key] = placeholder(first);
      },
    };
  }

  private parseRaw(bytes: Buffer): unknown {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      if (error instanceof RangeError) throw new InputError(`${this.source}: nests too deeply to read`);
      throw error;
    }
  }

  /**
   * A `resource_changes` entry. Read from bytes, its values (`before`, `after`, `after_unknown`) come cut out
   * (`cuts`) and are parsed only when the change does something, or when a mask says they hold secrets.
   */
  private change(index: number, value: unknown, cuts?: Map<string, Buffer>): void {
    this.changeCount++;
    const change = (value as { change?: unknown } | null)?.change;
    if (cuts && cuts.size > 0 && typeof change === 'object' && change !== null) {
      const c = change as Obj;
      const actions = Array.isArray(c.actions) ? c.actions.join(',') : '';
      const valueless = actions === 'no-op' || actions === 'read';
      const want = (_key: string, mask: unknown): boolean => !valueless || marksAny(mask);
      for (const [name, bytes] of cuts) {
        const key = name.slice('change.'.length);
        const needed = key === 'after_unknown' ? !valueless : want(key, key === 'before' ? c.before_sensitive : c.after_sensitive);
        // A value not needed stays a non-null placeholder: the model only asks whether it was there.
        c[key] = needed ? this.parseRaw(bytes) : {};
      }
    }
    if (!isValidChange(value)) {
      const result = ResourceChangeSchema.safeParse(value);
      if (!result.success) return this.issue(['resource_changes', index], result.error.issues);
    }
    const rc = value as ResourceChangeJson;
    collectChangeSecrets(rc, this.secrets);
    this.changes.push(normalizeChange(rc));
  }

  /** `prior_state`: into `values.root_module`, whose resources are taken one by one. */
  private priorState(state: Obj): Handler {
    const collect = new Collect(state);
    return {
      enter: (key, first) => {
        if (key !== 'values' || first !== 0x7b) return CAPTURE;
        const values: Obj = {};
        state.values = values;
        const inValues = new Collect(values);
        return {
          enter: (k, f) =>
            k === 'root_module' && f === 0x7b
              ? this.module((values.root_module = {}) as Obj, ['prior_state', 'values', 'root_module'], (this.priorRoot = newModule()))
              : SKIP,
          capture: (k, v) => inValues.capture(k, v),
          skipped: (k, f) => inValues.skipped(k, f),
        };
      },
      capture: (key, value) => collect.capture(key, value),
      skipped: (key, first) => collect.skipped(key, first),
    };
  }

  /** A module of the prior state: its resources one by one, its child modules likewise; the rest kept. */
  private module(skeleton: Obj, path: Path, node: PriorModule): Handler {
    const collect = new Collect(skeleton);
    return {
      enter: (key, first) => {
        if (key === 'resources' && first === 0x5b) {
          skeleton.resources = [];
          return {
            each: VALUES_CUT,
            enter: () => VALUES_CUT,
            capture: (i, value, _at, cuts) => this.priorResource([...path, 'resources', i], value, node, cuts),
          };
        }
        if (key === 'child_modules' && first === 0x5b) {
          const children: unknown[] = [];
          skeleton.child_modules = children;
          const kept = new Collect(children);
          return {
            enter: (i, f) => {
              if (f !== 0x7b) return CAPTURE;
              const child = newModule();
              node.children.push(child);
              return this.module((children[i as number] = {}) as Obj, [...path, 'child_modules', i], child);
            },
            capture: (i, v) => kept.capture(i, v),
          };
        }
        return CAPTURE;
      },
      capture: (key, value) => collect.capture(key, value),
      skipped: (key, first) => collect.skipped(key, first),
    };
  }

  /** A prior-state resource; read from bytes, its values come cut out, parsed only when they hold secrets. */
  private priorResource(path: Key[], value: unknown, node: PriorModule, cuts?: Map<string, Buffer>): void {
    const values = cuts?.get('values');
    if (values) {
      const r = value as Obj;
      r.values = r.mode === 'managed' && marksAny(r.sensitive_values) ? this.parseRaw(values) : {};
    }
    if (!isValidStateResource(value)) {
      const result = StateResource.safeParse(value);
      if (!result.success) return this.issue(path, result.error.issues);
    }
    const instance = priorInstance(value as StateResourceJson, this.secrets);
    if (instance) node.instances.push(instance);
  }

  /** The document is complete: checks what is left of it and returns the plan. */
  finish(): Plan {
    try {
      return this.build();
    } catch (error) {
      if (error instanceof RangeError) throw new InputError(`${this.source}: nests too deeply to read`);
      throw error;
    }
  }

  private build(): Plan {
    const source = this.source;
    checkShape(source, this.top, Array.isArray(this.top.resource_changes) ? this.changeCount : undefined);
    // Terraform never writes a top-level null; jq writes one for a key the plan lacks: it counts as absent.
    const json = Object.fromEntries(Object.entries(this.top).filter(([, v]) => v !== null));
    // zod only when the fast check doubts it (its first run of a schema costs a check milliseconds).
    let data = json as PlanJson;
    if (!isValidPlanTop(json)) {
      const result = PlanJson.safeParse(json);
      if (!result.success) this.issue([], result.error.issues);
      else data = result.data;
    }
    if (this.issueCount > 0) throw new InputError(`${source}: not a valid plan: ${this.describeIssues()}`);
    collectPlanSecrets(data, this.secrets);
    const config = collectConfig(data.configuration?.root_module);
    const plan: Plan = {
      formatVersion: data.format_version,
      changes: this.changes,
      prior: flattenPrior(this.priorRoot),
      priorKnown: data.prior_state != null,
      configKnown: data.configuration != null,
      trimmed: data.planned_values == null,
      deferred: (data.deferred_changes ?? []).map((d) => d.resource_change?.address ?? '(plan)'),
      deferredActions: (data.deferred_action_invocations ?? []).map((d) => normalizeAction(d.action_invocation ?? {})),
      actions: (data.action_invocations ?? []).map(normalizeAction),
      configProvisioners: config.provisioners,
      configExpressions: config.expressions,
      secrets: this.secrets,
    };
    if (data.terraform_version) plan.terraformVersion = data.terraform_version;
    if (data.errored !== undefined) plan.errored = data.errored;
    if (data.complete !== undefined) plan.complete = data.complete;
    if (data.applyable !== undefined) plan.applyable = data.applyable;
    return plan;
  }

  /** The first issues in the schema's key order, `path: message`, and how many more there are. */
  private describeIssues(max = 3): string {
    const rank = (i: Issue) => {
      const at = KEY_ORDER.indexOf(String(i.path[0]));
      return at < 0 ? KEY_ORDER.length : at;
    };
    const sorted = [...this.issues].sort((a, b) => rank(a) - rank(b));
    const lines = sorted.slice(0, max).map((i) => `${issuePath(i.path)}: ${i.message}`);
    return lines.join('; ') + (this.issueCount > max ? ` (and ${this.issueCount - max} more)` : '');
  }
}

/** The first byte a parsed value would have in JSON: what the handlers decide on. */
function firstByte(value: unknown): number {
  if (value === null || value === undefined) return 0x6e;
  if (Array.isArray(value)) return 0x5b;
  switch (typeof value) {
    case 'object':
      return 0x7b;
    case 'string':
      return 0x22;
    case 'boolean':
      return value ? 0x74 : 0x66;
    default:
      return 0x30;
  }
}

/** Feeds a parsed container to a handler, as the scanner would. */
export function walk(handler: Handler, container: Obj | unknown[]): void {
  const entries: [Key, unknown][] = Array.isArray(container) ? container.map((v, i) => [i, v]) : Object.entries(container);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const first = firstByte(value);
    const action = handler.enter(key, first);
    if (action === SKIP) handler.skipped?.(key, first);
    else if (action === CAPTURE || 'cut' in action || (first !== 0x7b && first !== 0x5b)) handler.capture(key, value, 0);
    else walk(action, value as Obj | unknown[]);
  }
  handler.close?.();
}
