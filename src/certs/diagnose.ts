/** Why would a device refuse this server's certificate chain? Plain-word diagnoses for the failure classes of
 * Cisco's Expressway TLS-verification note (self-signed peer, untrusted CA, address not in the certificate,
 * expired, chain incomplete) plus the chain defects buildChain finds, each with the text the devices log. */
import { buildChain } from './chain.js';
import type { Chain, ChainProblem } from './chain.js';
import { checkHost } from './host.js';
import type { HostCheck } from './host.js';
import { iosDate } from './ios-format.js';
import { formatDn } from './names.js';
import type { CertificateFacts } from './types.js';

export type DiagnosisCode =
  | 'self-signed-untrusted'
  | 'untrusted-ca'
  | 'address-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'chain-incomplete'
  | 'bad-signature'
  | 'not-a-ca'
  | 'weak-signature'
  | 'weak-key'
  | 'unrelated-certificates'
  | 'out-of-order'
  | 'duplicate-certificates';

/** A line a device writes for this failure. `confidence` says whether it was seen in a real capture. */
export interface DeviceLogLine {
  readonly device: 'expressway' | 'ios-xe';
  readonly text: string;
  readonly confidence: 'real' | 'seed';
}

export interface Diagnosis {
  readonly code: DiagnosisCode;
  /** `error`: the device will refuse the connection; `warning`: works today but is fragile or weak. */
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly fix: string;
  readonly deviceLog: readonly DeviceLogLine[];
  /** Index in the chain (0 = leaf) of the certificate concerned, when one is. */
  readonly index?: number;
}

export interface DiagnoseInput {
  /** The certificates the server sent, in the order it sent them. */
  readonly sent: readonly CertificateFacts[];
  /** The address the device connects to (host name or IP literal). */
  readonly address: string;
  /** What the device trusts (its trustpoints). Absent: trust is not judged, only the chain and the name. */
  readonly trusted?: readonly CertificateFacts[];
  readonly now?: Date;
}

export interface Verdict {
  /** No error-level diagnosis. */
  readonly ok: boolean;
  readonly chain: Chain;
  readonly host: HostCheck;
  readonly diagnoses: readonly Diagnosis[];
}

// What IOS XE logs when EEM's TLS handshake fails verification (debug crypto pki; seed notes, no capture yet).
const IOS_UNTRUSTED: readonly DeviceLogLine[] = [
  { device: 'ios-xe', text: 'CRYPTO_PKI: (A0693) No suitable trustpoints found', confidence: 'seed' },
  { device: 'ios-xe', text: 'CRYPTO_OPSSL: Certificate verification has failed', confidence: 'seed' },
  { device: 'ios-xe', text: 'SSL routines:tls_process_server_certificate:certificate verify failed', confidence: 'seed' },
  { device: 'ios-xe', text: '%HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server:', confidence: 'real' },
];

function expressway(error: string, depth: number): DeviceLogLine[] {
  return [
    { device: 'expressway', text: 'certificate verify failed', confidence: 'seed' },
    { device: 'expressway', text: `Error=${error}`, confidence: 'seed' },
    { device: 'expressway', text: `depth=${depth}`, confidence: 'seed' },
  ];
}

/** Builds the chain from what the server sent, checks the leaf against `address` and explains every failure. */
export function diagnose(input: DiagnoseInput): Verdict {
  const now = input.now ?? new Date();
  const chain = buildChain(input.sent, { now, ...(input.trusted ? { trusted: input.trusted } : {}) });
  const leaf = chain.members[0]?.cert;
  if (!leaf) throw new Error('diagnose: no certificates given');
  const host = checkHost(leaf, input.address);
  const diagnoses: Diagnosis[] = [];
  if (input.trusted) diagnoses.push(...trustDiagnoses(chain, input.trusted.length));
  else {
    const gap = chain.problems.find((p) => p.kind === 'incomplete');
    if (gap?.kind === 'incomplete' && gap.index === 0 && !leaf.selfSigned) diagnoses.push(leafOnly(chain));
  }
  if (!host.matches) diagnoses.push(addressMismatch(host));
  diagnoses.push(...chainDiagnoses(chain, now));
  return { ok: !diagnoses.some((d) => d.severity === 'error'), chain, host, diagnoses };
}

