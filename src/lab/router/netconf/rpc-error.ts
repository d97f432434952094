/**
 * `<rpc-error>` as an error value: handlers throw it, the session renders it in the reply. Tags and types
 * follow RFC 6241 appendix A; IOS XE (ConfD inside) answers an unknown RPC element with `unknown-element`
 * and the name in `bad-element` (IOS XE 17.18 capture quoted in index id 59019796940).
 */
import { escapeText } from '../../../transport/netconf/xml.js';

export type ErrorType = 'transport' | 'rpc' | 'protocol' | 'application';

export interface RpcErrorInit {
  readonly type: ErrorType;
  readonly tag: string;
  readonly message?: string;
  readonly path?: string;
  /** `<error-info>` children, e.g. `{ 'bad-element': 'foo' }` or `{ 'session-id': '12' }`. */
  readonly info?: Readonly<Record<string, string>>;
  readonly appTag?: string;
}

export class RpcError extends Error {
  constructor(readonly init: RpcErrorInit) {
    super(`${init.tag}${init.message ? `: ${init.message}` : ''}`);
    this.name = 'RpcError';
  }

  toXml(): string {
    const i = this.init;
    const parts = [`<error-type>${i.type}</error-type>`, `<error-tag>${i.tag}</error-tag>`, '<error-severity>error</error-severity>'];
    if (i.appTag) parts.push(`<error-app-tag>${escapeText(i.appTag)}</error-app-tag>`);
    if (i.path) parts.push(`<error-path>${escapeText(i.path)}</error-path>`);
    if (i.message) parts.push(`<error-message xml:lang="en">${escapeText(i.message)}</error-message>`);
    if (i.info && Object.keys(i.info).length > 0) {
      parts.push(
        `<error-info>${Object.entries(i.info)
          .map(([k, v]) => `<${k}>${escapeText(v)}</${k}>`)
          .join('')}</error-info>`,
      );
    }
    return `<rpc-error>${parts.join('')}</rpc-error>`;
  }
}

export function unknownElement(name: string, path: string): RpcError {
  return new RpcError({ type: 'application', tag: 'unknown-element', path, message: `unknown element: ${name}`, info: { 'bad-element': name } });
}

export function invalidValue(message: string, path: string): RpcError {
  return new RpcError({ type: 'application', tag: 'invalid-value', path, message });
}

export function operationNotSupported(message: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-not-supported', message });
}
