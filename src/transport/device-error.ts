/**
 * The base of the errors of a session with one device, over SSH CLI or NETCONF: each names the device and says
 * what to do (`advice`), so a reporter can show any of them the same way.
 */
export abstract class DeviceSessionError extends Error {
  abstract readonly advice: string;
  constructor(
    readonly device: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
