/**
 * Asking a person on the terminal. The answer must be the exact phrase; anything else, end of input or
 * Ctrl-C means no. The question is written as inert text (src/report/escape.ts): whatever it is built from, it
 * cannot move the cursor, clear the screen or draw a line of its own above the answer.
 */
import { createInterface } from 'node:readline';
import { escapeControls } from '../report/escape.js';

export interface PromptIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Why an answer is not the phrase: what was typed, and what would have applied the plan. */
export function mismatch(answer: string, expected: string): string {
  const typed = answer === '' ? 'nothing was typed' : `"${answer}" is not "${expected}"`;
  const hint = expected !== 'yes' && /^y(es)?$/i.test(answer) ? `: this plan needs "${expected}", not yes` : '';
  return `tfguard: ${typed}${hint}. Nothing is applied; run tfguard apply again and type "${expected}" to apply it.`;
}

export function ask(question: string, expected: string, io: PromptIO = { input: process.stdin, output: process.stderr }): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.input, output: io.output, terminal: (io.input as { isTTY?: boolean }).isTTY === true });
    let answered = false;
    const finish = (yes: boolean) => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(yes);
    };
    rl.on('SIGINT', () => {
      io.output.write('\n');
      finish(false);
    });
    rl.on('close', () => finish(false));
    rl.question(escapeControls(question), (answer) => {
      const yes = answer.trim() === expected;
      if (!yes) io.output.write(`${escapeControls(mismatch(answer.trim(), expected))}\n`);
      finish(yes);
    });
  });
}
