/**
 * How a lab router greets a login, as real devices do: `banner motd` and `banner exec` before the first prompt
 * (the `banner login` goes out before authentication, as IOS sends it over SSHv2), and AAA in-band prompts
 * (`Username:` / `Password:` in the shell, as IOS with some TACACS+ setups asks after an SSH `none` login).
 * Texts follow IOS: CRLF line ends, "User Access Verification", "% Authentication failed" and three tries.
 */

export interface LoginBanners {
  readonly motd?: string;
  readonly login?: string;
  readonly exec?: string;
}

/** A banner as the terminal gets it: CRLF line ends and a line end after the text. */
export function bannerText(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  return `${text.replace(/\r?\n/g, '\r\n')}\r\n`;
}

/** Reads typed lines from a channel, echoing them or not. */
export class TypedLines {
  #buffer = '';
  #waiting: ((line: string | undefined) => void) | undefined;
  #echo = true;
  #ended = false;
  #lastWasCr = false;

  constructor(private readonly write: (text: string) => void) {}

  push(data: string): void {
    for (const c of data) {
      if (c === '\r' || c === '\n') {
        if (c === '\n' && this.#buffer === '' && this.#lastWasCr) {
          this.#lastWasCr = false;
          continue;
        }
        this.#lastWasCr = c === '\r';
        this.write('\r\n');
        const line = this.#buffer;
        this.#buffer = '';
        const waiting = this.#waiting;
        this.#waiting = undefined;
        waiting?.(line);
        continue;
      }
      this.#lastWasCr = false;
      this.#buffer += c;
      if (this.#echo) this.write(c);
    }
  }

  end(): void {
    this.#ended = true;
    this.#waiting?.(undefined);
  }

  /** The next line, or undefined when the client left. */
  next(echo: boolean): Promise<string | undefined> {
    this.#echo = echo;
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  /** What was typed after the last line read (type-ahead for the shell). */
  rest(): string {
    return this.#buffer;
  }
}

export const LOGIN_TRIES = 3;

/**
 * The in-band login dialog: up to three Username/Password rounds; the account on success, undefined when every
 * try failed or the client left (the caller then closes the connection, as IOS does).
 */
export async function inBandLogin<A>(
  lines: TypedLines,
  write: (text: string) => void,
  verify: (username: string, password: string) => A | undefined,
  banners: LoginBanners,
): Promise<A | undefined> {
  write(`${bannerText(banners.login)}\r\nUser Access Verification\r\n\r\n`);
  for (let attempt = 0; attempt < LOGIN_TRIES; attempt++) {
    write('Username: ');
    const username = await lines.next(true);
    if (username === undefined) return undefined;
    write('Password: ');
    const password = await lines.next(false);
    if (password === undefined) return undefined;
    const account = verify(username, password);
    if (account !== undefined) return account;
    write('% Authentication failed\r\n\r\n');
  }
  return undefined;
}
