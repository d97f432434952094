/**
 * The contract between the lab router's engine (SSH server, line discipline, modes, parser, base commands)
 * and the features that plug into it (PKI, EEM, later SIP/voice). A feature is data: the modes it adds,
 * the commands it accepts in which modes, and the running-config blocks it renders. The engine owns
 * parsing (unique-prefix abbreviations, `% Invalid input` / `% Incomplete command.` / `% Ambiguous command:`),
 * the `no` prefix, submode fall-through to parent modes (as IOS does when a global command is typed in a
 * submode), `exit` / `end` / Ctrl-Z, paging and `|` filters. A feature never writes to the socket itself.
 */
import type { RouterState } from './state.js';

/** Mode identifiers. The engine defines 'user-exec', 'exec' and 'config'; features add their submodes. */
export type ModeId = string;

export interface ModeSpec {
  readonly id: ModeId;
  /** Text shown in parentheses in the prompt: `R1(ca-trustpoint)#`. */
  readonly promptTag: string;
  /** Where `exit` goes (and where unmatched commands fall through to). */
  readonly parent: ModeId;
  /** Word that leaves this mode besides `exit` (hexmode's `quit`). */
  readonly leaveWord?: string;
  /** Lines that are data rather than commands in this mode (hexmode's hex lines): return true when consumed. */
  readonly rawLine?: (ctx: CommandContext, line: string) => boolean | Promise<boolean>;
}

/** Where the session is. `target` names the object a submode edits (trustpoint, applet, chain). */
export interface ModeFrame {
  readonly id: ModeId;
  readonly target?: string;
  /** Extra context, e.g. the certificate serial and type in hexmode. */
  readonly detail?: Readonly<Record<string, string>>;
}

/**
 * Grammar of one command, as IOS help shows it:
 * - lower-case literals are keywords, matched by unique prefix (`sh cry pki cert`);
 * - `<name>` is one word parameter, `<name...>` the rest of the line verbatim (quotes kept);
 * - `[ ... ]` is optional, `{ a | b }` is a choice (either may be a keyword sequence).
 * Example: `show crypto pki certificates [verbose] [<trustpoint>]`.
 */
export interface CommandSpec {
  readonly modes: readonly ModeId[];
  readonly syntax: string;
  /** Accepts a leading `no` (config commands). */
  readonly negatable?: boolean;
  /** Exec commands that need privilege 15 (`R1#`), invisible at `R1>`. */
  readonly privileged?: boolean;
  run(ctx: CommandContext): void | Promise<void>;
}

/** What a command sees of the session and the router. */
export interface CommandContext {
  readonly router: RouterState;
  readonly io: SessionIo;
  readonly mode: ModeFrame;
  /** The line had a leading `no`. */
  readonly negated: boolean;
  /** Parameter values by name; keywords that were typed appear under their full name with value ''. */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The whole line as typed. */
  readonly line: string;
  enterMode(frame: ModeFrame): void;
  /** Back to the parent mode (what `exit` does). */
  exitMode(): void;
}

/** Output and interactive input of one CLI session. */
export interface SessionIo {
  /** Prints text; `\n` becomes CRLF on the wire; paging and `|` filters apply to command output. */
  print(text: string): void;
  /** Prints `question` with the cursor left after it and returns the next line typed (echoed as the device does). */
  ask(question: string): Promise<string>;
  /** Reads the next line typed, without printing anything first (pastes). */
  readLine(): Promise<string>;
}

/** A block of the running config, placed by `slot` (the engine's order of IOS sections, see RENDER_SLOTS). */
export interface ConfigBlock {
  readonly slot: RenderSlot;
  /** Lines without line ends, indented as IOS does (one space per level). */
  readonly lines: readonly string[];
}

/** IOS XE's order of running-config sections, the ones the lab knows. */
export const RENDER_SLOTS = [
  'header', // version, service, platform
  'hostname',
  'aaa',
  'crypto-pki-trustpoint',
  'crypto-pki-certificate-chain',
  'voice',
  'username',
  'interfaces',
  'ip',
  'ip-host',
  // Before the voice sections: an ISR4321 IOS XE 16.5 `show running-config` (Vonage's CUCM-CUBE guide) reads
  // control-plane, mgcp, dial-peer voice, sip-ua, line con 0.
  'control-plane',
  'dial-peer',
  'sip-ua',
  // Banners come last before the lines: after control-plane on IOSv 15.2, after dial-peers on an IOS voice gateway.
  'banner',
  'line',
  'event-manager-environment',
  'event-manager-applet',
  'end',
] as const;
export type RenderSlot = (typeof RENDER_SLOTS)[number];

export interface Feature {
  readonly name: string;
  readonly modes: readonly ModeSpec[];
  readonly commands: readonly CommandSpec[];
  /** Running-config blocks of this feature, from the router's state. */
  render(state: RouterState): readonly ConfigBlock[];
}
