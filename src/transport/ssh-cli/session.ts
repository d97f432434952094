/**
 * The driver layer for IOS XE over SSH CLI: opens the session (prompt, `enable`, no paging, no wrapping),
 * sends commands and config, runs dialogs given as data, and turns IOS error texts into typed errors.
 * It holds no timing guesses: every step waits for a prompt or question, within a deadline.
 */
import { ANY_PROMPT, DIALOG, findDeviceError, lastLine, parsePromptLine, promptPatterns, SESSION_SETUP_COMMANDS } from '../../device/platform.js';
import type { PrivilegeLevel, PromptPatterns } from '../../device/platform.js';
import type { DialogStep } from '../../device/dialog.js';
import { Channel } from './channel.js';
import type { Matcher, ReadResult } from './channel.js';
import { DeviceCommandError, DeviceTimeoutError, EnableError, SessionUnusableError } from './errors.js';
import { Redactor } from './redactor.js';
import { Transcript } from './transcript.js';
import { openSshShell } from './transport.js';
import type { SshShell, SshTransportOptions } from './transport.js';

export interface IosXeSessionOptions extends SshTransportOptions {
  /** Needed when the account lands in user EXEC (`R1>`). */
  readonly enableSecret?: string;
  /** Further values never to show in transcripts or errors (SMTP passwords, ...). */
  readonly secrets?: readonly string[];
  /** Append the session's transcript (redacted) to this file. */
  readonly transcriptFile?: string;
  /** Deadline for each command's prompt (ms). */
  readonly commandTimeoutMs?: number;
  /** Deadline for the first prompt after login (ms). */
  readonly loginTimeoutMs?: number;
}

export interface SendOptions {
  readonly timeoutMs?: number;
}

export interface ConfigOptions extends SendOptions {
  /** Write all lines at once and then read their echoes: one round trip instead of one per line. */
  readonly bulk?: boolean;
  /**
   * Stay in config mode once every line went through, for dialogs that follow (no `end`, and no `configure
   * terminal` for them); the caller returns with `ensureExec`. A failing line still returns to privileged EXEC.
   */
  readonly stayInConfigMode?: boolean;
}

export interface ConfigResult {
  /** Output of each line, echo and prompt removed (mostly empty). */
  readonly outputs: readonly string[];
}

export interface DialogResult {
  /** Everything the device printed during the dialog, redacted. */
  readonly output: string;
  /** How many steps were sent; fewer than given when the prompt came back early. */
  readonly stepsSent: number;
}

/** Drops the echoed command (possibly after a redisplayed prompt) and the trailing prompt. */
export function stripEchoAndPrompt(text: string, command: string): string {
  const lines = text.split('\n');
  lines.pop();
  const sent = command.trim();
  const echo = lines.findIndex((line) => {
    const l = line.trimEnd();
    if (l.trim() === sent) return true;
    return l.endsWith(sent) && parsePromptLine(l.slice(0, l.length - sent.length).trimEnd()) !== undefined;
  });
  return lines.slice(echo + 1).join('\n');
}

export class IosXeSession {
  readonly device: string;
  readonly hostKeyFingerprint: string;
  /** The host key was accepted on first use (and recorded if a known_hosts file was given). */
  readonly hostKeyFirstUse: boolean;
  readonly #shell: SshShell;
  readonly #channel: Channel;
  readonly #redactor: Redactor;
  readonly #transcript: Transcript | undefined;
  readonly #timeoutMs: number;
  #prompts: PromptPatterns;
  #hostname: string;
  #level: PrivilegeLevel;
  #roundTrips = 0;
  #lostStep: Error | undefined;

  private constructor(
    options: IosXeSessionOptions,
    shell: SshShell,
    channel: Channel,
    redactor: Redactor,
    transcript: Transcript | undefined,
    firstPrompt: string,
  ) {
    this.device = options.device;
    this.#shell = shell;
    this.#channel = channel;
    this.#redactor = redactor;
    this.#transcript = transcript;
    this.#timeoutMs = options.commandTimeoutMs ?? 30_000;
    this.hostKeyFingerprint = shell.hostKey.fingerprint;
    this.hostKeyFirstUse = shell.hostKey.kind === 'first-use';
    const info = parsePromptLine(firstPrompt);
    this.#hostname = info?.hostname ?? '';
    this.#level = info?.level ?? 'exec';
    this.#prompts = promptPatterns(this.#hostname);
  }

