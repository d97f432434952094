/**
 * The router's logging buffer. Lines look the way IOS XE prints them with its default
 * `service timestamps log datetime msec` and a clock never set by NTP (hence the leading `*`):
 * `*Mar 29 17:26:49.017: %SYS-5-CONFIG_I: Configured from console by admin on vty3 (10.24.15.5)`
 * (genieparser iosxe ShowLogging golden output; the day is space-padded to two columns as IOS's `%2d`).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `*Mmm dd hh:mm:ss.mmm` in UTC (the lab's routers run on UTC). */
export function syslogTimestamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `*${MONTHS[date.getUTCMonth()] ?? ''} ${String(date.getUTCDate()).padStart(2, ' ')} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.` +
    String(date.getUTCMilliseconds()).padStart(3, '0')
  );
}

interface Waiter {
  readonly pattern: RegExp;
  readonly resolve: (line: string) => void;
}

export class SyslogBuffer {
  private readonly lines: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(line: string) => void>();
  private logged = 0;

  /** `capacity` lines are kept, like the 102400-byte default buffer (oldest dropped first). */
  constructor(
    private readonly now: () => Date,
    private readonly capacity = 500,
  ) {}

  /** Logs `%FAC-SEV-MNEMONIC: text`. */
  log(facility: string, severity: number, mnemonic: string, text: string): void {
    const line = `${syslogTimestamp(this.now())}: %${facility}-${severity}-${mnemonic}: ${text}`;
    this.lines.push(line);
    this.logged++;
    if (this.lines.length > this.capacity) this.lines.shift();
    for (const waiter of this.waiters) {
      if (waiter.pattern.test(line)) {
        this.waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
    for (const listener of this.listeners) listener(line);
  }

  entries(): readonly string[] {
    return this.lines;
  }

  /** How many messages were ever logged (the `messages logged` counters of `show logging`). */
  get count(): number {
    return this.logged;
  }

  /** Calls `listener` for every new line (vty sessions with `terminal monitor`); returns the unsubscribe. */
  subscribe(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first line (already logged or future) matching `pattern`; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, what = 'router'): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const last = this.lines.slice(-5).join('\n') || '(nothing logged)';
        reject(new Error(`${what}: no syslog line matched ${String(pattern)} within ${timeoutMs} ms; last lines:\n${last}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      this.waiters.add(waiter);
    });
  }
}
