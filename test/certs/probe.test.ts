/** The probe against real servers on 127.0.0.1: smtp-server with STARTTLS, Node TLS servers for implicit TLS. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer } from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { toPemBundle } from '../../src/certs/pem.js';
import { ProbeError, parseProbeTarget, probe } from '../../src/certs/probe.js';
import { keyPem, testChain } from '../helpers/cert-factory.js';
import type { TestChain } from '../helpers/cert-factory.js';

const rsa = testChain('rsa', 'mail.lab.test', { ip: ['127.0.0.1'], label: 'probe-rsa' });
const ec = testChain('ec', 'mail.lab.test', { ip: ['127.0.0.1'], label: 'probe-ec' });

const servers: { close(cb: () => void): unknown }[] = [];

function listen<T extends NetServer | TlsServer>(server: T): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function smtpServer(chain: TestChain, sent: Buffer[], extra: Partial<ConstructorParameters<typeof SMTPServer>[0]> = {}): Promise<number> {
  const server = new SMTPServer({
    secure: false,
    key: keyPem(chain.leaf.key),
    cert: toPemBundle(sent),
    authOptional: true,
    logger: false,
    banner: 'certagent test ESMTP',
    ...extra,
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
}

const names = (chain: readonly { commonName?: string }[]) => chain.map((c) => c.commonName);
let rsaPort = 0;
let ecPort = 0;

beforeAll(async () => {
  rsaPort = await smtpServer(rsa, [rsa.leaf.der, rsa.intermediate.der]);
  ecPort = await smtpServer(ec, [ec.leaf.der, ec.intermediate.der, ec.root.der]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe('probe over SMTP STARTTLS (smtp-server on loopback)', () => {
  it('returns the RSA chain exactly as the server sent it, with the SMTP exchange', async () => {
    const r = await probe(`smtp://127.0.0.1:${rsaPort}`, { timeoutMs: 5000 });
    expect(r.chainSource).toBe('handshake');
    expect(r.chain.map((c) => c.der.toString('hex'))).toEqual([rsa.leaf.der, rsa.intermediate.der].map((d) => d.toString('hex')));
    expect(r.greeting[0]).toMatch(/^220 .*certagent test ESMTP/);
    expect(r.ehlo.some((l) => /^250[ -]STARTTLS$/.test(l))).toBe(true);
    expect(r.protocol).toBe('TLSv1.2');
    expect(r.target).toEqual({ host: '127.0.0.1', port: rsaPort, mode: 'starttls-smtp' });
  });

  it('returns an ECDSA P-256 chain including the root the server chose to send', async () => {
    const r = await probe({ host: '127.0.0.1', port: ecPort, mode: 'starttls-smtp' }, { timeoutMs: 5000 });
    expect(names(r.chain)).toEqual(['mail.lab.test', 'Test Issuing CA EC', 'Test Root EC']);
    expect(r.chain[0]?.publicKey).toEqual({ algorithm: 'ec', bits: 256, curve: 'P-256' });
  });

  it('keeps a wrong order and stray certificates as sent (what s_client -showcerts shows)', async () => {
    const port = await smtpServer(rsa, [rsa.leaf.der, rsa.root.der, ec.root.der, rsa.intermediate.der]);
    const r = await probe(`smtp://127.0.0.1:${port}`, { timeoutMs: 5000 });
    expect(names(r.chain)).toEqual(['mail.lab.test', 'Test Root RSA', 'Test Root EC', 'Test Issuing CA RSA']);
  });

  it('says that an smtps:// probe reached a STARTTLS server, not what OpenSSL calls it (issue 10, item 9)', async () => {
    const err = await probe(`smtps://127.0.0.1:${rsaPort}`, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as ProbeError).message).toBe(
      `127.0.0.1:${rsaPort}: the server answered in plain text, not with TLS: it speaks SMTP with STARTTLS on this port, not implicit TLS (smtps://); probe smtp://127.0.0.1:${rsaPort} instead`,
    );
  });

  it('says clearly when the server does not offer STARTTLS', async () => {
    const port = await smtpServer(rsa, [rsa.leaf.der], { hideSTARTTLS: true });
    const err = await probe(`smtp://127.0.0.1:${port}`, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as ProbeError).stage).toBe('starttls');
    expect((err as ProbeError).message).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${port}: the server does not offer STARTTLS \\(its EHLO reply lists: .*PIPELINING`),
    );
  });
});

describe('probe over implicit TLS', () => {
  it('reads the chain from a TLS server (as on 465/443)', async () => {
    const server = createTlsServer({ key: keyPem(ec.leaf.key), cert: toPemBundle([ec.leaf.der, ec.intermediate.der]) }, (s) => s.end());
    const port = await listen(server);
    const r = await probe(`smtps://127.0.0.1:${port}`, { timeoutMs: 5000 });
    expect(r.chainSource).toBe('handshake');
    expect(names(r.chain)).toEqual(['mail.lab.test', 'Test Issuing CA EC']);
    expect(r.greeting).toEqual([]);
  });

  it('falls back to TLS 1.3 for a server that refuses 1.2 and still returns the chain', async () => {
    const server = createTlsServer({ key: keyPem(rsa.leaf.key), cert: toPemBundle([rsa.leaf.der, rsa.intermediate.der]), minVersion: 'TLSv1.3' }, (s) =>
      s.end(),
    );
    const port = await listen(server);
    const r = await probe(`tls://127.0.0.1:${port}`, { timeoutMs: 5000 });
    expect(r.protocol).toBe('TLSv1.3');
    expect(r.chainSource).toBe('peer-chain');
    expect(names(r.chain)).toEqual(['mail.lab.test', 'Test Issuing CA RSA']);
  });
});

describe('probe failures', () => {
  it('times out with what it saw when the server never greets', async () => {
    const silent = createNetServer(() => undefined);
    const port = await listen(silent);
    const started = Date.now();
    const err = await probe(`smtp://127.0.0.1:${port}`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as ProbeError).message).toBe(`127.0.0.1:${port}: timed out after 300 ms waiting for the SMTP greeting (received: nothing)`);
    expect((err as ProbeError).stage).toBe('greeting');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out a TLS handshake the server never answers, after STARTTLS was accepted', async () => {
    const mute = createNetServer((s) => {
      s.write('220 mute ESMTP\r\n');
      s.on('data', (d: Buffer) => {
        const text = d.toString();
        if (text.startsWith('EHLO')) s.write('250-mute\r\n250 STARTTLS\r\n');
        else if (text.startsWith('STARTTLS')) s.write('220 2.0.0 Ready to start TLS\r\n');
      });
    });
    const port = await listen(mute);
    const err = await probe(`smtp://127.0.0.1:${port}`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as ProbeError).message).toBe(`127.0.0.1:${port}: TLS handshake did not finish within 300 ms`);
  });

  it('reports a non-SMTP peer and a refused EHLO with the server text', async () => {
    const http = createNetServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const port = await listen(http);
    await expect(probe(`smtp://127.0.0.1:${port}`, { timeoutMs: 2000 })).rejects.toThrow(
      `127.0.0.1:${port}: not an SMTP server: expected the SMTP greeting, received 'HTTP/1.1 400 Bad Request'`,
    );
    const grumpy = createNetServer((s) => {
      s.write('220 grumpy ESMTP\r\n');
      s.on('data', () => s.write('554 5.7.1 go away\r\n'));
    });
    const grumpyPort = await listen(grumpy);
    await expect(probe(`smtp://127.0.0.1:${grumpyPort}`, { timeoutMs: 2000 })).rejects.toThrow(
      `127.0.0.1:${grumpyPort}: the reply to EHLO was 554 5.7.1 go away`,
    );
  });

  it('reports a refused connection', async () => {
    const closed = createNetServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(probe(`tls://127.0.0.1:${port}`, { timeoutMs: 2000 })).rejects.toThrow(`127.0.0.1:${port}: connection refused`);
  });
});

describe('parseProbeTarget', () => {
  it.each([
    ['smtp.gmail.com:587', { host: 'smtp.gmail.com', port: 587, mode: 'starttls-smtp' }],
    ['smtp.gmail.com:25', { host: 'smtp.gmail.com', port: 25, mode: 'starttls-smtp' }],
    ['smtp.gmail.com:465', { host: 'smtp.gmail.com', port: 465, mode: 'implicit-tls' }],
    ['example.com:443', { host: 'example.com', port: 443, mode: 'implicit-tls' }],
    ['smtp://mail.example.com', { host: 'mail.example.com', port: 25, mode: 'starttls-smtp' }],
    ['smtp://mail.example.com:2525', { host: 'mail.example.com', port: 2525, mode: 'starttls-smtp' }],
    ['submission://mail.example.com', { host: 'mail.example.com', port: 587, mode: 'starttls-smtp' }],
    ['smtps://mail.example.com', { host: 'mail.example.com', port: 465, mode: 'implicit-tls' }],
    ['https://[2001:db8::1]', { host: '2001:db8::1', port: 443, mode: 'implicit-tls' }],
  ])('%s', (text, expected) => {
    expect(parseProbeTarget(text)).toEqual(expected);
  });

  it.each([
    ['mail.example.com', 'no port'],
    ['mail.example.com:2525', 'not a well-known mail/TLS port: say smtp://mail.example.com:2525'],
    ['ftp://mail.example.com', "unknown scheme 'ftp'"],
    ['smtp://', 'no host name'],
    ['http://[bad', 'not a host:port or URL'],
  ])('rejects %s', (text, message) => {
    expect(() => parseProbeTarget(text)).toThrow(message);
  });
});
