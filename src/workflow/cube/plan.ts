/**
 * The CUBE step's pure part: the desired trunk from the playbook, the changes to the `sip-ua`, `voice service
 * voip` and `dial-peer` blocks (each with the lines that undo it), what a rollback left behind, whether the
 * exported identity is the certificate the router's chain holds, and where the exported files go.
 */
import { toPem } from '../../certs/pem.js';
import { certificateParseCache } from '../../certs/parse-cache.js';
import { parseCertificate, parseCertificates } from '../../certs/x509.js';
import { ConfigError } from '../../config/index.js';
import type { CubeSpec, TlsTrunkCheck, VerifySpec } from '../../config/index.js';
import type { CertificateChainConfig, CubeConfig, PemExport } from '../../device/index.js';
import type { ChangeRecord } from '../../report/events.js';
import type { DesiredTrustpoint } from '../desired.js';
import { CubeSpecError, planCubeBlocks, signalingText, srtpLines, transportTlsLine, validateCubeSpec } from './trunk-config.js';
import type { CubeBlockTarget, CubeTrunkSpec } from './trunk-config.js';

export interface CertificateCheck {
  readonly trustpoint: string;
  /** The SHA1 the playbook installs there (upper-case hex); absent for the identity trustpoint and unknown ones. */
  readonly sha1?: string;
}

export interface DesiredCube {
  readonly identityTrustpoint: string;
  readonly trunk: CubeTrunkSpec;
  /** Absolute; `{device}` stands for the device name. */
  readonly exportDir?: string;
  readonly certificates: readonly CertificateCheck[];
  readonly trunks: readonly TlsTrunkCheck[];
}

/** The playbook's `cube:` and `verify:` as the device layer's spec; a spec the device layer refuses is a ConfigError. */
export function desiredCube(spec: CubeSpec, verify: VerifySpec | undefined, trustpoints: readonly DesiredTrustpoint[]): DesiredCube {
  const voip = spec.voiceServiceVoip;
  const trunk: CubeTrunkSpec = {
    signalingTrustpoint: spec.identityTrustpoint,
    cnSanValidateServer: spec.sipUa.cnSanValidateServer,
    remoteAddrs: spec.sipUa.remoteAddrs,
    ...(spec.sipUa.tlsVersion !== undefined && { tlsVersion: spec.sipUa.tlsVersion }),
    ...(voip.srtp !== undefined && { srtp: voip.srtp }),
    urlSips: voip.urlSips,
    sipSessionTransportTls: voip.sessionTransportTls,
    dialPeers: spec.dialPeers.map((d) => ({
      tag: d.tag,
      ...(d.description !== undefined && { description: d.description }),
      ...(d.destinationPattern !== undefined && { destinationPattern: d.destinationPattern }),
      target: { address: d.target, port: d.port },
      ...(d.srtp !== undefined && { srtp: d.srtp }),
      ...(d.optionsKeepalive !== undefined && { optionsKeepalive: d.optionsKeepalive }),
    })),
  };
  try {
    validateCubeSpec(trunk);
  } catch (err) {
    if (err instanceof CubeSpecError) throw new ConfigError([{ file: spec.origin.file, path: spec.origin.path, message: err.message, severity: 'error' }]);
    throw err;
  }
  const certificates = (verify?.certificates ?? []).map((name) => {
    const tp = trustpoints.find((t) => t.name.toLowerCase() === name.toLowerCase());
    return { trustpoint: name, ...(tp && { sha1: tp.cert.sha1 }) };
  });
  return {
    identityTrustpoint: spec.identityTrustpoint,
    trunk,
    ...(spec.exportDir !== undefined && { exportDir: spec.exportDir }),
    certificates,
    trunks: verify?.tlsTrunks ?? [],
  };
}

/** One block of CUBE configuration this run changes, and how to put it back. */
export interface CubeChange {
  readonly target: CubeBlockTarget;
  readonly record: ChangeRecord;
  /** Config-mode lines, the block entered and left. */
  readonly lines: readonly string[];
  readonly undo: readonly string[];
}

/** Back to how `sip-ua` was: every setting the spec touches restored (a restore of an untouched value is a no-op). */
function undoSipUa(spec: CubeTrunkSpec, before: CubeConfig): string[] {
  const ua = before.sipUa;
  if (!ua.present) return ['no sip-ua'];
  const lines = ['sip-ua'];
  const def = ua.defaultTrustpoint;
  lines.push(def ? `crypto signaling default ${signalingText(def.trustpoint, def.cnSanValidateServer)}` : 'no crypto signaling default');
  for (const r of spec.remoteAddrs ?? []) {
    const old = ua.remoteAddrs.find((o) => o.network === r.network && o.mask === r.mask);
    lines.push(
      old
        ? `crypto signaling remote-addr ${old.network} ${old.mask} ${signalingText(old.trustpoint, old.cnSanValidateServer)}`
        : `no crypto signaling remote-addr ${r.network} ${r.mask}`,
    );
  }
  lines.push(ua.transportTls === undefined ? 'no transport tcp tls' : transportTlsLine(ua.transportTls.version));
  return [...lines, 'exit'];
}

