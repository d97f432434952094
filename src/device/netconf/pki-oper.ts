/**
 * `/crypto-pki-oper-data` (Cisco-IOS-XE-crypto-pki-oper, dossier 5.4): per trustpoint (`crypto-pki-bundle[label]`)
 * whether it is authenticated and the certificates it holds. Whether devices populate it, and how they format
 * serials and fingerprints, is not known (dossier open question 8; a 26.2 practitioner found nothing there), so
 * the reader keeps values as given and normalises only what comparison needs: fingerprints to bare upper-case hex.
 */
import { childElements, element, firstChild, parseXml, textOf } from '../../transport/netconf/xml.js';
import type { XmlElement } from '../../transport/netconf/xml.js';
import { PKI_OPER_NS } from './namespaces.js';

export interface OperCertificate {
  readonly serial: string | undefined;
  /** Upper-case hex without separators. */
  readonly md5: string | undefined;
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
}

export interface OperBundle {
  readonly label: string;
  readonly authenticated: boolean | undefined;
  readonly certificates: readonly OperCertificate[];
}

/** The subtree filter of a `get` for the bundles only (not the counters). */
export const PKI_OPER_FILTER = element('crypto-pki-oper-data', element('crypto-pki-bundle'), { xmlns: PKI_OPER_NS }).raw;

function leaf(el: XmlElement, name: string): string | undefined {
  const found = firstChild(el, name);
  return found === undefined ? undefined : textOf(found).trim();
}

/** Reads the `<data>` content of a `get` with PKI_OPER_FILTER: bundles by label ('' or another root: none). */
export function parsePkiOper(dataXml: string): ReadonlyMap<string, OperBundle> {
  const bundles = new Map<string, OperBundle>();
  if (dataXml.trim() === '') return bundles;
  const root = parseXml(dataXml);
  if (root.name !== 'crypto-pki-oper-data' || root.namespace !== PKI_OPER_NS) return bundles;
  for (const b of childElements(root, 'crypto-pki-bundle')) {
    const label = leaf(b, 'label');
    if (label === undefined) continue;
    const authenticated = leaf(b, 'tp-authenticated');
    const certificates = childElements(b, 'cert').map((c): OperCertificate => {
      const md5 = leaf(c, 'md5-fp')
        ?.replace(/[^0-9a-fA-F]/g, '')
        .toUpperCase();
      return { serial: leaf(c, 'serial-number'), md5: md5 === '' ? undefined : md5, subject: leaf(c, 'subject-name'), issuer: leaf(c, 'issuer-name') };
    });
    bundles.set(label, { label, authenticated: authenticated === undefined ? undefined : authenticated === 'true', certificates });
  }
  return bundles;
}

/**
 * What the operational data contradicts of the planned CA certificates; silent where it says nothing (an
 * unpopulated model must not fail a change the CLI's `show crypto pki certificates` has confirmed).
 */
export function operMismatches(bundles: ReadonlyMap<string, OperBundle>, expected: readonly { readonly trustpoint: string; readonly md5: string }[]): string[] {
  const out: string[] = [];
  for (const want of expected) {
    const bundle = bundles.get(want.trustpoint);
    if (!bundle) continue;
    if (bundle.authenticated === false) out.push(`${want.trustpoint}: tp-authenticated is false`);
    const md5s = bundle.certificates.flatMap((c) => (c.md5 === undefined ? [] : [c.md5]));
    if (md5s.length > 0 && !md5s.includes(want.md5.toUpperCase()))
      out.push(`${want.trustpoint}: md5-fp ${md5s.join(', ')} (planned ${want.md5.toUpperCase()})`);
  }
  return out;
}
