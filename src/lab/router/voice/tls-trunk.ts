/**
 * The SIP TLS transport of the lab CUBE, computed from its configuration and PKI: which CUCM targets the
 * dial-peers reach over `session transport tcp tls`, and whether the handshake with each would succeed.
 *
 * The lab simulates CUCM rather than connecting: a target is answered when a SimulatedCucm is registered for its
 * `ADDRESS:PORT` (voice.remotes). The handshake is judged as the two real ends would:
 * - the CUBE presents the certificate of its signaling trustpoint (`crypto signaling remote-addr` matching the
 *   target, else `crypto signaling default`); without one, or without a certificate of the router's own in it,
 *   CUCM (which always asks for a client certificate on a TLS SIP trunk) refuses the handshake;
 * - the CUBE anchors CUCM's CallManager certificate on any certificate authenticated into a trustpoint (the
 *   self-signed CallManager.pem pasted into CCM-cert-02 is its own anchor), with validity checked on the router's
 *   clock; `cn-san-validate server` also requires the target address in the certificate's SAN or CN;
 * - CUCM anchors the CUBE's certificate (sent with its CA, if the trustpoint holds one) on its CallManager-trust.
 *
 * A real CUBE connects when a call or an OPTIONS ping goes out. The lab has no calls, so every look at the
 * transport (`show sip-ua connections ...`) stands for the traffic since the last one: each TLS target without a
 * connection is tried once, and an existing connection is kept only while a new handshake would still succeed.
 */
import { randomInt } from 'node:crypto';
import type { CertificateFacts } from '../../../certs/types.js';
import { verifyServedChain, type AnchorCertificate } from '../eem/chain-verify.js';
import { trustAnchors } from '../pki/anchors.js';
import { caCertificate, routerCertificate } from '../pki/state.js';
import type { RouterState } from '../state.js';
import { voiceState, type SignalingTrustpoint, type SimulatedCucm, type TlsConnection, type VoiceState } from './state.js';

export const SIP_TLS_PORT = 5061;

export interface TlsTarget {
  readonly address: string;
  readonly port: number;
}

export type HandshakeVerdict =
  | { readonly ok: true; readonly tlsVersion: string; readonly cipher: string; readonly curve: string }
  | { readonly ok: false; readonly stage: 'connect' | 'handshake'; readonly reason: string };

function targetKey(t: TlsTarget): string {
  return `${t.address}:${t.port}`;
}

