/**
 * Every default wait of a device session in one place, and the waits derived from the command timeout, so a flag
 * (`--command-timeout`, `--device-timeout`) moves them together instead of a number written in several modules.
 */
export const DEFAULT_TIMEOUTS = {
  /** TCP, SSH handshake and authentication together. */
  connectMs: 15_000,
  /** One command's answer (and the first prompt after login). */
  commandMs: 30_000,
  /** The NETCONF hello exchange. */
  helloMs: 30_000,
} as const;

/**
 * `write memory` copies the whole configuration to NVRAM, which takes seconds to a minute on real routers: it waits
 * four command timeouts (two minutes by default), never more than the device deadline allows.
 */
export function saveTimeoutMs(commandTimeoutMs: number = DEFAULT_TIMEOUTS.commandMs): number {
  return commandTimeoutMs * 4;
}
