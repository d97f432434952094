/**
 * The router's `TP-self-signed-N` certificate, shaped like the one IOS XE 17.9 generates (decoded from the
 * genielibs 17.9.8 running config): v3, serial 01, subject = issuer = `CN=IOS-Self-Signed-Certificate-N`
 * as a UTF8String, RSA 2048, sha256WithRSAEncryption, valid from generation time for 3652 days
 * (the capture's Jan 1 2000 → Dec 31 2009 and a 17.18 device's May 1 2026 → Apr 30 2036 both span that),
 * extensions SKI, AKI (key id) and critical Basic Constraints CA:TRUE.
 *
 * A thousand lab routers start in one process, so all of them share one RSA key generated on first use
 * and sign natively; only the certificate (name, dates) differs per router.
 */
import { createHash, generateKeyPairSync, randomInt, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const VALIDITY_DAYS = 3652;
const DAY_MS = 86_400_000;

let sharedKey: { privateKey: KeyObject; spki: Buffer } | undefined;

function routerKey(): { privateKey: KeyObject; spki: Buffer } {
  if (!sharedKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sharedKey = { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
  }
  return sharedKey;
}

/** IOS names the trustpoint after a 32-bit number, printed in decimal (`TP-self-signed-1357684700`). */
export function randomSelfSignedNumber(): number {
  return randomInt(1, 2 ** 32 - 1);
}

export function selfSignedTrustpointName(n: number): string {
  return `TP-self-signed-${n}`;
}

export function selfSignedSubject(n: number): string {
  return `cn=IOS-Self-Signed-Certificate-${n}`;
}

/** DER of the self-signed certificate for trustpoint number `n`, valid from `notBefore`. */
export function generateSelfSignedDer(n: number, notBefore: Date): Buffer {
  const { asn1 } = forge;
  const { Class, Type } = asn1;
  const key = routerKey();
  const seq = (items: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
  const oid = (dotted: string): forge.asn1.Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());
  const octets = (bytes: string): forge.asn1.Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes);
  const utcTime = (d: Date): forge.asn1.Asn1 => asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(d));
  const sha256WithRsa = seq([oid('1.2.840.113549.1.1.11'), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
  const name = seq([
    asn1.create(Class.UNIVERSAL, Type.SET, true, [seq([oid('2.5.4.3'), asn1.create(Class.UNIVERSAL, Type.UTF8, false, `IOS-Self-Signed-Certificate-${n}`)])]),
  ]);
  const spki = asn1.fromDer(forge.util.createBuffer(key.spki.toString('binary')));
  // Key identifier method 1 of RFC 5280: SHA-1 of the subjectPublicKey BIT STRING contents (after the unused-bits byte).
  const publicKeyBits = (spki.value as forge.asn1.Asn1[])[1]?.value;
  const keyId = createHash('sha1')
    .update(Buffer.from(String(publicKeyBits).slice(1), 'binary'))
    .digest()
    .toString('binary');
  const start = new Date(Math.floor(notBefore.getTime() / 1000) * 1000);
  const tbs = seq([
    asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(Class.UNIVERSAL, Type.INTEGER, false, '\x02')]),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, '\x01'),
    sha256WithRsa,
    name,
    seq([utcTime(start), utcTime(new Date(start.getTime() + VALIDITY_DAYS * DAY_MS))]),
    name,
    spki,
    asn1.create(Class.CONTEXT_SPECIFIC, 3, true, [
      seq([
        seq([oid('2.5.29.14'), octets(asn1.toDer(octets(keyId)).getBytes())]),
        seq([oid('2.5.29.35'), octets(asn1.toDer(seq([asn1.create(Class.CONTEXT_SPECIFIC, 0, false, keyId)])).getBytes())]),
        seq([
          oid('2.5.29.19'),
          asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff'),
          octets(asn1.toDer(seq([asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff')])).getBytes()),
        ]),
      ]),
    ]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, key.privateKey);
  const cert = seq([tbs, sha256WithRsa, asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\x00${signature.toString('binary')}`)]);
  return Buffer.from(asn1.toDer(cert).getBytes(), 'binary');
}
