/**
 * Jump hosts (bastions) in inventories: certagent YAML's `jump_host` (one entry or a list = a chain, like
 * OpenSSH's `ProxyJump a,b`), and Ansible's `ansible_ssh_common_args` / `ansible_ssh_extra_args` with
 * `-o ProxyJump=user@host:port`, `-J ...` or `-o ProxyCommand="ssh -W %h:%p ..."`. Pure: secrets stay references.
 */
import { z } from 'zod';
import { type ConfigIssue, type Origin, at, issue } from './issues.js';
import type { HostKeyPolicy } from '../transport/ssh/host-keys.js';
import type { PrivateKeyRef } from './inventory.js';
import { HOST_KEY_FINGERPRINT, resolveFilePath, secretAt, secretRefSchema } from './schema.js';
import type { SecretRefAt } from './secret.js';

/** OpenSSH's MaxStartups 10:30:100 and MaxSessions 10: more at once and a stock sshd starts refusing. */
export const DEFAULT_JUMP_CONCURRENCY = 10;

/** A jump host as one inventory level declares it; what it leaves out comes from the device's settings. */
export interface JumpHostEntry {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: SecretRefAt;
  readonly privateKey?: PrivateKeyRef;
  readonly hostKeys?: readonly string[];
  readonly knownHosts?: string;
  readonly hostKeyPolicy?: 'strict' | 'tofu';
  readonly concurrency?: number;
  readonly origin: Origin;
}

/** A jump host ready to connect to (credentials still references). */
export interface JumpHost {
  /** `user@host:port`, as errors and `validate` name it. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: SecretRefAt;
  readonly privateKey?: PrivateKeyRef;
  readonly hostKey: HostKeyPolicy;
  /** At most this many device sessions through it at once, across the run. */
  readonly concurrency: number;
}

const fingerprint = z.string().regex(HOST_KEY_FINGERPRINT, { error: 'must be an OpenSSH fingerprint: SHA256: followed by 43 base64 characters' });

const jumpEntrySchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535, { error: 'must be a port number 1..65535' }).optional(),
    username: z.string().min(1).optional(),
    password: secretRefSchema.optional(),
    private_key: z
      .object({ file: z.string().min(1), passphrase: secretRefSchema.optional() })
      .strict()
      .optional(),
    host_key: z.union([fingerprint, z.array(fingerprint).min(1)]).optional(),
    known_hosts: z.string().min(1).optional(),
    host_key_policy: z.enum(['strict', 'tofu']).optional(),
    jump_concurrency: z.number().int().min(1, { error: 'must be at least 1' }).max(1000, { error: 'must be at most 1000' }).optional(),
  })
  .strict();

/**
 * certagent YAML: `jump_host: {...}` or `jump_host: [{...}, {...}]` (first hop first). One entry is read as a list
 * of one, so a mistake inside it is reported field by field (a union would only say "invalid input").
 */
export const jumpHostSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value : [value]),
  z.array(jumpEntrySchema).min(1, { error: 'lists no jump host' }).max(8, { error: 'at most 8 jump hosts in a chain' }),
);

export type RawJumpHost = z.infer<typeof jumpHostSchema>;

export function nativeJumpEntries(raw: RawJumpHost, origin: Origin, home: string): JumpHostEntry[] {
  return raw.map((entry, i) => {
    const here = raw.length === 1 ? origin : at(origin, i);
    const who = `jump host ${entry.host}`;
    return {
      host: entry.host,
      port: entry.port ?? 22,
      origin: here,
      ...(entry.username !== undefined && { username: entry.username }),
      ...(entry.password && { password: secretAt(entry.password, at(here, 'password'), `password for ${who}`, home) }),
      ...(entry.private_key && {
        privateKey: {
          path: resolveFilePath(entry.private_key.file, here.file, home),
          ...(entry.private_key.passphrase && {
            passphrase: secretAt(entry.private_key.passphrase, at(here, 'private_key', 'passphrase'), `private key passphrase for ${who}`, home),
          }),
        },
      }),
      ...(entry.host_key !== undefined && { hostKeys: [entry.host_key].flat() }),
      ...(entry.known_hosts !== undefined && { knownHosts: resolveFilePath(entry.known_hosts, here.file, home) }),
      ...(entry.host_key_policy !== undefined && { hostKeyPolicy: entry.host_key_policy }),
      ...(entry.jump_concurrency !== undefined && { concurrency: entry.jump_concurrency }),
    };
  });
}

