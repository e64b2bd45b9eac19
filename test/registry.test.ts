/** The registry is complete and sorted, and every rule is tested and documented. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { VERSION } from '../src/version.js';

const root = join(import.meta.dirname, '..');
const ruleFiles = readdirSync(join(root, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('rule registry', () => {
  it('registers every rule file, sorted by id, file name = rule id', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(ids).toEqual(ruleFiles);
    expect(ids).toEqual([...ids].sort());
  });

  it.each(ruleFiles)('%s has a test file and a README section with its default severity', (id) => {
    expect(existsSync(join(root, 'test', 'rules', `${id}.test.ts`)), `test/rules/${id}.test.ts`).toBe(true);
    const section = readme.split(/^### /m).find((s) => s.startsWith(`\`${id}\``));
    expect(section, `README section "### \`${id}\`"`).toBeDefined();
    const rule = RULES.find((r) => r.meta.id === id)!;
    expect(section).toContain(`Default severity: ${rule.meta.severity}`);
    for (const option of Object.keys(rule.meta.options.shape)) expect(section, `option ${option}`).toContain(`\`${option}\``);
  });

  it('every option has a default, so a rule runs with no config', () => {
    for (const rule of RULES) expect(() => rule.meta.options.parse({})).not.toThrow();
  });

  it('keeps the version in step with package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});
