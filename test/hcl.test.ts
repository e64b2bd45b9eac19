/**
 * Reading `.tf` sources: the real fixture sources (the incident's destroy-time reset, a module per node, a
 * removed block, replace_triggered_by), module resolution (local, registry through modules.json, missing),
 * JSON syntax, bad inputs as one InputError line, and hcl2json kept out of every file but load.ts.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { loadSources } from '../src/hcl/load.js';
import { blockFor, removedFor } from '../src/hcl/lookup.js';
import type { Sources } from '../src/hcl/types.js';
import { FIXTURES_DIR, ROOT } from './helpers/env.js';
import { writeTree } from './helpers/files.js';

const src = (fixture: string): string => join(FIXTURES_DIR, fixture, 'src');

/** 1-based line of the first line starting with `needle` at or after line `after` (searched independently). */
function lineOf(text: string, needle: string, after = 1): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l, n) => n + 1 >= after && l.trimStart().startsWith(needle));
  if (i < 0) throw new Error(`not found: ${needle}`);
  return i + 1;
}

interface Change {
  address: string;
  action_reason?: string;
}

async function planChanges(fixture: string): Promise<Change[]> {
  const plan = JSON.parse(await readFile(join(FIXTURES_DIR, fixture, 'plan.json'), 'utf8')) as {
    resource_changes?: Change[];
  };
  return plan.resource_changes ?? [];
}

let tmp: string;
let counter = 0;

/** Writes a module tree into a fresh temp folder and returns its path. */
async function tree(files: Record<string, string>): Promise<string> {
  return writeTree(join(tmp, `t${counter++}`), files);
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tfguard-hcl-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the incident', () => {
  let sources: Sources;
  let text: string;

  beforeAll(async () => {
    sources = await loadSources(src('incident'));
    text = await readFile(join(src('incident'), 'main.tf'), 'utf8');
  });

  it('finds the destroy-time talosctl reset behind each of the 3 replaced reset helpers', async () => {
    const replaced = (await planChanges('incident')).filter((c) => c.address.includes('cp_reset_on_destroy'));
    expect(replaced).toHaveLength(3);
    const blockLine = lineOf(text, 'resource "terraform_data" "cp_reset_on_destroy"');
    for (const { address } of replaced) {
      const block = blockFor(sources, address);
      expect(block, address).toBeDefined();
      expect(block).toMatchObject({
        groupAddress: 'terraform_data.cp_reset_on_destroy',
        module: '',
        mode: 'managed',
        type: 'terraform_data',
        name: 'cp_reset_on_destroy',
        hasForEach: true,
        hasCount: false,
        file: 'main.tf',
        line: blockLine,
      });
      expect(block!.provisioners).toEqual([
        {
          type: 'local-exec',
          when: 'destroy',
          onFailure: 'fail',
          command: 'talosctl reset --nodes ${self.input.node} --graceful=false --reboot',
          line: lineOf(text, 'provisioner "local-exec"', blockLine),
        },
      ]);
    }
  });

  it('declares every instance of the plan, with the line of its block', async () => {
    for (const { address } of await planChanges('incident')) {
      const block = blockFor(sources, address);
      expect(block, address).toBeDefined();
      expect(block!.line).toBe(lineOf(text, `resource "terraform_data" "${block!.name}"`));
      if (block!.name !== 'cp_reset_on_destroy') expect(block!.provisioners).toEqual([]);
    }
    expect([...sources.blocks.keys()].sort()).toEqual(['terraform_data.cp_reset_on_destroy', 'terraform_data.machine_config', 'terraform_data.worker']);
    expect(sources.removed).toEqual([]);
    expect(sources.missingModules).toEqual([]);
    expect(sources.modules).toEqual([{ module: '', dir: src('incident'), source: '' }]);
    expect(sources.root).toBe(src('incident'));
  });

  it('reads the null_resource original the same way', async () => {
    const real = await loadSources(src('incident-null-resource'));
    const block = blockFor(real, 'null_resource.cp_reset_on_destroy["storm"]');
    expect(block?.provisioners.map((p) => [p.when, p.command])).toEqual([
      ['destroy', 'talosctl reset --nodes ${self.triggers.node} --graceful=false --reboot'],
    ]);
  });
});

