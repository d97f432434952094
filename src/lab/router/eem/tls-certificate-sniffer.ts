/**
 * Reads the server's Certificate handshake message out of the raw TLS 1.2 byte stream (it travels in clear in
 * TLS 1.2), so the router's client can judge the chain *during* the handshake and answer a bad one with a fatal
 * `bad_certificate` alert, as IOS's OpenSSL does. Node's TLS client only reports verification after the handshake
 * and never sends that alert, hence this shim. Pure: bytes in, verdict out.
 */

const CONTENT_HANDSHAKE = 22;
const CONTENT_ALERT = 21;
const HANDSHAKE_CERTIFICATE = 11;

/** TLS 1.2 record: fatal (2) bad_certificate (42), sent in clear before any key exchange. */
export const BAD_CERTIFICATE_ALERT = Buffer.from([CONTENT_ALERT, 0x03, 0x03, 0x00, 0x02, 0x02, 0x2a]);

export type SnifferResult =
  | { readonly state: 'need-more' }
  | { readonly state: 'certificates'; readonly ders: readonly Buffer[] }
  | { readonly state: 'unexpected'; readonly detail: string };

function uint24(buf: Buffer, offset: number): number {
  return ((buf[offset] ?? 0) << 16) | ((buf[offset + 1] ?? 0) << 8) | (buf[offset + 2] ?? 0);
}

/** Accumulates server bytes until the Certificate message is complete. */
export class CertificateSniffer {
  private records = Buffer.alloc(0);
  private handshake = Buffer.alloc(0);

  feed(chunk: Buffer): SnifferResult {
    this.records = Buffer.concat([this.records, chunk]);
    while (this.records.length >= 5) {
      const type = this.records[0];
      const length = this.records.readUInt16BE(3);
      if (this.records.length < 5 + length) break;
      const fragment = this.records.subarray(5, 5 + length);
      this.records = this.records.subarray(5 + length);
      if (type === CONTENT_ALERT) {
        return { state: 'unexpected', detail: `server sent alert ${fragment[1] ?? '?'}` };
      }
      if (type !== CONTENT_HANDSHAKE) {
        return { state: 'unexpected', detail: `record type ${type ?? '?'} before the server certificate` };
      }
      this.handshake = Buffer.concat([this.handshake, fragment]);
      const found = this.scanHandshake();
      if (found) return found;
    }
    return { state: 'need-more' };
  }

  private scanHandshake(): SnifferResult | undefined {
    let offset = 0;
    while (this.handshake.length >= offset + 4) {
      const msgType = this.handshake[offset];
      const msgLength = uint24(this.handshake, offset + 1);
      if (this.handshake.length < offset + 4 + msgLength) return undefined;
      if (msgType === HANDSHAKE_CERTIFICATE) {
        return { state: 'certificates', ders: parseCertificateList(this.handshake.subarray(offset + 4, offset + 4 + msgLength)) };
      }
      offset += 4 + msgLength;
    }
    return undefined;
  }
}

function parseCertificateList(body: Buffer): Buffer[] {
  const total = uint24(body, 0);
  const ders: Buffer[] = [];
  let offset = 3;
  while (offset + 3 <= 3 + total && offset + 3 <= body.length) {
    const length = uint24(body, offset);
    ders.push(Buffer.from(body.subarray(offset + 3, offset + 3 + length)));
    offset += 3 + length;
  }
  return ders;
}
