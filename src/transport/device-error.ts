/**
 * The base of the errors of a session with one device, over SSH CLI or NETCONF: each names the device and says
 * what to do (`advice`), so a reporter can show any of them the same way.
 */
export abstract class DeviceSessionError extends Error {
  abstract readonly advice: string;
  /** The device's own error text, where it gave one. */
  readonly deviceSays?: string;
  constructor(
    readonly device: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
