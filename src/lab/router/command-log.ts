/**
 * What was asked of a router, for tests and the lab's users to check (an audit must show no configuration): every
 * CLI line executed on a vty with the mode it was entered in, and every NETCONF operation. Kept as counters plus
 * the last `capacity` entries, so a router of a long benchmark does not grow.
 */
export interface LoggedCommand {
  /** `exec`, `config`, `config-pki-trustpoint`, ... for CLI lines; `netconf` for NETCONF operations. */
  readonly mode: string;
  readonly text: string;
}

export class CommandLog {
  readonly #entries: LoggedCommand[] = [];
  #total = 0;
  #configuring = 0;

  constructor(private readonly capacity = 1000) {}

  /** `configuring`: the line was entered in a configuration mode or changes configuration (NETCONF edits). */
  record(mode: string, text: string, configuring: boolean): void {
    this.#total++;
    if (configuring) this.#configuring++;
    this.#entries.push({ mode, text });
    if (this.#entries.length > this.capacity) this.#entries.shift();
  }

  entries(): readonly LoggedCommand[] {
    return this.#entries;
  }

  get total(): number {
    return this.#total;
  }

  /** Lines entered in configuration modes (`configure terminal` itself is entered in exec) and NETCONF edits. */
  get configuring(): number {
    return this.#configuring;
  }
}
