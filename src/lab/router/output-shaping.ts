/**
 * How a vty's bytes reach the client, as faults shape them: cut into random packets (a slow or busy link, an
 * IOS process printing in pieces), with syslog lines printed between output lines (`terminal monitor` without
 * `logging synchronous`). Seeded, so a failing run can be replayed. This is the lab's output layer: the
 * commands and the session above it print whole texts and know nothing of it.
 */
import { syslogTimestamp } from './syslog.js';
import type { FaultPlan } from './faults.js';

/** Where a session's bytes go (an SSH channel, or nowhere during a replay). */
export interface Terminal {
  write(text: string): void;
  /** Ends the session: `abrupt` drops the whole connection (a fault), otherwise the channel closes cleanly. */
  close(abrupt: boolean): void;
}

/** A small seeded generator (mulberry32): reproducible runs, no dependency. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from a text (the hostname), so each router of a lab cuts its output differently but reproducibly. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Messages a router logs on its own while a session works, in IOS XE's words (genieparser iosxe ShowLogging
 * golden outputs and Cisco's system message guide): a configuration session ending, a login, a link flapping.
 */
const MESSAGES = [
  '%SYS-5-CONFIG_I: Configured from console by netops on vty1 (10.0.0.9)',
  '%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 10.0.0.9] [localport: 22]',
  '%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet2, changed state to down',
  '%LINK-3-UPDOWN: Interface GigabitEthernet2, changed state to up',
];

export interface ShapingOptions {
  /** The router's faults now (they may change while the session runs). */
  readonly faults: () => FaultPlan;
  readonly now: () => Date;
  readonly seed: number;
}

/** Wraps a terminal: passes writes through unchanged unless the faults ask for chunking or syslog lines. */
export function shapedTerminal(inner: Terminal, options: ShapingOptions): Terminal {
  const random = seededRandom(options.seed);
  const queue: string[] = [];
  let draining = false;
  let closing = false;
  let closed = false;
  let atLineStart = false;
  let message = 0;

  const drain = (): void => {
    if (closed) return;
    const piece = queue.shift();
    if (piece === undefined) {
      draining = false;
      if (closing) {
        closed = true;
        inner.close(false);
      }
      return;
    }
    inner.write(piece);
    // Mostly the next turn of the event loop, now and then a millisecond: packets arrive apart, in order.
    if (random() < 0.1) setTimeout(drain, 1);
    else setImmediate(drain);
  };

  const enqueue = (text: string, max: number): void => {
    for (let at = 0; at < text.length;) {
      const size = 1 + Math.floor(random() * max);
      queue.push(text.slice(at, at + size));
      at += size;
    }
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  };

  return {
    write(text) {
      if (closed || closing || text === '') return;
      const faults = options.faults();
      let out = text;
      // Between two lines of what the router prints (never after its last write, where a prompt or question waits).
      const every = faults.syslogEveryLines;
      if (every !== undefined && atLineStart && random() < 1 / every) {
        out = `${syslogTimestamp(options.now())}: ${MESSAGES[message++ % MESSAGES.length] ?? ''}\r\n${out}`;
      }
      atLineStart = text.endsWith('\n');
      const max = faults.chunkMaxBytes;
      if (max === undefined && !draining) inner.write(out);
      else enqueue(out, max ?? out.length);
    },
    close(abrupt) {
      if (closed || closing) return;
      if (abrupt || !draining) {
        closed = true;
        queue.length = 0;
        inner.close(abrupt);
        return;
      }
      closing = true;
    },
  };
}
