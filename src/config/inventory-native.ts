/** certagent's own inventory format:
 * ```yaml
 * all:    { username: netops, password: {env: ROUTER_PASSWORD}, vars: {...} }
 * groups: { branch: { transport: ssh, vars: {...} }, core: { transport: netconf, netconf_port: 830, port: 22 } }
 * devices:
 *   - { name: br1, host: 192.0.2.11, groups: [branch], host_key: "SHA256:..." }
 * ```
 */
import { z } from 'zod';
import { type ConfigIssue, type Origin, at } from './issues.js';
import { type DeviceDraft, type Layer, type LayerFields, HOST_KEY_FINGERPRINT, QUEUE_NAME } from './inventory.js';
import { jumpHostSchema, nativeJumpEntries } from './jump-hosts.js';
import { check, resolveFilePath, secretAt, secretRefSchema } from './schema.js';
import { sshAlgorithmsOf, sshAlgorithmsSchema } from './ssh-algorithms.js';
import { hostProblem } from './targets.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nameSchema = z.string().regex(NAME, { error: 'must start with a letter or digit and use only letters, digits, . _ -' });

const portSchema = z.number().int().min(1, { error: 'must be a port number 1..65535' }).max(65535, { error: 'must be a port number 1..65535' });

const connectionFields = {
  /** SSH CLI port (22). */
  port: portSchema.optional(),
  /** NETCONF port (830), for `transport: netconf`; the SSH port still serves what has no YANG path. */
  netconf_port: portSchema.optional(),
  platform: z.literal('iosxe', { error: "must be 'iosxe' (the only platform certagent drives)" }).optional(),
  transport: z.enum(['ssh', 'netconf']).optional(),
  username: z.string().min(1).optional(),
  password: secretRefSchema.optional(),
  enable_secret: secretRefSchema.optional(),
  private_key: z
    .object({ file: z.string().min(1), passphrase: secretRefSchema.optional() })
    .strict()
    .optional(),
  known_hosts: z.string().min(1).optional(),
  host_key_policy: z.enum(['strict', 'tofu']).optional(),
  /** A bastion, or a list of them for a chain (first hop first). */
  jump_host: jumpHostSchema.optional(),
  ssh_algorithms: sshAlgorithmsSchema.optional(),
  /** Over Redis (`--queue`), the queue whose workers run the device: a region's workers take only its devices. */
  queue: z.string().regex(QUEUE_NAME, { error: 'must be a queue name: 1..64 letters, digits, . _ - (starting with a letter or digit)' }).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
};

const hostKeySchema = z.string().regex(HOST_KEY_FINGERPRINT, {
  error: 'must be an OpenSSH fingerprint: SHA256: followed by 43 base64 characters (ssh-keygen -lf prints it)',
});

const groupSchema = z.object(connectionFields).strict();
const deviceSchema = z
  .object({
    name: nameSchema,
    host: z.string().min(1),
    groups: z.array(nameSchema).optional(),
    host_key: z.union([hostKeySchema, z.array(hostKeySchema).min(1)]).optional(),
    ...connectionFields,
  })
  .strict();

/** Sections and devices are checked one by one, so one broken part does not hide the problems of the others. */
const topSchema = z
  .object({ all: z.unknown().optional(), groups: z.unknown().optional(), devices: z.array(z.unknown()).min(1, { error: 'lists no device' }) })
  .strict();
const groupsSchema = z.record(nameSchema, groupSchema);

type RawConnection = z.infer<typeof groupSchema>;

function layerOf(raw: RawConnection, origin: Origin, who: string, home: string): Layer {
  const fields: LayerFields = { vars: { ...(raw.vars ?? {}) } };
  if (raw.port !== undefined) fields.port = raw.port;
  if (raw.netconf_port !== undefined) fields.netconfPort = raw.netconf_port;
  if (raw.platform !== undefined) fields.platform = raw.platform;
  if (raw.transport !== undefined) fields.transport = raw.transport;
  if (raw.username !== undefined) fields.username = raw.username;
  if (raw.password) fields.password = secretAt(raw.password, at(origin, 'password'), `password for ${who}`, home);
  if (raw.enable_secret) {
    fields.enableSecret = secretAt(raw.enable_secret, at(origin, 'enable_secret'), `enable secret for ${who}`, home);
  }
  if (raw.private_key) {
    const keyOrigin = at(origin, 'private_key');
    fields.privateKey = {
      path: resolveFilePath(raw.private_key.file, origin.file, home),
      ...(raw.private_key.passphrase && {
        passphrase: secretAt(raw.private_key.passphrase, at(keyOrigin, 'passphrase'), `private key passphrase for ${who}`, home),
      }),
    };
  }
  if (raw.known_hosts !== undefined) fields.knownHosts = resolveFilePath(raw.known_hosts, origin.file, home);
  if (raw.host_key_policy !== undefined) fields.hostKeyPolicy = raw.host_key_policy;
  if (raw.jump_host !== undefined) fields.jumpHosts = nativeJumpEntries(raw.jump_host, at(origin, 'jump_host'), home);
  if (raw.ssh_algorithms !== undefined) fields.sshAlgorithms = sshAlgorithmsOf(raw.ssh_algorithms);
  if (raw.queue !== undefined) fields.queue = raw.queue;
  return { origin, fields };
}

export function nativeDrafts(value: unknown, file: string, home: string, issues: ConfigIssue[]): DeviceDraft[] {
  const top: Origin = { file, path: [] };
  const raw = check(topSchema, value, top, issues);
  const all = raw?.all === undefined ? undefined : check(groupSchema, raw.all, at(top, 'all'), issues);
  const groups = raw?.groups === undefined ? undefined : check(groupsSchema, raw.groups, at(top, 'groups'), issues);
  if (raw === undefined) return [];
  // With all: or groups: broken, a device's missing username may live there: do not report it twice.
  const sharedBroken = (raw.all !== undefined && all === undefined) || (raw.groups !== undefined && groups === undefined);
  const allLayer = all ? [layerOf(all, at(top, 'all'), 'all devices', home)] : [];
  const drafts: DeviceDraft[] = [];
  raw.devices.forEach((item, index) => {
    const origin = at(top, 'devices', index);
    const device = check(deviceSchema, item, origin, issues);
    if (device === undefined) return;
    const badHost = hostProblem(device.host, 'port');
    if (badHost !== undefined) {
      issues.push({ file, path: [...origin.path, 'host'], message: badHost, severity: 'error' });
      return;
    }
    const groupLayers: Layer[] = [];
    for (const group of device.groups ?? []) {
      const def = groups?.[group];
      // A group need not be defined: it may only serve to select devices with --limit.
      if (def !== undefined) groupLayers.push(layerOf(def, at(top, 'groups', group), `group ${group}`, home));
    }
    const hostKeys = device.host_key === undefined ? undefined : [device.host_key].flat();
    drafts.push({
      name: device.name,
      host: device.host,
      origin,
      groups: device.groups ?? [],
      layers: [...allLayer, ...groupLayers, layerOf(device, origin, device.name, home)],
      ...(hostKeys && { hostKeys, hostKeysOrigin: at(origin, 'host_key') }),
      credentialsReported: sharedBroken,
    });
  });
  return drafts;
}