/** Splits a command line as a POSIX shell would for plain words and quotes (no expansions). */
export function shellWords(text: string): string[] | string {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return `an unclosed ${quote} quote`;
  if (inWord) words.push(current);
  return words;
}

/** `[ssh://][user@]host[:port]`, IPv6 in brackets. */
function parseDestination(spec: string): { host: string; port: number; username?: string } | string {
  const m = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(spec);
  if (m === null) return `'${spec}' is not [user@]host[:port]`;
  const port = m[3] === undefined ? 22 : Number(m[3]);
  if (port < 1 || port > 65535) return `port ${m[3]} of '${spec}' is not 1..65535`;
  const host = (m[2] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port, ...(m[1] !== undefined && { username: m[1] }) };
}

function proxyJump(value: string): { host: string; port: number; username?: string }[] | string {
  if (value === 'none') return [];
  const hops = [];
  for (const spec of value.split(',')) {
    const hop = parseDestination(spec.trim());
    if (typeof hop === 'string') return hop;
    hops.push(hop);
  }
  return hops;
}

/** `ssh -W %h:%p [-p port] [-l user] [-i key] [-q] [user@]host`: the one ProxyCommand form that is a plain jump. */
function proxyCommand(value: string, origin: Origin, home: string): { host: string; port: number; username?: string; privateKey?: PrivateKeyRef }[] | string {
  const words = shellWords(value);
  if (typeof words === 'string') return `ProxyCommand has ${words}`;
  const unsafe = 'only ProxyCommand="ssh -W %h:%p [-p PORT] [-l USER] [-i KEY] [user@]host" can be read; write it as -o ProxyJump=user@host:port';
  if (!/^(\/usr\/bin\/)?ssh$/.test(words[0] ?? '')) return unsafe;
  let port: number | undefined;
  let username: string | undefined;
  let privateKey: PrivateKeyRef | undefined;
  let destination: string | undefined;
  let forwards = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    const next = words[i + 1];
    if (w === '-W' && next === '%h:%p') {
      forwards = true;
      i++;
    } else if (w === '-p' && next !== undefined && /^\d{1,5}$/.test(next)) {
      port = Number(next);
      i++;
    } else if (w === '-l' && next !== undefined) {
      username = next;
      i++;
    } else if (w === '-i' && next !== undefined) {
      privateKey = { path: resolveFilePath(next, origin.file, home) };
      i++;
    } else if (w === '-q') continue;
    else if (!w.startsWith('-') && destination === undefined) destination = w;
    else return unsafe;
  }
  if (!forwards || destination === undefined) return unsafe;
  const hop = parseDestination(destination);
  if (typeof hop === 'string') return hop;
  return [
    {
      ...hop,
      ...(port !== undefined && { port }),
      ...((username ?? hop.username) !== undefined && { username: username ?? hop.username }),
      ...(privateKey && { privateKey }),
    },
  ];
}

/**
 * The jump hosts an Ansible `ansible_ssh_common_args` / `ansible_ssh_extra_args` value names. Any other option
 * is an error: certagent would otherwise connect differently from what the inventory asks for.
 */
