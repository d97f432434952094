/**
 * The modes and commands of one router, gathered from the engine's base feature and the plugged-in
 * features, indexed by mode. The engine's own commands see more of the session than a feature does
 * (privilege, terminal settings), hence `EngineCommand` and `EngineContext`.
 */
import type { CommandContext, CommandSpec, Feature, ModeId, ModeSpec } from './feature.js';
import type { RouterRuntime } from './runtime.js';

export const USER_EXEC = 'user-exec';
export const EXEC = 'exec';
export const CONFIG = 'config';

/** What the engine's own commands may do to their session. */
export interface SessionControl {
  readonly username: string;
  readonly lineName: string;
  readonly peer: string;
  readonly privilege: number;
  /** `enable` needs no secret (EEM's CLI sessions). */
  readonly trusted: boolean;
  terminalLength: number;
  terminalWidth: number;
  /** `terminal monitor` / `terminal no monitor`. */
  setMonitor(on: boolean): void;
  /** Changes the privilege level (`enable`, `disable`): the exec prompt follows. */
  setPrivilege(level: number): void;
  /** Reads a line without echoing it (`enable`'s `Password: `). */
  readSecret(prompt: string): Promise<string>;
  /** Runs an exec command line from config mode (`do`), `from` being where it starts in `line`. */
  runExec(line: string, from: number): Promise<void>;
  /** Holds the configuration lock until this session leaves config mode (`configure terminal lock`). */
  lockConfig(): void;
  /** Leaves every config mode (`end`, Ctrl-Z). */
  endConfig(): void;
  /** Ends the session (`exit` at exec level). */
  close(): void;
  /** Prints the `% Incomplete command.` error for a line the grammar alone cannot refuse. */
  incomplete(): void;
  /** Prints the caret and `% Invalid input detected` for the character at `offset` in the line. */
  invalid(offset: number): void;
}

export interface EngineContext extends CommandContext {
  readonly session: SessionControl;
  readonly runtime: RouterRuntime;
}

export interface EngineCommand {
  readonly modes: readonly ModeId[];
  readonly syntax: string;
  readonly negatable?: boolean;
  readonly privileged?: boolean;
  run(ctx: EngineContext): void | Promise<void>;
}

export interface EngineFeature {
  readonly modes: readonly ModeSpec[];
  readonly commands: readonly EngineCommand[];
}

export interface Candidate {
  readonly syntax: string;
  readonly value: EngineCommand;
}

/** Modes the engine defines itself; every other mode is a config mode (its prompt has parentheses). */
const BASE_MODES: readonly ModeSpec[] = [
  { id: USER_EXEC, promptTag: '', parent: USER_EXEC },
  { id: EXEC, promptTag: '', parent: EXEC },
  { id: CONFIG, promptTag: 'config', parent: EXEC },
];

export function isConfigMode(mode: ModeId): boolean {
  return mode !== USER_EXEC && mode !== EXEC;
}

export class CommandRegistry {
  private readonly modes = new Map<ModeId, ModeSpec>();
  private readonly commands = new Map<ModeId, Candidate[]>();
  private readonly negatable = new Map<ModeId, Candidate[]>();

  /** `universal` commands (exit, end, do) are offered in every config mode. */
  constructor(base: EngineFeature, universal: readonly EngineCommand[], features: readonly Feature[]) {
    for (const mode of [...BASE_MODES, ...base.modes, ...features.flatMap((f) => f.modes)]) {
      this.modes.set(mode.id, mode);
    }
    const all: EngineCommand[] = [...base.commands, ...features.flatMap((f) => f.commands.map(asEngineCommand))];
    for (const command of all) {
      for (const mode of command.modes) {
        if (!this.modes.has(mode)) throw new Error(`Command "${command.syntax}" names unknown mode "${mode}"`);
        this.add(mode, command);
        if (mode === EXEC && !command.privileged) this.add(USER_EXEC, command);
      }
    }
    for (const mode of this.modes.keys()) {
      if (isConfigMode(mode)) for (const command of universal) this.add(mode, command);
    }
  }

  mode(id: ModeId): ModeSpec {
    const mode = this.modes.get(id);
    if (!mode) throw new Error(`Unknown mode "${id}"`);
    return mode;
  }

  candidates(mode: ModeId, negated: boolean): readonly Candidate[] {
    return (negated ? this.negatable : this.commands).get(mode) ?? [];
  }

  private add(mode: ModeId, command: EngineCommand): void {
    const list = this.commands.get(mode) ?? [];
    if (list.some((c) => c.value === command)) return;
    list.push({ syntax: command.syntax, value: command });
    this.commands.set(mode, list);
    if (command.negatable) {
      const negatable = this.negatable.get(mode) ?? [];
      negatable.push({ syntax: command.syntax, value: command });
      this.negatable.set(mode, negatable);
    }
  }
}

const wrapped = new WeakMap<CommandSpec, EngineCommand>();

/** A feature's command seen as an engine command: it gets the richer context but uses only its part. */
function asEngineCommand(spec: CommandSpec): EngineCommand {
  let command = wrapped.get(spec);
  if (!command) {
    command = {
      modes: spec.modes,
      syntax: spec.syntax,
      negatable: spec.negatable,
      privileged: spec.privileged,
      run: (ctx) => spec.run(ctx),
    };
    wrapped.set(spec, command);
  }
  return command;
}
