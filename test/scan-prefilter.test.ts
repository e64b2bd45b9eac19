/**
 * The pre-filter of the HCL reader (src/hcl/prefilter.ts): a `.tf` file is parsed only when its text may hold
 * what the reader needs, or when it does not look well formed. It must never skip a file a rule needs, and never
 * hide a syntax error the parser would report.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources } from '../src/hcl/load.js';
import { workerParser } from '../src/hcl/parser.js';
import { looksSound, scanWords, SOURCE_WORDS } from '../src/hcl/prefilter.js';
import { destroyProvisionerFindings } from '../src/scan/provisioners.js';
import { loadTerraform } from '../src/scan/terraform.js';
import { FIXTURES_DIR } from './helpers/env.js';
import { writeTree } from './helpers/files.js';
import { random } from './helpers/random.js';

let tmp: string;
let counter = 0;
const parse = workerParser();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-prefilter-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  return writeTree(join(tmp, `t${counter++}`), files);
}

/** Does hcl2json read it? */
async function parses(text: string): Promise<boolean> {
  try {
    await parse('x.tf', text);
    return true;
  } catch {
    return false;
  }
}

function tfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tfFiles(p));
    else if (name.endsWith('.tf')) out.push(p);
  }
  return out;
}

const FIXTURE_TF = tfFiles(FIXTURES_DIR).map((f) => readFileSync(f, 'utf8'));

const VALID = [
  'variable "v" {\n  type    = string\n  default = "a ${var.x} $${literal} %{ if true }y%{ endif }"\n}\n',
  'output "o" {\n  value = { for k, v in var.m : k => v if v != "" && k >= "a" }\n}\n',
  'locals {\n  a = <<-EOT\n    text with "quotes" and { braces\n    ${upper("x")}\n    EOT\n  b = [1, 2.5e3, -1, true, null]\n}\n',
  'locals {\n  c = <<EOT\nplain } ] )\nEOT\n  d = var.x == 1 ? "y" : "n" # comment = \n  /* block\n comment */\n  e = (1 +\n 2)\n}\n',
  'provider "aws" {\n  region = "eu-west-1" // comment\n}\nterraform {\n  required_version = ">= 1.5"\n}\n',
];

const BROKEN = [
  'resource "terraform_data" "b" {\n  input = \n}\n', // a missing value
  'resource "terraform_data" "a" {\n', // an unclosed block
  'resource "terraform_data" "a" {}\n}\n', // one brace too many
  'variable "v" {\n  default = "open\n}\n', // an unterminated string
  'locals {\n  a = <<EOT\nno end\n}\n', // an unterminated heredoc
  'locals {\n  a = 1\n}\n/* open comment\n', // an unterminated comment
  'locals {\n  a = "${var.x"\n}\n', // an unclosed template
  'locals {\n  a = [1, 2)\n}\n', // mismatched brackets
  "locals {\n  a = 'single'\n}\n", // single quotes are no HCL
  'locals {\n  a = 1;\n}\n', // a semicolon
  'output "o" {\n  value = ,\n}\n', // no value
];

describe('looksSound', () => {
  it('passes well-formed HCL (templates, heredocs, comments, operators) that the parser reads', async () => {
    for (const text of VALID) {
      expect(looksSound(text), text).toBe(true);
      expect(await parses(text), text).toBe(true);
    }
  });

  it('refuses broken text: the parser then reads the file and reports the error', async () => {
    for (const text of BROKEN) {
      expect(looksSound(text), text).toBe(false);
      expect(await parses(text), text).toBe(false);
    }
  });

  it('every fixture that it passes, the parser reads', async () => {
    expect(FIXTURE_TF.length).toBeGreaterThan(20);
    for (const text of FIXTURE_TF) if (looksSound(text)) expect(await parses(text)).toBe(true);
  });

  it('never passes a text the parser refuses: 400 random one-character edits of the fixtures', async () => {
    const next = random(13);
    const pool = [...FIXTURE_TF, ...VALID];
    const chars = '{}[]()"=#<>$%\\\n ,./*-a1';
    let sound = 0;
    let refused = 0;
    for (let k = 0; k < 400; k++) {
      const text = pool[Math.floor(next() * pool.length)]!;
      const at = Math.floor(next() * text.length);
      const edit = next();
      const c = chars[Math.floor(next() * chars.length)]!;
      const mutated =
        edit < 0.4 ? text.slice(0, at) + text.slice(at + 1) : edit < 0.8 ? text.slice(0, at) + c + text.slice(at) : text.slice(0, at) + c + text.slice(at + 1);
      if (!looksSound(mutated)) continue;
      sound++;
      if (!(await parses(mutated))) refused++;
    }
    expect(sound).toBeGreaterThan(50);
    // What the check lets through is invalid in ways it does not follow (two words where one should be, a
    // mistyped block type): rare, and never a missing brace, quote, comment end, heredoc end or value. Such a
    // file is still parsed, and refused, whenever it names a block the reader needs (a text test, not this).
    expect(refused).toBeLessThan(sound / 4);
  });
});

