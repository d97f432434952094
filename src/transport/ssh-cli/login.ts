/**
 * The first prompt after SSH login, answering AAA in-band prompts on the way: IOS with some TACACS+ setups takes
 * the SSH connection with `none` and then asks `Username:` / `Password:` in the shell. Each is answered once from
 * the device's credentials; asked again (after `% Authentication failed`), the login has failed and is not retried.
 * Banner text never ends the wait: prompts and questions count only at the very end of what was received.
 */
import type { Channel, ReadResult } from './channel.js';
import type { CliPlatform } from './platform.js';
import { AuthenticationError } from '../ssh/errors.js';

const USERNAME = /(?:^|\n)Username: ?$/;
const METHOD = 'in-band Username/Password';

export interface LoginOptions {
  readonly device: string;
  readonly username: string;
  readonly password?: string;
  readonly timeoutMs: number;
  /** The device deadline: ends the wait when it aborts. */
  readonly signal?: AbortSignal;
  /** The prompt that ends the login, and the password question. */
  readonly platform: Pick<CliPlatform, 'anyPrompt' | 'questions'>;
}

export async function readLogin(channel: Channel, options: LoginOptions): Promise<ReadResult> {
  let text = '';
  let userSent = false;
  let passwordSent = false;
  for (;;) {
    const read = await channel.readUntil([options.platform.anyPrompt, USERNAME, options.platform.questions.password], {
      timeoutMs: options.timeoutMs,
      command: '(login)',
      waitedFor: 'first prompt',
      ...(options.signal && { signal: options.signal }),
    });
    text += read.text;
    if (read.matched === 0) return { text, matched: 0 };
    const again = read.matched === 1 ? userSent : passwordSent;
    if (again || (read.matched === 2 && options.password === undefined)) throw new AuthenticationError(options.device, options.username, [METHOD]);
    if (read.matched === 1) {
      userSent = true;
      channel.write(`${options.username}\n`);
    } else {
      passwordSent = true;
      channel.write(`${options.password ?? ''}\n`);
    }
  }
}
