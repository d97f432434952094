/**
 * The driver layer for IOS XE over SSH CLI: opens the session (prompt, no paging, no wrapping, `enable`), sends
 * commands and config, runs dialogs given as data, and turns IOS error texts into typed errors.
 *
 * The end of a command is never guessed from a prompt-like line: every command goes out in one write with an
 * end-of-command line after it, a comment carrying a per-session nonce and a sequence number (`!! certagent ...`).
 * IOS reads typed-ahead lines only at its next prompt, so the echo of that line can only follow the real prompt
 * after the command's whole output; the read ends at that echo and the prompt after it (whatever mode that prompt
 * shows). A `R1#` inside the output (`nvram:R1#1.cer`, a banner, a log line) or a prompt left over from an earlier
 * exchange cannot end a read, and each read holds exactly one command's answer. Dialogs get no such line (it would
 * be read as an answer): their steps end at a question or at the prompt after the echo of what was just sent.
 */
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../shared/error-message.js';
import { DEFAULT_TIMEOUTS } from '../timeouts.js';
import { Channel } from './channel.js';
import type { Marker, Matcher, ReadResult } from './channel.js';
import {
  ConfigLockedError,
  DeviceCommandError,
  DeviceTimeoutError,
  EnableError,
  OutputLimitError,
  ReadAbortedError,
  SessionUnusableError,
  UnexpectedQuestionError,
} from './errors.js';
import { readLogin } from './login.js';
import type { CliPlatform, DialogStep, PrivilegeLevel, PromptPatterns } from './platform.js';
import { Redactor } from '../../shared/redact.js';
import { Transcript } from '../transcript.js';
import { openSshShell } from './transport.js';
import type { SshShell } from './transport.js';
import type { SshTransportOptions } from '../ssh/connect.js';
import { weakAlgorithmWarning } from '../ssh/algorithms.js';

export interface IosXeSessionOptions extends SshTransportOptions {
  /** The device's prompts, questions, error texts and setup commands (src/device's IOS_XE_CLI). */
  readonly platform: CliPlatform;
  /** Needed when the account lands in user EXEC (`R1>`). */
  readonly enableSecret?: string;
  /** Further values never to show in transcripts or errors (SMTP passwords, ...). */
  readonly secrets?: readonly string[];
  /** Append the session's transcript (redacted) to this file. */
  readonly transcriptFile?: string;
  /** Deadline for each command's answer (ms). */
  readonly commandTimeoutMs?: number;
  /** Deadline for the first prompt after login (ms); default the connect timeout (getting a session at all). */
  readonly loginTimeoutMs?: number;
  /** Most bytes one command may print (default 16 MiB). */
  readonly maxOutputBytes?: number;
  /** Most bytes the session may receive, which bounds its transcript (default 64 MiB). */
  readonly maxSessionBytes?: number;
  /** The device deadline: ends any wait at once (the login wait included). */
  readonly signal?: AbortSignal;
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

/** A line end with at most a partial line after it: a read for unasked output ends at every complete line. */
const LINE_END = /\n[^\n]*$/;

/** Questions the device may ask after any command; one arriving where none was expected fails the command at once. */
function anyQuestion(questions: CliPlatform['questions']): RegExp {
  return new RegExp([questions.yesNo, questions.confirm, questions.destinationFilename, questions.password].map((q) => q.source).join('|'));
}

/** The last line of a text (after the last line break), which is where a prompt or question stands. */
function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/** Drops the echoed command (possibly after a redisplayed prompt) and the trailing prompt. */
export function stripEchoAndPrompt(text: string, command: string, platform: CliPlatform): string {
  return stripEcho(text.slice(0, text.lastIndexOf('\n') + 1), command, platform);
}

/** One command's read, cut at its end-of-command line. */
interface Answer {
  /** Everything up to the start of the line that echoes the end-of-command line. */
  readonly body: string;
  /** The prompt the device showed when it read the end-of-command line: the mode after the command. */
  readonly promptBefore: string;
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
  readonly #platform: CliPlatform;
  /** Any question the device may ask after a command, from the platform's questions. */
  readonly #question: RegExp;
  /** Unguessable by the device, so no output can forge an end-of-command line. */
  readonly #nonce = randomBytes(6).toString('hex');
  #sequence = 0;
  #signal: AbortSignal | undefined;
  #prompts: PromptPatterns;
  #hostname = '';
  #level: PrivilegeLevel = 'exec';
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
    this.#timeoutMs = options.commandTimeoutMs ?? DEFAULT_TIMEOUTS.commandMs;
    this.#signal = options.signal;
    this.hostKeyFingerprint = shell.hostKey.fingerprint;
    this.hostKeyFirstUse = shell.hostKey.kind === 'first-use';
    this.#platform = options.platform;
    this.#question = anyQuestion(options.platform.questions);
    this.#prompts = options.platform.promptPatterns('');
    this.#takePrompt(firstPrompt);
  }

