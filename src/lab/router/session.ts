/**
 * One CLI session on a vty: reads lines, finds the command in the current mode (falling through to parent
 * modes as IOS does), runs it, shapes its output (filters, pager, injected latency) and prints the prompt.
 * The same loop replays a startup-config at boot, with a terminal that discards output.
 */
import type { ModeFrame, SessionIo } from './feature.js';
import { matchLine, splitWords, type MatchResult } from './grammar.js';
import { LineEditor, type ReadLine } from './line-editor.js';
import { LineFilter, MORE_ERASE, MORE_PROMPT, parseFilter } from './output.js';
import { CONFIG, EXEC, USER_EXEC, isConfigMode, type EngineCommand, type EngineContext, type SessionControl } from './registry.js';
import type { RouterRuntime } from './runtime.js';

import type { Terminal } from './output-shaping.js';

export type { Terminal } from './output-shaping.js';

export interface SessionOptions {
  readonly runtime: RouterRuntime;
  readonly terminal: Terminal;
  readonly username: string;
  readonly privilege: number;
  /** The client's address, as `%SYS-5-CONFIG_I` names it. */
  readonly peer: string;
  readonly lineName: string;
  /** Terminal length from the pty request (IOS default 24); 0 disables the pager. */
  readonly length?: number;
  readonly width?: number;
  /** `enable` needs no secret (EEM's own CLI sessions). */
  readonly trusted?: boolean;
  /** A replay: no prompts, no faults, no configuration-session logs, starting in config mode. */
  readonly replay?: boolean;
}