export function ansibleJumpEntries(
  value: unknown,
  origin: Origin,
  variable: string,
  who: string,
  home: string,
  issues: ConfigIssue[],
): JumpHostEntry[] | undefined {
  const fail = (why: string): undefined => {
    issues.push(issue(origin, `${who}: ${variable} cannot be used by certagent: ${why}`));
    return undefined;
  };
  if (typeof value !== 'string') return fail('must be a string of ssh options');
  if (value.includes('{{')) return fail('templates are not evaluated');
  const words = shellWords(value);
  if (typeof words === 'string') return fail(`it has ${words}`);
  const found: { host: string; port: number; username?: string; privateKey?: PrivateKeyRef }[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    let option: string | undefined;
    if (w === '-J') option = `ProxyJump=${words[++i] ?? ''}`;
    else if (w === '-o') option = words[++i];
    else if (w.startsWith('-o')) option = w.slice(2);
    else return fail(`'${w}' is not an option certagent knows; only -o ProxyJump=..., -J ... and -o ProxyCommand="ssh -W %h:%p ..." are read`);
    const m = /^(\w+)\s*[= ]\s*(.*)$/s.exec(option ?? '');
    if (m === null) return fail(`'-o ${option ?? ''}' is not KEY=VALUE`);
    const key = (m[1] as string).toLowerCase();
    const hops =
      key === 'proxyjump'
        ? proxyJump(m[2] as string)
        : key === 'proxycommand'
          ? proxyCommand(m[2] as string, origin, home)
          : `ssh option ${m[1]} has no certagent equivalent (host keys: certagent_host_key, certagent_known_hosts, certagent_host_key_policy)`;
    if (typeof hops === 'string') return fail(hops);
    found.push(...hops);
  }
  return found.map((hop, index) => ({ ...hop, origin: at(origin, index) }));
}

/** What jump host entries leave out and the device's level supplies. */
export interface JumpDefaults {
  readonly password?: SecretRefAt;
  readonly privateKey?: PrivateKeyRef;
  readonly hostKeys?: readonly string[];
  readonly concurrency?: number;
  /** The device's known_hosts file and policy: a jump host's key is checked like a device's. */
  readonly knownHosts: string;
  readonly hostKeyPolicy: 'strict' | 'tofu';
}

export function buildJumpHosts(entries: readonly JumpHostEntry[], defaults: JumpDefaults, device: string, issues: ConfigIssue[]): JumpHost[] | undefined {
  const before = issues.length;
  const hosts: JumpHost[] = [];
  for (const entry of entries) {
    const username = entry.username;
    const password = entry.password ?? (entry.privateKey === undefined ? defaults.password : undefined);
    const privateKey = entry.privateKey ?? (entry.password === undefined ? defaults.privateKey : undefined);
    if (username === undefined) {
      issues.push(issue(entry.origin, `device '${device}': jump host ${entry.host} has no username: write user@${entry.host} (or username:)`));
      continue;
    }
    if (password === undefined && privateKey === undefined) {
      issues.push(
        issue(
          entry.origin,
          `device '${device}': jump host ${entry.host} has neither password nor private_key: reference one (certagent_jump_password or certagent_jump_private_key_file in Ansible inventories)`,
        ),
      );
      continue;
    }
    const pins = entry.hostKeys ?? (entries.length === 1 ? defaults.hostKeys : undefined);
    const knownHosts = entry.knownHosts ?? defaults.knownHosts;
    const policy = entry.hostKeyPolicy ?? defaults.hostKeyPolicy;
    const hostKey: HostKeyPolicy =
      pins !== undefined && pins.length > 0
        ? { mode: 'pinned', fingerprints: pins }
        : policy === 'tofu'
          ? { mode: 'tofu', knownHosts }
          : { mode: 'strict', knownHosts };
    hosts.push({
      name: `${username}@${entry.host}:${entry.port}`,
      host: entry.host,
      port: entry.port,
      username,
      ...(password && { password }),
      ...(privateKey && { privateKey }),
      hostKey,
      concurrency: entry.concurrency ?? defaults.concurrency ?? DEFAULT_JUMP_CONCURRENCY,
    });
  }
  return issues.length > before ? undefined : hosts;
}

/** `jump1 -> jump2 -> device`, as `validate` shows a device's path. */
export function describePath(jumpHosts: readonly JumpHost[], device: { name: string; host: string; port: number }): string {
  return [...jumpHosts.map((j) => j.name), `${device.name} (${device.host}:${device.port})`].join(' -> ');
}
