import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChain } from '../../../src/lab/mail/chain-factory.js';
import type { GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { LabMailServer } from '../../../src/lab/mail/mail-server.js';
import { SmtpLineClient } from './smtp-line-client.js';

const USER = 'alerts@lab.example';
const PASSWORD = 'app-password-1';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('LabMailServer', () => {
  let chain: GeneratedChain;
  let server: LabMailServer;
  let dir: string;

  beforeAll(async () => {
    chain = await createChain({ serverName: 'smtp.lab.example' });
    dir = await mkdtemp(join(tmpdir(), 'labmail-'));
    server = await LabMailServer.start({ chain, users: [{ username: USER, password: PASSWORD }], storeDir: dir });
  });

  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function authenticatedClient(): Promise<SmtpLineClient> {
    const client = await SmtpLineClient.connect(server.port);
    expect((await client.reply()).code).toBe(220);
    expect((await client.command('EHLO R1')).text).toMatch(/STARTTLS/);
    expect((await client.startTls()).code).toBe(220);
    const ehlo = await client.command('EHLO R1');
    expect(ehlo.text).toMatch(/AUTH PLAIN LOGIN/);
    return client;
  }

  it('offers STARTTLS and refuses AUTH and MAIL in clear', async () => {
    const client = await SmtpLineClient.connect(server.port);
    try {
      expect((await client.reply()).code).toBe(220);
      const ehlo = await client.command('EHLO R1');
      expect(ehlo.text).toMatch(/250[- ]STARTTLS/);
      expect((await client.command(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).code).toBe(538);
      expect((await client.command(`MAIL FROM:<${USER}>`)).code).toBe(530);
    } finally {
      client.close();
    }
  });

  it('refuses MAIL after TLS until AUTH, and a wrong password', async () => {
    const client = await authenticatedClient();
    try {
      expect((await client.command(`MAIL FROM:<${USER}>`)).code).toBe(530);
      expect((await client.command(`AUTH PLAIN ${b64(`\0${USER}\0wrong`)}`)).code).toBe(535);
      expect((await client.command(`MAIL FROM:<${USER}>`)).code).toBe(530);
    } finally {
      client.close();
    }
  });

  it('serves leaf and intermediate, and stores a message sent with AUTH LOGIN over TLS', async () => {
    const client = await authenticatedClient();
    try {
      const served = client.servedChain;
      expect(served[0]?.raw.equals(new X509Certificate(chain.leafPem).raw)).toBe(true);
      expect(served[1]?.raw.equals(new X509Certificate(chain.intermediatePems[0] ?? '').raw)).toBe(true);
      expect((await client.command('AUTH LOGIN')).code).toBe(334);
      expect((await client.command(b64(USER))).code).toBe(334);
      expect((await client.command(b64(PASSWORD))).code).toBe(235);
      expect((await client.command(`MAIL FROM:<${USER}>`)).code).toBe(250);
      expect((await client.command('RCPT TO:<noc@lab.example>')).code).toBe(250);
      expect((await client.command('RCPT TO:<cc@lab.example>')).code).toBe(250);
      expect((await client.command('DATA')).code).toBe(354);
      const waiting = server.waitForMessage((m) => m.subject === 'Test from R1', 5000);
      const done = await client.command(
        `From: ${USER}\r\nTo: noc@lab.example\r\nCc: cc@lab.example\r\nSubject: Test from R1\r\n\r\nline one\r\n..dot line\r\n.`,
      );
      expect(done.code).toBe(250);
      const message = await waiting;
      expect(message).toMatchObject({
        envelopeFrom: USER,
        envelopeTo: ['noc@lab.example', 'cc@lab.example'],
        authUser: USER,
        tls: true,
        body: 'line one\n.dot line',
      });
      expect(message.cipher).toBe(client.cipher);
      expect(message.headers['cc']).toBe('cc@lab.example');
      const index = (await readFile(join(dir, 'messages.jsonl'), 'utf8')).trim().split('\n');
      const last = JSON.parse(index[index.length - 1] ?? '{}') as Record<string, unknown>;
      expect(last).toMatchObject({ from: USER, subject: 'Test from R1', tls: true, authUser: USER });
      expect(await readFile(message.emlPath ?? '', 'utf8')).toContain('Subject: Test from R1');
    } finally {
      client.close();
    }
  });

  it('refuses a sender other than the authenticated user when told to (as Gmail does)', async () => {
    const strict = await LabMailServer.start({ chain, users: [{ username: USER, password: PASSWORD }], senderMustBeUser: true });
    const client = await SmtpLineClient.connect(strict.port);
    try {
      await client.reply();
      await client.command('EHLO R1');
      await client.startTls();
      await client.command('EHLO R1');
      expect((await client.command(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).code).toBe(235);
      expect((await client.command('MAIL FROM:<router@lab.example>')).code).toBe(553);
      expect((await client.command(`MAIL FROM:<${USER}>`)).code).toBe(250);
    } finally {
      client.close();
      await strict.stop();
    }
  });

  it('times out waiting for a message that never comes, naming what it has', async () => {
    await expect(server.waitForMessage((m) => m.subject === 'never', 50)).rejects.toThrow(/no matching message within 50 ms/);
  });

  it('serves a rotated chain to new connections without a restart', async () => {
    const other = await createChain({ serverName: 'smtp.lab.example', rootName: 'Other Root R2', intermediates: 2, leafKey: 'rsa' });
    const before = await authenticatedClient();
    server.rotateChain(other);
    const after = await authenticatedClient();
    try {
      expect(before.servedChain[0]?.raw.equals(new X509Certificate(chain.leafPem).raw)).toBe(true);
      expect(after.servedChain[0]?.raw.equals(new X509Certificate(other.leafPem).raw)).toBe(true);
      expect(after.servedChain).toHaveLength(3);
      expect(after.servedChain[2]?.issuer).toContain('CN=Other Root R2');
    } finally {
      before.close();
      after.close();
      server.rotateChain(chain);
    }
  });
});

describe('createChain', () => {
  it('builds root → intermediate → ECDSA leaf linked by key identifiers, with SANs and URLs', async () => {
    const c = await createChain({ serverName: 'smtp.lab.example' });
    const root = new X509Certificate(c.rootPem);
    const ca = new X509Certificate(c.intermediatePems[0] ?? '');
    const leaf = new X509Certificate(c.leafPem);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.checkIssued(root) && ca.verify(root.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
    expect(leaf.subjectAltName).toBe('DNS:smtp.lab.example, IP Address:127.0.0.1');
    expect(leaf.ca).toBe(false);
    expect(ca.ca).toBe(true);
    expect(leaf.infoAccess).toMatch(/CA Issuers - URI:http:/);
    expect(c.servedChainPem).toBe(c.leafPem + (c.intermediatePems[0] ?? ''));
  });

  it('makes self-signed, expired, wrong-name and two-intermediate variants', async () => {
    const self = await createChain({ serverName: 'smtp.lab.example', selfSignedLeaf: true });
    const selfCert = new X509Certificate(self.leafPem);
    expect(selfCert.subject === selfCert.issuer && selfCert.verify(selfCert.publicKey)).toBe(true);
    expect(self.intermediatePems).toHaveLength(0);

    const expired = await createChain({ serverName: 'smtp.lab.example', expiredLeaf: true });
    expect(new Date(new X509Certificate(expired.leafPem).validTo).getTime()).toBeLessThan(Date.now());

    const wrong = await createChain({ serverName: 'smtp.lab.example', wrongName: 'mail.elsewhere.example' });
    expect(new X509Certificate(wrong.leafPem).checkHost('smtp.lab.example')).toBeUndefined();

    const two = await createChain({ serverName: 'smtp.lab.example', intermediates: 2, rootName: 'Two Level Root' });
    expect(two.intermediatePems).toHaveLength(2);
    const [issuing, policy] = two.intermediatePems.map((p) => new X509Certificate(p));
    expect(issuing && policy && issuing.checkIssued(policy) && issuing.verify(policy.publicKey)).toBe(true);
  });

  it('rejects a name that is not a DNS name', async () => {
    await expect(createChain({ serverName: 'bad name' })).rejects.toThrow(/not a DNS name/);
  });
});
