/**
 * Facts for the common case, where the device already holds what the playbook wants: the certificates are compared
 * by the fingerprints IOS prints in `show crypto pki trustpoints status` (a few lines per trustpoint) instead of
 * the hex of every certificate in the running config (about 190 lines on a lab router, thousands on a router with
 * many trustpoints). The DER is still read, from the running config, for every trustpoint that will change: its
 * rollback re-installs exactly that certificate.
 *
 * A certificate counts as identical only when the device's `Issuing CA certificate configured:` block shows both
 * the MD5 and the SHA1 of the DER certagent would install (IOS computes both over the DER it keeps: the SLA root's
 * hex in a 17.9 running config hashes to the fingerprints another router prints for it, see the test). Names,
 * subjects and serials are never compared: two different certificates can share them (ntc-templates capture
 * `show_crypto_pki_certificates_1`: two CA certificates with one subject).
 */
import { BANNER_SECTION, parseShowCryptoPkiTrustpointsStatus } from '../device/index.js';
import type { TrustpointStatus } from '../device/index.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import type { DesiredState } from './desired.js';
import { parseFacts } from './facts.js';
import { staleChainMembers } from './plan.js';
import type { DeviceFacts, InstalledTrustpoint } from './facts.js';

/**
 * The trustpoint headings, the certificate block headings and their fingerprints: 4 lines per CA trustpoint.
 * The block headings must stay in: without them a router certificate's fingerprints would read as the CA's.
 * IOS's `include` takes an alternation of regular expressions (the `section` filter of FACTS_COMMAND does too).
 */
export const FINGERPRINTS_COMMAND = 'show crypto pki trustpoints status | include ^Trustpoint|configured|Fingerprint';

/** FACTS_COMMAND without the certificate chains: trustpoint options, EEM and `ip host` (30 lines on a lab router),
 * and the banners' first and last lines, so that banner text reading like configuration is cut away. */
export const CONFIG_COMMAND = `show running-config | section crypto pki trustpoint|event manager|ip host|${BANNER_SECTION}`;

/**
 * The chains of these trustpoints. The heading is repeated per name rather than grouped, and not anchored at the
 * end: a chain heading matched too widely (`A` also matches `A-2`) only adds a chain the facts do not use, while
 * one missed would make a replacement look like a first install with nothing to roll back to.
 */
export function chainsCommand(trustpoints: readonly string[]): string {
  return `show running-config | section ${trustpoints.map((name) => `crypto pki certificate chain ${name}`).join('|')}|${BANNER_SECTION}`;
}

export interface WantedFingerprints {
  readonly name: string;
  /** Upper-case hex without separators, computed locally from the DER. */
  readonly md5: string;
  readonly sha1: string;
}

/**
 * The trustpoints whose issuing CA is, by both fingerprints, the certificate wanted there. Not proven (so read in
 * full): a trustpoint shown twice (output garbled), one without both fingerprints (output cut), and a self-signed
 * one (its `Issuing CA` block repeats the router certificate, which the running config keeps as
 * `certificate self-signed`, not as a CA).
 */
export function provenIdentical(status: readonly TrustpointStatus[], wanted: readonly WantedFingerprints[]): Set<string> {
  const shown = new Map<string, TrustpointStatus | null>();
  for (const tp of status) shown.set(tp.name, shown.has(tp.name) ? null : tp);
  const proven = new Set<string>();
  for (const want of wanted) {
    const tp = shown.get(want.name);
    const ca = tp?.issuingCa;
    if (!tp || !ca || ca.fingerprintMd5 === undefined || ca.fingerprintSha1 === undefined) continue;
    if (tp.routerCertificate?.fingerprintSha1 === ca.fingerprintSha1) continue;
    if (ca.fingerprintMd5 === want.md5.toUpperCase() && ca.fingerprintSha1 === want.sha1.toUpperCase()) proven.add(want.name);
  }
  return proven;
}

export type CheapRead =
  /** Every wanted certificate is on the device: `trustpoints` are the names the device shows (for the plan's notes). */
  { readonly kind: 'certificates-unchanged'; readonly trustpoints: readonly string[] } | { readonly kind: 'facts'; readonly facts: DeviceFacts };

export interface CheapReadOptions {
  /** Only certificates are planned (`rotate`): when all are in place, nothing else needs reading. */
  readonly certificatesOnly: boolean;
  /** The plan judges expiry (`rotate`): an earlier chain's members left on the device are read in full too. */
  readonly staleChains?: boolean;
}

/**
 * The device's facts with the certificate hex read only of trustpoints that will change. A trustpoint proven
 * identical carries the desired certificate as its CA: the device holds the same DER (same MD5 and SHA1).
 */
export async function readCheapFacts(session: IosXeSession, desired: DesiredState, options: CheapReadOptions): Promise<CheapRead> {
  const status = parseShowCryptoPkiTrustpointsStatus(await session.send(FINGERPRINTS_COMMAND));
  const wanted = desired.trustpoints.map((tp) => ({ name: tp.name, md5: tp.cert.md5, sha1: tp.cert.sha1 }));
  const identical = provenIdentical(status, wanted);
  // The fingerprints say nothing of validity: an expired certificate left from an earlier chain shows only in its hex.
  const stale = options.staleChains === true ? staleChainMembers(new Set(status.map((tp) => tp.name)), desired) : [];
  if (options.certificatesOnly && identical.size === wanted.length && stale.length === 0) {
    return { kind: 'certificates-unchanged', trustpoints: status.map((tp) => tp.name) };
  }
  const onDevice = new Set(status.map((tp) => tp.name));
  const toRead = [...wanted.filter((w) => !identical.has(w.name) && onDevice.has(w.name)).map((w) => w.name), ...stale];
  const config = await session.send(CONFIG_COMMAND);
  const chains = toRead.length > 0 ? await session.send(chainsCommand(toRead)) : '';
  const read = parseFacts(`${config}\n${chains}`);
  const trustpoints = new Map<string, InstalledTrustpoint>();
  for (const [name, tp] of read.trustpoints) {
    const cert = identical.has(name) ? desired.trustpoints.find((d) => d.name === name)?.cert : undefined;
    trustpoints.set(name, cert ? { ...tp, ca: { der: cert.der, serialHex: cert.serialHex, sha1: cert.sha1, md5: cert.md5, facts: cert } } : tp);
  }
  return { kind: 'facts', facts: { ...read, trustpoints } };
}
