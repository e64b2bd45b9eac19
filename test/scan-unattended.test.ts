/**
 * The ways to apply unattended that `-auto-approve` does not name: a `yes` piped in, terragrunt's run-all with
 * --non-interactive, and in CI a saved plan applied (no prompt) in a job that never runs `tfguard check`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedJobs, findInLine } from '../src/scan/auto-approve.js';
import { json, tfguard } from './helpers/cli.js';
import { writeTree } from './helpers/files.js';

const via = (line: string, kind?: Parameters<typeof findInLine>[1]) => findInLine(line, kind).map((h) => [h.via, h.command]);

describe('unattended applies', () => {
  it.each([
    ['echo yes | terraform apply', 'echo yes | terraform apply'],
    ['yes | tofu destroy -input=true', 'yes | tofu destroy -input=true'],
    ["printf 'yes\\n' | terraform apply -var-file=prod.tfvars", "printf 'yes\\n' | terraform apply -var-file=prod.tfvars"],
    ['cd envs/prod && echo "yes" | terragrunt apply', 'echo "yes" | terragrunt apply'],
    ['terraform apply <<< yes', 'terraform apply <<< yes'],
  ])('a piped yes: %s', (line, command) => {
    expect(via(line)).toEqual([['pipe', command]]);
  });

  it('terragrunt run-all with --non-interactive (or its environment variable)', () => {
    expect(via('terragrunt run-all apply --terragrunt-non-interactive')).toEqual([
      ['non-interactive', 'terragrunt run-all apply --terragrunt-non-interactive'],
    ]);
    expect(via('terragrunt run --all destroy --non-interactive')).toEqual([['non-interactive', 'terragrunt run --all destroy --non-interactive']]);
    expect(via('export TERRAGRUNT_NON_INTERACTIVE=true').map(([v]) => v)).toEqual(['env']);
    expect(via('TG_NON_INTERACTIVE: "true"').map(([v]) => v)).toEqual(['env']);
  });

  it('stays quiet on what asks a person, or is not an apply', () => {
    for (const line of [
      'terraform apply',
      'terragrunt run-all apply',
      'terragrunt run-all plan --non-interactive',
      'echo yes | terraform plan',
      'echo "terraform apply done"',
      'yes | tfguard apply',
      'echo yes > answer.txt; terraform apply',
      'yes | head -1; terraform apply',
    ]) {
      expect(findInLine(line), line).toEqual([]);
    }
  });

  it('a saved plan applied: a warning in CI files only, not for options and their values', () => {
    expect(via('  - run: terraform apply -input=false tfplan', 'github-actions')).toEqual([['saved-plan', 'terraform apply -input=false tfplan']]);
    expect(via('terraform apply -lock-timeout 5m "$PLAN"', 'gitlab-ci').map(([v]) => v)).toEqual(['saved-plan']);
    expect(via('terraform apply tfplan', 'shell')).toEqual([]);
    expect(via('terraform apply -input=false -lock-timeout 5m', 'github-actions')).toEqual([]);
    expect(via('tfguard apply tfplan', 'github-actions')).toEqual([]);
    expect(findInLine('  - run: terraform apply tfplan', 'ci')[0]).toMatchObject({ via: 'saved-plan' });
  });
});

describe('checkedJobs: does the job around a line run tfguard check?', () => {
  it('GitHub Actions: each job under jobs:', () => {
    const text = [
      'on: push', // 1
      'jobs:', // 2
      '  plan:', // 3
      '    steps:', // 4
      '      - run: npx tfguard check plan.json', // 5
      '      - run: terraform apply tfplan', // 6
      '  apply:', // 7
      '    steps:', // 8
      '      - run: terraform apply tfplan', // 9
    ].join('\n');
    const checked = checkedJobs(text, 'github-actions');
    expect(checked(6)).toBe(true);
    expect(checked(9)).toBe(false);
  });

  it('GitLab CI: each top-level key; a commented check does not count', () => {
    const text = [
      'stages: [plan, apply]',
      'apply:',
      '  script:',
      '    # - tfguard check plan.json',
      '    - terraform apply tfplan',
      'checked:',
      '  script:',
      '    - tfguard check plan.json',
      '    - terraform apply tfplan',
    ].join('\n');
    const checked = checkedJobs(text, 'gitlab-ci');
    expect(checked(5)).toBe(false);
    expect(checked(9)).toBe(true);
  });
});

describe('tfguard scan', () => {
  it('blocks a piped yes in a script, warns on an unchecked saved-plan apply in a workflow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfguard-unattended-'));
    await writeTree(dir, {
      'deploy.sh': '#!/bin/sh\nterraform plan -out=tfplan\necho yes | terraform apply\n',
      '.github/workflows/apply.yml': 'on: push\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    steps:\n      - run: terraform apply tfplan\n',
    });
    const run = tfguard(['scan', dir, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    expect(json(run).findings.map((f: any) => [f.file, f.line, f.severity])).toEqual([
      ['deploy.sh', 3, 'block'],
      ['.github/workflows/apply.yml', 6, 'warn'],
    ]);
  });
});
