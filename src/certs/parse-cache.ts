/**
 * Certificate parsing once per distinct DER. A fleet's routers hold the same few CA certificates, and parsing one
 * (ASN.1 decoding, signature check of a self-signed root) cost more agent CPU than everything else a device run does
 * (issue 14: a third of 30 ms per device). Entries are keyed by the SHA-256 of the DER, so equal bytes from
 * different devices share one result; the cache is bounded (least recently used out first) so a fleet of
 * routers holding all different certificates keeps memory flat.
 */
import { createHash } from 'node:crypto';
import type { CertificateFacts } from './types.js';
import { parseCertificate } from './x509.js';

export type CertificateParser = (der: Uint8Array, source: string) => CertificateFacts;

export interface ParseCacheStats {
  /** Calls of the parser: one per distinct DER while it stays in the cache. */
  readonly parsed: number;
  /** Answers given from the cache. */
  readonly hits: number;
  readonly size: number;
}

export class CertificateParseCache {
  private readonly entries = new Map<string, CertificateFacts>();
  private parsed = 0;
  private hits = 0;

  constructor(
    private readonly parser: CertificateParser = parseCertificate,
    private readonly maxEntries = 1024,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`CertificateParseCache: maxEntries must be a whole number of at least 1, not ${maxEntries}`);
  }

  /** The parser's answer for these bytes. A DER that does not parse is not kept: its error names `source`, which
   * differs per device, and a fleet holding garbage is the rare case. */
  parse(der: Uint8Array, source: string): CertificateFacts {
    const key = createHash('sha256').update(der).digest('base64');
    let facts = this.entries.get(key);
    if (facts !== undefined) {
      this.hits++;
      // Re-inserted so the map's order is the order of last use: the first key is the one to evict.
      this.entries.delete(key);
    } else {
      this.parsed++;
      facts = this.parser(der, source);
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
    }
    this.entries.set(key, facts);
    return facts;
  }

  stats(): ParseCacheStats {
    return { parsed: this.parsed, hits: this.hits, size: this.entries.size };
  }
}

/** The process's cache: a CLI process is one run, and a long-lived worker keeps at most `maxEntries` certificates. */
export const certificateParseCache = new CertificateParseCache();
