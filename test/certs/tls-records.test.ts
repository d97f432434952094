import { describe, expect, it } from '@jest/globals';
import { certificatesFromTlsRecords } from '../../src/certs/tls-records.js';

const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const record = (type: number, payload: Buffer) => Buffer.concat([Buffer.from([type, 3, 3, payload.length >> 8, payload.length & 0xff]), payload]);
const handshake = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
const certificateMessage = (certs: Buffer[]) => {
  const list = Buffer.concat(certs.map((c) => Buffer.concat([u24(c.length), c])));
  return handshake(11, Buffer.concat([u24(list.length), list]));
};

describe('certificatesFromTlsRecords', () => {
  const serverHello = handshake(2, Buffer.alloc(40, 1));
  const certs = [Buffer.from('first certificate'), Buffer.from('second')];

  it('finds the Certificate message after ServerHello, in the order sent', () => {
    const bytes = record(22, Buffer.concat([serverHello, certificateMessage(certs)]));
    expect(certificatesFromTlsRecords(bytes)).toEqual(certs);
  });

  it('joins a Certificate message split over several records', () => {
    const stream = Buffer.concat([serverHello, certificateMessage(certs)]);
    const bytes = Buffer.concat([record(22, stream.subarray(0, 50)), record(22, stream.subarray(50))]);
    expect(certificatesFromTlsRecords(bytes)).toEqual(certs);
  });

  it('gives up on encrypted (TLS 1.3) or cut-short input', () => {
    const tls13 = Buffer.concat([record(22, serverHello), record(20, Buffer.from([1])), record(23, Buffer.alloc(300, 7))]);
    expect(certificatesFromTlsRecords(tls13)).toBeUndefined();
    const full = record(22, Buffer.concat([serverHello, certificateMessage(certs)]));
    expect(certificatesFromTlsRecords(full.subarray(0, full.length - 3))).toBeUndefined();
    expect(certificatesFromTlsRecords(Buffer.alloc(0))).toBeUndefined();
  });
});
