/**
 * What a device holds now, from one command: `show running-config | section crypto pki|event manager|ip host`.
 * IOS's `section` filter takes a regular expression with alternation (IOS XE "Regular Expressions" of the CLI
 * String Search: `codex|telebit`), so one command fetches the PKI stanzas and chains, the EEM environment and
 * applets, and the `ip host` lines: a single round trip. Parsing is pure.
 */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../certs/x509.js';
import type { CertificateFacts } from '../certs/types.js';
import { Secret } from '../config/index.js';
import { outputLines, parseEemConfig, parsePkiConfig, redactServerCredentials } from '../device/index.js';
import type { EemApplet as DeviceApplet, TrustpointConfig } from '../device/index.js';

export const FACTS_COMMAND = 'show running-config | section crypto pki|event manager|ip host';

export interface InstalledCertificate {
  readonly der: Buffer;
  readonly serialHex: string;
  readonly sha1: string;
  readonly md5: string;
  /** Undefined when the DER does not parse (a device holding something certagent cannot read). */
  readonly facts?: CertificateFacts;
}

export interface InstalledTrustpoint {
  readonly name: string;
  readonly config: TrustpointConfig;
  /** The CA certificate of its chain; absent while the trustpoint is not authenticated. */
  readonly ca?: InstalledCertificate;
}

export interface InstalledApplet {
  readonly parsed: DeviceApplet;
  /** The applet's lines as the running config shows them (heading at column 0), to restore it verbatim. */
  readonly lines: readonly string[];
}

export interface DeviceFacts {
  readonly trustpoints: ReadonlyMap<string, InstalledTrustpoint>;
  /** Values holding credentials (`user:password@host`) are Secrets. */
  readonly environment: ReadonlyMap<string, string | Secret>;
  readonly applets: ReadonlyMap<string, InstalledApplet>;
  readonly ipHosts: ReadonlyMap<string, string>;
}

export function installedCertificate(der: Buffer, serialHex: string): InstalledCertificate {
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  const md5 = createHash('md5').update(der).digest('hex').toUpperCase();
  try {
    return { der, serialHex, sha1, md5, facts: parseCertificate(der, `chain ${serialHex}`) };
  } catch {
    return { der, serialHex, sha1, md5 };
  }
}

function appletBlocks(text: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of outputLines(text)) {
    const head = /^event manager applet (\S+)/.exec(raw);
    if (head) {
      current = [raw];
      blocks.set(head[1] ?? '', current);
    } else if (current && /^[ \t]/.test(raw)) current.push(raw);
    else current = undefined;
  }
  return blocks;
}

/** The device's EEM environment, values holding credentials as Secrets. */
export function deviceEnvironment(entries: Iterable<readonly [string, string]>): Map<string, string | Secret> {
  const environment = new Map<string, string | Secret>();
  for (const [name, value] of entries) {
    environment.set(name, redactServerCredentials(value) === value ? value : new Secret(value, `the device's ${name}`));
  }
  return environment;
}

export function parseFacts(text: string): DeviceFacts {
  const pki = parsePkiConfig(text);
  const chains = new Map(pki.chains.map((c) => [c.trustpoint, c]));
  const trustpoints = new Map<string, InstalledTrustpoint>();
  for (const config of pki.trustpoints) {
    const ca = chains.get(config.name)?.certificates.find((c) => c.type === 'ca' && c.der.length > 0);
    trustpoints.set(config.name, ca ? { name: config.name, config, ca: installedCertificate(ca.der, ca.serialHex) } : { name: config.name, config });
  }
  const eem = parseEemConfig(text);
  const environment = deviceEnvironment(eem.environment);
  const blocks = appletBlocks(text);
  const applets = new Map<string, InstalledApplet>();
  for (const applet of eem.applets) applets.set(applet.name, { parsed: applet, lines: blocks.get(applet.name) ?? [] });
  const ipHosts = new Map<string, string>();
  for (const raw of outputLines(text)) {
    const m = /^ip host (\S+) (.+)$/.exec(raw);
    if (m) ipHosts.set(m[1] ?? '', (m[2] ?? '').trim());
  }
  return { trustpoints, environment, applets, ipHosts };
}
