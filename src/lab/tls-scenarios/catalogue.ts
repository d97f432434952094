/**
 * The TLS failure classes `certagent lab --tls-scenarios` serves, one endpoint pair (SMTP STARTTLS and implicit
 * TLS) each: those of Cisco's Expressway TLS-verification note and the EEM mail note (certs/diagnose.ts words
 * them), plus a correct server to compare with. Pure data: what each server presents, which name a client asks
 * for, and the diagnosis `certagent probe` must give.
 */
import type { DiagnosisCode } from '../../certs/diagnose.js';

/** The domain every scenario name lives under; nothing outside the lab resolves it. */
export const SCENARIO_DOMAIN = 'tls.lab.example';

export type ScenarioId = 'correct' | 'self-signed' | 'private-ca' | 'name-fqdn' | 'name-ip' | 'cn-only' | 'expired' | 'incomplete-chain' | 'sni-not-served';

/** How the server's certificate is made and what it sends. */
export type ScenarioIdentity =
  /** Issued by the root the device trusts (via an intermediate, sent); `names` are the leaf's SANs. */
  | {
      readonly kind: 'trusted';
      readonly cn: string;
      readonly dns: readonly string[];
      readonly ip: readonly string[];
      readonly expired?: boolean;
      readonly sendIntermediate?: boolean;
    }
  | { readonly kind: 'self-signed'; readonly cn: string }
  /** Issued under a private root the device does not trust; the server sends the whole chain, root included. */
  | { readonly kind: 'private-ca'; readonly cn: string }
  /** A correct certificate for `served`, given only to clients asking for it by SNI; others get `fallback`'s. */
  | { readonly kind: 'sni'; readonly served: string; readonly fallback: string };

export interface TlsScenario {
  readonly id: ScenarioId;
  /** The class, in the words of the notes. */
  readonly title: string;
  /** Why a device fails here, for the lab's summary. */
  readonly why: string;
  readonly identity: ScenarioIdentity;
  /** The name the client asks for (SNI and the name checked); undefined: it connects by IP address (127.0.0.1). */
  readonly servername?: string;
  /** The error diagnoses `probe` must give, in order; empty for the correct server. */
  readonly expect: readonly DiagnosisCode[];
}

const name = (label: string): string => `${label}.${SCENARIO_DOMAIN}`;

export const TLS_SCENARIOS: readonly TlsScenario[] = [
  {
    id: 'correct',
    title: 'a correct server: trusted chain, name in the SAN',
    why: 'leaf and intermediate sent, anchored on the root the device trusts: nothing to fix',
    identity: { kind: 'trusted', cn: name('good'), dns: [name('good')], ip: ['127.0.0.1'] },
    servername: name('good'),
    expect: [],
  },
  {
    id: 'self-signed',
    title: 'self-signed leaf (depth 0)',
    why: 'the server signs its own certificate: no CA to trust (Expressway: "self signed certificate", depth=0)',
    identity: { kind: 'self-signed', cn: name('self-signed') },
    servername: name('self-signed'),
    expect: ['self-signed-untrusted'],
  },
  {
    id: 'private-ca',
    title: 'leaf from a private CA the device does not trust (depth > 0)',
    why: 'the chain ends in a root that is not a trustpoint (Expressway: "self signed certificate in certificate chain", depth=2)',
    identity: { kind: 'private-ca', cn: name('private-ca') },
    servername: name('private-ca'),
    expect: ['untrusted-ca'],
  },
  {
    id: 'name-fqdn',
    title: 'name not in the certificate (FQDN)',
    why: `the client asks for ${name('name-fqdn')}; the certificate names only ${name('www')}`,
    identity: { kind: 'trusted', cn: name('www'), dns: [name('www')], ip: [] },
    servername: name('name-fqdn'),
    expect: ['address-mismatch'],
  },
  {
    id: 'name-ip',
    title: 'name not in the certificate (IP address)',
    why: 'the client connects to 127.0.0.1, which is in no IP SAN of the certificate',
    identity: { kind: 'trusted', cn: name('name-ip'), dns: [name('name-ip')], ip: [] },
    expect: ['address-mismatch'],
  },
  {
    id: 'cn-only',
    title: 'CN-only certificate without SANs',
    why: 'no subject alternative names at all: only the CN can match, and it is not the address the client uses',
    identity: { kind: 'trusted', cn: name('cn-only'), dns: [], ip: [] },
    expect: ['address-mismatch'],
  },
  {
    id: 'expired',
    title: 'expired leaf',
    why: 'the leaf ended yesterday (Expressway: "certificate has expired"); no trustpoint can cure it',
    identity: { kind: 'trusted', cn: name('expired'), dns: [name('expired')], ip: ['127.0.0.1'], expired: true },
    servername: name('expired'),
    expect: ['expired'],
  },
  {
    id: 'incomplete-chain',
    title: 'incomplete chain (intermediate not sent)',
    why: 'the server sends its leaf alone; the device has the root but not the intermediate between them',
    identity: { kind: 'trusted', cn: name('incomplete'), dns: [name('incomplete')], ip: ['127.0.0.1'], sendIntermediate: false },
    servername: name('incomplete'),
    expect: ['chain-incomplete'],
  },
  {
    id: 'sni-not-served',
    title: 'the SNI asked for is not served',
    why: `the server has a certificate for ${name('smtp')} only; a client asking for ${name('mail')} gets its default one (${name('default')})`,
    identity: { kind: 'sni', served: name('smtp'), fallback: name('default') },
    servername: name('mail'),
    expect: ['address-mismatch'],
  },
];
