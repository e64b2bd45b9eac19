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
    rl.question(escapeControls(question), (answer) => finish(answer.trim() === expected));
  });
}
