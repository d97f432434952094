/** The certificate parse cache: one parse per distinct DER, bounded, and a parse failure never kept. */
import { describe, expect, it } from '@jest/globals';
import { CertificateParseCache } from '../../src/certs/parse-cache.js';
import type { CertificateParser } from '../../src/certs/parse-cache.js';
import { parseCertificate } from '../../src/certs/x509.js';
import { testChain } from '../helpers/cert-factory.js';

function countingParser(): { parser: CertificateParser; calls: string[] } {
  const calls: string[] = [];
  return { calls, parser: (der, source) => (calls.push(source), parseCertificate(der, source)) };
}

describe('CertificateParseCache', () => {
  const chain = testChain('ec', 'mail.example.test');
  const ders = [chain.root.der, chain.intermediate.der, chain.leaf.der];

  it('parses equal bytes once, whichever buffer they come in, and answers the same facts', () => {
    const { parser, calls } = countingParser();
    const cache = new CertificateParseCache(parser);
    const first = cache.parse(ders[0] as Buffer, 'r1');
    const again = cache.parse(Buffer.from(ders[0] as Buffer), 'r2');
    expect(again).toBe(first);
    expect(first.sha1).toBe(parseCertificate(ders[0] as Buffer).sha1);
    expect(calls).toEqual(['r1']);
    expect(cache.stats()).toEqual({ parsed: 1, hits: 1, size: 1 });
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const { parser, calls } = countingParser();
    const cache = new CertificateParseCache(parser, 2);
    const [a, b, c] = ders as [Buffer, Buffer, Buffer];
    cache.parse(a, 'a');
    cache.parse(b, 'b');
    cache.parse(a, 'a again');
    cache.parse(c, 'c');
    expect(cache.stats().size).toBe(2);
    cache.parse(a, 'a third time');
    cache.parse(b, 'b again');
    // b was the least recently used when c came, so only b is parsed again.
    expect(calls).toEqual(['a', 'b', 'c', 'b again']);
  });

  it('does not keep a failure: the error names each caller, and a later parse of other bytes still works', () => {
    const { parser, calls } = countingParser();
    const cache = new CertificateParseCache(parser);
    const garbage = Buffer.from('3003020101', 'hex');
    expect(() => cache.parse(garbage, 'chain 01 on r1')).toThrow(/chain 01 on r1/);
    expect(() => cache.parse(garbage, 'chain 01 on r2')).toThrow(/chain 01 on r2/);
    expect(calls).toEqual(['chain 01 on r1', 'chain 01 on r2']);
    expect(cache.stats().size).toBe(0);
  });

  it('refuses a bound below one', () => {
    expect(() => new CertificateParseCache(parseCertificate, 0)).toThrow(/maxEntries must be a whole number of at least 1, not 0/);
  });
});
