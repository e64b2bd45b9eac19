/**
 * Forged output in the formats for pull requests and CI, on a real plan (test/helpers/forged.ts) whose keys and
 * values hold `@org/admins`, `#123`, `GH-7`, ESC sequences, CR/LF, C1 controls and bidi overrides:
 * - markdown (the PR comment): rendered with markdown-it, no mention and no issue reference is left outside code
 *   for GitHub to link (it finds them in the text nodes of the rendered HTML, outside `code`, `pre` and links),
 *   yet a reader sees every character; no raw control or invisible character in the comment;
 * - github (workflow commands): one line per command, `%`, CR and LF escaped, other controls shown as escapes;
 * - junit: no raw C1 control or invisible character (XML 1.0 cannot hold the C0 ones: they are dropped).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfguard, type Run } from './helpers/cli.js';
import { codeTexts, decodeEntities, md } from './helpers/markdown.js';
import { hasTerraform, NO_TERRAFORM } from './helpers/env.js';
import { makeForged, type Forged } from './helpers/forged.js';
import { scratchDir } from './helpers/workspace.js';

const TF = hasTerraform ? '' : ` [skipped: ${NO_TERRAFORM.replace('saved binary plan tests', 'forged-output tests on a real plan')}]`;

/**
 * Raw characters a terminal acts on or does not show. LF and tab excepted: line ends, and a command's own tabs
 * and lines in a code block (or an annotation, or a JUnit failure) are layout, not control.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/gu;
const unsafeIn = (text: string) => [...text.matchAll(UNSAFE)].map((m) => `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')}`);

/**
 * The text nodes where GitHub looks for mentions and references: the rendered HTML without `pre`, `code` and
 * `a` elements (which it skips), split at every tag and comment, entities decoded.
 */
function linkableText(html: string): string[] {
  const outside = html.replace(/<(pre|code|a)\b[\s\S]*?<\/\1>/g, '<x>');
  return outside.split(/<!--[\s\S]*?-->|<[^>]*>/).map(decodeEntities);
}

/** `@user`, `@org/team` after a non-word character; `#123`, `owner/repo#123`, `GH-123`. */
const MENTION = /(?:^|[^\w`])@[a-z0-9][a-z0-9-]*(?:\/[a-z0-9][\w.-]*)?/gi;
const ISSUE = /(?:^|\W)#\d+|\bGH-\d+/gi;

let forged: Forged;
beforeAll(() => {
  if (hasTerraform) forged = makeForged();
});
afterAll(() => {
  if (hasTerraform) rmSync(scratchDir(), { recursive: true, force: true });
});

describe.skipIf(!hasTerraform)('--format markdown on the forged plan', () => {
  let run: Run;
  let html: string;
  beforeAll(() => {
    run = tfguard(['check', forged.planJson, '--dir', forged.dir, '--format', 'markdown']);
    html = md.render(run.stdout);
  });

  it(`no mention and no issue reference outside code: @org/admins pings nobody, #123 links nothing${TF}`, () => {
    expect(run.code, run.stderr).toBe(1);
    const texts = linkableText(html);
    expect(
      texts.flatMap((t) => t.match(MENTION) ?? []),
      html,
    ).toEqual([]);
    expect(
      texts.flatMap((t) => t.match(ISSUE) ?? []),
      html,
    ).toEqual([]);
  });

  it(`a reader still sees the text: in the messages (a zero-width space after @ and #) and, unchanged, in code${TF}`, () => {
    const prose = linkableText(html)
      .join('')
      .replace(/\u200b/g, '');
    expect(prose).toContain('terraform_data.cp_reset_on_destroy["@org/admins #123 \\u202eevil\\u2066"] runs');
    expect(prose).toContain('# @org/admins #123\\u001b[2J');
    expect(prose).toContain('10.0.0.3\\tfix GH-7');
    const code = codeTexts(html);
    expect(code).toContain('terraform_data.cp_reset_on_destroy["@org/admins #123 \\u202eevil\\u2066"]');
    expect(code.some((c) => c.includes('sgdisk --zap-all /dev/sda # @org/admins #123\\u001b[2J'))).toBe(true);
  });

  it(`the comment holds no raw control or invisible character; commands keep their lines in code blocks${TF}`, () => {
    expect(unsafeIn(run.stdout), run.stdout).toEqual([]);
    // The multi-line command of cp1 is one code block whose lines are the command's lines.
    expect(run.stdout).toContain(`# cp1\\u001b]0;pwned\\u0007\nPASS: no rule fired.\n \\u001b]0;pwned\\u0007\nPASS: no rule fired.\n\n\`\`\``);
  });
});

describe.skipIf(!hasTerraform)('--format github on the forged plan', () => {
  it(`one line per workflow command; %, CR and LF escaped; other controls shown as escapes${TF}`, () => {
    const run = tfguard(['check', forged.planJson, '--dir', forged.dir, '--format', 'github']);
    expect(run.code, run.stderr).toBe(1);
    expect(unsafeIn(run.stdout), run.stdout).toEqual([]);
    const lines = run.stdout.slice(0, -1).split('\n');
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice)( [a-z]+=[^:]*)?::/);
    expect(lines.at(-1)).toMatch(/^::error title=tfguard%3A blocked::BLOCKED: /);
    expect(run.stdout).toContain('x\\u0085\\u001b]0;pwned\\u0007%0D%0APASS%3A no rule fired.tf,line=2,');
    expect(run.stdout).toContain('--nodes 10.0.0.1\\u001b[2J\\u001b[H%0D%0APASS: no rule fired.%0A --graceful');
    expect(run.stdout).toContain('10.0.0.2\\u009b31m\\b\\u007f\\u200b');
  });
});

describe.skipIf(!hasTerraform)('--format junit on the forged plan', () => {
  it(`no raw C1 control or invisible character; they are shown as escapes, C0 controls dropped${TF}`, () => {
    const run = tfguard(['check', forged.planJson, '--dir', forged.dir, '--format', 'junit']);
    expect(run.code, run.stderr).toBe(1);
    expect(unsafeIn(run.stdout), run.stdout).toEqual([]);
    expect(run.stdout).toContain('10.0.0.2\\u009b31m\\u007f\\u200b');
  });
});