class SessionClosed extends Error {
  constructor() {
    super('session closed');
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The output of one command line on its way to the terminal. */
interface CommandOutput {
  text: string;
  filter?: LineFilter;
  aborted: boolean;
  pageLines: number;
}

type Resolution =
  | {
      readonly kind: 'run';
      readonly level: number;
      readonly command: EngineCommand;
      readonly params: Record<string, string>;
      readonly negated: boolean;
      readonly filter?: LineFilter;
    }
  | { readonly kind: 'error'; readonly result: MatchResult<EngineCommand> };

export class CliSession implements SessionControl {
  readonly username: string;
  readonly lineName: string;
  readonly peer: string;
  privilege: number;
  readonly trusted: boolean;
  terminalLength: number;
  terminalWidth: number;
  private readonly runtime: RouterRuntime;
  private readonly terminal: Terminal;
  private readonly editor = new LineEditor();
  private readonly replay: boolean;
  private readonly stack: ModeFrame[];
  private wake: (() => void) | undefined;
  private closed = false;
  private hung = false;
  private bytesOut = 0;
  private output: CommandOutput = { text: '', aborted: false, pageLines: 0 };
  /** The prompt printed before the line being executed (the caret counts its width). */
  private shownPrompt = '';
  /** Waiting at the prompt for a command line (syslog lines may then be shown at once). */
  private atPrompt = false;
  private unsubscribeMonitor: (() => void) | undefined;
  /** Syslog lines that arrived while a command was running, shown before the next prompt. */
  private heldLogs: string[] = [];

  constructor(options: SessionOptions) {
    this.runtime = options.runtime;
    this.terminal = options.terminal;
    this.username = options.username;
    this.lineName = options.lineName;
    this.peer = options.peer;
    this.privilege = options.privilege;
    this.terminalLength = options.length ?? 24;
    this.terminalWidth = options.width ?? 80;
    this.replay = options.replay ?? false;
    this.trusted = options.trusted ?? false;
    this.stack = [{ id: this.privilege >= 15 ? EXEC : USER_EXEC }];
    if (this.replay) this.stack.push({ id: CONFIG });
  }

  /** Bytes typed by the client. */
  input(data: string): void {
    this.editor.push(data);
    this.wakeReader();
  }

  close(abrupt = false): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseConfigLock();
    this.unsubscribeMonitor?.();
    this.wakeReader();
    this.terminal.close(abrupt);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The interactive loop: prompt, line, command, until the client leaves. */
  async run(): Promise<void> {
    try {
      if (!this.replay) this.printPrompt();
      for (;;) {
        this.atPrompt = true;
        const line = await this.nextLine(true);
        this.atPrompt = false;
        await this.handle(line);
        if (this.hung || this.closed) return;
        if (!this.replay) this.printPrompt();
      }
    } catch (error) {
      if (!(error instanceof SessionClosed)) throw error;
    }
  }

  /** Runs one command line and returns (an SSH `exec` request). */
  async runOnce(line: string): Promise<void> {
    this.terminalLength = 0;
    try {
      await this.execute(line);
    } catch (error) {
      if (!(error instanceof SessionClosed)) throw error;
    }
  }

  prompt(): string {
    const top = this.top();
    const host = this.runtime.state.hostname;
    if (top.id === USER_EXEC) return `${host}>`;
    if (top.id === EXEC) return `${host}#`;
    return `${host.slice(0, 20)}(${this.runtime.registry.mode(top.id).promptTag})#`;
  }

  // ---- SessionControl, for the engine's own commands ----

  async readSecret(prompt: string): Promise<string> {
    await this.flush(true);
    this.send(prompt);
    return (await this.nextLine(false)).text;
  }

  async runExec(line: string, from: number): Promise<void> {
    await this.perform(this.resolve(line, from, [0]), line, false);
  }

  /** `terminal monitor`: syslog lines are shown on this vty as they are logged. */
  setMonitor(on: boolean): void {
    this.unsubscribeMonitor?.();
    this.unsubscribeMonitor = on ? this.runtime.state.syslog.subscribe((line) => this.showLog(line)) : undefined;
  }

  setPrivilege(level: number): void {
    this.privilege = level;
    this.stack[0] = { id: level >= 15 ? EXEC : USER_EXEC };
  }

  lockConfig(): void {
    const vty = /\d+$/.exec(this.lineName)?.[0] ?? '0';
    // IOS XE names the holder by its process id and tty number; the lab makes both from the vty.
    this.runtime.state.configLock = { owner: this, process: 300 + Number(vty), user: this.username, terminal: String(2 + Number(vty)) };
  }

  private releaseConfigLock(): void {
    if (this.runtime.state.configLock?.owner === this) this.runtime.state.configLock = undefined;
  }

  endConfig(): void {
    if (!isConfigMode(this.top().id)) return;
    this.stack.length = 1;
  }

  incomplete(): void {
    this.print('% Incomplete command.\n\n');
  }

  invalid(offset: number): void {
    this.print(`${' '.repeat(this.shownPrompt.length + offset)}^\n% Invalid input detected at '^' marker.\n\n`);
  }

  // ---- line handling ----

  private top(): ModeFrame {
    return this.stack[this.stack.length - 1] as ModeFrame;
  }

  /** As IOS with `logging synchronous`: at an idle prompt the message goes on its own line and the prompt comes back. */
  private showLog(line: string): void {
    if (this.runtime.state.monitorLoggingOff === true) return;
    if (!this.atPrompt) {
      this.heldLogs.push(line);
      return;
    }
    try {
      this.send(`\r\n${line}\r\n${this.shownPrompt}${this.editor.partial}`);
    } catch (error) {
      if (!(error instanceof SessionClosed)) throw error;
    }
  }

  private printPrompt(): void {
    for (const line of this.heldLogs.splice(0)) this.send(`${line}\r\n`);
    this.shownPrompt = this.prompt();
    this.send(this.shownPrompt);
  }

  private async handle(line: ReadLine): Promise<void> {
    this.output = { text: '', aborted: false, pageLines: 0 };
    if (line.end !== 'eol') {
      if (isConfigMode(this.top().id)) {
        this.endConfig();
        this.configSessionEnded();
      }
      return;
    }
    await this.execute(line.text);
  }

  private async execute(text: string): Promise<void> {
    const trimmed = text.trim();
    const faults = this.runtime.state.faults;
    if (!this.replay && faults.dropAtCommand && trimmed.startsWith(faults.dropAtCommand)) {
      this.close(true);
      throw new SessionClosed();
    }
    if (!this.replay && faults.hangAtCommand && trimmed.startsWith(faults.hangAtCommand)) this.hung = true;
    if (!this.replay && faults.commandLatencyMs) await sleep(faults.commandLatencyMs);
    const frame = this.top();
    // A `!` comment is no command: IOS's command accounting does not see it (certagent ends each command with one).
    if (!this.replay && trimmed !== '' && !trimmed.startsWith('!'))
      this.runtime.state.commands.record(frame.id, trimmed, isConfigMode(frame.id) || /^conf(?:i(?:g(?:u(?:r(?:e)?)?)?)?)?\b/i.test(trimmed));
    const mode = this.runtime.registry.mode(frame.id);
    if (mode.leaveWord && trimmed.toLowerCase() === mode.leaveWord) {
      this.exitMode();
      return;
    }
    if (mode.rawLine && (await mode.rawLine(this.context(this.stack.length - 1, {}, false, text), text))) {
      await this.flush(true);
      return;
    }
    if (trimmed === '' || trimmed.startsWith('!')) return;
    if (!this.replay && faults.denyConfigCommands === true && isConfigMode(frame.id) && trimmed.toLowerCase() !== 'end') {
      // TACACS+ command authorization refusing the account (the text Ansible's cisco.ios terminal_stderr_re knows).
      this.print('Command authorization failed.\n');
      await this.flush(true);
      return;
    }
    const levels: number[] = [];
    for (let i = this.stack.length - 1; i >= 0; i--) {
      levels.push(i);
      if (!isConfigMode(this.stack[i - 1]?.id ?? EXEC)) break;
    }
    await this.perform(this.resolve(text, 0, levels), text);
    if (isConfigMode(frame.id) && !this.runtime.booting) {
      this.runtime.base.lastChange = { at: this.runtime.state.now(), by: this.username };
    }
  }

  /** Finds the command for `text` in the modes at `levels` (innermost first): the first full match wins. */
  private resolve(text: string, from: number, levels: readonly number[]): Resolution {
    let best: MatchResult<EngineCommand> | undefined;
    for (const level of levels) {
      const modeId = (this.stack[level] as ModeFrame).id;
      const result = this.matchIn(modeId, text, from);
      if (result.kind === 'run') return { ...result, level };
      if (!best || progress(result.result) > progress(best)) best = result.result;
    }
    return { kind: 'error', result: best ?? { kind: 'empty' } };
  }

  private matchIn(
    modeId: string,
    text: string,
    from: number,
  ):
    | { kind: 'run'; command: EngineCommand; params: Record<string, string>; negated: boolean; filter?: LineFilter }
    | { kind: 'error'; result: MatchResult<EngineCommand> } {
    const registry = this.runtime.registry;
    const first = splitWords(text.slice(from))[0];
    const negated = isConfigMode(modeId) && first?.text.toLowerCase() === 'no';
    const start = negated && first ? from + first.start + first.text.length : from;
    // IOS takes a standalone `|` (outside quotes) as the start of an output modifier before it parses the
    // command, so `show crypto pki certificates verbose | include X` never offers `|` to the optional trustpoint.
    const pipeWord = isConfigMode(modeId) ? undefined : splitWords(text.slice(start)).find((w) => w.text === '|');
    const pipe = pipeWord ? start + pipeWord.start : text.length;
    let result = matchLine(text.slice(0, pipe), registry.candidates(modeId, negated), start);
    if (negated && result.kind === 'empty') result = { kind: 'incomplete', progress: 1 };
    let filter: LineFilter | undefined;
    if (pipeWord && result.kind === 'ok') {
      const parsed = parseFilter(text, pipe + 1);
      if (parsed.kind !== 'ok') {
        const words = splitWords(text).length;
        const failure: MatchResult<EngineCommand> =
          parsed.kind === 'invalid' ? { kind: 'invalid', offset: parsed.offset, progress: words } : { kind: parsed.kind, progress: words };
        return { kind: 'error', result: failure };
      }
      filter = parsed.filter;
    }
    if (result.kind !== 'ok') return { kind: 'error', result };
    return { kind: 'run', command: result.command, params: result.params, negated, filter };
  }

  /** Runs the resolved command; `leaveSubmodes` pops to the mode it was found in (fall-through). */
  private async perform(resolution: Resolution, text: string, leaveSubmodes = true): Promise<void> {
    if (resolution.kind === 'error') {
      const result = resolution.result;
      if (result.kind === 'invalid') this.invalid(result.offset);
      else if (result.kind === 'incomplete') this.incomplete();
      else if (result.kind === 'ambiguous') this.print(`% Ambiguous command:  "${text.trim()}"\n`);
      await this.flush(true);
      return;
    }
    if (resolution.filter) this.output.filter = resolution.filter;
    const configBefore = isConfigMode(this.top().id);
    if (leaveSubmodes) this.stack.length = resolution.level + 1;
    try {
      await resolution.command.run(this.context(resolution.level, resolution.params, resolution.negated, text));
    } catch (error) {
      if (error instanceof SessionClosed) throw error;
      // A bug in the lab, not device behaviour: say so on the terminal and in the log, and keep the session.
      const message = error instanceof Error ? error.message : String(error);
      this.print(`% Lab router error in "${text.trim()}": ${message}\n`);
      this.runtime.state.syslog.log('LAB', 3, 'COMMAND_FAILED', `"${text.trim()}": ${message}`);
    }
    await this.flush(true);
    for (const line of this.output.filter?.trailer() ?? []) await this.emit(`${line}\r\n`);
    if (configBefore && !isConfigMode(this.top().id)) this.configSessionEnded();
  }

  private context(level: number, params: Record<string, string>, negated: boolean, line: string): EngineContext {
    const io: SessionIo = {
      print: (text) => this.print(text),
      ask: async (question) => {
        await this.flush(true);
        this.send(question.replace(/\r?\n/g, '\r\n'));
        this.output.pageLines = 0;
        return (await this.nextLine(true)).text;
      },
      readLine: async () => {
        await this.flush(true);
        this.output.pageLines = 0;
        return (await this.nextLine(true)).text;
      },
    };
    return {
      router: this.runtime.state,
      runtime: this.runtime,
      session: this,
      io,
      mode: this.stack[level] as ModeFrame,
      negated,
      params,
      line,
      enterMode: (frame) => {
        this.stack.push(frame);
      },
      exitMode: () => this.exitMode(),
    };
  }

  private exitMode(): void {
    if (this.stack.length === 1) {
      this.close();
      return;
    }
    const parent = this.runtime.registry.mode(this.top().id).parent;
    this.stack.pop();
    while (this.stack.length > 1 && this.top().id !== parent) this.stack.pop();
  }

  private configSessionEnded(): void {
    this.releaseConfigLock();
    if (this.replay || this.runtime.booting) return;
    this.runtime.state.syslog.log('SYS', 5, 'CONFIG_I', `Configured from console by ${this.username} on ${this.lineName} (${this.peer})`);
  }

  // ---- input ----

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async waitForInput(): Promise<void> {
    if (this.closed) throw new SessionClosed();
    if (this.replay) {
      // The replayed text is all queued up front: running dry means the config has been read.
      this.closed = true;
      throw new SessionClosed();
    }
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    if (this.closed) throw new SessionClosed();
  }

  private async nextLine(visible: boolean): Promise<ReadLine> {
    for (;;) {
      const line = this.editor.takeLine((echo) => this.replay || this.send(echo), visible);
      if (line) return line;
      await this.waitForInput();
    }
  }

  private async nextKey(): Promise<string> {
    for (;;) {
      const key = this.editor.takeKey();
      if (key !== undefined) return key;
      await this.waitForInput();
    }
  }

  // ---- output ----

  private print(text: string): void {
    this.output.text += text;
  }

  /** Sends the complete lines of pending output (and the unfinished one when `all`) through filter and pager. */
  private async flush(all: boolean): Promise<void> {
    const out = this.output;
    const parts = out.text.split('\n');
    out.text = all ? '' : (parts.pop() ?? '');
    const last = all ? parts.pop() : undefined;
    for (const part of parts) {
      const line = part.replace(/\r$/, '');
      if (!out.filter || out.filter.accept(line)) await this.emit(`${line}\r\n`);
    }
    if (last && (!out.filter || out.filter.accept(last))) await this.emit(last);
  }

  private async emit(text: string): Promise<void> {
    const out = this.output;
    if (out.aborted) return;
    if (!this.replay && this.terminalLength > 0 && out.pageLines >= this.terminalLength - 1) {
      this.send(MORE_PROMPT);
      const key = await this.nextKey();
      this.send(MORE_ERASE);
      if (key === ' ') out.pageLines = 0;
      else if (key === '\r' || key === '\n') out.pageLines = this.terminalLength - 2;
      else {
        out.aborted = true;
        return;
      }
    }
    const latency = this.runtime.state.faults.lineLatencyMs;
    if (!this.replay && latency) await sleep(latency);
    this.send(text);
    if (text.endsWith('\n')) out.pageLines++;
  }

  private send(text: string): void {
    if (this.closed || this.replay) return;
    const limit = this.runtime.state.faults.dropAfterBytes;
    const size = Buffer.byteLength(text);
    if (limit !== undefined && this.bytesOut + size > limit) {
      this.terminal.write(
        Buffer.from(text)
          .subarray(0, Math.max(0, limit - this.bytesOut))
          .toString(),
      );
      this.bytesOut = limit;
      this.close(true);
      throw new SessionClosed();
    }
    this.bytesOut += size;
    this.terminal.write(text);
  }
}

function progress(result: MatchResult<unknown>): number {
  return result.kind === 'empty' || result.kind === 'ok' ? -1 : result.progress;
}
