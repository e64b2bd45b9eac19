/**
 * How the text and markdown reports show advice and `--allow` overrides, on the real incident plan with its
 * sources: the alternatives once (later findings with the same ones point back), as a code block in markdown;
 * overridden findings in full (addresses, the destroy-time commands that will run) and a "PASS with N
 * overridden findings" verdict that says a person must confirm.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { applyOverrides } from '../src/apply/overrides.js';
import { defaultConfig } from '../src/config/resolve.js';
import { runRules } from '../src/engine/run.js';
import { loadSources } from '../src/hcl/load.js';
import { redactRendered } from '../src/redact/redact.js';
import { FORMATS } from '../src/report/index.js';
import { formatMarkdownSet } from '../src/report/markdown.js';
import { buildReport } from '../src/report/report.js';
import { reportSet } from '../src/report/set.js';
import { formatText } from '../src/report/text.js';
import { codeTexts, md } from './helpers/markdown.js';
import { check, FIXTURES, fixturePlan, makePlan } from './helpers/plan.js';

const IDS = RULES.map((r) => r.meta.id);
const INCIDENT_RULES = ['blast-radius', 'destroy-provisioner', 'reset-on-destroy-replaced'];

async function incident(allow: string[] = []) {
  const plan = fixturePlan('incident');
  const sources = await loadSources(join(FIXTURES, 'incident', 'src'));
  const reviewed = runRules({ plan, config: defaultConfig(RULES), rules: RULES, today: '2026-11-21', sources: { status: 'loaded', sources } });
  const { result, overridden } = applyOverrides(
    reviewed,
    allow.map((rule) => ({ rule })),
    'CHG-7 rebuild',
    IDS,
  );
  return buildReport({ source: 'plan.json', plan, result, ...(allow.length > 0 ? { overridden } : {}) });
}

describe('advice in the reports', () => {
  it('text: the alternatives once; destroy-provisioner findings with the same ones say "as above"', async () => {
    const text = formatText(await incident());
    expect(text.match(/ignore_changes = \[triggers_replace\]/g)).toHaveLength(2); // blast-radius's, and the first destroy-provisioner's
    expect(text.match(/^ {2}Instead: as above\.$/gm)).toHaveLength(2);
    expect(text).toContain('  Instead:\n    # Staging does not help: ');
    expect(text).not.toMatch(/^\s*terraform apply/m);
  });

  it('markdown: "Instead:" and the lines as one hcl code block, shown once', async () => {
    const out = formatMarkdownSet(reportSet([await incident()]));
    expect(out).not.toContain('one at a time:');
    const blocks = codeTexts(md.render(out)).filter((c) => c.includes('ignore_changes'));
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(
      /^# Staging does not help: [^\n]*\n# Keep them from being replaced: [^\n]*\nlifecycle \{\n {2}ignore_changes = \[triggers_replace\]\n\}\n/,
    );
    expect(out).toContain('```hcl\n# Staging does not help');
    expect(out.match(/^Instead: as above\.$/gm)).toHaveLength(2);
  });
});

describe('--allow overrides in the report', () => {
  it('every finding overridden: "PASS with 5 overridden findings", each listed with its addresses and the commands that will run', async () => {
    const report = await incident(INCIDENT_RULES);
    expect(report.decision).toBe('pass');
    const text = formatText(report);
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('PASS with 5 overridden findings: nothing else fired; -auto-approve is refused and a person must confirm on a terminal.');
    expect(text).toContain('Overridden for this run (5): these still happen if you confirm.');
    expect(text).toContain('OVERRIDDEN  blast-radius on 3 address(es) by --allow blast-radius: CHG-7 rebuild');
    const blast = text.slice(text.indexOf('OVERRIDDEN  blast-radius'), text.indexOf('OVERRIDDEN  destroy-provisioner'));
    for (const [key, ip] of [
      ['fresh', '192'],
      ['powder', '191'],
      ['storm', '193'],
    ]) {
      expect(blast).toContain(`    - terraform_data.cp_reset_on_destroy["${key}"]`);
      expect(blast).toContain(
        `    runs at destroy time (local-exec, main.tf:49): talosctl reset --nodes 192.168.111.${ip} --graceful=false --reboot — DESTRUCTIVE (talosctl reset, reboot/shutdown)`,
      );
    }
  });

  it('one rule overridden, the rest still blocking: the block verdict counts the override too', async () => {
    const text = formatText(await incident(['blast-radius']));
    expect(text.trimEnd().split('\n').at(-1)).toMatch(
      /^BLOCKED: do not apply this plan\. 4 blocking findings\. .* 1 overridden finding \(above\): a person must confirm\.$/,
    );
    // The commands come from the destroy-provisioner findings, which still block.
    expect(text).toContain('    runs at destroy time (local-exec, main.tf:49): talosctl reset --nodes 192.168.111.191');
  });

  it("markdown lists the overridden finding's addresses and commands", async () => {
    const out = formatMarkdownSet(reportSet([await incident(INCIDENT_RULES)]));
    const section = out.slice(out.indexOf('**Overridden for this run** (5)'));
    expect(section).toContain('`terraform_data.cp_reset_on_destroy["storm"]`');
    expect(section).toContain('runs at destroy time: `talosctl reset --nodes 192.168.111.193 --graceful=false --reboot`');
  });
});

describe('advice goes through the same redaction as everything else', () => {
  it('a staged -target stage whose instance key is a secret shows (sensitive), in every format', () => {
    const secret = "tenant-0'Brien-7f3a";
    const all = [`aws_instance.web["${secret}"]`, 'aws_instance.web["other"]'];
    const plan = makePlan({
      changes: all.map((address) => ({ address, actions: ['delete', 'create'], before: { tenant: secret }, before_sensitive: { tenant: true } })),
      prior: all,
    });
    const result = check(plan);
    const stage = result.findings.find((f) => f.rule === 'blast-radius')?.suggestions?.find((l) => l.includes('0'));
    expect(stage).toBe(`tfguard apply -target='aws_instance.web["tenant-0'\\''Brien-7f3a"]'`);
    const set = reportSet([buildReport({ source: 'plan.json', plan, result })]);
    for (const [name, format] of Object.entries(FORMATS)) {
      const out = redactRendered(set, plan.secrets, (s) => format(s, { color: false }));
      expect(out, name).not.toContain('Brien');
      if (name === 'text') expect(out).toContain(`tfguard apply -target='aws_instance.web["(sensitive)"]'`);
    }
  });
});