describe('module-per-node', () => {
  it('finds the block of a module instance in the module file, by a path relative to the root', async () => {
    const sources = await loadSources(src('module-per-node'));
    const text = await readFile(join(src('module-per-node'), 'modules', 'talos-node', 'main.tf'), 'utf8');
    const block = blockFor(sources, 'module.node["powder"].terraform_data.reset_on_destroy');
    const blockLine = lineOf(text, 'resource "terraform_data" "reset_on_destroy"');
    expect(block).toMatchObject({
      groupAddress: 'module.node.terraform_data.reset_on_destroy',
      module: 'module.node',
      file: 'modules/talos-node/main.tf',
      line: blockLine,
      hasForEach: false,
    });
    expect(block!.provisioners).toMatchObject([{ type: 'local-exec', when: 'destroy', line: lineOf(text, 'provisioner "local-exec"', blockLine) }]);
    expect(blockFor(sources, 'module.node["fresh"].terraform_data.reset_on_destroy')).toBe(block);
    expect(sources.modules).toEqual([
      { module: '', dir: src('module-per-node'), source: '' },
      { module: 'module.node', dir: join(src('module-per-node'), 'modules', 'talos-node'), source: './modules/talos-node' },
    ]);
    for (const { address } of await planChanges('module-per-node')) expect(blockFor(sources, address), address).toBeDefined();
  });
});

