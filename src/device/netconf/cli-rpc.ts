/**
 * `Cisco-IOS-XE-cli-rpc:config-ios-cli-rpc` (17.9 and later, dossier 5.3): CLI configuration text run by the
 * device "bypassing NETCONF transaction". The only NETCONF way to reach what the YANG models lack: a CA
 * certificate as a `crypto pki certificate chain` hexmode block, and an applet's `action ... mail` line.
 * Whether real devices accept either through this RPC is not known (dossier open question 7), and the RPC cannot
 * answer a question (so no `crypto pki authenticate`, whose fingerprint check is the point); the workflow therefore
 * uses the SSH CLI for these, and these builders stand for devices or releases where the RPC is confirmed.
 * Output per the model: `result`, and on failure `lineno`, `error-code`, `error-string`, `error-tag`.
 */
import { iosHexLines } from '../../certs/ios-format.js';
import { element, firstChild, textOf } from '../../transport/netconf/xml.js';
import type { XmlElement } from '../../transport/netconf/xml.js';
import { bareIosWord } from '../ios-string.js';
import { CLI_RPC_NS } from './namespaces.js';

export interface CliRpcErrorPattern {
  /** Returned as `error-tag` when `pattern` matches a line of the device's output. */
  readonly tag: string;
  /** A regular expression in the device's syntax. */
  readonly pattern: string;
}

export interface CliRpcOptions {
  /** Seconds, 10..1800 (the model's range); the device's default is 300. */
  readonly timeoutSeconds?: number;
  readonly errorPatterns?: readonly CliRpcErrorPattern[];
}

/** The longest `config-clis` the model allows. */
export const CONFIG_CLIS_MAX = 60_000;

/** The RPC element for NetconfClient.rpc. */
export function configIosCliRpc(lines: readonly string[], options: CliRpcOptions = {}): string {
  const text = lines.join('\n');
  if (text.trim() === '') throw new RangeError('config-ios-cli-rpc needs at least one configuration line');
  if (text.length > CONFIG_CLIS_MAX) throw new RangeError(`config-clis holds ${text.length} characters; the model allows ${CONFIG_CLIS_MAX}`);
  const timeout = options.timeoutSeconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 10 || timeout > 1800))
    throw new RangeError(`timeout must be a whole number of seconds 10..1800, not ${timeout}`);
  const parts = [element('config-clis', text)];
  if (timeout !== undefined) parts.push(element('timeout', String(timeout)));
  for (const p of options.errorPatterns ?? []) parts.push(element('error-patterns', [element('error-tag', p.tag), element('error-pattern', p.pattern)]));
  return element('config-ios-cli-rpc', parts, { xmlns: CLI_RPC_NS }).raw;
}

/** A CA certificate as the running config holds it: the chain block, 8×8 hex per line, `quit` to close it. */
export function caChainLines(trustpoint: string, serialHex: string, der: Uint8Array): string[] {
  return [
    `crypto pki certificate chain ${bareIosWord(trustpoint, 'trustpoint name')}`,
    ` certificate ca ${bareIosWord(serialHex, 'serial')}`,
    ...iosHexLines(der).map((l) => `  ${l}`),
    '  \tquit',
    'exit',
  ];
}

export type CliRpcResult =
  | { readonly ok: true; readonly result: string }
  | {
      readonly ok: false;
      readonly result: string;
      readonly lineno?: number;
      readonly errorCode?: string;
      readonly errorString?: string;
      readonly errorTag?: string;
    };

/** Reads the `<rpc-reply>` of config-ios-cli-rpc. */
export function parseCliRpcReply(reply: XmlElement): CliRpcResult {
  const leaf = (name: string): string | undefined => {
    const found = firstChild(reply, name, CLI_RPC_NS);
    return found === undefined ? undefined : textOf(found).trim();
  };
  const result = leaf('result') ?? '';
  const lineno = leaf('lineno');
  const errorCode = leaf('error-code');
  const errorString = leaf('error-string');
  const errorTag = leaf('error-tag');
  const failed = errorString !== undefined || (errorCode !== undefined && errorCode !== '0') || !/successful/i.test(result);
  if (!failed) return { ok: true, result };
  return {
    ok: false,
    result,
    ...(lineno !== undefined && /^\d+$/.test(lineno) && { lineno: Number(lineno) }),
    ...(errorCode !== undefined && { errorCode }),
    ...(errorString !== undefined && { errorString }),
    ...(errorTag !== undefined && { errorTag }),
  };
}