/** The chain's own defects in plain words (validity, signatures, CA flags, strays, order), without judging
 * trust or the host name: what `certagent inspect` says about a bundle on its own. */
export function chainDiagnoses(chain: Chain, now: Date = new Date()): Diagnosis[] {
  return chain.problems.flatMap((problem) => problemDiagnosis(problem, chain, now) ?? []);
}

function trustDiagnoses(chain: Chain, trustedCount: number): Diagnosis[] {
  if (chain.anchored) return [];
  const leaf = chain.members[0]?.cert;
  const last = chain.members[chain.members.length - 1]?.cert;
  if (!leaf || !last) return [];
  const store = trustedCount === 0 ? 'the device trusts no CA yet' : `none of the device's ${trustedCount} trusted certificates is in it`;
  if (chain.members.length === 1 && leaf.selfSigned) {
    return [
      {
        code: 'self-signed-untrusted',
        severity: 'error',
        summary: `The server's certificate ${formatDn(leaf.subject)} is self-signed (depth 0) and not trusted: ${store}.`,
        fix: 'Give the server a certificate from a CA the device trusts, or pin this certificate on the device (it breaks at the next renewal).',
        deviceLog: [...expressway('self signed certificate', 0), ...IOS_UNTRUSTED],
        index: 0,
      },
    ];
  }
  const depth = chain.members.length - 1;
  if (chain.complete) {
    return [
      {
        code: 'untrusted-ca',
        severity: 'error',
        summary: `The chain ends in the root ${formatDn(last.subject)} (depth ${depth}), which the device does not trust: ${store}.`,
        fix: `Install ${formatDn(last.subject)} as a trustpoint (SHA1 ${last.sha1}).`,
        deviceLog: [...expressway('self signed certificate in certificate chain', depth), ...IOS_UNTRUSTED],
        index: depth,
      },
    ];
  }
  if (depth === 0 && chain.members[0]?.role === 'leaf') return [leafOnly(chain)];
  return [
    {
      code: 'untrusted-ca',
      severity: 'error',
      summary: `The server's chain is signed by ${formatDn(last.issuer)} (depth ${depth}), a CA the device does not trust: ${store}.`,
      fix: `Install the CA ${formatDn(last.issuer)} (the issuer of ${formatDn(last.subject)}) as a trustpoint, or ${formatDn(last.subject)} itself.`,
      deviceLog: [...expressway('unable to get local issuer certificate', depth), ...IOS_UNTRUSTED],
      index: depth,
    },
  ];
}

function leafOnly(chain: Chain): Diagnosis {
  const leaf = chain.members[0]?.cert;
  const issuer = leaf ? formatDn(leaf.issuer) : 'its issuer';
  return {
    code: 'chain-incomplete',
    severity: 'error',
    summary: `The server sent only its own certificate, not the intermediate CA ${issuer} that signed it, so the chain cannot be built up to a root.`,
    fix: `Configure the server to send its intermediate certificate(s), or install ${issuer} as a trustpoint on the device.`,
    deviceLog: [...expressway('unable to get local issuer certificate', 0), ...IOS_UNTRUSTED],
    index: 0,
  };
}

function addressMismatch(host: HostCheck): Diagnosis {
  const carried = [...host.names.dns, ...host.names.ip];
  const names =
    carried.length > 0 ? `it names ${carried.join(', ')}` : `it has no subject alternative names${host.names.cn ? ` and its CN is ${host.names.cn}` : ''}`;
  const cnNote =
    !host.cnFallback && host.names.cn !== undefined && !carried.includes(host.names.cn)
      ? ` (its CN ${host.names.cn} does not count because the certificate has SANs)`
      : '';
  return {
    code: 'address-mismatch',
    severity: 'error',
    summary: `The server certificate does not name ${host.address} (${host.addressKind === 'ip' ? 'IP address' : 'host name'}): ${names}${cnNote}.`,
    fix: `Connect to one of the names the certificate carries${carried.length > 0 ? ` (${carried[0]})` : ''}, or have the server's certificate reissued with ${host.address} in its subject alternative names.`,
    deviceLog: [{ device: 'expressway', text: `SNI (${host.address}) not in certificate`, confidence: 'seed' }],
    index: 0,
  };
}

