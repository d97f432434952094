/**
 * What the lab charges latency for, counted: each command line a router executes (commandMs) and each output line
 * it prints (lineMs). The benchmark's lower bound and its lines per device come from these counts, and tests use
 * them to hold the agent to a line budget. The counting wraps two methods of the lab's CLI session class from
 * outside, for the whole process; the lab itself is unchanged.
 */
import { CliSession } from '../lab/router/session.js';

export interface LabLineCounts {
  /** Command lines executed (each delayed commandMs). */
  readonly commands: number;
  /** Output lines printed (each delayed lineMs). */
  readonly outputLines: number;
}

type SessionMethod = (this: { replay: boolean }, text: string) => Promise<void>;

const counts = { commands: 0, outputLines: 0 };
let installed = false;

function countCalls(name: 'execute' | 'emit', counter: keyof typeof counts): void {
  const proto = CliSession.prototype as unknown as Record<string, SessionMethod | undefined>;
  const original = proto[name];
  if (typeof original !== 'function')
    throw new Error(`lab counters: CliSession.prototype.${name} is gone; update src/bench/lab-counters.ts to count the lab's delayed lines`);
  proto[name] = function (this: { replay: boolean }, text: string): Promise<void> {
    if (!this.replay) counts[counter]++;
    return original.call(this, text);
  };
}

/** Starts counting in this process (once; later calls keep the same counters). */
export function countLabLines(): void {
  if (installed) return;
  countCalls('execute', 'commands');
  countCalls('emit', 'outputLines');
  installed = true;
}

/** The counts since the last call, and a fresh start. */
export function takeLabLineCounts(): LabLineCounts {
  const taken = { ...counts };
  counts.commands = 0;
  counts.outputLines = 0;
  return taken;
}