function undoVoip(spec: CubeTrunkSpec, before: CubeConfig): string[] {
  const voip = before.voiceServiceVoip;
  if (!voip.present) return ['no voice service voip'];
  const lines = ['voice service voip', ...srtpLines(voip.srtp)];
  if (!voip.lines.includes('sip')) lines.push('no sip');
  else {
    const sip: string[] = [];
    if (spec.urlSips && !voip.sip.urlSips) sip.push('no url sips');
    if (spec.sipSessionTransportTls && !voip.sip.sessionTransportTls) sip.push('no session transport tcp tls');
    if (sip.length > 0) lines.push('sip', ...sip, 'exit');
  }
  return [...lines, 'exit'];
}

function undoDialPeer(tag: number, before: CubeConfig): string[] {
  const old = before.dialPeers.find((d) => d.tag === tag);
  // Recreated verbatim: field by field, `no description` and the like are not all accepted without their value.
  return old ? [`no dial-peer voice ${tag} voip`, `dial-peer voice ${tag} voip`, ...old.lines, 'exit'] : [`no dial-peer voice ${tag} voip`];
}

function detail(lines: readonly string[]): string {
  return lines
    .slice(1, -1)
    .filter((l) => l !== 'exit' && l !== 'sip')
    .join('; ');
}

