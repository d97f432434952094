/** `certagent probe` and `certagent inspect` run as commands, against real files and a real STARTTLS server. */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { UsageError } from '../../src/cli/command.js';
import { inspectCommand } from '../../src/cli/commands/inspect.js';
import { probeCommand } from '../../src/cli/commands/probe.js';
import { toPem, toPemBundle } from '../../src/certs/pem.js';
import { keyPem, testChain } from '../helpers/cert-factory.js';

const chain = testChain('ec', 'mail.lab.test', { ip: ['127.0.0.1'], label: 'cli' });
const dir = mkdtempSync(join(tmpdir(), 'certagent-cli-'));
const bundle = join(dir, 'bundle.pem');
const rootFile = join(dir, 'root.pem');
const broken = join(dir, 'broken.pem');
writeFileSync(bundle, `leaf\n${toPem(chain.leaf.der)}intermediate\n${toPem(chain.intermediate.der)}`.replace(/\n/g, '\r\n'));
writeFileSync(rootFile, toPem(chain.root.der));
writeFileSync(broken, toPem(chain.leaf.der) + toPem(chain.intermediate.der).split('\n').slice(0, 4).join('\n'));

const smtp = new SMTPServer({
  secure: false,
  key: keyPem(chain.leaf.key),
  cert: toPemBundle([chain.leaf.der, chain.intermediate.der]),
  authOptional: true,
  logger: false,
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function run(command: typeof probeCommand, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await command.run(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('certagent inspect', () => {
  it('prints the chain table, IOS fingerprints and the trustpoint plan for people', async () => {
    const r = await run(inspectCommand, [bundle]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${bundle}: 2 certificates; chain does not reach a root.`);
    expect(r.out).toMatch(/^0 +1 +leaf +mail\.lab\.test +EC P-256 +SHA256\/ECDSA/m);
    expect(r.out).toMatch(/^1 +2 +intermediate +Test Issuing CA EC/m);
    expect(r.out).toContain('CA-Test-Issuing-CA-EC');
    expect(r.out).toContain('Chain problems:\n  none.');
  });

  it('explains chain problems of a file in plain words', async () => {
    const shuffled = join(dir, 'shuffled.pem');
    writeFileSync(shuffled, toPemBundle([chain.intermediate.der, chain.leaf.der]));
    const r = await run(inspectCommand, [shuffled]);
    expect(r.out).toContain('  WARNING out-of-order: The server sends its chain out of order');
  });

  it('gives JSON with --json and judges a host against a trust file', async () => {
    const r = await run(inspectCommand, [bundle, '--json', '--host', '10.9.9.9', '--trust', rootFile]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as {
      ok: boolean;
      diagnoses: { code: string }[];
      chain: { members: { role: string }[] };
      trustpoints: { trustpoints: { name: string }[] };
    };
    expect(json.ok).toBe(false);
    expect(json.diagnoses.map((d) => d.code)).toEqual(['address-mismatch']);
    expect(json.chain.members.map((m) => m.role)).toEqual(['leaf', 'intermediate', 'root']);
    expect(json.trustpoints.trustpoints.map((t) => t.name)).toEqual(['CA-Test-Root-EC', 'CA-Test-Issuing-CA-EC']);
  });

  it('turns a missing file, a truncated PEM and bad usage into usage errors naming the problem', async () => {
    await expect(run(inspectCommand, [join(dir, 'nope.pem')])).rejects.toThrow(new UsageError(`cannot read ${join(dir, 'nope.pem')}: ENOENT`));
    await expect(run(inspectCommand, [broken])).rejects.toThrow(`${broken}: certificate 2: the certificate starting at line`);
    await expect(run(inspectCommand, [])).rejects.toThrow('no FILE given');
    await expect(run(inspectCommand, [bundle, '--frobnicate'])).rejects.toThrow(UsageError);
  });
});

describe('certagent probe', () => {
  it('probes a STARTTLS server and plans the trustpoints; JSON with --json', async () => {
    const r = await run(probeCommand, [`smtp://127.0.0.1:${port}`, '--trust', rootFile, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { ok: boolean; chainSource: string; sent: { commonName: string }[]; trustpoints: { trustpoints: { name: string }[] } };
    expect(json.ok).toBe(true);
    expect(json.chainSource).toBe('handshake');
    expect(json.sent.map((c) => c.commonName)).toEqual(['mail.lab.test', 'Test Issuing CA EC']);
    expect(json.trustpoints.trustpoints.map((t) => t.name)).toEqual(['CA-Test-Root-EC', 'CA-Test-Issuing-CA-EC']);
  });

  it('explains for people why a device trusting only public roots would refuse the chain', async () => {
    const r = await run(probeCommand, [`smtp://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`127.0.0.1:${port} (SMTP STARTTLS, TLSv1.2,`);
    expect(r.out).toContain('Judged against the public root store.');
    expect(r.out).toContain('ERROR untrusted-ca: ');
    expect(r.out).toContain('Host: 127.0.0.1: named by the certificate (ip-san 127.0.0.1).');
  });

  it('reports an unreachable server on stderr and exits 1; a bad URL is a usage error', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await run(probeCommand, [`smtp://127.0.0.1:${deadPort}`, '--timeout', '2000']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`certagent probe: 127.0.0.1:${deadPort}: connection refused`);
    await expect(run(probeCommand, ['mail.example.com'])).rejects.toThrow('no port');
    await expect(run(probeCommand, ['smtp://x', '--timeout', 'soon'])).rejects.toThrow("--timeout must be a positive number of milliseconds, not 'soon'");
  });
});
