/**
 * Terraform resource instance addresses: `module.a["x"].module.b.aws_instance.web[2]`,
 * `data.aws_ami.ubuntu`, keys that hold dots, brackets, slashes and escaped quotes.
 */

export type InstanceKey = string | number;

export interface AddressStep {
  /** `module.NAME` steps and the final resource step share this shape. */
  name: string;
  key?: InstanceKey;
}

export interface ParsedAddress {
  modules: AddressStep[];
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key?: InstanceKey;
}

/** Splits an address into dot-separated parts, keeping `[...]` keys (with quoted strings) whole. */
function splitParts(address: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  let i = 0;
  while (i < address.length) {
    const ch = address[i]!;
    if (ch === '.') {
      parts.push(current);
      current = '';
      i++;
      continue;
    }
    if (ch === '[') {
      const end = keyEnd(address, i);
      if (end < 0) return undefined;
      current += address.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    current += ch;
    i++;
  }
  parts.push(current);
  return parts;
}

/** Index of the `]` closing the key that opens at `start`, or -1. */
function keyEnd(text: string, start: number): number {
  let i = start + 1;
  if (text[i] === '"') {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  } else {
    while (i < text.length && text[i] !== ']') i++;
  }
  return text[i] === ']' ? i : -1;
}

function parseKey(raw: string): InstanceKey | undefined {
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw);
      return typeof value === 'string' ? value : undefined;
    } catch {
      // Not strict JSON (a raw control character, say): still a key, taken as written.
      return raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : undefined;
    }
  }
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function parseStep(part: string): AddressStep | undefined {
  const open = part.indexOf('[');
  if (open < 0) return { name: part };
  if (!part.endsWith(']')) return undefined;
  const key = parseKey(part.slice(open + 1, -1));
  return key === undefined ? undefined : { name: part.slice(0, open), key };
}

/** Parses an instance (or resource) address; undefined when it is not one. */
export function parseAddress(address: string): ParsedAddress | undefined {
  const parts = splitParts(address);
  if (!parts) return undefined;
  const modules: AddressStep[] = [];
  let i = 0;
  while (parts[i] === 'module' || (parts[i]?.startsWith('module[') ?? false)) {
    if (parts[i] !== 'module') return undefined;
    const step = parts[i + 1] === undefined ? undefined : parseStep(parts[i + 1]!);
    if (!step) return undefined;
    modules.push(step);
    i += 2;
  }
  let mode: 'managed' | 'data' = 'managed';
  if (parts[i] === 'data') {
    mode = 'data';
    i++;
  }
  if (parts.length - i !== 2) return undefined;
  const type = parts[i]!;
  const last = parseStep(parts[i + 1]!);
  if (!last || !type || type.includes('[')) return undefined;
  return { modules, mode, type, name: last.name, ...(last.key === undefined ? {} : { key: last.key }) };
}

export function formatKey(key: InstanceKey): string {
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

function formatStep(step: AddressStep, withKey: boolean): string {
  return withKey && step.key !== undefined ? step.name + formatKey(step.key) : step.name;
}

/**
 * The resource group address: every instance key removed, module keys too, so that
 * `module.node["a"].talos_x.this["b"]` and `module.node["c"].talos_x.this["d"]` are one group
 * `module.node.talos_x.this`.
 */
export function groupAddress(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  return formatAddress(parsed, { moduleKeys: false, instanceKey: false });
}

/** The resource address: the instance address without its final instance key. */
export function resourceAddress(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  return formatAddress(parsed, { moduleKeys: true, instanceKey: false });
}

export function formatAddress(parsed: ParsedAddress, opts: { moduleKeys: boolean; instanceKey: boolean } = { moduleKeys: true, instanceKey: true }): string {
  const parts = parsed.modules.map((m) => `module.${formatStep(m, opts.moduleKeys)}`);
  if (parsed.mode === 'data') parts.push('data');
  parts.push(parsed.type, formatStep(parsed, opts.instanceKey));
  return parts.join('.');
}

/** The module part of an instance address (`module.a["x"].module.b`), '' for the root module. */
export function moduleAddress(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return '';
  return parsed.modules.map((m) => `module.${formatStep(m, true)}`).join('.');
}

/** `TYPE.NAME`, `data.TYPE.NAME`, with an optional `[N]` or `["key"]` (no escapes, no brackets in the key). */
const SIMPLE = /^((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(?:\[(?:\d+|"[^"\\[\]]*")\])?$/;

export interface AddressForms {
  resourceAddress: string;
  groupAddress: string;
  moduleAddress: string;
}

/** The forms `addressForms` gave last. */
let lastForms: AddressForms = { resourceAddress: '', groupAddress: '', moduleAddress: '' };

/** A plain instance key, `[3]` or `["a"]` (no escapes, no brackets in it), ending the address. */
const PLAIN_KEY = /\[(?:\d+|"[^"\\[\]]*")\]$/y;

/** `address` is an instance of the resource at `resource` by a plain key: its forms are the resource's. */
function sameResource(address: string, resource: string): boolean {
  const n = resource.length;
  if (n === 0 || address.length < n + 3 || address.charCodeAt(n) !== 0x5b || !address.startsWith(resource)) return false;
  PLAIN_KEY.lastIndex = n;
  return PLAIN_KEY.test(address);
}

/**
 * `resourceAddress`, `groupAddress` and `moduleAddress` of one address (asked for every change and every prior
 * instance). Instances of one resource mostly come one after another: an address that is the last one's resource
 * and a plain key gets the last forms with no parse, and forms equal to the last ones are given as those same
 * string objects (one of each kept in memory, and the maps the rules look them up in hash each once). Shared:
 * read the result, do not change it.
 */
export function addressForms(address: string): AddressForms {
  if (sameResource(address, lastForms.resourceAddress)) return lastForms;
  const forms = parsedForms(address);
  if (forms.resourceAddress !== lastForms.resourceAddress || forms.groupAddress !== lastForms.groupAddress || forms.moduleAddress !== lastForms.moduleAddress)
    lastForms = forms;
  return lastForms;
}

function parsedForms(address: string): AddressForms {
  // Most addresses are a root-module resource with a plain key: no parse needed.
  const simple = SIMPLE.exec(address);
  if (simple) return { resourceAddress: simple[1]!, groupAddress: simple[1]!, moduleAddress: '' };
  const parsed = parseAddress(address);
  if (!parsed) return { resourceAddress: address, groupAddress: address, moduleAddress: '' };
  return {
    resourceAddress: formatAddress(parsed, { moduleKeys: true, instanceKey: false }),
    groupAddress: formatAddress(parsed, { moduleKeys: false, instanceKey: false }),
    moduleAddress: parsed.modules.map((m) => `module.${formatStep(m, true)}`).join('.'),
  };
}
