/**
 * The lab as a library: three routers reached over real SSH with what the written files say (inventory,
 * secrets file, pinned host keys), the written playbook loaded by the CONFIG loaders, mail over STARTTLS
 * trusted through the written chain file, chain rotation, restart persistence and freed ports.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, loadPlaybook, resolveCredentials, SecretResolver, type Device, type SecretSources } from '../../src/config/index.js';
import { LAB_ENV, LabPortInUseError, parseEnvFile, startLab, type Lab } from '../../src/lab/index.js';
import { IOS_XE_CLI } from '../../src/device/index.js';
import { IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { SmtpLineClient } from './mail/smtp-line-client.js';

const home = mkdtempSync(join(tmpdir(), 'certagent-lab-home-'));

function envSources(envFile: string): SecretSources {
  const values = parseEnvFile(readFileSync(envFile, 'utf8'));
  return {
    env: (name) => values.get(name),
    readFile: (path) => readFileSync(path, 'utf8'),
    prompt: () => Promise.reject(new Error('the lab test never prompts')),
  };
}

function certificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

function commonName(cert: X509Certificate | undefined): string {
  return /CN=([^\n,]+)/.exec(cert?.subject ?? '')?.[1] ?? '';
}

/** Free when a fresh server can listen on it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Listens on a port whose predecessor is free, so a lab can start one router below it and then hit it. */
async function blockPortAfterFreeOne(): Promise<{ blocker: net.Server; taken: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const taken = typeof address === 'object' && address !== null ? address.port : 0;
    if (await portIsFree(taken - 1)) return { blocker, taken };
    await new Promise((resolve) => blocker.close(resolve));
  }
  throw new Error('found no free port below a free port in 20 attempts');
}

