/** One `certagent` sub-command. `run` returns the process exit code:
 * 0 all good, 1 some device failed, 2 bad input or usage. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[]): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_DEVICE_FAILED = 1;
export const EXIT_USAGE = 2;

/** Thrown for bad input or usage; the entry point prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