describe('removed blocks', () => {
  it('keeps the destroy-time provisioner of a removed block that destroys', async () => {
    const sources = await loadSources(src('removed-block'));
    const text = await readFile(join(src('removed-block'), 'main.tf'), 'utf8');
    const removedLine = lineOf(text, 'removed {');
    expect(sources.removed).toEqual([
      {
        groupAddress: 'terraform_data.cp_reset_on_destroy',
        module: '',
        from: 'terraform_data.cp_reset_on_destroy',
        destroy: true,
        provisioners: [
          {
            type: 'local-exec',
            when: 'destroy',
            onFailure: 'fail',
            command: 'talosctl reset --nodes ${self.input.node} --graceful=false --reboot',
            line: lineOf(text, 'provisioner "local-exec"', removedLine),
          },
        ],
        file: 'main.tf',
        line: removedLine,
      },
    ]);
    for (const { address, action_reason } of await planChanges('removed-block')) {
      if (action_reason === 'delete_because_no_resource_config') {
        expect(blockFor(sources, address), address).toBeUndefined();
        expect(removedFor(sources, address), address).toBe(sources.removed[0]);
      } else {
        expect(blockFor(sources, address), address).toBeDefined();
        expect(removedFor(sources, address), address).toBeUndefined();
      }
    }
  });

  it('reads lifecycle { destroy = false } as a forget', async () => {
    const sources = await loadSources(src('removed-forget'));
    expect(sources.removed.map((r) => [r.groupAddress, r.destroy, r.provisioners.length])).toEqual([['terraform_data.cp_reset_on_destroy', false, 0]]);
  });

  it('finds the removed block of a whole module, keys stripped, and prefers an exact one', async () => {
    const dir = await tree({
      'main.tf': [
        'removed {',
        '  from = module.cluster["a"].module.node',
        '}',
        '',
        'removed {',
        '  from = module.cluster',
        '  lifecycle {',
        '    destroy = false',
        '  }',
        '}',
        '',
        'removed {',
        '  from = module.cluster.terraform_data.reset',
        '  provisioner "local-exec" {',
        '    when    = destroy',
        '    command = "echo bye"',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const sources = await loadSources(dir);
    expect(sources.removed.map((r) => [r.groupAddress, r.from, r.destroy, r.line])).toEqual([
      ['module.cluster.module.node', 'module.cluster["a"].module.node', true, 1],
      ['module.cluster', 'module.cluster', false, 5],
      ['module.cluster.terraform_data.reset', 'module.cluster.terraform_data.reset', true, 12],
    ]);
    expect(removedFor(sources, 'module.cluster["b"].module.node["x"].terraform_data.a[0]')?.line).toBe(1);
    expect(removedFor(sources, 'module.cluster["b"].terraform_data.other')?.line).toBe(5);
    expect(removedFor(sources, 'module.cluster["b"].terraform_data.reset[3]')?.line).toBe(12);
    expect(removedFor(sources, 'module.cluster["b"].terraform_data.reset[3]')?.provisioners[0]?.line).toBe(14);
    expect(removedFor(sources, 'module.clusterx.terraform_data.reset')).toBeUndefined();
    expect(removedFor(sources, 'terraform_data.reset')).toBeUndefined();
  });

  it('prefixes the module path of a removed block declared inside a module', async () => {
    const dir = await tree({
      'main.tf': 'module "app" {\n  source = "./app"\n}\n',
      'app/main.tf': 'removed {\n  from = terraform_data.old\n}\n',
    });
    const sources = await loadSources(dir);
    expect(sources.removed).toMatchObject([{ groupAddress: 'module.app.terraform_data.old', module: 'module.app', file: 'app/main.tf', line: 1 }]);
    expect(removedFor(sources, 'module.app.terraform_data.old["k"]')).toBe(sources.removed[0]);
  });
});

describe('lifecycle', () => {
  it('reads replace_triggered_by as raw references', async () => {
    const sources = await loadSources(src('replace-triggered-by'));
    expect(blockFor(sources, 'terraform_data.kubeconfig')?.lifecycle).toEqual({
      preventDestroy: false,
      createBeforeDestroy: false,
      replaceTriggeredBy: ['terraform_data.cluster_endpoint'],
      ignoreChanges: [],
    });
  });

  it('reads prevent_destroy, create_before_destroy and ignore_changes in their written forms', async () => {
    const dir = await tree({
      'main.tf': `
resource "terraform_data" "a" {
  lifecycle {
    prevent_destroy       = true
    create_before_destroy = "\${true}"
    replace_triggered_by  = [terraform_data.b.output, terraform_data.c["x"]]
    ignore_changes        = all
  }
}

resource terraform_data b {
  count = 2
  lifecycle {
    prevent_destroy = false
    ignore_changes  = [input, triggers_replace]
  }
}
`,
    });
    const sources = await loadSources(dir);
    expect(blockFor(sources, 'terraform_data.a')?.lifecycle).toEqual({
      preventDestroy: true,
      createBeforeDestroy: true,
      replaceTriggeredBy: ['terraform_data.b.output', 'terraform_data.c["x"]'],
      ignoreChanges: 'all',
    });
    const b = blockFor(sources, 'terraform_data.b[1]');
    expect(b?.lifecycle).toEqual({
      preventDestroy: false,
      createBeforeDestroy: false,
      replaceTriggeredBy: [],
      ignoreChanges: ['input', 'triggers_replace'],
    });
    expect([b?.hasCount, b?.line]).toEqual([true, 11]);
  });
});

describe('provisioners', () => {
  const text = `resource "terraform_data" "x" {
  provisioner "local-exec" {
    command = "echo one"
  }

  provisioner   remote-exec {
    inline = ["echo two", "echo \${self.id}"]
  }

  provisioner "local-exec" {
    when        = destroy
    on_failure  = continue
    interpreter = ["bash", "-c"]
    command     = <<-EOT
      talosctl reset --nodes \${self.input.node}
      echo done
    EOT
  }

  provisioner "file" {
    source      = "a.txt"
    destination = "/tmp/a"
  }

  provisioner "local-exec" {
    when    = "destroy"
    command = "echo four"
  }
}

data "external" "y" {
  program = ["echo"]
}
`;

  it('keeps declaration order across types, the heredoc text and every when/on_failure form', async () => {
    const sources = await loadSources(await tree({ 'main.tf': text }));
    const block = blockFor(sources, 'terraform_data.x');
    expect(block?.provisioners).toEqual([
      { type: 'local-exec', when: 'create', onFailure: 'fail', command: 'echo one', line: 2 },
      { type: 'remote-exec', when: 'create', onFailure: 'fail', inline: ['echo two', 'echo ${self.id}'], line: 6 },
      {
        type: 'local-exec',
        when: 'destroy',
        onFailure: 'continue',
        interpreter: ['bash', '-c'],
        command: 'talosctl reset --nodes ${self.input.node}\necho done\n',
        line: 10,
      },
      { type: 'file', when: 'create', onFailure: 'fail', script: 'a.txt', line: 20 },
      { type: 'local-exec', when: 'destroy', onFailure: 'fail', command: 'echo four', line: 25 },
    ]);
    expect(blockFor(sources, 'data.external.y')).toMatchObject({
      groupAddress: 'data.external.y',
      mode: 'data',
      type: 'external',
      name: 'y',
      line: 31,
    });
  });

  it('unions a block declared again in an override file, so an override never hides a provisioner', async () => {
    const sources = await loadSources(
      await tree({
        'main.tf': text,
        'main_override.tf': 'resource "terraform_data" "x" {\n  count = 0\n}\n',
      }),
    );
    const block = blockFor(sources, 'terraform_data.x');
    expect([block?.file, block?.line, block?.hasCount, block?.provisioners.length]).toEqual(['main.tf', 1, true, 5]);
  });
});

describe('modules', () => {
  it('resolves registry and git modules through .terraform/modules/modules.json, and local ones inside them', async () => {
    const dir = await tree({
      'main.tf': `
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

module "db" {
  source = "git::https://example.com/db.git//modules/pg?ref=v1"
}

module "later" {
  source = "terraform-aws-modules/eks/aws"
}

module "gone" {
  source = "./modules/gone"
}
`,
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          { Key: 'vpc', Source: 'registry.terraform.io/terraform-aws-modules/vpc/aws', Version: '5.0.0', Dir: '.terraform/modules/vpc' },
          { Key: 'vpc.flow', Source: './modules/flow', Dir: '.terraform/modules/vpc/modules/flow' },
          { Key: 'db', Source: 'git::https://example.com/db.git//modules/pg?ref=v1', Dir: '.terraform/modules/db/modules/pg' },
        ],
      }),
      '.terraform/modules/vpc/main.tf': 'resource "aws_vpc" "this" {}\n\nmodule "flow" {\n  source = "./modules/flow"\n}\n',
      '.terraform/modules/vpc/modules/flow/main.tf': '\n\nresource "aws_flow_log" "this" {\n  count = 1\n}\n',
      '.terraform/modules/db/modules/pg/main.tf': 'resource "aws_db_instance" "this" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
    });
    const sources = await loadSources(dir);
    expect(blockFor(sources, 'module.vpc.aws_vpc.this')).toMatchObject({ file: '.terraform/modules/vpc/main.tf', line: 1 });
    expect(blockFor(sources, 'module.vpc.module.flow.aws_flow_log.this[0]')).toMatchObject({
      module: 'module.vpc.module.flow',
      file: '.terraform/modules/vpc/modules/flow/main.tf',
      line: 3,
    });
    expect(blockFor(sources, 'module.db.aws_db_instance.this')?.lifecycle.preventDestroy).toBe(true);
    expect(sources.modules.map((m) => [m.module, m.source])).toEqual([
      ['', ''],
      ['module.db', 'git::https://example.com/db.git//modules/pg?ref=v1'],
      ['module.vpc', 'terraform-aws-modules/vpc/aws'],
      ['module.vpc.module.flow', './modules/flow'],
    ]);
    expect(sources.missingModules).toEqual([
      { module: 'module.gone', source: './modules/gone' },
      { module: 'module.later', source: 'terraform-aws-modules/eks/aws' },
    ]);
  });

  it('lists registry modules as missing before terraform init (no modules.json)', async () => {
    const sources = await loadSources(await tree({ 'main.tf': 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n' }));
    expect(sources.missingModules).toEqual([{ module: 'module.vpc', source: 'terraform-aws-modules/vpc/aws' }]);
    expect(sources.blocks.size).toBe(0);
  });

  it('reads a directory called by two module calls under each module path, and refuses a module that calls itself', async () => {
    const sources = await loadSources(
      await tree({
        'main.tf': 'module "a" {\n  source = "./m"\n}\nmodule "b" {\n  source = "./m/"\n}\n',
        'm/main.tf': 'resource "terraform_data" "r" {}\n',
      }),
    );
    expect([...sources.blocks.keys()].sort()).toEqual(['module.a.terraform_data.r', 'module.b.terraform_data.r']);

    const loop = await tree({ 'main.tf': 'module "a" {\n  source = "./m"\n}\n', 'm/main.tf': 'module "again" {\n  source = "./"\n}\n' });
    expect((await inputError(loadSources(loop))).message).toBe('m/main.tf: module "again" (source ./) calls a module it is part of');
  });

  it('reads only the root directory, not its subdirectories, and ignores editor files', async () => {
    const sources = await loadSources(
      await tree({
        'main.tf': 'resource "terraform_data" "a" {}\n',
        'sub/main.tf': 'resource "terraform_data" "b" {}\n',
        '.hidden.tf': 'resource "terraform_data" "c" {}\n',
        'main.tf~': 'resource "terraform_data" "d" {}\n',
        'notes.txt': 'resource "terraform_data" "e" {}\n',
      }),
    );
    expect([...sources.blocks.keys()]).toEqual(['terraform_data.a']);
  });
});

describe('JSON syntax', () => {
  it('reads .tf.json files: blocks as objects or lists, provisioners as an ordered list', async () => {
    const sources = await loadSources(
      await tree({
        'main.tf.json': JSON.stringify(
          {
            resource: {
              terraform_data: {
                reset: {
                  for_each: '${local.nodes}',
                  provisioner: [
                    { 'remote-exec': { inline: ['sync'] } },
                    { 'local-exec': { when: 'destroy', command: 'talosctl reset --nodes ${self.input.node}' } },
                  ],
                  lifecycle: { create_before_destroy: true, replace_triggered_by: ['terraform_data.config'] },
                },
              },
            },
            removed: { from: 'terraform_data.old', lifecycle: { destroy: false } },
          },
          null,
          2,
        ),
      }),
    );
    const block = blockFor(sources, 'terraform_data.reset["a"]');
    expect(block).toMatchObject({ file: 'main.tf.json', line: 4, hasForEach: true });
    expect(block?.provisioners).toEqual([
      { type: 'remote-exec', when: 'create', onFailure: 'fail', inline: ['sync'] },
      { type: 'local-exec', when: 'destroy', onFailure: 'fail', command: 'talosctl reset --nodes ${self.input.node}' },
    ]);
    expect(block?.lifecycle).toMatchObject({ createBeforeDestroy: true, replaceTriggeredBy: ['terraform_data.config'] });
    expect(sources.removed).toMatchObject([{ groupAddress: 'terraform_data.old', destroy: false }]);
  });
});

describe('bad input', () => {
  it('turns a .tf file that does not parse into one InputError line naming the file', async () => {
    const dir = await tree({ 'good.tf': 'locals {}\n', 'broken.tf': 'resource "a" "b" {\n  x = \n}\n' });
    const error = await inputError(loadSources(dir));
    expect(error.message).toMatch(/^broken\.tf: cannot parse: line 2, column \d+: Invalid expression; /);
    expect(error.message).not.toContain('\n');
  });

  it('names a broken file inside a module by its path from the root', async () => {
    const dir = await tree({
      'main.tf': 'module "m" {\n  source = "./modules/m"\n}\n',
      'modules/m/main.tf': 'resource "a" "b" {\n  x = "unterminated\n}\n',
    });
    const error = await inputError(loadSources(dir));
    expect(error.message).toMatch(/^modules\/m\/main\.tf: cannot parse: line 2, column \d+: .+ \(and \d+ more errors?\)$/);
    expect(error.message).not.toContain('\n');
  });

  it('turns a .tf.json file that is not JSON into an InputError', async () => {
    const error = await inputError(loadSources(await tree({ 'main.tf.json': '{"resource": ' })));
    expect(error.message).toMatch(/^main\.tf\.json: cannot parse: /);
  });

  it('refuses a directory that does not exist, or a file', async () => {
    const missing = join(tmp, 'no-such-dir');
    expect((await inputError(loadSources(missing))).message).toBe(`${missing}: no such directory (the root module's .tf sources)`);
    const dir = await tree({ 'main.tf': '' });
    await inputError(loadSources(join(dir, 'main.tf')));
  });

  it('returns empty sources for a directory without .tf files', async () => {
    const dir = await tree({ 'README.md': '# nothing\n' });
    const sources = await loadSources(dir);
    expect([sources.blocks.size, sources.removed, sources.missingModules]).toEqual([0, [], []]);
  });
});

describe('every fixture', () => {
  it('declares every planned instance that the configuration still has', async () => {
    const fixtures = (await readdir(FIXTURES_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(fixtures.length).toBeGreaterThan(10);
    for (const fixture of fixtures) {
      const sources = await loadSources(src(fixture));
      for (const { address, action_reason } of await planChanges(fixture)) {
        const gone = action_reason === 'delete_because_no_resource_config';
        expect(blockFor(sources, address) === undefined, `${fixture}: ${address}`).toBe(gone);
      }
    }
  });
});

describe('a generated tree of 300 files', () => {
  it('loads 60 modules x 5 files with their provisioner lines', async () => {
    const files: Record<string, string> = {};
    let main = '';
    for (let m = 0; m < 60; m++) {
      main += `module "m${m}" {\n  source   = "./modules/m${m}"\n  for_each = toset(["a", "b"])\n}\n\n`;
      for (let f = 0; f < 5; f++) {
        let text = '';
        for (let r = 0; r < 4; r++) {
          text += `resource "terraform_data" "r${f}_${r}" {\n  count = 2\n\n  provisioner "local-exec" {\n    command = "echo \${self.id}"\n  }\n\n  provisioner "local-exec" {\n    when    = destroy\n    command = <<-EOT\n      talosctl reset --nodes \${self.input.node}\n    EOT\n  }\n}\n\n`;
        }
        files[`modules/m${m}/f${f}.tf`] = text;
      }
    }
    files['main.tf'] = main;
    const sources = await loadSources(await tree(files));
    expect(sources.blocks.size).toBe(1200);
    expect(sources.modules).toHaveLength(61);
    const block = blockFor(sources, 'module.m59["b"].terraform_data.r4_3[1]');
    expect(block).toMatchObject({ file: 'modules/m59/f4.tf', line: 46 });
    expect(block?.provisioners.map((p) => [p.when, p.line])).toEqual([
      ['create', 49],
      ['destroy', 53],
    ]);
  });
});

describe('hcl2json stays out of everything but parser.ts', () => {
  async function sourceFiles(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) out.push(...(await sourceFiles(p)));
      else if (e.name.endsWith('.ts')) out.push(p);
    }
    return out;
  }

  it('lookup.ts imports neither hcl2json nor load.ts', async () => {
    const text = await readFile(join(ROOT, 'src', 'hcl', 'lookup.ts'), 'utf8');
    expect(text).not.toContain('@cdktf/hcl2json');
    expect(text).not.toMatch(/from '\.\/load\.js'/);
  });

  it('parser.ts only resolves it for the worker thread (never imports it), and no other file in src/ or rules/ mentions it', async () => {
    const parser = await readFile(join(ROOT, 'src', 'hcl', 'parser.ts'), 'utf8');
    expect(parser).not.toMatch(/^import[^\n]*['"]@cdktf\/hcl2json['"]/m);
    expect(parser).not.toMatch(/\bimport\(\s*['"]@cdktf\/hcl2json['"]/);
    expect(parser).toMatch(/createRequire\(import\.meta\.url\)\.resolve\('@cdktf\/hcl2json'\)/);
    const others = [...(await sourceFiles(join(ROOT, 'src'))), ...(await sourceFiles(join(ROOT, 'rules')))].filter(
      (f) => !f.endsWith(join('src', 'hcl', 'parser.ts')),
    );
    expect(others.length).toBeGreaterThan(5);
    for (const file of others) expect(await readFile(file, 'utf8'), file).not.toContain('@cdktf/hcl2json');
  });
});
