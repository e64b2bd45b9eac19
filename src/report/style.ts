/** Terminal styling: ANSI colors when enabled, plain text otherwise. */
export interface Style {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function makeStyle(color: boolean): Style {
  if (!color) {
    const plain = (text: string) => text;
    return { red: plain, yellow: plain, green: plain, bold: plain, dim: plain };
  }
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

/** Color on a TTY, none with NO_COLOR (any value) or --no-color; FORCE_COLOR turns it on. */
export function wantColor(opts: { flag?: boolean | undefined; isTTY: boolean; env: NodeJS.ProcessEnv }): boolean {
  if (opts.flag === false) return false;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false;
  if (opts.env.FORCE_COLOR !== undefined && opts.env.FORCE_COLOR !== '0') return true;
  return opts.isTTY;
}
