/**
 * What a lab CUBE holds before certagent ever touches it: the SIP TLS identity trustpoint, enrolled (its
 * issuing CA authenticated, its own certificate imported), as the config lines a startup-config would carry.
 * The router replays them at first boot (LabRouterOptions.stagedConfig).
 */
import { iosHexLines } from '../../certs/ios-format.js';
import { parseCertificates } from '../../certs/x509.js';

export function stagedCubeConfig(trustpoint: string, identityPem: string, caPem: string): string {
  const [identity] = parseCertificates(identityPem, `identity of ${trustpoint}`);
  const [ca] = parseCertificates(caPem, `CA of ${trustpoint}`);
  if (!identity || !ca) throw new Error(`stagedCubeConfig: ${trustpoint} needs an identity and a CA certificate`);
  const block = (word: string, serial: string, der: Uint8Array): string[] => [` ${word} ${serial}`, ...iosHexLines(der).map((l) => `  ${l}`), '  \tquit'];
  return [
    `crypto pki trustpoint ${trustpoint}`,
    ' enrollment terminal',
    ' revocation-check none',
    '!',
    `crypto pki certificate chain ${trustpoint}`,
    ...block('certificate', identity.serialHex, identity.der),
    ...block('certificate ca', ca.serialHex, ca.der),
    'end',
    '',
  ].join('\n');
}
