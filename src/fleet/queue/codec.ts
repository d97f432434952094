/**
 * The desired state as JSON for Redis and back: Maps, Sets, Dates, RegExps, Buffers and config Secrets carried as
 * tagged objects (`{"__t": "map", ...}`) so the worker gets the very objects the coordinator resolved. A Secret
 * is written only as its template (secret references, no values: see secret-template.ts), and refused otherwise.
 * Pure.
 */
import { Secret } from '../../config/index.js';

const TAG = '__t';

type Tagged =
  | { readonly __t: 'map'; readonly entries: unknown[] }
  | { readonly __t: 'set'; readonly values: unknown[] }
  | { readonly __t: 'date'; readonly iso: string }
  | { readonly __t: 're'; readonly source: string; readonly flags: string }
  | { readonly __t: 'buf'; readonly base64: string }
  | { readonly __t: 'secret'; readonly template: string; readonly source: string };

/** A Secret holds a value instead of a template of references: it must not reach the queue. */
export class SecretInQueueError extends Error {
  override readonly name = 'SecretInQueueError';
}

/** JSON-ready copy of `value`; `isTemplate` says whether a Secret's text holds references only. */
export function encode(value: unknown, isTemplate: (text: string) => boolean): unknown {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Secret) {
      if (!isTemplate(v.reveal())) throw new SecretInQueueError(`a secret (${v.source}) holds a value, not a reference: it is never written to the queue`);
      return { [TAG]: 'secret', template: v.reveal(), source: v.source } satisfies Tagged;
    }
    if (v instanceof Map) return { [TAG]: 'map', entries: [...v].map(([k, x]) => [walk(k), walk(x)]) } satisfies Tagged;
    if (v instanceof Set) return { [TAG]: 'set', values: [...v].map(walk) } satisfies Tagged;
    if (v instanceof Date) return { [TAG]: 'date', iso: v.toISOString() } satisfies Tagged;
    if (v instanceof RegExp) return { [TAG]: 're', source: v.source, flags: v.flags } satisfies Tagged;
    if (Buffer.isBuffer(v)) return { [TAG]: 'buf', base64: v.toString('base64') } satisfies Tagged;
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x);
    return out;
  };
  return walk(value);
}

/** The objects back; `secret(template, source)` turns each template into the Secret the worker uses. */
export function decode(value: unknown, secret: (template: string, source: string) => Secret): unknown {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const tagged = v as Tagged;
    switch (tagged[TAG]) {
      case 'map':
        return new Map(tagged.entries.map((e) => (e as unknown[]).map(walk) as [unknown, unknown]));
      case 'set':
        return new Set(tagged.values.map(walk));
      case 'date':
        return new Date(tagged.iso);
      case 're':
        return new RegExp(tagged.source, tagged.flags);
      case 'buf':
        return Buffer.from(tagged.base64, 'base64');
      case 'secret':
        return secret(tagged.template, tagged.source);
      default: {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = walk(x);
        return out;
      }
    }
  };
  return walk(value);
}

/** The templates of every Secret in an encoded value, to resolve their references before decoding. */
export function secretTemplates(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    if ((v as Tagged)[TAG] === 'secret') out.push((v as Extract<Tagged, { __t: 'secret' }>).template);
    else Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}
