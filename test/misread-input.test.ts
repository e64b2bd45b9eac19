/**
 * Inputs that are what they claim to be but reach tfguard in another form, through the built CLI: a real plan
 * re-encoded (PowerShell's `>` writes UTF-16 LE with a BOM), a real plan trimmed with jq, the UI event
 * stream of a real `terraform plan -json`, and real saved plans that `terraform show` cannot read. Each
 * either loads and is judged as the original, or is one line on stderr that says what it is (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, json, tfguard, type Run } from './helpers/cli.js';
import { CORPUS, FIXTURES_DIR, hasCorpus, hasTerraform, jsonFilesUnder, NO_CORPUS, needsTerraform } from './helpers/env.js';
import { changesOnly } from './helpers/trim.js';
import { readZip, writeZip } from './helpers/zip.js';

const INCIDENT = join(FIXTURES_DIR, 'incident');
const PLAN_TEXT = readFileSync(join(INCIDENT, 'plan.json'), 'utf8');
const PLAN = JSON.parse(PLAN_TEXT) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'tfguard-misread-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** `tfguard check --format json` run from the temp folder (no .tf files: sources are missing there). */
function check(args: string[], input?: Buffer): Run {
  return tfguard(['check', ...args, '--format', 'json'], { cwd: dir, ...(input ? { input } : {}) });
}

/** What a report decides and finds, without where the plan came from. */
function verdict(run: Run): unknown {
  const report = json(run);
  return { decision: report.decision, summary: report.summary, findings: report.findings };
}

let originalVerdict: unknown;
/** The verdict on the incident plan as Terraform wrote it (UTF-8, untrimmed). */
function original(): unknown {
  originalVerdict ??= verdict(check([join(INCIDENT, 'plan.json')]));
  return originalVerdict;
}

function utf32(text: string, bigEndian: boolean): Buffer {
  const points = [...text].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(points.length * 4);
  for (const [i, p] of points.entries()) {
    if (bigEndian) out.writeUInt32BE(p, i * 4);
    else out.writeUInt32LE(p, i * 4);
  }
  return out;
}

const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

describe('a real plan re-encoded with a byte order mark is read as the plan it is', () => {
  it('the incident plan blocks as UTF-8 (the baseline)', () => {
    expect((original() as { decision: string }).decision).toBe('block');
  });

  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PLAN_TEXT)])],
    ["UTF-16 LE with BOM (PowerShell's >)", Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(PLAN_TEXT)])],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(PLAN_TEXT)])],
    ['UTF-32 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(PLAN_TEXT, false)])],
    ['UTF-32 BE with BOM', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32(PLAN_TEXT, true)])],
  ])('%s, as a file and on stdin', (_what, bytes) => {
    const file = check([write('encoded.json', bytes)]);
    expect(file.code, file.stderr).toBe(1);
    expect(verdict(file)).toEqual(original());
    const stdin = check(['-'], bytes);
    expect(stdin.code, stdin.stderr).toBe(1);
    expect(verdict(stdin)).toEqual(original());
  });

  it('PowerShell `>` of a plan with non-ASCII text (UTF-16 LE, BOM) keeps the text', () => {
    const plan = structuredClone(PLAN) as any;
    plan.resource_changes[0].change.before.input.note = 'Größe – 東京';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(JSON.stringify(plan))]);
    const run = check([write('ps.json', bytes)]);
    expect(run.code, run.stderr).toBe(1);
  });
});