  static async open(options: IosXeSessionOptions): Promise<IosXeSession> {
    const redactor = new Redactor([options.credentials.password, options.credentials.passphrase, options.enableSecret, ...(options.secrets ?? [])]);
    const transcript = options.transcriptFile
      ? await Transcript.open(options.transcriptFile, redactor, `session to ${options.device} (${options.host}:${options.port ?? 22}) as ${options.credentials.username}`)
      : undefined;
    let shell: SshShell;
    try {
      shell = await openSshShell(options);
    } catch (err) {
      transcript?.note(`connect failed: ${(err as Error).message}`);
      await transcript?.close();
      throw err;
    }
    const channel = new Channel(options.device, shell.stream, redactor, transcript);
    let session: IosXeSession | undefined;
    try {
      // The device prints its banner and prompt unasked; sending a return first would leave a second prompt behind.
      const login = await channel.readUntil([ANY_PROMPT], { timeoutMs: options.loginTimeoutMs ?? 15_000, command: '(login)', waitedFor: 'first prompt' });
      session = new IosXeSession(options, shell, channel, redactor, transcript, lastLine(login.text).trim());
      if (session.#level === 'user-exec') await session.#enable(options.enableSecret);
      // Both setup lines in one write: IOS reads type-ahead in order, and each echo is still checked for an error.
      await session.#sendAll(SESSION_SETUP_COMMANDS);
      return session;
    } catch (err) {
      if (session) await session.close();
      else {
        shell.client.end();
        await transcript?.close();
      }
      throw err;
    }
  }

  get hostname(): string {
    return this.#hostname;
  }

  get level(): PrivilegeLevel {
    return this.#level;
  }

  /** Writes that waited for an answer: the cost driver on high-latency links. */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  /** Marks a value secret for the rest of the session (transcript and errors). */
  markSecret(value: string): void {
    this.#redactor.add(value);
  }

  /** Runs one command and returns its output without echo and prompt; IOS error texts become DeviceCommandError. */
  async send(command: string, options: SendOptions = {}): Promise<string> {
    const read = await this.#exchange(`${command}\n`, [this.#prompts.any], command, options.timeoutMs);
    const output = stripEchoAndPrompt(read.text, command);
    this.#check(command, output);
    return output;
  }

  /**
   * Enters config mode (unless already there), applies `lines`, checks each for errors and returns to privileged
   * EXEC with `end` (unless asked to stay and every line went through).
   */
  async sendConfig(lines: readonly string[], options: ConfigOptions = {}): Promise<ConfigResult> {
    if (this.#level !== 'config') await this.#exchange('configure terminal\n', [this.#prompts.config], 'configure terminal', options.timeoutMs);
    let applied = false;
    try {
      const outputs = options.bulk ? await this.#sendAll(lines, options.timeoutMs) : await this.#configEach(lines, options.timeoutMs);
      applied = true;
      return { outputs };
    } finally {
      const stay = applied && options.stayInConfigMode === true;
      if (!stay && !this.#channel.closed && !this.#lostStep) await this.#exchange('end\n', [this.#prompts.exec], 'end', options.timeoutMs);
    }
  }

  /**
   * Runs a dialog (scrapli send_interactive): each step is sent, then the session waits for one of the
   * step's questions or the prompt. A step without questions waits for the prompt; a prompt where a
   * question was expected ends the dialog early; for a step of several lines marked `promptAfterLastLine`, only
   * the prompt after its last line counts. Error texts anywhere in the dialog raise DeviceCommandError naming
   * the first step.
   */
  async interact(steps: readonly DialogStep[], options: SendOptions = {}): Promise<DialogResult> {
    const first = steps[0];
    if (!first) return { output: '', stepsSent: 0 };
    const name = first.label ?? (typeof first.send === 'string' ? first.send : 'dialog');
    let seen = '';
    let sent = 0;
    for (const step of steps) {
      const text = typeof step.send === 'function' ? step.send(seen) : step.send;
      if (step.secret) this.#redactor.add(text);
      const what = step.secret ? `${name}: ${step.label ?? 'secret'}` : text.split('\n')[0] ?? '';
      const prompt = step.promptAfterLastLine ? promptAfterEcho(this.#prompts.any, text.split('\n')) : this.#prompts.any;
      const read = await this.#exchange(`${text}\n`, [...step.expect, prompt], what, options.timeoutMs, step.expect.length > 0 ? 'question' : 'prompt');
      seen += read.text;
      sent++;
      // The prompt instead of an expected question: the device skipped the rest of the dialog.
      if (step.expect.length > 0 && read.matched === step.expect.length) break;
    }
    const output = this.#redactor.redact(seen);
    this.#check(name, output);
    return { output, stepsSent: sent };
  }

  /**
   * Waits, sending nothing, until the text the device prints unasked (syslog on a `terminal monitor` session)
   * satisfies `until`; returns that text, unredacted as `send` returns output (the transcript and errors are
   * redacted). The device may reprint its prompt after such a line: the next exchange must not take that prompt
   * for its own (a dialog step with `promptAfterLastLine` does not).
   */
  async waitForOutput(until: (text: string) => boolean, options: { readonly timeoutMs: number; readonly command: string; readonly waitedFor: string }): Promise<string> {
    if (this.#lostStep) throw new SessionUnusableError(this.device, this.#redactor.redact(options.command), this.#lostStep);
    return (await this.#channel.readUntil([until], options)).text;
  }

  /** Back to privileged EXEC from any config mode (after a dialog failed half-way), as `end` does. */
  async ensureExec(options: SendOptions = {}): Promise<void> {
    if (this.#level === 'config') await this.#exchange('end\n', [this.#prompts.exec], 'end', options.timeoutMs);
  }

  /** Leaves the session politely (`exit`) and closes the connection; waits for the close, within a deadline. */
  async close(): Promise<void> {
    if (!this.#channel.closed) {
      const closed = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        this.#shell.client.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      try {
        this.#channel.write(this.#level === 'config' ? 'end\nexit\n' : 'exit\n');
      } catch {
        // Closed between the check and the write: nothing left to leave.
      }
      this.#shell.client.end();
      await closed;
    }
    this.#transcript?.note(`closed after ${this.#roundTrips} round trips`);
    await this.#transcript?.close();
  }

  /** `enable` from user EXEC; one attempt with the secret, as a wrong secret must not be retried into a lock-out. */
  async #enable(secret: string | undefined): Promise<void> {
    if (secret === undefined) {
      throw new EnableError(this.device, `the account lands in user EXEC (${this.#hostname}>) and no enable secret was given`);
    }
    const first = await this.#exchange('enable\n', [DIALOG.password, this.#prompts.exec, this.#prompts.userExec], 'enable');
    if (first.matched === 1) return;
    if (first.matched === 2) throw new EnableError(this.device, `'enable' was refused: ${this.#redactor.redact(stripEchoAndPrompt(first.text, 'enable')).trim()}`);
    const second = await this.#exchange(`${secret}\n`, [this.#prompts.exec, this.#prompts.userExec, DIALOG.password], 'enable (secret)');
    if (second.matched !== 0) {
      // Leave the repeated Password: question without another guess.
      if (second.matched === 2) this.#channel.write('\n');
      throw new EnableError(this.device, 'the enable secret was refused');
    }
  }

  async #exchange(text: string, matchers: readonly Matcher[], command: string, timeoutMs?: number, waitedFor = 'prompt'): Promise<ReadResult> {
    const shown = this.#redactor.redact(command);
    if (this.#lostStep) throw new SessionUnusableError(this.device, shown, this.#lostStep);
    this.#channel.write(text);
    this.#roundTrips++;
    try {
      const read = await this.#channel.readUntil(matchers, { timeoutMs: timeoutMs ?? this.#timeoutMs, command: shown, waitedFor });
      this.#track(read.text);
      return read;
    } catch (err) {
      if (err instanceof DeviceTimeoutError) this.#lostStep = err;
      throw err;
    }
  }

  #track(text: string): void {
    const info = parsePromptLine(lastLine(text).trim());
    if (info) this.#level = info.level;
  }

  #check(command: string, output: string): void {
    const error = findDeviceError(output);
    if (!error) return;
    throw new DeviceCommandError(
      this.device,
      this.#redactor.redact(command),
      this.#redactor.redact(error.text),
      error.pattern.id,
      error.pattern.advice,
      this.#redactor.redact(output),
    );
  }

  async #configEach(lines: readonly string[], timeoutMs?: number): Promise<string[]> {
    const outputs: string[] = [];
    for (const line of lines) {
      const read = await this.#exchange(`${line}\n`, [this.#prompts.any], line, timeoutMs);
      const output = stripEchoAndPrompt(read.text, line);
      this.#check(line, output);
      outputs.push(output);
    }
    return outputs;
  }

  /**
   * One write for the whole block (config lines, or the session's setup commands), then one wait until every
   * line's echo has come back followed by a prompt. Output between two echoes belongs to the first line, so
   * errors still name their line. Lines that open a dialog (yes/no) must go through `interact` instead.
   */
  async #sendAll(lines: readonly string[], timeoutMs?: number): Promise<string[]> {
    if (lines.length === 0) return [];
    const read = await this.#exchange(`${lines.join('\n')}\n`, [promptAfterEcho(this.#prompts.any, lines)], `${lines.length} lines`, timeoutMs ?? this.#timeoutMs + lines.length * 1_000, 'echo of every line and a prompt');
    const positions = echoPositions(read.text, lines) ?? [];
    const outputs = lines.map((line, i) => {
      const start = (positions[i] ?? 0) + line.length;
      const end = i + 1 < lines.length ? lastLineStart(read.text, positions[i + 1] ?? read.text.length) : read.text.length;
      return stripTrailingPrompt(read.text.slice(start, end).replace(/^\n/, ''));
    });
    outputs.forEach((output, i) => this.#check(lines[i] ?? '', output));
    return outputs;
  }
}

/** The prompt, once the echo of every one of `lines` has come back before it. */
function promptAfterEcho(prompt: RegExp, lines: readonly string[]): Matcher {
  return (text) => prompt.test(text.slice(-512)) && echoPositions(text, lines) !== undefined;
}

/** Where each line's echo starts, in order, or undefined while some echo is still missing. */
function echoPositions(text: string, lines: readonly string[]): number[] | undefined {
  const positions: number[] = [];
  let from = 0;
  for (const line of lines) {
    const at = text.indexOf(line, from);
    if (at < 0) return undefined;
    positions.push(at);
    from = at + line.length;
  }
  return positions;
}

function lastLineStart(text: string, before: number): number {
  return text.lastIndexOf('\n', before - 1) + 1;
}

function stripTrailingPrompt(text: string): string {
  const lines = text.split('\n');
  if (parsePromptLine((lines[lines.length - 1] ?? '').trim()) !== undefined || lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

