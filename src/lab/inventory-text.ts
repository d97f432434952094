/**
 * The inventory `certagent lab` writes, in certagent's own format (src/config/inventory-native.ts): one
 * device per router with its real port and its host key pinned, credentials by environment reference only.
 */

export interface LabInventoryDevice {
  readonly name: string;
  /** The address clients use (127.0.0.1 when the router listens on every address). */
  readonly host: string;
  readonly port: number;
  /** Written as `netconf_port` when the router serves NETCONF (the lab was started with `netconf`). */
  readonly netconfPort?: number;
  /** `SHA256:...` of the router's host key (the same key on its NETCONF port). */
  readonly hostKeyFingerprint: string;
  /** The device's group when not the inventory's (the lab's CUBEs are in `cube`). */
  readonly group?: string;
  /** The device's transport when not the inventory's (the CUBE step runs over the SSH CLI only). */
  readonly transport?: 'ssh' | 'netconf';
}

export interface LabInventoryOptions {
  readonly devices: readonly LabInventoryDevice[];
  readonly username: string;
  readonly passwordEnv: string;
  readonly enableSecretEnv: string;
  /** Shown in the header: the file to `source` before using the inventory. */
  readonly envFile: string;
  readonly group?: string;
  readonly transport?: 'ssh' | 'netconf';
}

/** JSON strings are YAML strings: quoting this way never lets a value change the document's structure. */
function scalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) ? value : JSON.stringify(value);
}

export function renderLabInventory(options: LabInventoryOptions): string {
  const group = options.group ?? 'lab';
  const lines = [
    '# certagent inventory of the running lab, written by `certagent lab` (rewritten at every start: ports may change).',
    `# Secrets are environment references: run \`source ${options.envFile}\` first.`,
    '# Host keys are pinned: they are kept in the lab state folder across restarts.',
    'all:',
    `  username: ${scalar(options.username)}`,
    `  password: { env: ${options.passwordEnv} }`,
    `  enable_secret: { env: ${options.enableSecretEnv} }`,
    '  platform: iosxe',
    `  transport: ${options.transport ?? 'ssh'}`,
    '',
    'devices:',
  ];
  for (const device of options.devices) {
    lines.push(
      `  - name: ${scalar(device.name)}`,
      `    host: ${scalar(device.host)}`,
      `    port: ${device.port}`,
      ...(device.netconfPort !== undefined ? [`    netconf_port: ${device.netconfPort}`] : []),
      `    groups: [${scalar(device.group ?? group)}]`,
      ...(device.transport !== undefined ? [`    transport: ${device.transport}`] : []),
      `    host_key: ${JSON.stringify(device.hostKeyFingerprint)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