  static async open(options: IosXeSessionOptions): Promise<IosXeSession> {
    options.signal?.throwIfAborted();
    const redactor = new Redactor([options.credentials.password, options.credentials.passphrase, options.enableSecret, ...(options.secrets ?? [])]);
    const transcript = options.transcriptFile
      ? await Transcript.open(
          options.transcriptFile,
          redactor,
          `session to ${options.device} (${options.host}:${options.port ?? 22}) as ${options.credentials.username}`,
        )
      : undefined;
    let shell: SshShell;
    try {
      shell = await openSshShell(options);
    } catch (err) {
      transcript?.note(`connect failed: ${errorMessage(err)}`);
      await transcript?.close();
      throw err;
    }
    const channel = new Channel(options.device, shell.stream, redactor, transcript, {
      more: options.platform.questions.more,
      ...(options.maxOutputBytes !== undefined && { maxReadBytes: options.maxOutputBytes }),
      ...(options.maxSessionBytes !== undefined && { maxSessionBytes: options.maxSessionBytes }),
    });
    let session: IosXeSession | undefined;
    try {
      // The device prints its banner and prompt unasked; sending a return first would leave a second prompt behind.
      const login = await readLogin(channel, {
        device: options.device,
        username: options.credentials.username,
        ...(options.credentials.password !== undefined && { password: options.credentials.password }),
        timeoutMs: options.loginTimeoutMs ?? options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
        platform: options.platform,
        ...(options.signal && { signal: options.signal }),
      });
      session = new IosXeSession(options, shell, channel, redactor, transcript, lastLine(login.text).trim());
      // A banner line like `R1#` at a packet boundary can end the login read early: the prompt after the setup
      // commands' end-of-command line is the device's own, and sets hostname and mode.
      await session.#sendAll(options.platform.setupCommands, undefined, options.platform.anyPrompt);
      if (session.#level === 'user-exec') await session.#enable(options.enableSecret);
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

  /** Set when the device could only be reached with SHA-1 key exchange or an ssh-rsa host key. */
  get sshWarning(): string | undefined {
    return weakAlgorithmWarning(this.#shell.negotiated);
  }

  get level(): PrivilegeLevel {
    return this.#level;
  }

  /** Each command's deadline (ms); longer waits (`write memory`) are derived from it. */
  get commandTimeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Writes that waited for an answer: the cost driver on high-latency links. */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  /** Every later wait ends when `signal` aborts (the device deadline, or the rollback allowance after it). */
  useSignal(signal: AbortSignal | undefined): void {
    this.#signal = signal;
  }

  /** Marks a value secret for the rest of the session (transcript and errors). */
  markSecret(value: string): void {
    this.#redactor.add(value);
  }

  /** Runs one command and returns its output without echo and prompt; IOS error texts become DeviceCommandError. */
  async send(command: string, options: SendOptions = {}): Promise<string> {
    const answer = await this.#command([command], command, options.timeoutMs);
    const output = stripEcho(answer.body, command, this.#platform);
    this.#check(command, output);
    return output;
  }

  /**
   * Enters global config mode. The mode is read from the prompt that comes back, so a refusal (the configuration
   * lock another session holds) is an error at once, never a wait for a config prompt that will not come.
   */
  async enterConfig(options: SendOptions = {}): Promise<void> {
    if (this.#level === 'config') return;
    const command = 'configure terminal';
    const answer = await this.#command([command], command, options.timeoutMs);
    if (this.level === 'config') return;
    const output = stripEcho(answer.body, command, this.#platform);
    const error = this.#platform.findError(output);
    if (error?.pattern.id === 'config-locked') throw new ConfigLockedError(this.device, this.#redactor.redact(error.text));
    this.#check(command, output);
    throw new DeviceCommandError(
      this.device,
      command,
      this.#redactor.redact(output.trim() || answer.promptBefore),
      'no-config-mode',
      'the device stayed in EXEC mode; read its answer',
      this.#redactor.redact(output),
    );
  }

  /**
   * Enters config mode (unless already there), applies `lines`, checks each for errors and returns to privileged
   * EXEC with `end` (unless asked to stay and every line went through).
   */
  async sendConfig(lines: readonly string[], options: ConfigOptions = {}): Promise<ConfigResult> {
    await this.enterConfig(options);
    let applied = false;
    try {
      const outputs = options.bulk ? await this.#sendAll(lines, options.timeoutMs) : await this.#configEach(lines, options.timeoutMs);
      applied = true;
      return { outputs };
    } finally {
      const stay = applied && options.stayInConfigMode === true;
      if (!stay && !this.#channel.closed && !this.#lostStep) await this.ensureExec(options);
    }
  }

  /**
   * Runs a dialog (scrapli send_interactive): each step is sent, then the session waits for one of the step's
   * questions or the prompt after the echo of every line the step sent (so config lines written with a dialog's
   * first command do not end it early). A step without questions waits for the prompt; a prompt where a question
   * was expected ends the dialog early. A question where a step expects the
   * prompt (a repeated `[yes/no]`) fails at once. Error texts anywhere in the dialog raise DeviceCommandError
   * naming the first step.
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
      const what = step.secret ? `${name}: ${step.label ?? 'secret'}` : (text.split('\n')[0] ?? '');
      const after = step.secret
        ? []
        : text
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== '');
      const prompt: Matcher = after.length > 0 ? { after, then: this.#prompts.any } : this.#prompts.any;
      const unasked: Matcher[] = step.expect.length === 0 && after.length > 0 ? [{ after, then: this.#question }] : [];
      const read = await this.#exchange(
        `${text}\n`,
        [...step.expect, prompt, ...unasked],
        what,
        options.timeoutMs,
        step.expect.length > 0 ? 'question' : 'prompt',
      );
      seen += read.text;
      sent++;
      if (read.matched > step.expect.length) this.#unexpectedQuestion(what, read.text);
      // The prompt instead of an expected question: the device skipped the rest of the dialog.
      if (step.expect.length > 0 && read.matched === step.expect.length) break;
    }
    const output = this.#redactor.redact(seen);
    this.#check(name, output);
    return { output, stepsSent: sent };
  }

  /**
   * Waits, sending nothing, until a complete line the device prints unasked (syslog on a `terminal monitor`
   * session) satisfies `decisive`; returns all the text read, unredacted as `send` returns output (the transcript
   * and errors are redacted). Each read ends at a line end, and each line is tested once, so the work stays linear
   * in what arrives. The device may reprint its prompt after such a line: the next exchange ends at its own
   * end-of-command line, so that prompt cannot be taken for its answer.
   */
  async waitForOutput(
    decisive: (line: string) => boolean,
    options: { readonly timeoutMs: number; readonly command: string; readonly waitedFor: string; readonly signal?: AbortSignal },
  ): Promise<string> {
    if (this.#lostStep) throw new SessionUnusableError(this.device, this.#redactor.redact(options.command), this.#lostStep);
    const deadline = Date.now() + options.timeoutMs;
    let text = '';
    let tested = 0;
    for (;;) {
      const read = await this.#channel.readUntil([LINE_END], { ...options, timeoutMs: Math.max(1, deadline - Date.now()) });
      text += read.text;
      const end = text.lastIndexOf('\n');
      if (end < tested) continue;
      const lines = text.slice(tested, end).split('\n');
      tested = end + 1;
      if (lines.some((line) => decisive(line.replace(/\r$/, '')))) return text;
    }
  }

  /** Back to privileged EXEC from any config mode (after a dialog failed half-way), as `end` does. */
  async ensureExec(options: SendOptions = {}): Promise<void> {
    if (this.#level !== 'config') return;
    const answer = await this.#command(['end'], 'end', options.timeoutMs);
    if (this.level === 'config')
      throw new DeviceCommandError(
        this.device,
        'end',
        answer.promptBefore,
        'still-config',
        'the device stayed in config mode after end',
        this.#redactor.redact(answer.body),
      );
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

  #takePrompt(line: string): void {
    const info = this.#platform.parsePromptLine(line);
    if (!info) return;
    this.#level = info.level;
    // Config prompts show at most 20 characters of the hostname: keep the full one from an EXEC prompt.
    if (info.level !== 'config' || this.#hostname === '') {
      if (info.hostname !== this.#hostname) this.#prompts = this.#platform.promptPatterns(info.hostname);
      this.#hostname = info.hostname;
    }
  }

  /** `enable` from user EXEC; one attempt with the secret, as a wrong secret must not be retried into a lock-out. */
  async #enable(secret: string | undefined): Promise<void> {
    if (secret === undefined) {
      throw new EnableError(this.device, `the account lands in user EXEC (${this.#hostname}>) and no enable secret was given`);
    }
    const first = await this.#exchange(
      'enable\n',
      [this.#platform.questions.password, { after: ['enable'], then: this.#prompts.exec }, { after: ['enable'], then: this.#prompts.userExec }],
      'enable',
    );
    if (first.matched === 1) return;
    if (first.matched === 2)
      throw new EnableError(this.device, `'enable' was refused: ${this.#redactor.redact(stripEchoAndPrompt(first.text, 'enable', this.#platform)).trim()}`);
    const second = await this.#exchange(`${secret}\n`, [this.#prompts.exec, this.#prompts.userExec, this.#platform.questions.password], 'enable (secret)');
    if (second.matched !== 0) {
      // Leave the repeated Password: question without another guess.
      if (second.matched === 2) this.#channel.write('\n');
      throw new EnableError(this.device, 'the enable secret was refused');
    }
  }

  async #exchange(text: string, matchers: readonly Matcher[], command: string, timeoutMs?: number, waitedFor = 'prompt'): Promise<ReadResult> {
    const shown = this.#redactor.redact(command);
    if (this.#lostStep) throw new SessionUnusableError(this.device, shown, this.#lostStep);
    const startedAt = new Date();
    const started = performance.now();
    this.#channel.write(text);
    this.#roundTrips++;
    try {
      const read = await this.#channel.readUntil(matchers, {
        timeoutMs: timeoutMs ?? this.#timeoutMs,
        command: shown,
        waitedFor,
        ...(this.#signal && { signal: this.#signal }),
      });
      this.#transcript?.exchanged(shown, startedAt, performance.now() - started);
      this.#takePrompt(lastLine(read.text).trim());
      return read;
    } catch (err) {
      this.#transcript?.exchanged(shown, startedAt, performance.now() - started, err instanceof Error ? err : undefined);
      // After these the device's next text cannot be matched to a command: no further command goes out.
      if (err instanceof DeviceTimeoutError || err instanceof ReadAbortedError || err instanceof OutputLimitError) this.#lostStep = err;
      throw err;
    }
  }

  /**
   * Writes `lines` and the end-of-command line in one write, and reads until that line's echo and the prompt after
   * it (`final`: this device's prompts, or any prompt while the hostname is not yet known).
   */
  async #command(lines: readonly string[], what: string, timeoutMs?: number, final: RegExp = this.#prompts.any): Promise<Answer> {
    const token = `! certagent ${this.#nonce}-${++this.#sequence}.`;
    const done: Marker = { after: [token], then: final };
    // The end-of-command line read as the answer to a question the command asked: the question is back at the end.
    const asked: Marker = { after: [token], then: this.#question };
    const waitedFor = lines.length > 1 ? `the end of ${lines.length} lines` : 'prompt';
    // `!!`: should a [confirm] take one key of it as its answer (a no), the rest is still a comment.
    const read = await this.#exchange(`${[...lines, `!${token}`].join('\n')}\n`, [done, asked], what, timeoutMs, waitedFor);
    if (read.matched === 1) this.#unexpectedQuestion(what, read.text);
    const at = read.text.lastIndexOf(token);
    const lineStart = read.text.lastIndexOf('\n', at) + 1;
    const before = read.text.slice(lineStart, at);
    // Read at a prompt, the line shows that prompt and the whole `!!`; anything else means something took part of
    // it as input (a question the command asked): the command did not run as sent.
    if (!before.endsWith('!') || this.#platform.parsePromptLine(before.slice(0, -1).trim()) === undefined)
      this.#unexpectedQuestion(what, read.text.slice(0, lineStart));
    const rest = read.text.slice(at + token.length);
    // IOS takes `!` lines as comments in config modes (every running-config is full of them) and, as the lab does,
    // in EXEC: no capture of a `!` typed at an EXEC prompt was found, so that is IOS XE 17.x behaviour assumed.
    // Should a device complain, its complaint is an error here.
    this.#check(`${what} (end-of-command line)`, rest);
    return { body: read.text.slice(0, lineStart), promptBefore: before.slice(0, -1).trim() };
  }

  #unexpectedQuestion(command: string, text: string): never {
    const question = lastLine(text.trimEnd()).trim();
    const error = new UnexpectedQuestionError(this.device, this.#redactor.redact(command), this.#redactor.redact(question));
    // The device may still wait on the question: no further command goes out on this session.
    this.#lostStep = error;
    throw error;
  }

  #check(command: string, output: string): void {
    const error = this.#platform.findError(output);
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
      const answer = await this.#command([line], line, timeoutMs);
      const output = stripEcho(answer.body, line, this.#platform);
      this.#check(line, output);
      outputs.push(output);
    }
    return outputs;
  }

  /**
   * One write for the whole block (config lines, or the session's setup commands) and the end-of-command line,
   * then one wait for that line's echo. Output between two echoes belongs to the first line, so errors still name
   * their line. Lines that open a dialog (yes/no) must go through `interact` instead.
   */
  async #sendAll(lines: readonly string[], timeoutMs?: number, final?: RegExp): Promise<string[]> {
    if (lines.length === 0) return [];
    const answer = await this.#command(lines, `${lines.length} lines`, timeoutMs ?? this.#timeoutMs + lines.length * 1_000, final);
    const text = answer.body;
    const positions = echoPositions(text, lines) ?? [];
    const outputs = lines.map((line, i) => {
      const start = (positions[i] ?? 0) + line.length;
      const end = i + 1 < lines.length ? lastLineStart(text, positions[i + 1] ?? text.length) : text.length;
      return stripTrailingPrompt(text.slice(start, end).replace(/^\n/, ''), this.#platform);
    });
    outputs.forEach((output, i) => this.#check(lines[i] ?? '', output));
    return outputs;
  }
}

/** The command's output: the lines after its echo (possibly after a redisplayed prompt or stray text). */
function stripEcho(body: string, command: string, platform: CliPlatform): string {
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const sent = command.trim();
  const echo = lines.findIndex((line) => {
    const l = line.trimEnd();
    if (l.trim() === sent) return true;
    return l.endsWith(sent) && platform.parsePromptLine(l.slice(0, l.length - sent.length).trimEnd()) !== undefined;
  });
  return lines.slice(echo + 1).join('\n');
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

function stripTrailingPrompt(text: string, platform: CliPlatform): string {
  const lines = text.split('\n');
  if (platform.parsePromptLine((lines[lines.length - 1] ?? '').trim()) !== undefined || lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
