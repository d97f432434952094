/**
 * `/crypto-pki-oper-data` (Cisco-IOS-XE-crypto-pki-oper, 17.15): one `crypto-pki-bundle` per trustpoint with
 * its certificates, computed from the PKI state. The model gives leaf names and types but not how a device
 * formats serials, names and fingerprints (dossier open question 8): the lab uses the CLI's forms (serial as
 * `show crypto pki certificates` prints it, names as one comma-separated line, MD5 as upper-case hex in groups
 * of 8) and RFC 3339 for yang:date-and-time. [unverified]
 */
import { hexGroups, iosDnOneLine } from '../../../certs/ios-format.js';
import { caCertificate, routerCertificate, type InstalledCertificate, type Trustpoint } from '../pki/state.js';
import type { RouterState } from '../state.js';
import { PKI_OPER_NS } from './schema.js';
import { leafNode, node, type DataNode } from './tree.js';

const O = PKI_OPER_NS;

function keyType(cert: InstalledCertificate): string {
  const algorithm = cert.facts.publicKey.algorithm;
  return algorithm === 'rsa' ? 'crypto-pki-cert-key-type-rsa' : algorithm === 'ec' ? 'crypto-pki-cert-key-type-ec' : 'crypto-pki-cert-key-type-none';
}

function dateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

function certTree(cert: InstalledCertificate, tp: Trustpoint): DataNode {
  const f = cert.facts;
  return node('cert', O, [
    leafNode('cert-avail', O, 'crypto-pki-cert-available'),
    leafNode('cert-usage', O, 'crypto-pki-cert-usage-general-purpose'),
    leafNode('cert-key-type', O, keyType(cert)),
    leafNode('serial-number', O, f.serialHex),
    leafNode('subject-name', O, iosDnOneLine(f.subject)),
    leafNode('issuer-name', O, iosDnOneLine(f.issuer)),
    leafNode('md5-fp', O, hexGroups(f.md5)),
    leafNode('validity-start', O, dateTime(f.notBefore)),
    leafNode('validity-end', O, dateTime(f.notAfter)),
    node('asc-tp', O, [leafNode('tp-name', O, tp.name)]),
  ]);
}

function bundle(tp: Trustpoint): DataNode {
  const ca = caCertificate(tp);
  const own = routerCertificate(tp);
  const b = node('crypto-pki-bundle', O, [
    leafNode('label', O, tp.name),
    leafNode('mode', O, 'crypto-pki-mode-none'),
    leafNode('tp-authenticated', O, String(ca !== undefined || own?.role === 'self-signed')),
    leafNode('tp-keys-generated', O, String(tp.rsakeypair !== undefined)),
    leafNode('tp-enrolled', O, String(own !== undefined)),
    leafNode('tp-scep-enrollment-in-progress', O, 'false'),
  ]);
  for (const cert of tp.certificates) b.children.push(certTree(cert, tp));
  return b;
}

export function pkiOperTree(state: RouterState): DataNode {
  return node('crypto-pki-oper-data', O, [...state.pki.trustpoints.values()].map(bundle));
}
