/** Real certificates for the tests: a root, an intermediate and a server leaf made with node-forge, read back with
 * Node's X.509 parser. */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { SelectableCertificate } from '../../src/config/index.js';

interface Issued {
  cert: forge.pki.Certificate;
  keys: forge.pki.rsa.KeyPair;
}

function make(cn: string, issuer: Issued | undefined, ca: boolean, serial: string): Issued {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 86400000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86400000);
  const subject = [
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'certagent lab' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: ca, critical: true }, ...(ca ? [] : [{ name: 'subjectAltName', altNames: [{ type: 2, value: cn }] }])]);
  cert.sign(issuer ? issuer.keys.privateKey : keys.privateKey, forge.md.sha256.create());
  return { cert, keys };
}

/** Leaf first, as a server sends it, then intermediate, then root. */
export function labChainPem(): string {
  const root = make('Lab Root CA', undefined, true, '01');
  const intermediate = make('Lab Issuing CA 1', root, true, '02');
  const leaf = make('smtp.lab.example', intermediate, false, '03');
  return [leaf, intermediate, root].map((c) => forge.pki.certificateToPem(c.cert)).join('');
}

export function selectable(bundle: string): SelectableCertificate[] {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/g) ?? [];
  return blocks.map((pem) => {
    const x = new X509Certificate(pem);
    const cn = /(?:^|\n)CN=(.*)/.exec(x.subject)?.[1];
    return {
      pem,
      sha256: x.fingerprint256.replace(/:/g, ''),
      ...(cn !== undefined && { commonName: cn }),
      selfSigned: x.checkIssued(x) && x.verify(x.publicKey),
      basicConstraints: { ca: x.ca },
    };
  });
}