/** STARTTLS, AUTH PLAIN, one message; returns the chain the server presented. */
async function sendMail(lab: Lab, user: string, password: string, subject: string): Promise<X509Certificate[]> {
  const client = await SmtpLineClient.connect(lab.mail.port, lab.mailHost);
  try {
    expect((await client.reply()).code).toBe(220);
    expect((await client.command('EHLO lab-test')).text).toContain('STARTTLS');
    expect((await client.startTls()).code).toBe(220);
    expect((await client.command('EHLO lab-test')).code).toBe(250);
    const auth = Buffer.from(`\u0000${user}\u0000${password}`).toString('base64');
    expect((await client.command(`AUTH PLAIN ${auth}`)).code).toBe(235);
    expect((await client.command('MAIL FROM:<certagent@lab.example>')).code).toBe(250);
    expect((await client.command('RCPT TO:<noc@lab.example>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    expect((await client.command(`Subject: ${subject}\r\nFrom: certagent@lab.example\r\n\r\nbody\r\n.`)).code).toBe(250);
    await client.command('QUIT');
    return client.servedChain;
  } finally {
    client.close();
  }
}

/** The served chain must verify up to the root in the lab's chain file, for the lab's server name. */
function expectTrustedByChainFile(served: X509Certificate[], chainFile: string): void {
  const [leaf, intermediate] = served;
  const root = certificates(readFileSync(chainFile, 'utf8')).at(-1);
  if (!leaf || !intermediate || !root) throw new Error(`expected leaf, intermediate and root; served ${served.length}`);
  expect(leaf.checkHost('smtp.lab.example')).toBe('smtp.lab.example');
  expect(leaf.verify(intermediate.publicKey)).toBe(true);
  expect(intermediate.verify(root.publicKey)).toBe(true);
  expect(root.verify(root.publicKey)).toBe(true);
}

describe('startLab with three routers', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'certagent-lab-'));
  let lab: Lab;
  let inventoryPath: string;
  let playbookPath: string;

  beforeAll(async () => {
    lab = await startLab({ stateDir, devices: 3 });
    inventoryPath = await lab.writeInventory(join(stateDir, 'inventory.yaml'));
    playbookPath = await lab.writePlaybook(join(stateDir, 'playbooks', 'lab.yaml'));
  });

  afterAll(async () => {
    await lab.stop();
  });

  it('names the routers lab-r001.. and keeps the secrets in a 0600 env file, not in the inventory or playbook', () => {
    expect(lab.devices.map((d) => d.name)).toEqual(['lab-r001', 'lab-r002', 'lab-r003']);
    expect(statSync(lab.files.envFile).mode & 0o777).toBe(0o600);
    const env = parseEnvFile(readFileSync(lab.files.envFile, 'utf8'));
    expect(env.get(LAB_ENV.password)).toBe(lab.credentials.password);
    expect(env.get(LAB_ENV.smtpUser)).not.toContain('@');
    const written = readFileSync(inventoryPath, 'utf8') + readFileSync(playbookPath, 'utf8');
    for (const secret of [lab.credentials.password, lab.credentials.enableSecret, lab.credentials.smtpPassword]) {
      expect(written).not.toContain(secret);
    }
  });

  it('writes an inventory the CONFIG loader reads, with each real port and host key pinned', async () => {
    const inventory = await loadInventory(inventoryPath, { home });
    expect(inventory.devices.map((d) => [d.name, d.port])).toEqual(lab.devices.map((d) => [d.name, d.port]));
    for (const device of inventory.devices) {
      expect(device.hostKey).toEqual({ mode: 'pinned', fingerprints: [lab.device(device.name).hostKeyFingerprint] });
      expect(device.credentials.password?.ref).toEqual({ kind: 'env', name: LAB_ENV.password });
      expect(device.credentials.enableSecret?.ref).toEqual({ kind: 'env', name: LAB_ENV.enableSecret });
    }
  });

  it('lets every router be reached over SSH with the inventory, the env file and the pinned host key', async () => {
    const inventory = await loadInventory(inventoryPath, { home });
    const resolver = new SecretResolver(envSources(lab.files.envFile));
    const reach = async (device: Device): Promise<string> => {
      const creds = await resolveCredentials(device, resolver);
      expect(device.hostKey.mode).toBe('pinned');
      const session = await IosXeSession.open({
        device: device.name,
        platform: IOS_XE_CLI,
        host: device.host,
        port: device.port,
        credentials: { username: creds.username, password: creds.password?.reveal() },
        enableSecret: creds.enableSecret?.reveal(),
        hostKey: device.hostKey,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 5_000,
      });
      try {
        expect(session.hostKeyFingerprint).toBe(lab.device(device.name).hostKeyFingerprint);
        return await session.send('show running-config | include ^hostname');
      } finally {
        await session.close();
      }
    };
    const outputs = await Promise.all(inventory.devices.map(reach));
    expect(outputs.map((o) => o.trim())).toEqual(['hostname lab-r001', 'hostname lab-r002', 'hostname lab-r003']);
  });

  it('writes a playbook the CONFIG loader reads, with the real mail port and the chain file', async () => {
    const playbook = await loadPlaybook(playbookPath, { home, secrets: envSources(lab.files.envFile) });
    expect(playbook.ipHosts).toEqual([{ name: 'smtp.lab.example', address: '127.0.0.1' }]);
    const entry = playbook.trustpoints[0];
    expect(entry?.source).toEqual({ kind: 'bundle_file', path: lab.files.chainFile, select: { kind: 'all' } });
    expect(readFileSync(playbookPath, 'utf8')).toContain(`port: ${lab.mail.port}`);
    const chain = certificates(readFileSync(lab.files.chainFile, 'utf8'));
    expect(chain.map(commonName)).toEqual(['smtp.lab.example', 'Lab Root R1 CA 1C3', 'Lab Root R1']);
    expect(chain[0]?.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('takes a message over STARTTLS with the lab account, served with the chain of the chain file', async () => {
    const served = await sendMail(lab, lab.credentials.smtpUser, lab.credentials.smtpPassword, 'lab test one');
    expectTrustedByChainFile(served, lab.files.chainFile);
    const message = await lab.mail.waitForMessage((m) => m.subject === 'lab test one', 5_000);
    expect(message.tls).toBe(true);
    expect(message.authUser).toBe(lab.credentials.smtpUser);
    expect(message.emlPath?.startsWith(lab.files.inbox)).toBe(true);
  });

  it('rotates to a chain with a new root and intermediate, served to new connections and written to the chain file', async () => {
    const before = lab.mailChain;
    const rotated = await lab.rotateMailChain();
    expect(rotated.generation).toBe(before.generation + 1);
    expect(rotated.rootPem).not.toBe(before.rootPem);
    const served = await sendMail(lab, lab.credentials.smtpUser, lab.credentials.smtpPassword, 'after rotation');
    expect(served.map(commonName)).toEqual(['smtp.lab.example', `Lab Root R${rotated.generation} CA 1C3`]);
    expectTrustedByChainFile(served, lab.files.chainFile);
    const oldRoot = certificates(before.rootPem)[0];
    if (!oldRoot) throw new Error('no old root');
    expect(served[1]?.verify(oldRoot.publicKey)).toBe(false);
  });
});

describe('startLab across restarts and stops', () => {
  it('keeps host keys, credentials and the mail chain in the state folder, and frees its ports on stop', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'certagent-lab-restart-'));
    const first = await startLab({ stateDir, devices: 2 });
    const ports = [...first.devices.map((d) => d.port), first.mail.port];
    const fingerprints = first.devices.map((d) => d.hostKeyFingerprint);
    const { credentials, mailChain } = first;
    await Promise.all([first.stop(), first.stop()]);
    await first.stop();
    expect(await Promise.all(ports.map(portIsFree))).toEqual(ports.map(() => true));

    const second = await startLab({ stateDir, devices: 2 });
    try {
      expect(second.devices.map((d) => d.hostKeyFingerprint)).toEqual(fingerprints);
      // The same ports again: the inventory and the routers' saved mail settings stay right.
      expect([...second.devices.map((d) => d.port), second.mail.port]).toEqual(ports);
      expect(second.credentials).toEqual(credentials);
      expect(second.mailChain.rootPem).toBe(mailChain.rootPem);
    } finally {
      await second.stop();
    }
  });

  it('says which port is taken and leaves nothing running', async () => {
    const { blocker, taken } = await blockPortAfterFreeOne();
    try {
      const stateDir = mkdtempSync(join(tmpdir(), 'certagent-lab-taken-'));
      // The blocked port is the second router's: the first starts, then must be stopped again.
      const attempt = startLab({ stateDir, devices: 2, basePort: taken - 1, startConcurrency: 1 });
      await expect(attempt).rejects.toThrow(LabPortInUseError);
      await expect(attempt).rejects.toThrow(`router lab-r002: port ${taken} on 127.0.0.1 is already in use`);
      expect(await portIsFree(taken - 1)).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('gives up a remembered port that another program took, for a free one', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'certagent-lab-moved-'));
    const first = await startLab({ stateDir, devices: 1 });
    const port = first.devices[0]?.port ?? 0;
    await first.stop();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const second = await startLab({ stateDir, devices: 1 });
      await second.stop();
      expect(second.devices[0]?.port).not.toBe(port);
      expect(second.devices[0]?.hostKeyFingerprint).toBe(first.devices[0]?.hostKeyFingerprint);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('refuses faults for devices it does not have and an SMTP user with @', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'certagent-lab-bad-'));
    await expect(startLab({ stateDir, devices: 2, faults: { 'lab-r009': { rejectPasswords: true } } })).rejects.toThrow(
      'faults name devices the lab does not have: lab-r009',
    );
    await expect(startLab({ stateDir, devices: 1, credentials: { smtpUser: 'alerts@lab.example' } })).rejects.toThrow('CSCwe75439');
  });
});
