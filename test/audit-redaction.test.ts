/**
 * The audit log goes through the same redaction as the reports: a real `tfguard apply` on a real Terraform
 * workspace whose helpers carry a sensitive token in unmasked attributes (Go-escaped, escaped twice,
 * percent-encoded) and are keyed by a sensitive tenant name (for_each over nonsensitive(...)). The refused
 * applies record findings, waived findings, overrides and a `-replace=ADDRESS` argument that all name the
 * tenant's instance: none of `.tfguard/audit.jsonl`, tfguard's report and its stderr may hold either secret in
 * any form. Plus the synchronous write of the signal handler, directly.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditRecord } from '../src/apply/audit.js';
import { SENSITIVE } from '../src/plan/values.js';
import { FIXTURES_DIR, hasTerraform, NO_TERRAFORM, ROOT } from './helpers/env.js';
import { goEscape, hclQuote, leaks, secretForms } from './helpers/secret-forms.js';
import { auditRecords, copyWorkspace, entries, freshDir, killStragglers, makeWorkspace, scratchDir, tfguard, type Run } from './helpers/workspace.js';

const scenario = JSON.parse(readFileSync(join(FIXTURES_DIR, 'encoded-secrets', 'scenario.json'), 'utf8')) as { secrets: string[] };
const [TOKEN, TENANT] = scenario.secrets as [string, string];
const SECRETS = [TOKEN, TENANT];
const TENANT_ADDRESS = `terraform_data.tenant_disk_wipe["${hclQuote(TENANT)}"]`;
const REDACTED_TENANT = `terraform_data.tenant_disk_wipe["${SENSITIVE}"]`;

/**
 * A stage of the encoded-secrets fixture, whose destroy-time commands (a curl to a node, carrying the token)
 * become a shell comment after a marker, should they ever run: the report still shows them, secrets masked.
 */
const stage = (n: 1 | 2) =>
  readFileSync(join(FIXTURES_DIR, 'encoded-secrets', 'stages', String(n), 'main.tf'), 'utf8').replace(
    /^(\s*command\s*=\s*)"(.*)"$/gm,
    (_, head: string, command: string) => `${head}"touch \${path.module}/marker-\${self.id} # ${command}"`,
  );

let template = '';

beforeAll(() => {
  scratchDir();
  if (hasTerraform) template = makeWorkspace('secrets', { 'main.tf': stage(1) });
}, 120_000);

afterAll(() => {
  killStragglers();
  rmSync(scratchDir(), { recursive: true, force: true });
});

/** No secret in any form: neither its 4-character runs nor any whole form. */
function expectNoSecret(text: string, where: string): void {
  expect(leaks(text, SECRETS), where).toEqual([]);
  for (const secret of SECRETS) {
    for (const [name, form] of Object.entries(secretForms(secret))) expect(text.includes(form), `${where}: ${name} form`).toBe(false);
  }
}

/** What tfguard printed (its report from the header on, and stderr); terraform's own plan output comes first. */
function ownOutput(run: Run): string {
  const at = run.stdout.indexOf('tfguard 0.1.0 · ');
  expect(at, run.stdout + run.stderr).toBeGreaterThanOrEqual(0);
  return run.stdout.slice(at) + run.stderr;
}

/** A refused apply: exit 1, nothing destroyed, no secret in tfguard's output or anywhere in the audit log. */
async function refusedApply(ws: string, args: string[]): Promise<any> {
  const run = await tfguard(['apply', '-auto-approve', ...args], { cwd: ws });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  expect(run.stderr).toContain('refused');
  expect(entries(ws, 'marker-')).toEqual([]);
  expectNoSecret(readFileSync(join(ws, '.tfguard', 'audit.jsonl'), 'utf8'), 'audit log');
  expectNoSecret(ownOutput(run), 'report');
  const record = auditRecords(ws).at(-1);
  expect(record.decision).toBe('refused');
  return { ...record, stdout: run.stdout };
}

const addressesOf = (items: { addresses: string[] }[]) => [...new Set(items.flatMap((i) => i.addresses))].sort();

