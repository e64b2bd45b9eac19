/**
 * Terraform's diagnostics, read back from its stderr so that an error keeps Terraform's reason on one line
 * (`Error: Couldn't show local plan: Plan read error: plan file was created by Terraform 1.10.9, but this is
 * 1.11.4; ...`), never only its summary.
 */

/** One diagnostic: `Error: summary` and its detail, each paragraph unwrapped to one line. */
export interface Diagnostic {
  severity: 'Error' | 'Warning';
  summary: string;
  paragraphs: string[];
}

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Each diagnostic is framed in a box (╷ │ ╵, colored on a terminal) and wrapped to the terminal's width:
 * `Error: summary`, a blank line, then detail paragraphs separated by blank lines. Without boxes (older
 * Terraform, OpenTofu without color) an `Error:` line at the start of a line starts a diagnostic.
 */
export function parseDiagnostics(stderr: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  let paragraph: string[] = [];
  let inBox = false;
  let atBoxStart = false;
  const flush = (): void => {
    if (current && paragraph.length > 0) current.paragraphs.push(paragraph.join(' '));
    paragraph = [];
  };
  for (const raw of stderr.replace(ANSI, '').split('\n')) {
    const frame = /^\s*([╷│╵])/.exec(raw)?.[1];
    const text = raw.replace(/^\s*[╷│╵]/, '').trim();
    if (frame === '╷') {
      flush();
      [current, inBox, atBoxStart] = [undefined, true, true];
      continue;
    }
    if (frame === '╵') {
      flush();
      [current, inBox] = [undefined, false];
      continue;
    }
    const head = /^(Error|Warning): (.*)$/.exec(text);
    if (head && (atBoxStart || !inBox)) {
      flush();
      current = { severity: head[1] as Diagnostic['severity'], summary: head[2]!.trim(), paragraphs: [] };
      out.push(current);
    } else if (text === '') {
      flush();
    } else if (current) {
      paragraph.push(text);
    }
    atBoxStart = false;
  }
  flush();
  return out;
}

/** The first error as one line: `Error: summary: detail paragraph: next paragraph`. */
export function errorLine(diagnostics: readonly Diagnostic[]): string | undefined {
  const error = diagnostics.find((d) => d.severity === 'Error');
  if (!error) return undefined;
  return joinParts([`Error: ${error.summary}`, ...error.paragraphs]);
}

/** Parts joined with `: `, or a space after a part that ends in a colon already. */
export function joinParts(parts: readonly string[]): string {
  return parts.reduce((line, part) => `${line}${line.endsWith(':') ? ' ' : ': '}${part}`);
}

/** The last non-empty line of stderr, without colors or box drawing: the fallback when no diagnostic is found. */
export function lastLine(stderr: string): string | undefined {
  return stderr
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.replace(/^[\s╷│╵]+/, '').trim())
    .filter(Boolean)
    .at(-1);
}
