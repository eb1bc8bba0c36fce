// example-app/read-password.ts
// add-user's password: typed at a prompt that does not echo it on a terminal, else read from stdin; never from argv.

import { StringDecoder } from 'node:string_decoder';

export interface PasswordInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

type Terminal = PasswordInput & { setRawMode(raw: boolean): unknown };

export interface PromptOutput {
  write(text: string): unknown;
}

// No password is that long; stops `add-user < /dev/urandom` from reading forever.
const STDIN_LIMIT = 4096;

/**
 * On a terminal: asks twice at a hidden prompt (on `prompt`, stderr: stdout stays the command's result). Otherwise:
 * all of stdin, less one final newline (`echo "$PASSWORD" |` adds it). Rejects when the two differ or on Ctrl-C.
 */
export async function readPassword(stdin: PasswordInput, prompt: PromptOutput): Promise<string> {
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') {
    const [password, again] = await readHiddenLines(stdin as Terminal, prompt, ['Password: ', 'Password (again): ']);
    if (password !== again) throw new Error('the two passwords differ');
    return password;
  }
  const password = (await readAll(stdin)).replace(/\r?\n$/, '');
  if (password === '') throw new Error('stdin is empty: pipe the password on it, or run add-user on a terminal to type it at a prompt');
  return password;
}

/**
 * One line per prompt, read in raw mode: the terminal echoes nothing, and this echoes nothing either. Backspace and
 * Ctrl-U edit; Ctrl-C, or Ctrl-D on an empty line, cancel; escape sequences (arrow keys) are dropped.
 */
function readHiddenLines(tty: Terminal, out: PromptOutput, prompts: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    const lines: string[] = [];
    let line: string[] = [];
    let escape: 'none' | 'start' | 'sequence' = 'none';
    let afterCR = false;
    const finish = (err?: Error) => {
      tty.removeListener('data', onData);
      tty.setRawMode(false);
      tty.pause();
      out.write('\n');
      if (err === undefined) resolve(lines);
      else reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : decoder.write(chunk)) {
        const wasCR = afterCR;
        afterCR = ch === '\r';
        if (escape === 'start') escape = ch === '[' || ch === 'O' ? 'sequence' : 'none';
        else if (escape === 'sequence') escape = ch >= '@' && ch <= '~' ? 'none' : 'sequence';
        else if (ch === '\u001b') escape = 'start';
        else if (ch === '\u0003' || (ch === '\u0004' && line.length === 0)) return finish(new Error('cancelled'));
        else if (ch === '\r' || (ch === '\n' && !wasCR)) {
          lines.push(line.join(''));
          line = [];
          if (lines.length === prompts.length) return finish();
          out.write(`\n${prompts[lines.length]}`);
        } else if (ch === '\u007f' || ch === '\b') line.pop();
        else if (ch === '\u0015') line = [];
        else if (ch >= ' ') line.push(ch);
      }
    };
    // Raw mode before the prompt: what is typed once the prompt shows is never echoed.
    tty.setRawMode(true);
    out.write(prompts[0]);
    tty.on('data', onData);
    tty.resume();
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buffer.length;
    if (size > STDIN_LIMIT) throw new Error(`stdin holds more than ${STDIN_LIMIT} bytes; expected one password`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