/** `ipv4:10.72.86.74[:5061]`; other target kinds (`dns:`, `sip-server`) need a resolver the lab does not have. */
export function parseSessionTarget(target: string): TlsTarget | undefined {
  const m = /^ipv4:(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(target);
  if (!m) return undefined;
  return { address: m[1] ?? '', port: m[2] === undefined ? SIP_TLS_PORT : Number(m[2]) };
}

/** The distinct TLS targets of the dial-peers, in dial-peer order. */
export function tlsTargets(voice: VoiceState): TlsTarget[] {
  const seen = new Map<string, TlsTarget>();
  for (const peer of voice.dialPeers.values()) {
    if (peer.sessionTransport !== 'tcp tls' || peer.sessionTarget === undefined) continue;
    const target = parseSessionTarget(peer.sessionTarget);
    if (target && !seen.has(targetKey(target))) seen.set(targetKey(target), target);
  }
  return [...seen.values()];
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** The trustpoint whose certificate the CUBE presents to `address`: a matching remote-addr entry wins. */
export function signalingTrustpointFor(voice: VoiceState, address: string): SignalingTrustpoint | undefined {
  const ua = voice.sipUa;
  if (!ua) return undefined;
  const ip = ipv4Number(address);
  for (const r of ua.remoteAddrs.values()) {
    const mask = ipv4Number(r.mask);
    // `>>> 0` keeps the 32-bit AND unsigned, as the addresses are.
    if ((ip & mask) >>> 0 === (ipv4Number(r.network) & mask) >>> 0) return r;
  }
  return ua.defaultTrustpoint;
}

function namesAddress(cert: CertificateFacts, address: string): boolean {
  return cert.subjectAltNames.ip.includes(address) || cert.subjectAltNames.dns.includes(address) || cert.commonName === address;
}

function anchorsOf(certs: readonly CertificateFacts[], label: string): AnchorCertificate[] {
  return certs.map((c) => ({ trustpoint: label, der: c.der }));
}

/** What a TLS handshake from the router to `target` would give, without changing anything. */
export function handshake(router: RouterState, voice: VoiceState, target: TlsTarget): HandshakeVerdict {
  const cucm: SimulatedCucm | undefined = voice.remotes.get(targetKey(target));
  if (!cucm) return { ok: false, stage: 'connect', reason: `nothing answers at ${targetKey(target)}` };
  const signaling = signalingTrustpointFor(voice, target.address);
  const tp = signaling ? router.pki.trustpoints.get(signaling.trustpoint) : undefined;
  const own = tp ? routerCertificate(tp) : undefined;
  if (!signaling || !tp || !own) {
    return { ok: false, stage: 'handshake', reason: 'no signaling trustpoint with a router certificate: no client certificate for CUCM' };
  }
  const now = router.now();
  const anchors = trustAnchors(router.pki).map((a) => ({ trustpoint: a.trustpoint, der: a.certificate.der }));
  const serverVerdict = verifyServedChain([cucm.certificate.der], anchors, now);
  if (!serverVerdict.ok) return { ok: false, stage: 'handshake', reason: `certificate verify failed: ${serverVerdict.reason}` };
  if (signaling.cnSanValidateServer && !namesAddress(cucm.certificate, target.address)) {
    return { ok: false, stage: 'handshake', reason: 'Peer certificate identity check failed' };
  }
  const ca = caCertificate(tp);
  const sent = own.role === 'identity' && ca ? [own.facts.der, ca.facts.der] : [own.facts.der];
  const clientVerdict = verifyServedChain(sent, anchorsOf(cucm.trusts, 'CallManager-trust'), now);
  if (!clientVerdict.ok) return { ok: false, stage: 'handshake', reason: `CUCM refused the CUBE certificate: ${clientVerdict.reason}` };
  const version = voice.sipUa?.transportTls;
  const ecdsa = cucm.certificate.publicKey.algorithm === 'ec';
  return {
    ok: true,
    tlsVersion: version === 'v1.3' ? 'TLSv1.3' : 'TLSv1.2',
    cipher: ecdsa ? 'ECDHE-ECDSA-AES256-GCM-SHA384' : 'ECDHE-RSA-AES256-GCM-SHA384',
    curve: 'P-256',
  };
}

/** Brings the connections up to date with the configuration (see the file comment); returns the voice state. */
export function refreshTransport(router: RouterState): VoiceState {
  const voice = voiceState(router);
  const targets = tlsTargets(voice);
  const wanted = new Set(targets.map(targetKey));
  const kept = voice.connections.filter((c) => {
    const target = { address: c.remoteAddress, port: c.remotePort };
    return wanted.has(targetKey(target)) && handshake(router, voice, target).ok;
  });
  voice.connections.splice(0, voice.connections.length, ...kept);
  for (const target of targets) {
    if (voice.connections.some((c) => c.remoteAddress === target.address && c.remotePort === target.port)) continue;
    if (!voice.agents.includes(target.address)) voice.agents.push(target.address);
    const connId = voice.nextConnId++;
    const verdict = handshake(router, voice, target);
    if (!verdict.ok) {
      if (verdict.stage === 'connect') voice.counters.connFailures++;
      else voice.counters.tlsClientHandshakeFailures++;
      continue;
    }
    const connection: TlsConnection = {
      connId,
      remoteAddress: target.address,
      remotePort: target.port,
      // The ephemeral range IOS XE's sockets draw from in the captures (37081, 47687, 51875).
      localPort: randomInt(32768, 61000),
      tlsVersion: verdict.tlsVersion,
      cipher: verdict.cipher,
      curve: verdict.curve,
    };
    voice.connections.push(connection);
    voice.maxQueueRecordedFor ??= targetKey(target);
  }
  return voice;
}
