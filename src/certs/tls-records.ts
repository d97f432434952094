/** Reads the server's Certificate handshake message out of the raw bytes a TLS ≤ 1.2 server sent, so the probe
 * reports the chain exactly as sent (order, extras, duplicates), as `openssl s_client -showcerts` prints it.
 * Node's getPeerCertificate() reorders the chain, drops strays and appends roots from the local store. */

const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CERTIFICATE = 11;

/** The DER certificates of the first Certificate message, or undefined when the bytes hold none in clear
 * (TLS 1.3 encrypts it) or are cut short. */
export function certificatesFromTlsRecords(bytes: Uint8Array): Buffer[] | undefined {
  const data = Buffer.from(bytes);
  const handshake: Buffer[] = [];
  let offset = 0;
  // Only the leading run of handshake records is clear text; anything after ChangeCipherSpec is not.
  while (offset + 5 <= data.length) {
    const type = data[offset];
    const length = data.readUInt16BE(offset + 3);
    if (type !== RECORD_HANDSHAKE) break;
    if (offset + 5 + length > data.length) break;
    handshake.push(data.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  const stream = Buffer.concat(handshake);
  let pos = 0;
  while (pos + 4 <= stream.length) {
    const msgType = stream[pos];
    const msgLength = stream.readUIntBE(pos + 1, 3);
    const body = stream.subarray(pos + 4, pos + 4 + msgLength);
    if (body.length < msgLength) return undefined;
    if (msgType === HANDSHAKE_CERTIFICATE) return parseCertificateList(body);
    pos += 4 + msgLength;
  }
  return undefined;
}

function parseCertificateList(body: Buffer): Buffer[] | undefined {
  if (body.length < 3) return undefined;
  const total = body.readUIntBE(0, 3);
  const list = body.subarray(3, 3 + total);
  const certs: Buffer[] = [];
  let pos = 0;
  while (pos + 3 <= list.length) {
    const len = list.readUIntBE(pos, 3);
    const der = list.subarray(pos + 3, pos + 3 + len);
    if (der.length < len) return undefined;
    certs.push(Buffer.from(der));
    pos += 3 + len;
  }
  return certs;
}
