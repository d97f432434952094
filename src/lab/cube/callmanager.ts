/**
 * The simulated CUCM's CallManager certificate, shaped like the one a CUCM publisher generates for itself
 * (playbooks/cucm/CallManager-pub.pem): self-signed RSA 2048, five years, no Basic Constraints but
 * keyCertSign in its key usage, server and client auth. IOS calls such a certificate "a subordinate CA. but
 * certificate is not a CA certificate" when it is authenticated into CCM-cert-02, as on a real CUBE.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const DAY_MS = 86_400_000;
/** CUCM's self-signed certificates default to five years. */
const VALIDITY_DAYS = 5 * 365;

export async function generateCallManagerPem(serverName: string, now = new Date()): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const subject = `CN=${serverName}, OU=Collaboration, O=Lab Voice, C=US`;
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = ((serial[0] ?? 1) & 0x7f) | 0x01;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject,
    issuer: subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment |
          x509.KeyUsageFlags.dataEncipherment |
          x509.KeyUsageFlags.keyAgreement |
          x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: serverName }]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
}