describe.skipIf(!hasTerraform)('the audit log is redacted like the reports', () => {
  it(`findings, waived findings and overrides name the tenant's instance only as ${REDACTED_TENANT}`, async () => {
    const ws = copyWorkspace(template, 'audit-findings');
    writeFileSync(join(ws, 'main.tf'), stage(2)); // a new disk: both helpers are replaced
    const plain = await refusedApply(ws, []);
    expect(addressesOf(plain.findings)).toEqual(['terraform_data.storm_disk_wipe', REDACTED_TENANT]);
    expect(plain.stdout).toContain(`- ${REDACTED_TENANT}`);
    expect(plain.stdout).toContain(`-H '{"authorization":"Bearer ${SENSITIVE}"}'`);

    writeFileSync(
      join(ws, '.tfguard.json'),
      JSON.stringify({
        waivers: [{ rule: 'destroy-provisioner', address: 'terraform_data.tenant_disk_wipe*', reason: 'CHG-9 tenant disk moves', expires: '2099-12-31' }],
      }),
    );
    const record = await refusedApply(ws, ['--allow', 'reset-on-destroy-replaced', '--reason', 'CHG-9 both disks move']);
    expect(addressesOf(record.findings)).toEqual(['terraform_data.storm_disk_wipe']);
    expect(addressesOf(record.waived)).toEqual([REDACTED_TENANT]);
    expect(record.waived[0].address).toBe('terraform_data.tenant_disk_wipe*');
    expect(addressesOf(record.overrides)).toEqual(['terraform_data.storm_disk_wipe', REDACTED_TENANT]);
    expect(auditRecords(ws)).toHaveLength(2);
  }, 60_000);

  it('a -replace=ADDRESS argument naming the secret key is recorded redacted', async () => {
    const ws = copyWorkspace(template, 'audit-replace');
    const record = await refusedApply(ws, [`-replace=${TENANT_ADDRESS}`]);
    expect(record.args).toEqual(['-auto-approve', `-replace=${REDACTED_TENANT}`]);
    expect(addressesOf(record.findings)).toEqual([REDACTED_TENANT]);
  }, 60_000);
});

describe('AuditLog', () => {
  const record = (): AuditRecord => ({
    time: '2026-01-01T00:00:00.000Z',
    user: 'u',
    host: 'h',
    cwd: '/',
    dir: '/',
    terraform: { bin: null, version: null },
    args: [`-replace=${TENANT_ADDRESS}`],
    plan: { file: null, sha256: null, format_version: null },
    summary: null,
    findings: [{ rule: 'destroy-provisioner', severity: 'block', addresses: [TENANT_ADDRESS] }],
    waived: [],
    overrides: [],
    expect: [],
    decision: 'interrupted',
    why: `interrupted while showing ${goEscape(TOKEN)}`,
    terraform_exit_code: null,
  });

  it('append, and the appendSync of the signal handler (in a process that then exits), redact with the plan’s secrets', async () => {
    const path = join(freshDir('audit-unit'), 'audit.jsonl');
    const log = await AuditLog.open(path);
    log.redacting(new Set(SECRETS));
    await log.append(record());
    // appendSync closes the file under its FileHandle: only right before process.exit, as in the signal handler.
    const audit = pathToFileURL(join(ROOT, 'dist', 'src', 'apply', 'audit.js')).href;
    const script = `const { AuditLog } = await import(${JSON.stringify(audit)});
      const [path, secrets, record] = JSON.parse(process.argv[1]);
      const log = await AuditLog.open(path);
      log.redacting(new Set(secrets));
      log.appendSync(record);
      process.exit(130);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([path, SECRETS, record()])], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(130);
    const text = readFileSync(path, 'utf8');
    expectNoSecret(text, 'audit log');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.args).toEqual([`-replace=${REDACTED_TENANT}`]);
      expect(line.findings[0].addresses).toEqual([REDACTED_TENANT]);
      expect(line.why).toBe(`interrupted while showing ${SENSITIVE}`);
    }
  });
});

if (!hasTerraform) it.skip(`audit log end to end [skipped: ${NO_TERRAFORM}]`, () => {});
