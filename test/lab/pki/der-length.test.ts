/** Hexmode installs a certificate once its DER is complete, which the DER header tells. */
import { describe, expect, test } from '@jest/globals';
import { derFromIosHex } from '../../../src/certs/ios-format.js';
import { derLength } from '../../../src/lab/router/pki/chain-commands.js';
import { SLA_CERTIFICATE_HEX } from '../../../src/lab/router/pki/sla-certificate.js';

describe('derLength', () => {
  const sla = derFromIosHex(SLA_CERTIFICATE_HEX);

  test('reads the long-form length of a certificate from its first line of hex', () => {
    expect(derLength(sla.subarray(0, 32))).toBe(sla.length);
    expect(sla.length).toBe(805);
  });

  test('is undefined until the header has arrived, and reads short forms', () => {
    expect(derLength(Buffer.from([0x30]))).toBeUndefined();
    expect(derLength(Buffer.from([0x30, 0x82, 0x03]))).toBeUndefined();
    expect(derLength(Buffer.from([0x30, 0x05]))).toBe(7);
  });
});
