/**
 * What a person reads: `tfguard rules` shows the rules that block or warn finding by finding; the apply prompt says
 * what was expected when the answer is not the phrase, and the warn verdict does not speak of an -auto-approve
 * nobody gave; `tfguard init` points `$schema` at a schema that exists; links in reports come from the package's
 * `homepage`/`repository` (none without), and the text report points at `tfguard explain RULE`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ask } from '../src/apply/prompt.js';
import { publishedSchemaUrl } from '../src/commands/init.js';
import { PER_FINDING_SEVERITY, SCHEMA_FILE } from '../src/config/json-schema.js';
import { docsBaseUrl, repositoryWebUrl } from '../src/package-info.js';
import { ruleDocsUrl } from '../src/report/report.js';
import { FIXTURES_DIR, hasTerraform, needsTerraform, ROOT } from './helpers/env.js';
import { json, tfguard } from './helpers/cli.js';
import { hasScript, killStragglers, makeWorkspace, ptyTfguard } from './helpers/workspace.js';

const tmp = mkdtempSync(join(tmpdir(), 'tfguard-small-'));
afterAll(() => {
  killStragglers();
  rmSync(tmp, { recursive: true, force: true });
});
const PLAN = join(FIXTURES_DIR, 'incident', 'plan.json');
const SRC = join(FIXTURES_DIR, 'incident', 'src');

describe('tfguard rules', () => {
  it('shows block|warn for the rules that pick a severity finding by finding', () => {
    const run = tfguard(['rules']);
    expect(run.code).toBe(0);
    for (const line of run.stdout.split('\n').filter((l) => /^[a-z-]+\s+(block|warn)/.test(l))) {
      const [id, severity] = line.split(/\s+/);
      expect(severity, id).toEqual(PER_FINDING_SEVERITY.has(id!) ? 'block|warn' : expect.stringMatching(/^(block|warn)$/));
    }
    expect(run.stdout).toMatch(/^blast-radius\s+block\|warn\s/m);
    expect(run.stdout).toContain('block|warn: the rule blocks or warns finding by finding');
    const rows = json(tfguard(['rules', '--format', 'json']));
    expect(
      rows
        .filter((r: any) => r.per_finding)
        .map((r: any) => r.id)
        .sort(),
    ).toEqual([...PER_FINDING_SEVERITY].sort());
    expect(rows[0].docs).toBe(`tfguard explain ${rows[0].id}`);
  });
});

describe('the prompt', () => {
  const answer = async (typed: string, phrase: string) => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += String(d)));
    const yes = ask(`type "${phrase}": `, phrase, { input, output });
    input.end(typed);
    return { yes: await yes, shown };
  };

  it('"yes" at a "destroy 3" prompt says that the plan needs "destroy 3"', async () => {
    const { yes, shown } = await answer('yes\n', 'destroy 3');
    expect(yes).toBe(false);
    expect(shown).toContain('tfguard: "yes" is not "destroy 3": this plan needs "destroy 3", not yes. Nothing is applied');
    expect((await answer('destroy 3\n', 'destroy 3')).yes).toBe(true);
    expect((await answer('\n', 'accept 1')).shown).toContain('tfguard: nothing was typed. Nothing is applied; run tfguard apply again and type "accept 1"');
  });

  it.skipIf(!hasTerraform || !hasScript)(
    needsTerraform('on a terminal: the warn verdict names no -auto-approve, and "yes" at "accept 1" says what was expected'),
    async () => {
      const dir = makeWorkspace('prompt', { 'main.tf': 'variable "n" {\n  default = 1\n}\nresource "terraform_data" "w" {\n  count = var.n\n}\n' });
      const pty = ptyTfguard(['apply', '-var', 'n=2', '--expect', 'terraform_data.zzz', '-no-color'], { cwd: dir });
      await pty.waitFor(/type "accept 1": /);
      pty.type('yes\n');
      const { code, output } = await pty.done;
      expect(code).toBe(1);
      expect(output).toContain('WARN: a person must review this plan (1 warning): tfguard apply asks for confirmation');
      expect(output).not.toContain('-auto-approve is refused');
      expect(output).toContain('"yes" is not "accept 1": this plan needs "accept 1", not yes.');
      expect(output).toContain('declined: nothing was applied.');
    },
    120_000,
  );
});

describe('tfguard init', () => {
  it('without tfguard in node_modules, $schema is the schema of the tfguard that ran, which exists, and it says so', () => {
    const dir = join(tmp, 'init');
    mkdirSync(dir);
    const run = tfguard(['init', '--dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    const ref = JSON.parse(readFileSync(join(dir, '.tfguard.json'), 'utf8')).$schema;
    expect(ref).toBe(join(ROOT, SCHEMA_FILE));
    expect(existsSync(ref)).toBe(true);
    expect(run.stdout).toContain(`It points at this machine's tfguard (${ref})`);
  });

  it('a package published from GitHub or GitLab points at the schema of its version tag', () => {
    expect(publishedSchemaUrl({ version: '1.2.3', repository: 'git+https://github.com/acme/tfguard.git' })).toBe(
      'https://raw.githubusercontent.com/acme/tfguard/v1.2.3/schema/tfguard.schema.json',
    );
    expect(publishedSchemaUrl({ version: '1.2.3', repository: { type: 'git', url: 'https://gitlab.com/acme/tfguard.git' } })).toBe(
      'https://gitlab.com/acme/tfguard/-/raw/v1.2.3/schema/tfguard.schema.json',
    );
    expect(publishedSchemaUrl({ version: '1.2.3' })).toBeUndefined();
  });
});

describe('links', () => {
  it('come from homepage, else repository, and are absent without either', () => {
    expect(repositoryWebUrl('github:acme/tfguard')).toBe('https://github.com/acme/tfguard');
    expect(repositoryWebUrl('acme/tfguard')).toBe('https://github.com/acme/tfguard');
    expect(repositoryWebUrl('git@gitlab.example.com:infra/tfguard.git')).toBe('https://gitlab.example.com/infra/tfguard');
    expect(repositoryWebUrl({ url: 'git+ssh://git@github.com/acme/tfguard.git' })).toBe('https://github.com/acme/tfguard');
    expect(docsBaseUrl({ homepage: 'https://docs.example.com/tfguard#readme', repository: 'acme/tfguard' })).toBe('https://docs.example.com/tfguard');
    expect(docsBaseUrl({ repository: 'acme/tfguard' })).toBe('https://github.com/acme/tfguard');
    expect(ruleDocsUrl('blast-radius', 'https://github.com/acme/tfguard')).toBe('https://github.com/acme/tfguard#blast-radius');
    expect(docsBaseUrl({})).toBeUndefined();
  });

  it('this package has no homepage or repository: no link in markdown or SARIF, and text points at tfguard explain', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.homepage ?? pkg.repository).toBeUndefined();
    const markdown = tfguard(['check', PLAN, '--dir', SRC, '--format', 'markdown']).stdout;
    expect(markdown).not.toMatch(/https?:\/\//);
    expect(markdown).toContain('docs: `tfguard explain blast-radius`');
    const sarif = JSON.parse(tfguard(['check', PLAN, '--dir', SRC, '--format', 'sarif']).stdout);
    expect(JSON.stringify(sarif.runs[0].tool)).not.toMatch(/helpUri|informationUri|github\.com/);
    const text = tfguard(['check', PLAN, '--dir', SRC]).stdout;
    expect(text).toContain('  docs: tfguard explain blast-radius');
    expect(text).not.toContain('README.md#');
  });
});