describe('a plan in another encoding without a BOM is one line that names it', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['UTF-16 LE without BOM', utf16le(PLAN_TEXT), /is UTF-16 little-endian text without a byte order mark.*UTF-8/],
    ['UTF-16 BE without BOM', utf16be(PLAN_TEXT), /is UTF-16 big-endian text without a byte order mark/],
    ['UTF-32 LE without BOM', utf32(PLAN_TEXT, false), /is UTF-32 little-endian text without a byte order mark/],
  ];

  it.each(cases)('%s, as a file and on stdin', (_what, bytes, problem) => {
    const path = write('nobom.json', bytes);
    expectOneLineError(check([path]), `${path}: `, problem);
    expectOneLineError(check(['-'], bytes), '(stdin): ', problem);
  });

  it('Latin-1 bytes (a plan saved in a legacy code page) name the byte and where', () => {
    const plan = structuredClone(PLAN) as any;
    plan.resource_changes[0].change.before.input.note = 'Größe';
    const text = JSON.stringify(plan);
    const at = Buffer.from(text.slice(0, text.indexOf('ö')), 'latin1').length;
    const path = write('latin1.json', Buffer.from(text, 'latin1'));
    expectOneLineError(check([path]), `${path}: is not UTF-8 (byte 0xF6 at offset ${at}`, 'Latin-1');
    // The same text as UTF-8 is read.
    expect(check([write('utf8.json', text)]).code).toBe(1);
  });
});

describe('a real plan trimmed with jq to its resource_changes is a plan', () => {
  const trimmed = write('trimmed.json', JSON.stringify(changesOnly(PLAN)));

  it('the incident, trimmed, still blocks; the rules say what they lack', () => {
    const run = check([trimmed]);
    expect(run.code, run.stderr).toBe(1);
    const findings = json(run).findings as { rule: string; message: string; severity: string }[];
    const blast = findings.find((f) => f.rule === 'blast-radius')!;
    expect(blast.message).toContain('3 of at least 3 instances');
    expect(blast.message).toContain('at least 3, from resource_changes only');
    // No configuration, no sources in the temp folder: a destroy-time provisioner cannot be ruled out.
    const provisioner = findings.find((f) => f.rule === 'destroy-provisioner')!;
    expect(provisioner.severity).toBe('block');
    expect(provisioner.message).toMatch(/^Cannot tell whether destroying 3 instance\(s\) runs a destroy-time provisioner: the plan has no configuration/);
    expect(findings.find((f) => f.rule === 'plan-incomplete')?.severity).toBe('warn');
  });

  it('with --dir, the sources show the reset command that will run on each control plane', () => {
    const run = check([trimmed, '--dir', join(INCIDENT, 'src')]);
    expect(run.code, run.stderr).toBe(1);
    const provisioners = (json(run).findings as { rule: string; message: string }[]).filter((f) => f.rule === 'destroy-provisioner');
    expect(provisioners).toHaveLength(3);
    for (const f of provisioners) expect(f.message).toMatch(/talosctl reset --nodes 192\.168\.111\.19\d --graceful=false --reboot/);
  });

  it('an empty state trimmed by the same filter is still refused (resource_changes is null)', () => {
    const state = { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: {} } };
    const path = write('state-trimmed.json', JSON.stringify(changesOnly(state)));
    expectOneLineError(check([path]), 'has no planned_values and resource_changes is null: not a plan');
  });

  it.skipIf(!hasCorpus)(hasCorpus ? 'a no-changes corpus plan trimmed (resource_changes null) is refused' : NO_CORPUS, () => {
    const plan = JSON.parse(readFileSync(join(CORPUS, 'tf-plan-format', 'no-resources.json'), 'utf8'));
    expectOneLineError(check([write('none.json', JSON.stringify(changesOnly(plan)))]), 'not a plan');
  });

  it.skipIf(!hasCorpus)(hasCorpus ? 'corpus plans trimmed load and are decided through the CLI' : NO_CORPUS, () => {
    for (const name of ['tfplan2md/azuredevops-mixed-actions.json', 'terraform-compliance/issue-522-delete-drift-tf1.0.json']) {
      const plan = JSON.parse(readFileSync(join(CORPUS, name), 'utf8'));
      const run = check([write('corpus-trimmed.json', JSON.stringify(changesOnly(plan)))]);
      expect([0, 1], `${name}: ${run.stderr}`).toContain(run.code);
      expect(json(run).summary.delete + json(run).summary.replace, name).toBeGreaterThan(0);
    }
  });

  it.skipIf(!hasCorpus)(hasCorpus ? 'every corpus state trimmed the same way is refused' : NO_CORPUS, () => {
    const states = jsonFilesUnder(join(CORPUS, 'state'));
    expect(states.length).toBeGreaterThan(0);
    for (const name of states) {
      const state = JSON.parse(readFileSync(join(CORPUS, 'state', name), 'utf8'));
      const run = check([write('state.json', JSON.stringify(changesOnly(state)))]);
      expect(run.code, `${name}: ${run.stderr}`).toBe(2);
    }
  });
});

