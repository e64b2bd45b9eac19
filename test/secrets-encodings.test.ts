/**
 * The second guard against printing a secret: every string a plan marks sensitive is redacted in every form the
 * plan, or a report made from it, can hold it in (src/redact). Unit tests of the forms, short secrets and the
 * one compiled expression; then the real `encoded-secrets` plan (Terraform 1.11: nonsensitive(jsonencode(...)),
 * a jsonencode in a jsonencode, urlencode, a for_each key) through the built CLI in every format.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SENSITIVE, collectSecrets, displayAt, redactText } from '../src/plan/values.js';
import { redactDeep, secretsMatcher } from '../src/redact/redact.js';
import { FORMAT_NAMES } from '../src/report/index.js';
import { json, tfguard } from './helpers/cli.js';
import { FIXTURES_DIR } from './helpers/env.js';
import { canaries, goEscape, hclQuote, jsEscape, leaks, secretForms } from './helpers/secret-forms.js';

/** Every character an encoder treats specially: `&<>` (Go), `"` and `\` (JSON), space and `+` (urlencode), U+2028, `${` and `%{` (HCL), `'` (shell), non-ASCII. */
const SECRET = 'K7fq&Lm2x<Np4w>Rs6v"Tu8z\\Vw1y Xy3k\'Za5j\u2028Bc9h${De0g}%{Fg2e}\u00e9Hj4d/+Ik6c\u2029Mn8b\nPq7a\u001bSt6w😀Uv5r';

describe('redactText: every form of a secret', () => {
  const secrets = new Set([SECRET]);

  it.each(Object.entries(secretForms(SECRET)))('%s', (_name, form) => {
    const out = redactText(`before ${form} after`, secrets);
    expect(out).toBe(`before ${SENSITIVE} after`);
  });

  it('escaped once or twice by the plan (either style), HCL-quoted, then shown inside an object by tfguard', () => {
    const plan = [
      SECRET,
      goEscape(SECRET),
      goEscape(goEscape(SECRET)),
      jsEscape(SECRET),
      jsEscape(jsEscape(SECRET)),
      hclQuote(SECRET),
      hclQuote(goEscape(SECRET)),
    ];
    for (const form of plan.flatMap((f) => [f, jsEscape(f)])) {
      expect(redactText(`[${form}]`, secrets), form).toBe(`[${SENSITIVE}]`);
    }
  });

  it('JSON stays valid: a Go-escaped secret inside a JSON document inside a JSON report', () => {
    const inner = `{"t":"${goEscape(SECRET)}"}`;
    const report = JSON.stringify({ message: `runs ${inner}`, nested: JSON.stringify({ body: inner }) });
    const out = redactText(report, secrets);
    expect(leaks(out, [SECRET])).toEqual([]);
    const parsed = JSON.parse(out);
    expect(parsed.message).toBe(`runs {"t":"${SENSITIVE}"}`);
    expect(JSON.parse(parsed.nested)).toEqual({ body: `{"t":"${SENSITIVE}"}` });
  });

  it('an HCL-quoted key in an address', () => {
    expect(redactText(`terraform_data.x["${hclQuote(SECRET)}"]`, secrets)).toBe(`terraform_data.x["${SENSITIVE}"]`);
  });

  it('a secret ending in a backslash leaves no half escape behind in JSON', () => {
    const secret = 'ends-with-\\';
    const out = redactText(JSON.stringify({ a: `${secret}"` }), new Set([secret]));
    expect(JSON.parse(out)).toEqual({ a: `${SENSITIVE}"` });
  });

  it('redactDeep redacts object keys too', () => {
    expect(redactDeep({ [`k ${SECRET}`]: [`v ${goEscape(SECRET)}`] }, secrets)).toEqual({ [`k ${SENSITIVE}`]: [`v ${SENSITIVE}`] });
  });
});

describe('short secrets', () => {
  it('shorter than 6 characters: never searched for, but masked wherever the plan marks them', () => {
    const after = { token: 'ab&1x', copy: 'ab&1x', longer: 'ab&1x2' };
    const mask = { token: true, longer: true };
    const secrets = new Set<string>();
    collectSecrets(after, mask, secrets);
    expect(secrets).toEqual(new Set(['ab&1x2']));
    expect(displayAt(after, mask, ['token'], false, secrets)).toBe(SENSITIVE);
    expect(displayAt({ t: 'x' }, { t: true }, ['t'])).toBe(SENSITIVE);
    // An unmasked copy of a short secret is shown: the documented limit of the second guard.
    expect(displayAt(after, mask, ['copy'], false, secrets)).toBe('ab&1x');
    expect(redactText('ab&1x ab\\u00261x2', secrets)).toBe(`ab&1x ${SENSITIVE}`);
  });
});

