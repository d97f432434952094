/** Turns a device's credential references (and its jump hosts') into Secrets, just before connecting. */
import type { Device } from './inventory.js';
import type { Secret, SecretRefAt, SecretResolver } from './secret.js';

export interface ResolvedJumpHost {
  readonly username: string;
  readonly password?: Secret;
  readonly privateKey?: { readonly path: string; readonly passphrase?: Secret };
}

export interface ResolvedCredentials {
  readonly username: string;
  readonly password?: Secret;
  readonly enableSecret?: Secret;
  readonly privateKey?: { readonly path: string; readonly passphrase?: Secret };
  /** One per jump host of the device, in the same order. */
  readonly jumpHosts?: readonly ResolvedJumpHost[];
}

/** Resolves every reference of the device at once, so one error lists all that is missing. */
export async function resolveCredentials(device: Device, resolver: SecretResolver): Promise<ResolvedCredentials> {
  const { password, enableSecret, privateKey, username } = device.credentials;
  const wanted: [string, SecretRefAt][] = [];
  if (password) wanted.push(['password', password]);
  if (enableSecret) wanted.push(['enableSecret', enableSecret]);
  if (privateKey?.passphrase) wanted.push(['passphrase', privateKey.passphrase]);
  (device.jumpHosts ?? []).forEach((jump, i) => {
    if (jump.password) wanted.push([`jump${i}.password`, jump.password]);
    if (jump.privateKey?.passphrase) wanted.push([`jump${i}.passphrase`, jump.privateKey.passphrase]);
  });
  const secrets = await resolver.resolveAll(wanted.map(([, ref]) => ref));
  const byName = new Map(wanted.map(([name], i) => [name, secrets[i]]));
  const pw = byName.get('password');
  const en = byName.get('enableSecret');
  const pp = byName.get('passphrase');
  const jumpHosts = (device.jumpHosts ?? []).map((jump, i): ResolvedJumpHost => {
    const jpw = byName.get(`jump${i}.password`);
    const jpp = byName.get(`jump${i}.passphrase`);
    return {
      username: jump.username,
      ...(jpw && { password: jpw }),
      ...(jump.privateKey && { privateKey: { path: jump.privateKey.path, ...(jpp && { passphrase: jpp }) } }),
    };
  });
  return {
    username,
    ...(pw && { password: pw }),
    ...(en && { enableSecret: en }),
    ...(privateKey && { privateKey: { path: privateKey.path, ...(pp && { passphrase: pp }) } }),
    jumpHosts,
  };
}
