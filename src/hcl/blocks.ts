/** Resource, data and `removed` blocks of a parsed file, with provisioners, lifecycle and lines. */
import { type Json, blockList, firstBlock, isFalse, isObject, isTrue, isWord, stringList, stringMap, stringValue, unwrap } from './json-values.js';
import { Locator, type BlockAt, type ParsedFile } from './lines.js';
import type { RemovedBlock, ResourceBlock, SourceLifecycle, SourceProvisioner, Sources } from './types.js';
import { formatAddress, parseAddress } from '../plan/address.js';

export function collectBlocks(sources: Sources, module: string, file: ParsedFile): void {
  const locate = new Locator(file);
  const attached = new Set<number>();
  const directivesAbove = (at: BlockAt) => {
    const found = locate.directivesAbove(at);
    for (const d of found) attached.add(d.line);
    return found.length > 0 ? { directives: found } : {};
  };
  for (const mode of ['managed', 'data'] as const) {
    const byType = file.json[mode === 'managed' ? 'resource' : 'data'];
    if (!isObject(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) continue;
      for (const [name, value] of Object.entries(byName)) {
        for (const body of blockList(value)) {
          const local = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const at = locate.resource(mode, type, name);
          const block: ResourceBlock = {
            groupAddress: module ? `${module}.${local}` : local,
            module,
            mode,
            type,
            name,
            hasCount: body.count !== undefined,
            hasForEach: body.for_each !== undefined,
            provisioners: provisioners(body, locate, at),
            lifecycle: lifecycle(body),
            file: file.display,
            line: at.line,
            ...directivesAbove(at),
          };
          const existing = sources.blocks.get(block.groupAddress);
          sources.blocks.set(block.groupAddress, existing ? mergeBlock(existing, block) : block);
        }
      }
    }
  }
  for (const body of blockList(file.json.removed)) {
    const at = locate.removed();
    const rawFrom = body.from;
    if (typeof rawFrom !== 'string') continue;
    const from = unwrap(rawFrom);
    const local = referenceGroup(from);
    const life = firstBlock(body.lifecycle);
    sources.removed.push({
      groupAddress: module ? `${module}.${local}` : local,
      module,
      from,
      destroy: !(life && isFalse(life.destroy)),
      provisioners: provisioners(body, locate, at),
      file: file.display,
      line: at.line,
      ...directivesAbove(at),
    } satisfies RemovedBlock);
  }
  const stray = locate.directives().filter((d) => !attached.has(d.line));
  if (stray.length > 0) (sources.strayDirectives ??= []).push(...stray);
}

/**
 * The same group declared twice (an `override.tf`, or an invalid configuration): Terraform would merge or
 * refuse; tfguard keeps the first location and the union of what matters for safety, so that an override
 * never hides a destroy-time provisioner or a `prevent_destroy`.
 */
export function mergeBlock(a: ResourceBlock, b: ResourceBlock): ResourceBlock {
  const ignore =
    a.lifecycle.ignoreChanges === 'all' || b.lifecycle.ignoreChanges === 'all'
      ? 'all'
      : [...new Set([...a.lifecycle.ignoreChanges, ...b.lifecycle.ignoreChanges])];
  return {
    ...a,
    hasCount: a.hasCount || b.hasCount,
    hasForEach: a.hasForEach || b.hasForEach,
    provisioners: [...a.provisioners, ...b.provisioners],
    ...(a.directives || b.directives ? { directives: [...(a.directives ?? []), ...(b.directives ?? [])] } : {}),
    lifecycle: {
      preventDestroy: a.lifecycle.preventDestroy || b.lifecycle.preventDestroy,
      createBeforeDestroy: a.lifecycle.createBeforeDestroy || b.lifecycle.createBeforeDestroy,
      replaceTriggeredBy: [...new Set([...a.lifecycle.replaceTriggeredBy, ...b.lifecycle.replaceTriggeredBy])],
      ignoreChanges: ignore,
    },
  };
}

/**
 * Provisioners in declaration order. hcl2json groups them by type (`{ "file": [...], "local-exec": [...] }`,
 * keys sorted), which loses the order between types; the lines found in the text restore it. JSON syntax
 * allows `[ { "local-exec": {...} }, ... ]` (ordered) or `{ "local-exec": {...} }`.
 */
export function provisioners(body: Json, locate: Locator, at: BlockAt): SourceProvisioner[] {
  const raw = body.provisioner;
  const list: { type: string; body: Json }[] = [];
  const add = (byType: Json): void => {
    for (const [type, value] of Object.entries(byType)) {
      for (const b of blockList(value)) list.push({ type, body: b });
    }
  };
  if (Array.isArray(raw)) raw.filter(isObject).forEach(add);
  else if (isObject(raw)) add(raw);

  const ordinal = new Map<string, number>();
  const out = list.map(({ type, body: b }) => {
    const k = ordinal.get(type) ?? 0;
    ordinal.set(type, k + 1);
    const p = provisioner(type, b);
    const line = locate.provisioner(at, type, k);
    return line === undefined ? p : { ...p, line };
  });
  if (out.every((p) => p.line !== undefined)) out.sort((x, y) => x.line! - y.line!);
  return out;
}

export function provisioner(type: string, body: Json): SourceProvisioner {
  const p: SourceProvisioner = {
    type,
    when: isWord(body.when, 'destroy') ? 'destroy' : 'create',
    onFailure: isWord(body.on_failure, 'continue') ? 'continue' : 'fail',
  };
  if (typeof body.command === 'string') p.command = body.command;
  const inline = stringList(body.inline);
  if (inline) p.inline = inline;
  const interpreter = stringList(body.interpreter);
  if (interpreter) p.interpreter = interpreter;
  const environment = body.environment;
  if (isObject(environment)) p.environment = stringMap(environment);
  const opaque = {
    ...(typeof body.interpreter === 'string' ? { interpreter: body.interpreter } : {}),
    ...(typeof environment === 'string' ? { environment } : {}),
  };
  if (Object.keys(opaque).length > 0) p.opaque = opaque;
  const scripts = stringList(body.scripts);
  const script = stringValue(body.script) ?? (scripts ? scripts.join('\n') : undefined) ?? stringValue(body.source) ?? stringValue(body.content);
  if (script !== undefined) p.script = script;
  return p;
}

export function lifecycle(body: Json): SourceLifecycle {
  const life = firstBlock(body.lifecycle) ?? {};
  const ignore = life.ignore_changes;
  return {
    preventDestroy: isTrue(life.prevent_destroy),
    createBeforeDestroy: isTrue(life.create_before_destroy),
    replaceTriggeredBy: (stringList(life.replace_triggered_by) ?? []).map(unwrap),
    ignoreChanges: typeof ignore === 'string' && unwrap(ignore) === 'all' ? 'all' : (stringList(ignore) ?? []).map(unwrap),
  };
}

/**
 * The group address of a `removed` block's `from`: `terraform_data.x`, `module.a["k"].module.b` ->
 * `module.a.module.b` (a whole module), keys removed.
 */
export function referenceGroup(from: string): string {
  const parsed = parseAddress(from);
  if (parsed) return formatAddress(parsed, { moduleKeys: false, instanceKey: false });
  const asModule = parseAddress(`${from}.t.n`);
  if (asModule && asModule.mode === 'managed' && asModule.modules.length > 0) {
    return asModule.modules.map((m) => `module.${m.name}`).join('.');
  }
  return from;
}