describe('one compiled expression per secret set', () => {
  it('is built once per set; a plain secret adds one alternative, itself', () => {
    const plain = new Set(Array.from({ length: 1000 }, (_, i) => `secret-${i}-xxxxxxxx`));
    const m = secretsMatcher(plain)!;
    expect(secretsMatcher(plain)).toBe(m);
    expect(m.re.source.split('|')).toHaveLength(1000);
    expect(secretsMatcher(new Set())).toBeNull();
  });

  it('is made of literals only, one anchor for a secret with special characters (not its thirty forms)', () => {
    const special = new Set(Array.from({ length: 1000 }, (_, i) => `${SECRET}-${i}`));
    const m = secretsMatcher(special)!;
    expect(m.re.source.split('|').length).toBeLessThanOrEqual(1000);
    expect(m.re.source.replace(/\\./g, '')).not.toMatch(/[()[\]{}*+?]/);
    expect(redactText(`x ${goEscape(`${SECRET}-999`)} y`, special)).toBe(`x ${SENSITIVE} y`);
  });

  it('ten thousand secrets with special characters, 2000 strings (as a report has): a few seconds at most', () => {
    const start = performance.now();
    const secrets = new Set(Array.from({ length: 10_000 }, (_, i) => `s&cr<t>-${i}-"x\\y' z\u2028é-${i * 7}`));
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `terraform_data.disk[${i}] id-${i} ${i % 97 === 0 ? goEscape(`s&cr<t>-${i}-"x\\y' z\u2028é-${i * 7}`) : ''}`,
    );
    const out = lines.map((line) => redactText(line, secrets)).join('\n');
    expect(out).not.toContain('\\u0026cr');
    expect(out.split(SENSITIVE)).toHaveLength(Math.ceil(2000 / 97) + 1);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('secrets that overlap in a text are covered whole; an anchor without its secret changes nothing', () => {
    const secrets = new Set(['abcd&efgh', 'efgh&ijkl', '!@#$%^&*']);
    expect(redactText('[abcd&efgh&ijkl]', secrets)).toBe(`[${SENSITIVE}]`);
    expect(redactText('[abcd\\u0026efgh\\u0026ijkl]', secrets)).toBe(`[${SENSITIVE}]`);
    expect(redactText('abcd efgh ijkl', secrets)).toBe('abcd efgh ijkl');
    expect(redactText(`a ${goEscape('!@#$%^&*')} b ${encodeURIComponent('!@#$%^&*')}`, secrets)).toBe(`a ${SENSITIVE} b ${SENSITIVE}`);
  });
});

const FIXTURE = 'encoded-secrets';
const PLAN = `fixtures/${FIXTURE}/plan.json`;
const SRC = `fixtures/${FIXTURE}/src`;
const scenario = JSON.parse(readFileSync(join(FIXTURES_DIR, FIXTURE, 'scenario.json'), 'utf8')) as { secrets: string[] };
const [TOKEN, TENANT] = scenario.secrets as [string, string];

describe(`the real ${FIXTURE} plan`, () => {
  const planText = readFileSync(join(FIXTURES_DIR, FIXTURE, 'plan.json'), 'utf8');
  const planJson = JSON.parse(planText);
  const storm = planJson.resource_changes.find((rc: any) => rc.address === 'terraform_data.storm_disk_wipe');
  const tenant = planJson.resource_changes.find((rc: any) => rc.name === 'tenant_disk_wipe');

  it('holds the secrets Go-escaped, escaped twice, percent-encoded (+ for a space) and HCL-quoted, unmasked', () => {
    const input = storm.change.before.input;
    expect(storm.change.before_sensitive.input).toEqual({ token: true });
    expect(input.header).toBe(`{"authorization":"Bearer ${goEscape(TOKEN)}"}`);
    expect(input.header).toContain('\\u0026Lm2x\\u003cNp4w\\u003e');
    expect(input.body).toBe(`{"request":"${goEscape(`{"token":"${goEscape(TOKEN)}"}`)}"}`);
    expect(input.query).toContain(`token=${secretForms(TOKEN).query}`);
    expect(input.query).toContain('Vw1y+Xy3k');
    expect(tenant.address).toBe(`terraform_data.tenant_disk_wipe["${hclQuote(TENANT)}"]`);
    expect(tenant.index).toBe(TENANT);
    for (const secret of [TOKEN, TENANT]) expect(canaries(secret).length).toBeGreaterThanOrEqual(6);
  });

  it.each(FORMAT_NAMES)('--format %s holds no form of either secret, to stdout, to a file and in the job summary', (format) => {
    const dir = mkdtempSync(join(tmpdir(), 'tfguard-secrets-'));
    const file = join(dir, `report.${format}`);
    const summary = join(dir, 'summary.md');
    const run = tfguard(['check', PLAN, '--dir', SRC, '--format', format]);
    expect(run.code, run.stderr).toBe(1);
    const toFile = tfguard(['check', PLAN, '--dir', SRC, '--format', `${format}=${file}`, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(toFile.code, toFile.stderr).toBe(1);
    const outputs = {
      stdout: run.stdout,
      stderr: run.stderr + toFile.stderr,
      file: readFileSync(file, 'utf8'),
      github: toFile.stdout,
      summary: readFileSync(summary, 'utf8'),
    };
    for (const [where, text] of Object.entries(outputs)) {
      expect(leaks(text, [TOKEN, TENANT]), `${format} ${where}`).toEqual([]);
      for (const [name, form] of Object.entries({ ...secretForms(TOKEN), ...secretForms(TENANT) })) {
        expect(text.includes(form), `${format} ${where}: ${name} form`).toBe(false);
      }
    }
    // The report still says what runs, with the secret's place marked.
    expect(run.stdout).toContain('Bearer');
    expect(run.stdout).toContain(SENSITIVE);
    if (format === 'json' || format === 'sarif') expect(() => json(run)).not.toThrow();
  });
});