function problemDiagnosis(problem: ChainProblem, chain: Chain, now: Date): Diagnosis | undefined {
  const name = (index: number): string => {
    const cert = chain.members[index]?.cert;
    return cert ? formatDn(cert.subject) : `certificate ${index}`;
  };
  const cert = (index: number): CertificateFacts | undefined => chain.members[index]?.cert;
  switch (problem.kind) {
    case 'expired': {
      const c = cert(problem.index);
      const days = c ? Math.floor((now.getTime() - c.notAfter.getTime()) / 86_400_000) : 0;
      return {
        code: 'expired',
        severity: 'error',
        summary: `${name(problem.index)} (depth ${problem.index}) expired ${c ? `${iosDate(c.notAfter)} (${days} days ago)` : ''}.`,
        fix: problem.index === 0 ? 'Renew the server certificate.' : `Replace ${name(problem.index)} with its current version on the server and on the device.`,
        deviceLog: expressway('certificate has expired', problem.index),
        index: problem.index,
      };
    }
    case 'not-yet-valid': {
      const c = cert(problem.index);
      return {
        code: 'not-yet-valid',
        severity: 'error',
        summary: `${name(problem.index)} (depth ${problem.index}) is not valid before ${c ? iosDate(c.notBefore) : 'its start date'}.`,
        fix: "Check the device's clock (show clock; NTP), or wait until the certificate becomes valid.",
        deviceLog: expressway('certificate is not yet valid', problem.index),
        index: problem.index,
      };
    }
    case 'bad-signature':
      return {
        code: 'bad-signature',
        severity: 'error',
        summary: `The signature on ${name(problem.index)} does not verify with the key of its issuer ${name(problem.index + 1)}.`,
        fix: 'The server sends a wrong or replaced CA certificate; fix the chain file on the server.',
        deviceLog: expressway('certificate signature failure', problem.index),
        index: problem.index,
      };
    case 'not-a-ca':
      return {
        code: 'not-a-ca',
        severity: 'error',
        summary: `${name(problem.index)} signs another certificate but is not a CA (no Basic Constraints CA:TRUE).`,
        fix: 'Issue the server certificate from a real CA certificate.',
        deviceLog: expressway('invalid CA certificate', problem.index),
        index: problem.index,
      };
    case 'weak-signature':
      return {
        code: 'weak-signature',
        severity: 'warning',
        summary: `${name(problem.index)} is signed with ${problem.hash.toUpperCase()}, which current TLS stacks reject or will soon.`,
        fix: 'Reissue the certificate with SHA-256 or stronger.',
        deviceLog: [],
        index: problem.index,
      };
    case 'weak-key':
      return {
        code: 'weak-key',
        severity: 'warning',
        summary: `${name(problem.index)} has a ${problem.bits}-bit RSA key; 2048 bits is the minimum accepted today.`,
        fix: 'Reissue the certificate with a 2048-bit or larger RSA key, or ECDSA P-256.',
        deviceLog: [],
        index: problem.index,
      };
    case 'unrelated':
      return {
        code: 'unrelated-certificates',
        severity: 'warning',
        summary: `The server sent certificate(s) at position ${problem.positions.join(', ')} that are not part of its chain.`,
        fix: 'Remove the stray certificates from the server chain file.',
        deviceLog: [],
      };
    case 'out-of-order':
      return {
        code: 'out-of-order',
        severity: 'warning',
        summary: 'The server sends its chain out of order (TLS requires leaf first, then each issuer).',
        fix: 'Order the server chain file leaf first, then intermediates, root last (or omitted).',
        deviceLog: [],
      };
    case 'duplicate':
      return {
        code: 'duplicate-certificates',
        severity: 'warning',
        summary: `The server sends the same certificate more than once (position ${problem.positions.join(', ')}).`,
        fix: 'Remove the duplicates from the server chain file.',
        deviceLog: [],
      };
    case 'incomplete':
    case 'loop':
      // Trust diagnoses cover a missing issuer; a loop leaves the chain unanchored, reported there.
      return problem.kind === 'loop'
        ? {
            code: 'chain-incomplete',
            severity: 'error',
            summary: `The chain loops back at ${name(problem.index)}: its issuer is a certificate already in the chain.`,
            fix: 'Send a chain that ends in a root CA; remove cross-signed certificates that point back.',
            deviceLog: [],
            index: problem.index,
          }
        : undefined;
  }
}
