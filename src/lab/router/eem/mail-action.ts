/**
 * `action mail` as IOS runs it. The server argument is `[user:password@]host`, split at the FIRST `@`
 * (so a username containing `@`, e.g. a Gmail address, yields a wrong host: Cisco bug CSCwe75439). The host is
 * resolved through `ip host` or taken as a literal address; the lab router has no DNS server, so any other
 * name fails to connect.
 *
 * Failure reasons in `%HA_EM-3-FMPD_SMTP` come from real captures where they exist: `error in connecting to
 * SMTP server` (IOSv, refused/unreachable) and `timeout error` (IOS 15). A refused certificate is logged with the
 * connect reason: the handshake is part of connecting and no capture shows a TLS-specific text (dossier open
 * question 9). For an SMTP error reply (AUTH refused, sender refused) no capture exists; the lab says
 * `error in reply from SMTP server` [unverified].
 */
import net from 'node:net';
import type { RouterState } from '../state.js';
import type { MailAction } from './state.js';
import { trustAnchors } from '../pki/anchors.js';
import { verifyServedChain } from './chain-verify.js';
import { sendMail } from './smtp-client.js';
import type { MailFailureKind, MailOutcome } from './smtp-client.js';

export interface ServerSpec {
  readonly host: string;
  readonly username?: string;
  readonly password?: string;
}

/** Splits `user:password@host` at the first `@`, as IOS does. */
export function parseServerString(server: string): ServerSpec {
  const at = server.indexOf('@');
  if (at === -1) return { host: server };
  const credentials = server.slice(0, at);
  const colon = credentials.indexOf(':');
  return colon === -1
    ? { host: server.slice(at + 1), username: credentials }
    : { host: server.slice(at + 1), username: credentials.slice(0, colon), password: credentials.slice(colon + 1) };
}

/** `ip host` entries first, then literal IPv4/IPv6 addresses. */
export function resolveHost(host: string, ipHosts: ReadonlyMap<string, string>): string | undefined {
  const lower = host.toLowerCase();
  for (const [name, address] of ipHosts) {
    if (name.toLowerCase() === lower) return address;
  }
  return net.isIP(host) !== 0 ? host : undefined;
}

/** Splits a `to`/`cc` argument into addresses (IOS accepts several separated by commas). */
export function addressList(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

export const FAILURE_REASONS: Readonly<Record<MailFailureKind | 'resolve', string>> = {
  resolve: 'error in connecting to SMTP server',
  connect: 'error in connecting to SMTP server',
  tls: 'error in connecting to SMTP server',
  timeout: 'timeout error',
  reply: 'error in reply from SMTP server',
};

/** A mail action with its variables substituted and IOS's defaults for `secure` and `port` filled in. */
export type ResolvedMail = Omit<MailAction, 'kind'> & Required<Pick<MailAction, 'secure' | 'port'>>;

export type MailResult = MailOutcome | { readonly ok: false; readonly kind: 'resolve'; readonly detail: string };

export async function performMail(router: RouterState, mail: ResolvedMail, stepTimeoutMs: number): Promise<MailResult> {
  const spec = parseServerString(mail.server);
  const address = resolveHost(spec.host, router.ipHosts);
  if (address === undefined) {
    return { ok: false, kind: 'resolve', detail: `cannot resolve "${spec.host}"` };
  }
  return sendMail({
    address,
    serverName: spec.host,
    port: mail.port,
    secure: mail.secure,
    ...(spec.username !== undefined ? { username: spec.username } : {}),
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    heloName: router.hostname,
    from: mail.from,
    to: addressList(mail.to),
    cc: mail.cc === undefined ? [] : addressList(mail.cc),
    subject: mail.subject,
    body: mail.body,
    stepTimeoutMs,
    verifyChain: (served) =>
      verifyServedChain(
        served,
        trustAnchors(router.pki).map((a) => ({ trustpoint: a.trustpoint, der: a.certificate.der })),
        router.now(),
      ),
  });
}
