/** Turns a device's credential references into Secrets, just before connecting. */
import type { Device } from './inventory.js';
import type { Secret, SecretRefAt, SecretResolver } from './secret.js';

export interface ResolvedCredentials {
  readonly username: string;
  readonly password?: Secret;
  readonly enableSecret?: Secret;
  readonly privateKey?: { readonly path: string; readonly passphrase?: Secret };
}

/** Resolves every reference of the device at once, so one error lists all that is missing. */
export async function resolveCredentials(device: Device, resolver: SecretResolver): Promise<ResolvedCredentials> {
  const { password, enableSecret, privateKey, username } = device.credentials;
  const wanted: [string, SecretRefAt][] = [];
  if (password) wanted.push(['password', password]);
  if (enableSecret) wanted.push(['enableSecret', enableSecret]);
  if (privateKey?.passphrase) wanted.push(['passphrase', privateKey.passphrase]);
  const secrets = await resolver.resolveAll(wanted.map(([, ref]) => ref));
  const byName = new Map(wanted.map(([name], i) => [name, secrets[i]]));
  const pw = byName.get('password');
  const en = byName.get('enableSecret');
  const pp = byName.get('passphrase');
  return {
    username,
    ...(pw && { password: pw }),
    ...(en && { enableSecret: en }),
    ...(privateKey && { privateKey: { path: privateKey.path, ...(pp && { passphrase: pp }) } }),
  };
}
