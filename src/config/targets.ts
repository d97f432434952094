/**
 * Which inventory entries reach the same router: host and port after a normalisation that needs no DNS (case, a
 * trailing dot, every IPv4 and IPv6 spelling the WHATWG URL parser canonicalises, IPv4-mapped IPv6 as IPv4). Two
 * entries with one target would run two changes on one router at once. Pure.
 */
import { isIPv6 } from 'node:net';
import { type ConfigIssue, issue } from './issues.js';
import { formatPath } from './issues.js';

/** `127.1`, `0x7f.0.0.1` → `127.0.0.1`; `::FFFF:127.0.0.1` → `127.0.0.1`; `[0:0::1]` → `::1`; `R1.Lab.` → `r1.lab`. */
export function normalizeHost(host: string): string {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  let name: string;
  try {
    // A special scheme (http:) canonicalises IPv4 spellings too; the parser never resolves a name.
    name = new URL(`http://${isIPv6(bare) ? `[${bare}]` : bare}/`).hostname;
  } catch {
    name = bare.toLowerCase();
  }
  name = name.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(name);
  if (mapped) {
    const high = parseInt(mapped[1] ?? '0', 16);
    const low = parseInt(mapped[2] ?? '0', 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return name;
}

/** One router's address as a key: `host:port`, IPv6 in brackets. */
export function targetKey(host: string, port: number): string {
  const name = normalizeHost(host);
  return `${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** Why `host` cannot be a device's address, or undefined. `host:port` is the usual slip. */
export function hostProblem(host: string, portKey: string): string | undefined {
  const bare = host.trim();
  if (isIPv6(bare.replace(/^\[(.*)\]$/, '$1'))) return undefined;
  const withPort = /^(.*[^:]):(\d+)$/.exec(bare);
  if (withPort) return `'${host}' carries a port: put the port in ${portKey}: (${portKey}: ${withPort[2] ?? ''}) and only ${withPort[1] ?? ''} in the host`;
  if (!/^[A-Za-z0-9._-]+$/.test(bare)) return `'${host}' is not a host name or an IP address`;
  return undefined;
}

interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly origin: { readonly file: string; readonly path: readonly (string | number)[] };
}

/** An error on each later entry that reaches the host and port of an earlier one, naming both. */
export function duplicateTargets(devices: readonly Target[]): ConfigIssue[] {
  const first = new Map<string, Target>();
  const issues: ConfigIssue[] = [];
  for (const device of devices) {
    const key = targetKey(device.host, device.port);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, device);
      continue;
    }
    const where = earlier.origin.file === device.origin.file ? formatPath(earlier.origin.path) : `${earlier.origin.file} ${formatPath(earlier.origin.path)}`;
    issues.push(
      issue(
        device.origin,
        `device '${device.name}' (${device.host} port ${device.port}) is the same router as '${earlier.name}' at ${where} (${earlier.host} port ${earlier.port}): ` +
          'both would change it at once; list each router once',
      ),
    );
  }
  return issues;
}
