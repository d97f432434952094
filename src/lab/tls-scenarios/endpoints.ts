/**
 * One scenario's TLS servers on loopback: SMTP with STARTTLS (what EEM's `secure tls` talks to on 587) and
 * implicit TLS (SMTPS, as on 465), both from smtp-server, presenting the scenario's certificates by SNI. AUTH is
 * accepted for any account and mail is discarded: these servers stand for the TLS side of a provider, so a lab
 * router that gets past the handshake can prove its applet's mail as with a real one.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ScenarioCertificates } from './identities.js';

export type EndpointMode = 'starttls-smtp' | 'implicit-tls';

export interface RunningEndpoint {
  readonly mode: EndpointMode;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startEndpoint(certs: ScenarioCertificates, mode: EndpointMode, host: string, serverName: string): Promise<RunningEndpoint> {
  const server = new SMTPServer({
    secure: mode === 'implicit-tls',
    name: serverName,
    banner: 'ESMTP certagent lab TLS scenario',
    key: certs.fallback.keyPem,
    cert: certs.fallback.chainPem,
    sniOptions: Object.fromEntries([...certs.byName].map(([name, id]) => [name, { key: id.keyPem, cert: id.chainPem }])),
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anyone' });
    },
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  // Clients refusing the certificate abort the handshake: that is the point of these servers, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`TLS scenario ${serverName}: cannot listen on ${host}: ${err.message}`));
    server.server.once('error', onError);
    server.listen(0, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    mode,
    port,
    stop: () => (stopping ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
