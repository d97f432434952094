/**
 * The PKI part of the running config, byte for byte as IOS XE 17.9 renders it
 * (real-outputs/genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt): trustpoint stanzas each closed by
 * `!`, one more `!`, then the certificate chains back to back, the DER as 8 groups of 8 hex digits per line with a
 * trailing space on every full line, each certificate closed by two spaces, a TAB and `quit`.
 */
import { iosHexLines } from '../../../certs/ios-format.js';
import type { ConfigBlock } from '../feature.js';
import type { InstalledCertificate, PkiState, Trustpoint } from './state.js';

/** Trustpoint option lines in IOS's order (dossier 3.5: enrollment, usage, serial-number, fqdn, ip-address,
 * fingerprint, subject-name, revocation-check, source interface, rsakeypair, hash). No capture shows where IOS puts `chain-validation`;
 * it follows `revocation-check` here, as in the field config the seed notes quote. */
export function trustpointLines(tp: Trustpoint): string[] {
  const lines = [`crypto pki trustpoint ${tp.name}`];
  const e = tp.enrollment;
  if (e?.kind === 'terminal') lines.push(e.pem ? ' enrollment terminal pem' : ' enrollment terminal');
  else if (e?.kind === 'url') lines.push(` enrollment url ${e.url}`);
  else if (e) lines.push(` enrollment ${e.kind}`);
  if (tp.usage) lines.push(` usage ${tp.usage}`);
  if (tp.serialNumber === 'none') lines.push(' serial-number none');
  else if (tp.serialNumber === 'include') lines.push(' serial-number');
  if (tp.fqdn) lines.push(` fqdn ${tp.fqdn}`);
  if (tp.ipAddress) lines.push(` ip-address ${tp.ipAddress}`);
  if (tp.fingerprint) lines.push(` fingerprint ${tp.fingerprint}`);
  if (tp.subjectName) lines.push(` subject-name ${tp.subjectName}`);
  if (tp.revocationCheck) lines.push(` revocation-check ${tp.revocationCheck.join(' ')}`);
  const cv = tp.chainValidation;
  if (cv?.kind === 'stop') lines.push(' chain-validation stop');
  else if (cv?.kind === 'continue' && cv.parent) lines.push(` chain-validation continue ${cv.parent}`);
  if (tp.sourceInterface) lines.push(` source interface ${tp.sourceInterface}`);
  if (tp.rsakeypair) lines.push(` rsakeypair ${tp.rsakeypair.label}${tp.rsakeypair.bits ? ` ${tp.rsakeypair.bits}` : ''}`);
  if (tp.hash) lines.push(` hash ${tp.hash}`);
  return lines;
}

const ROLE_WORD: Readonly<Record<InstalledCertificate['role'], string>> = {
  ca: 'certificate ca',
  'self-signed': 'certificate self-signed',
  identity: 'certificate',
};

/** The router's certificate comes before the CA's, as in every captured chain. */
export function chainOrder(tp: Trustpoint): InstalledCertificate[] {
  return [...tp.certificates.filter((c) => c.role !== 'ca'), ...tp.certificates.filter((c) => c.role === 'ca')];
}

export function chainLines(tp: Trustpoint): string[] {
  const lines = [`crypto pki certificate chain ${tp.name}`];
  for (const cert of chainOrder(tp)) {
    lines.push(` ${ROLE_WORD[cert.role]} ${cert.facts.serialHex}`);
    lines.push(...iosHexLines(cert.facts.der).map((l) => `  ${l}`));
    lines.push('  \tquit');
  }
  return lines;
}

export function renderPkiConfig(pki: PkiState): ConfigBlock[] {
  const tps = [...pki.trustpoints.values()];
  if (tps.length === 0) return [];
  return [
    // The engine closes every block with `!`, which gives the capture's `!` after the last stanza.
    { slot: 'crypto-pki-trustpoint', lines: tps.flatMap((tp, i) => (i === 0 ? trustpointLines(tp) : ['!', ...trustpointLines(tp)])) },
    { slot: 'crypto-pki-certificate-chain', lines: ['!', ...tps.flatMap(chainLines)] },
  ];
}