describe('the text test', () => {
  it('names every block type loadSources reads, and inline waivers; scan the ones it reports on', () => {
    for (const text of [
      'resource "a" "b" {}',
      'data "a" "b" {}',
      'removed {\n  from = a.b\n}',
      'module "m" {\n  source = "./m"\n}',
      '# tfguard:allow mass-destroy reason="x"',
    ])
      expect(SOURCE_WORDS.test(text), text).toBe(true);
    for (const text of ['variable "v" {}', 'output "o" {\n  value = 1\n}', 'locals {\n  metadata = 1\n}', 'provider "aws" {}'])
      expect(SOURCE_WORDS.test(text), text).toBe(false);
    for (const text of ['provisioner "local-exec" {', 'removed {', 'module "m" {', '# tfguard:allow x']) expect(scanWords(text), text).toBe(true);
    expect(scanWords('resource "terraform_data" "a" {\n  lifecycle {\n    ignore_changes = all\n  }\n}\n')).toBe(false);
  });
});

/** A tree in which each file holds one construct a reader needs, and files that hold none. */
const CONSTRUCTS: Record<string, string> = {
  'main.tf': 'module "child" {\n  source = "./child"\n}\n',
  'provisioner.tf': 'resource "terraform_data" "reset" {\n  provisioner "local-exec" {\n    when    = destroy\n    command = "echo reset"\n  }\n}\n',
  'removed.tf': 'removed {\n  from = terraform_data.old\n  provisioner "local-exec" {\n    when    = destroy\n    command = "echo old"\n  }\n}\n',
  'protected.tf': 'resource "terraform_data" "db" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
  'waiver.tf':
    '# tfguard:allow destroy-provisioner reason="reviewed"\nresource "terraform_data" "waived" {\n  provisioner "local-exec" {\n    when    = destroy\n    command = "echo w"\n  }\n}\n',
  'data.tf': 'data "terraform_remote_state" "s" {\n  backend = "local"\n}\n',
  'variables.tf': 'variable "v" {\n  type    = string\n  default = "x"\n}\n',
  'outputs.tf': 'output "o" {\n  value = var.v\n}\n',
  'child/main.tf': 'resource "terraform_data" "node" {\n  provisioner "local-exec" {\n    when    = destroy\n    command = "kubectl drain node"\n  }\n}\n',
  'child/variables.tf': 'variable "name" {\n  type = string\n}\n',
};

describe('files a reader needs are parsed', () => {
  it('loadSources gives the same blocks, removed blocks, modules and waivers with the pre-filter as without it', async () => {
    const dir = await tree(CONSTRUCTS);
    const filtered = await loadSources(dir);
    const all = await loadSources(dir, { mayMatter: () => true });
    expect(filtered).toEqual(all);
    expect([...filtered.blocks.keys()].sort()).toEqual([
      'data.terraform_remote_state.s',
      'module.child.terraform_data.node',
      'terraform_data.db',
      'terraform_data.reset',
      'terraform_data.waived',
    ]);
    expect(filtered.removed.map((r) => r.from)).toEqual(['terraform_data.old']);
    expect(filtered.blocks.get('terraform_data.waived')?.directives?.[0]?.text).toContain('allow destroy-provisioner');
    expect(filtered.blocks.get('terraform_data.db')?.lifecycle.preventDestroy).toBe(true);
  });

  it('scan finds every provisioner, removed block, module path and waiver it found when every file was parsed', async () => {
    const dir = await tree(CONSTRUCTS);
    const scanTree = await loadTerraform(dir, [dir, join(dir, 'child')]);
    const every = await loadTerraform(dir, [dir, join(dir, 'child')], { allBlocks: true });
    expect(destroyProvisionerFindings(scanTree)).toEqual(destroyProvisionerFindings(every));
    expect(destroyProvisionerFindings(scanTree).map((f) => [f.file, f.line, f.addresses])).toEqual([
      ['provisioner.tf', 2, ['terraform_data.reset']],
      ['waiver.tf', 3, ['terraform_data.waived']],
      ['child/main.tf', 2, ['module.child.terraform_data.node']],
      ['removed.tf', 3, ['terraform_data.old']],
    ]);
    expect(scanTree.roots).toEqual(every.roots);
    expect(scanTree.modulePaths).toEqual(every.modulePaths);
    expect(scanTree.strayDirectives).toEqual(every.strayDirectives);
    const directives = (t: typeof scanTree) => t.blocks.flatMap((b) => b.block.directives ?? []);
    expect(directives(scanTree)).toEqual(directives(every));
    // --base compares every resource block's prevent_destroy: then files with any block are parsed.
    expect(every.blocks.some((b) => b.block.lifecycle.preventDestroy)).toBe(true);
  });

  it('a file that does not parse is still an error, whether or not it holds anything the reader needs', async () => {
    const dir = await tree({ 'ok.tf': 'variable "v" {}\n', 'bad.tf': 'variable "w" {\n  default = \n}\n' });
    await expect(loadSources(dir)).rejects.toThrow(/bad\.tf: cannot parse/);
    await expect(loadTerraform(dir, [dir])).rejects.toThrow(/bad\.tf: cannot parse/);
  });

  it('the repository fixtures read the same with and without the pre-filter', async () => {
    for (const name of readdirSync(FIXTURES_DIR)) {
      const src = join(FIXTURES_DIR, name, 'src');
      try {
        if (!statSync(src).isDirectory()) continue;
      } catch {
        continue;
      }
      expect(await loadSources(src), name).toEqual(await loadSources(src, { mayMatter: () => true }));
    }
  });
});
