/**
 * What a device holds now, from one command: `show running-config | section crypto pki|event manager|ip host`.
 * IOS's `section` filter takes a regular expression with alternation (IOS XE "Regular Expressions" of the CLI
 * String Search: `codex|telebit`), so one command fetches the PKI stanzas and chains, the EEM environment and
 * applets, and the `ip host` lines: a single round trip. Banners' first and last lines come too, so that banner text
 * that reads like configuration is cut away (device/parsers/banners.ts). Parsing is pure.
 */
import { createHash } from 'node:crypto';
import { certificateParseCache } from '../certs/parse-cache.js';
import type { CertificateFacts } from '../certs/types.js';
import { Secret } from '../config/index.js';
import { BANNER_SECTION, isSyslogLine, outputLines, parseEemConfig, withoutBanners, parsePkiConfig } from '../device/index.js';
import { redactServerCredentials } from '../shared/redact.js';
import type { ChainCertificate, EemApplet as DeviceApplet, TrustpointConfig } from '../device/index.js';
import { errorMessage } from '../shared/error-message.js';

export const FACTS_COMMAND = `show running-config | section crypto pki|event manager|ip host|${BANNER_SECTION}`;

export interface InstalledCertificate {
  readonly der: Buffer;
  readonly serialHex: string;
  readonly sha1: string;
  readonly md5: string;
  readonly facts: CertificateFacts;
}

export interface InstalledTrustpoint {
  readonly name: string;
  readonly config: TrustpointConfig;
  /** The CA certificate of its chain; absent while the trustpoint is not authenticated, or when unreadable. */
  readonly ca?: InstalledCertificate;
  /** Why a certificate of its chain could not be read from the device's output: nothing may be planned from it. */
  readonly unreadable?: string;
  /** Its chain holds the router's own certificate (an identity or self-signed one), not only a CA. */
  readonly holdsIdentity?: true;
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

/** The device's output could not be read as the configuration it holds; nothing was changed. */
export class UnreadableFactsError extends Error {
  constructor(
    readonly trustpoint: string,
    readonly reason: string,
  ) {
    super(`could not read trustpoint ${trustpoint}'s certificate from the device: ${reason}`);
    this.name = 'UnreadableFactsError';
  }
}

/** The length a DER SEQUENCE header announces, header included; undefined when it is no SEQUENCE. */
function derLength(der: Buffer): number | undefined {
  if (der.length < 2 || der[0] !== 0x30) return undefined;
  const first = der[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return undefined;
  return 2 + count + der.subarray(2, 2 + count).reduce((n, b) => n * 256 + b, 0);
}

/**
 * A chain certificate as read from the device, or why it is unreadable. Node's X.509 parser accepts trailing
 * bytes, so the DER must also be exactly as long as it says: a duplicated or stray hex line would otherwise pass.
 */
export function installedCertificate(der: Buffer, serialHex: string): InstalledCertificate | { readonly unreadable: string } {
  const announced = derLength(der);
  if (announced !== der.length) {
    return {
      unreadable: `certificate ${serialHex}: its ${der.length} bytes are not one DER certificate${announced === undefined ? '' : ` (the header says ${announced})`}`,
    };
  }
  let facts: CertificateFacts;
  try {
    facts = certificateParseCache.parse(der, `certificate ${serialHex}`);
  } catch (err) {
    return { unreadable: `certificate ${serialHex}: ${errorMessage(err)}` };
  }
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  const md5 = createHash('md5').update(der).digest('hex').toUpperCase();
  return { der, serialHex, sha1, md5, facts };
}

/** The trustpoint with its chain's CA certificate, or the reason a certificate of its chain cannot be read. */
export function installedTrustpoint(name: string, config: TrustpointConfig, chain: readonly ChainCertificate[] | undefined): InstalledTrustpoint {
  const identity = chain?.some((c) => c.type === 'identity' || c.type === 'self-signed') === true ? { holdsIdentity: true as const } : {};
  const broken = chain?.find((c) => c.unreadable !== undefined)?.unreadable;
  if (broken !== undefined) return { name, config, unreadable: broken, ...identity };
  const ca = chain?.find((c) => c.type === 'ca' && c.der.length > 0);
  if (!ca) return { name, config, ...identity };
  const read = installedCertificate(ca.der, ca.serialHex);
  return 'unreadable' in read ? { name, config, unreadable: read.unreadable, ...identity } : { name, config, ca: read, ...identity };
}

/** Throws for the first trustpoint whose certificate could not be read: facts that do not parse are never planned from. */
export function assertReadable(facts: DeviceFacts): void {
  for (const tp of facts.trustpoints.values()) {
    if (tp.unreadable !== undefined) throw new UnreadableFactsError(tp.name, tp.unreadable);
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

/** The running config showed a banner's first line but not its end: its text cannot be told from configuration. */
export class UnclosedBannerError extends Error {
  constructor(readonly heading: string) {
    super(
      `the running config shows "${heading}" but not the ^C that ends that banner, so its text cannot be told from configuration; nothing was read as configuration. Check the banner with 'show running-config | begin ^banner'`,
    );
    this.name = 'UnclosedBannerError';
  }
}

export function parseFacts(output: string): DeviceFacts {
  // Syslog messages printed between output lines (`terminal monitor`) and banner text are no configuration: every
  // parser below, and the applet lines kept to restore an applet verbatim, read the text without them.
  const cut = withoutBanners(outputLines(output).filter((line) => !isSyslogLine(line)));
  if (cut.unclosed !== undefined) throw new UnclosedBannerError(cut.unclosed);
  const text = cut.lines.join('\n');
  const pki = parsePkiConfig(text);
  const chains = new Map(pki.chains.map((c) => [c.trustpoint, c.certificates]));
  const trustpoints = new Map<string, InstalledTrustpoint>();
  for (const config of pki.trustpoints) trustpoints.set(config.name, installedTrustpoint(config.name, config, chains.get(config.name)));
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
