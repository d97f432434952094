/** Does the server certificate name the address the device connects to? RFC 6125 rules:
 * DNS-ID in the SAN with a wildcard only as the whole left-most label, IP addresses only against IP SANs,
 * the subject CN only when the certificate carries no DNS or IP SAN at all. */
import type { CertificateFacts } from './types.js';

export type HostMatch = 'dns-san' | 'ip-san' | 'cn';

export interface HostCheck {
  readonly address: string;
  readonly addressKind: 'dns' | 'ip';
  readonly matches: boolean;
  readonly matchedBy?: HostMatch;
  /** The certificate name that matched, as written in the certificate. */
  readonly matchedName?: string;
  /** The names the certificate carries, so a message can say which ones it does name. */
  readonly names: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly cn?: string };
  /** The CN was consulted because the certificate has no DNS or IP SAN. */
  readonly cnFallback: boolean;
}

/** Checks `address` (host name or IPv4/IPv6 literal, brackets allowed) against the leaf certificate. */
export function checkHost(cert: CertificateFacts, address: string): HostCheck {
  const target = address.trim().replace(/^\[(.*)\]$/, '$1');
  const ip = parseIp(target);
  const names = { dns: cert.subjectAltNames.dns, ip: cert.subjectAltNames.ip, ...(cert.commonName === undefined ? {} : { cn: cert.commonName }) };
  const cnFallback = names.dns.length === 0 && names.ip.length === 0;
  const base = { address, addressKind: ip ? ('ip' as const) : ('dns' as const), names, cnFallback };
  if (ip) {
    const hit = names.ip.find((n) => sameBytes(parseIp(n), ip));
    if (hit !== undefined) return { ...base, matches: true, matchedBy: 'ip-san', matchedName: hit };
    if (cnFallback && names.cn !== undefined && sameBytes(parseIp(names.cn), ip)) return { ...base, matches: true, matchedBy: 'cn', matchedName: names.cn };
    return { ...base, matches: false };
  }
  const hit = names.dns.find((n) => dnsNameMatches(n, target));
  if (hit !== undefined) return { ...base, matches: true, matchedBy: 'dns-san', matchedName: hit };
  if (cnFallback && names.cn !== undefined && dnsNameMatches(names.cn, target)) return { ...base, matches: true, matchedBy: 'cn', matchedName: names.cn };
  return { ...base, matches: false };
}

/** RFC 6125 6.4.3 as browsers and OpenSSL apply it: case-insensitive; `*` only as the complete left-most label,
 * matching exactly one non-empty label; no wildcard over a public-suffix-like two-label name (`*.com`);
 * partial-label wildcards (`w*.example.com`) are refused, as CA/B-compliant certificates never carry them. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalizeDns(pattern);
  const h = normalizeDns(host);
  if (p === '' || h === '') return false;
  if (!p.includes('*')) return p === h;
  const pLabels = p.split('.');
  const hLabels = h.split('.');
  if (pLabels[0] !== '*' || pLabels.slice(1).some((l) => l.includes('*'))) return false;
  if (pLabels.length < 3 || pLabels.length !== hLabels.length) return false;
  if (parseIp(h)) return false;
  const first = hLabels[0] ?? '';
  return first !== '' && pLabels.slice(1).join('.') === hLabels.slice(1).join('.');
}

function normalizeDns(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** 4 or 16 bytes of an IPv4/IPv6 literal, or undefined when `text` is not one. */
export function parseIp(text: string): number[] | undefined {
  const v4 = parseIpv4(text);
  if (v4) return v4;
  if (!text.includes(':')) return undefined;
  const zoneless = text.replace(/%.*$/, '');
  const halves = zoneless.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (const [i, g] of groups.entries()) {
      if (i === groups.length - 1 && g.includes('.')) {
        const tail = parseIpv4(g);
        if (!tail) return undefined;
        out.push(((tail[0] ?? 0) << 8) | (tail[1] ?? 0), ((tail[2] ?? 0) << 8) | (tail[3] ?? 0));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const tail = parseGroups(halves[1] ?? '');
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const words = [...head, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

function parseIpv4(text: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function sameBytes(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