/** A workspace of terraform_data (no provider download) for the real binary. */
function workspace(tf: string): string {
  const ws = mkdtempSync(join(dir, 'ws-'));
  writeFileSync(join(ws, 'main.tf'), tf);
  return ws;
}

function terraform(args: string[], cwd: string): string {
  const result = spawnSync('terraform', args, { cwd, encoding: 'utf8', env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe('the UI event stream of `terraform plan -json` is named, with how to get a plan', () => {
  it.skipIf(!hasTerraform)(
    needsTerraform('a real stream, as a file and on stdin'),
    () => {
      const ws = workspace('resource "terraform_data" "node" {\n  for_each = toset(["a", "b"])\n  input = each.key\n}\n');
      const stream = terraform(['plan', '-json', '-input=false'], ws);
      expect(stream.split('\n')[0]).toMatch(/^\{"@level":"info","@message":"Terraform \d/);
      const path = write('stream.json', stream);
      const fix = 'terraform plan -out=tfplan && terraform show -json tfplan';
      expectOneLineError(check([path]), `${path}: is the UI event stream of \`terraform plan -json\``, fix);
      expectOneLineError(check(['-'], Buffer.from(stream)), '(stdin): is the UI event stream', fix);
      // Its first line alone is valid JSON: still named for what it is.
      expectOneLineError(check([write('one-event.json', stream.split('\n')[0]!)]), 'is the UI event stream', fix);
    },
    60_000,
  );
});

describe("a saved plan terraform show cannot read keeps Terraform's reason", () => {
  const tfplan = readFileSync(join(INCIDENT, 'plan.tfplan'));
  const version = PLAN.terraform_version as string;

  /** The incident's saved plan with the Terraform version inside its `tfplan` member replaced. */
  function withVersion(other: string): Buffer {
    expect(other).toHaveLength(version.length); // a protobuf string: same length, same framing
    const entries = readZip(tfplan).map((e) =>
      e.name === 'tfplan' ? { name: e.name, data: Buffer.from(e.data.toString('latin1').replace(version, other), 'latin1') } : e,
    );
    expect(entries.find((e) => e.name === 'tfplan')!.data.includes(other)).toBe(true);
    return writeZip(entries);
  }

  it.skipIf(!hasTerraform)(
    needsTerraform('the rezipped plan, unchanged, still loads (the edit is the only difference)'),
    () => {
      const run = check([write('same.tfplan', withVersion(version))]);
      expect(run.code, run.stderr).toBe(1);
    },
    60_000,
  );

  it.skipIf(!hasTerraform)(
    needsTerraform('a plan made by another Terraform version: its version and ours, as a file and on stdin'),
    () => {
      const bytes = withVersion('1.10.9');
      const path = write('old.tfplan', bytes);
      const reason =
        /Plan read error: plan file was created by Terraform 1\.10\.9, but this is \d+\.\d+\.\d+; plan files cannot be transferred between different Terraform versions/;
      expectOneLineError(check([path]), `${path}: is a saved binary plan and could not be read`, reason, '--terraform-bin');
      expectOneLineError(check(['-'], bytes), '(stdin): is a saved binary plan', reason);
    },
    60_000,
  );

  it.skipIf(!hasTerraform)(
    needsTerraform("a corrupt zip (a real plan cut short): Terraform's summary and its plan read error"),
    () => {
      const path = write('cut.tfplan', tfplan.subarray(0, 200));
      const run = check([path]);
      expectOneLineError(run, 'Error: Failed to read the given file as a state or plan file', 'zip: not a valid zip file');
      // Terraform also tried it as a state: that half is noise for a zip.
      expect(run.stderr).not.toContain('State read error');
    },
    60_000,
  );
});