/** The changes that bring `before` to the spec, in sending order; empty when the device already matches. */
export function planCubeChanges(spec: CubeTrunkSpec, before: CubeConfig): CubeChange[] {
  return planCubeBlocks(spec, before).map(({ lines, ...target }) => {
    if (target.kind === 'dial-peer') {
      const existed = before.dialPeers.some((d) => d.tag === target.tag);
      return {
        target,
        record: { object: `dial-peer voice ${target.tag}`, action: existed ? 'updated' : 'created', detail: detail(lines) },
        lines,
        undo: undoDialPeer(target.tag, before),
      };
    }
    const isSipUa = target.kind === 'sip-ua';
    const present = isSipUa ? before.sipUa.present : before.voiceServiceVoip.present;
    return {
      target,
      record: { object: target.kind, action: present ? 'updated' : 'created', detail: detail(lines) },
      lines,
      undo: isSipUa ? undoSipUa(spec, before) : undoVoip(spec, before),
    };
  });
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/** What of the blocks `changes` touched differs from `before` in `after` (empty: the rollback restored them). */
export function cubeResidue(before: CubeConfig, after: CubeConfig, changes: readonly CubeChange[]): string[] {
  const out: string[] = [];
  for (const { target } of changes) {
    if (target.kind === 'dial-peer') {
      const a = before.dialPeers.find((d) => d.tag === target.tag);
      const b = after.dialPeers.find((d) => d.tag === target.tag);
      if (!a !== !b || (a && b && !sameLines(a.lines, b.lines)))
        out.push(`dial-peer voice ${target.tag} is ${b ? b.lines.join('; ') : 'absent'}, was ${a ? a.lines.join('; ') : 'absent'}`);
    } else if (target.kind === 'sip-ua') {
      if (before.sipUa.present !== after.sipUa.present || !sameLines(before.sipUa.lines, after.sipUa.lines))
        out.push(`sip-ua is ${after.sipUa.lines.join('; ') || 'empty'}, was ${before.sipUa.lines.join('; ') || 'empty'}`);
    } else {
      const a = before.voiceServiceVoip;
      const b = after.voiceServiceVoip;
      if (a.present !== b.present || !sameLines(a.lines, b.lines) || !sameLines(a.sip.lines, b.sip.lines)) {
        out.push(`voice service voip is ${[...b.lines, ...b.sip.lines].join('; ') || 'empty'}, was ${[...a.lines, ...a.sip.lines].join('; ') || 'empty'}`);
      }
    }
  }
  return out;
}

export interface ExportedIdentity {
  /** The issuing CA, or for a self-signed trustpoint the identity itself. */
  readonly caPem: string;
  readonly certPem: string;
  readonly selfSigned: boolean;
  readonly sha1: string;
  readonly caSha1: string;
}

/**
 * The identity an export shows, checked against the trustpoint's `crypto pki certificate chain`: the exported
 * certificate must be the router's own there, and the exported CA the chain's CA. Returns the problem in words.
 */
export function checkExportedIdentity(trustpoint: string, exported: PemExport, chain: CertificateChainConfig | undefined): ExportedIdentity | string {
  if (exported.notEnrolled || exported.generalPurposePem === undefined || exported.caPem === undefined) {
    return `trustpoint ${trustpoint} holds no certificate of the router's own${exported.notEnrolled ? ' (the device says it is not enrolled)' : ''}: enroll the CUBE or import its certificate there first`;
  }
  const [cert] = parseCertificates(exported.generalPurposePem, `${trustpoint} identity`);
  const [ca] = parseCertificates(exported.caPem, `${trustpoint} CA`);
  if (!cert || !ca) return `the export of ${trustpoint} holds no readable certificate`;
  const stored = chain?.certificates.filter((c) => c.der.length > 0) ?? [];
  if (stored.length === 0) return `trustpoint ${trustpoint} shows no certificate chain in the running config to compare the export with`;
  const own = stored.filter((c) => c.type === 'identity' || c.type === 'self-signed');
  if (!own.some((c) => c.der.equals(cert.der))) {
    return `the certificate exported from ${trustpoint} (SHA1 ${cert.sha1}) is not the router certificate of its chain (serial ${own.map((c) => c.serialHex).join(', ') || 'none'}): read the device's trustpoint before sending anything to CUCM`;
  }
  const cas = stored.filter((c) => c.type === 'ca' || c.type === 'self-signed');
  if (!exported.caIsSelfSigned && !cas.some((c) => c.der.equals(ca.der))) {
    return `the CA certificate exported from ${trustpoint} (SHA1 ${ca.sha1}) is not the CA of its chain`;
  }
  return {
    caPem: exported.caPem,
    certPem: exported.generalPurposePem,
    selfSigned: exported.caIsSelfSigned || ca.der.equals(cert.der),
    sha1: cert.sha1,
    caSha1: ca.sha1,
  };
}

/**
 * The identity as the trustpoint's `crypto pki certificate chain` in the running config holds it: what an export
 * would give, known without entering config mode (a dry run, or a re-run whose files are already right).
 */
export function identityFromChain(trustpoint: string, chain: CertificateChainConfig | undefined): ExportedIdentity | string {
  const unreadable = chain?.certificates.find((c) => c.unreadable !== undefined)?.unreadable;
  if (unreadable !== undefined)
    return `could not read trustpoint ${trustpoint}'s certificate from the device: ${unreadable}; run again, and if it repeats read the transcript`;
  const stored = chain?.certificates.filter((c) => c.der.length > 0) ?? [];
  const own = stored.find((c) => c.type === 'identity') ?? stored.find((c) => c.type === 'self-signed');
  const inNvram = chain?.certificates.find((c) => c.nvramFile !== undefined && c.der.length === 0);
  if (!own && inNvram) {
    return `trustpoint ${trustpoint} keeps its certificates in ${inNvram.nvramFile ?? 'nvram'} (crypto pki certificate storage), not in the running config certagent reads: remove the storage setting or export and upload the identity by hand`;
  }
  if (!own) {
    return chain === undefined
      ? `trustpoint ${trustpoint} does not exist or holds no certificate chain: enroll the CUBE or import its certificate there first`
      : `trustpoint ${trustpoint} holds no certificate of the router's own: enroll the CUBE or import its certificate there first`;
  }
  const ca = own.type === 'self-signed' ? own : stored.find((c) => c.type === 'ca');
  if (!ca) return `trustpoint ${trustpoint} holds the router's certificate but not its CA: authenticate the issuing CA there`;
  const cert = parseCertificate(own.der, `${trustpoint} identity`);
  const caFacts = certificateParseCache.parse(ca.der, `${trustpoint} CA`);
  return { caPem: toPem(ca.der), certPem: toPem(own.der), selfSigned: own === ca, sha1: cert.sha1, caSha1: caFacts.sha1 };
}

export interface ExportFile {
  readonly path: string;
  readonly pem: string;
  readonly what: string;
}

/** `<dir>/<tp>-ca.pem` and `<dir>/<tp>.pem`; a self-signed identity is its own CA, so one file. */
export function exportFiles(dir: string, device: string, trustpoint: string, identity: ExportedIdentity): ExportFile[] {
  const folder = dir
    .split('{device}')
    .join(device.replace(/[^A-Za-z0-9._-]/g, '_'))
    .replace(/\/+$/, '');
  const own = { path: `${folder}/${trustpoint}.pem`, pem: identity.certPem, what: `the CUBE certificate (SHA1 ${identity.sha1})` };
  if (identity.selfSigned) return [own];
  return [{ path: `${folder}/${trustpoint}-ca.pem`, pem: identity.caPem, what: `its CA (SHA1 ${identity.caSha1})` }, own];
}
