import type { DistinguishedName } from './types.js';

/** RFC 4514-style one-line name for people (`CN=GTS CA 1C3, O=Google Trust Services LLC, C=US`). */
export function formatDn(dn: DistinguishedName): string {
  if (dn.length === 0) return '(empty name)';
  return [...dn]
    .reverse()
    .map((a) => `${a.type.length <= 2 ? a.type.toUpperCase() : a.type}=${a.value}`)
    .join(', ');
}

/** Name equality as chain builders compare names: same attributes in the same order, values compared
 * case-insensitively with runs of white space folded (RFC 5280 7.1 caseIgnoreMatch, simplified). */
export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a.length !== b.length) return false;
  const fold = (v: string): string => v.trim().replace(/\s+/g, ' ').toLowerCase();
  return a.every((attr, i) => {
    const other = b[i];
    return other !== undefined && other.type === attr.type && fold(other.value) === fold(attr.value);
  });
}
