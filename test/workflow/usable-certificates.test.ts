/**
 * Certificates that cannot work are refused before any router is reached (issue 10, item 7): an expired CA, a CA
 * not yet valid, a server's own certificate where a CA is expected (unless pin_leaf), each by entry; and rotate
 * fails a device whose managed trustpoint keeps an expired certificate.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../../src/certs/pem.js';
import { parseCertificates } from '../../src/certs/x509.js';
import type { CertificateFacts } from '../../src/certs/types.js';
import { ConfigError } from '../../src/config/index.js';
import type { TrustpointEntry } from '../../src/config/index.js';
import { parseFacts, planDevice, resolveTrustpoints, rotatePlanOptions } from '../../src/workflow/index.js';
import { issue, testChain, testKey } from '../helpers/cert-factory.js';
import { trustpointConfigText } from '../helpers/pki-text.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-usable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;
const NOW = new Date('2026-12-06T09:00:00Z');
const OPTIONS = { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' } as const;

function pemFile(name: string, der: Buffer): string {
  const path = join(dir, `${name}.pem`);
  writeFileSync(path, toPem(der));
  return path;
}

const root = (cn: string, notBefore: Date, notAfter: Date) =>
  issue({ subject: [['cn', cn]], key: testKey('ec', cn), ca: true, notBefore, notAfter, serial: '0A' });
const chain = testChain('ec', 'smtp.example.net');

function entry(name: string, path: string, extra: Partial<TrustpointEntry> = {}): TrustpointEntry {
  return {
    kind: 'trustpoint',
    name,
    options: OPTIONS,
    source: { kind: 'pem_file', path },
    origin: { file: '/p.yaml', path: ['trustpoints', 0] },
    ...extra,
  } as TrustpointEntry;
}

async function problems(entries: TrustpointEntry[]): Promise<string[]> {
  try {
    await resolveTrustpoints({ file: '/p.yaml', trustpoints: entries }, { now: NOW });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.message);
    throw err;
  }
  return [];
}

describe('certificates that cannot work', () => {
  it('refuses an expired CA, a CA not yet valid and a leaf, every one at once', async () => {
    const expired = pemFile('expired', root('Old Root', new Date(NOW.getTime() - 400 * DAY), new Date(NOW.getTime() - 10 * DAY)).der);
    const future = pemFile('future', root('Future Root', new Date(NOW.getTime() + 5 * DAY), new Date(NOW.getTime() + 400 * DAY)).der);
    const leaf = pemFile('leaf', chain.leaf.der);
    const found = await problems([entry('CA-Old', expired), entry('CA-Future', future), entry('CA-Leaf', leaf)]);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(
      /^trustpoint CA-Old: cn=Old Root, serial 0A expired .* \(10 days ago\): routers would fail every TLS handshake with it; take the current certificate from its issuer$/,
    );
    expect(found[1]).toMatch(/^trustpoint CA-Future: cn=Future Root, serial 0A is not valid before .*: routers would refuse it until then/);
    expect(found[2]).toMatch(
      /^trustpoint CA-Leaf: cn=smtp\.example\.net, serial \S+ is not a CA certificate \(a server's own certificate\) where a CA is expected: give its issuer instead, or add pin_leaf: true/,
    );
  });

  it('takes a leaf with pin_leaf, and a self-signed certificate without basicConstraints (CUCM) as its own anchor', async () => {
    const leaf = pemFile('leaf2', chain.leaf.der);
    const cucm = pemFile('cucm', issue({ subject: [['cn', 'cucm-pub.example.com']], key: testKey('rsa', 'cucm') }).der);
    expect(await problems([entry('SRV-Leaf', leaf, { pinLeaf: true }), entry('CCM-cert-02', cucm)])).toEqual([]);
  });
});

describe('rotate and expired trust anchors on the device', () => {
  const old = root('Lab Old Root', new Date(NOW.getTime() - 400 * DAY), new Date(NOW.getTime() - DAY));
  const [facts] = parseCertificates(toPem(old.der), 'old') as [CertificateFacts];
  const config = trustpointConfigText('LAB-Lab-Old-Root', facts);

  it('a chain member left in place with an expired certificate fails the rotation, naming the way out', () => {
    const [current] = parseCertificates(toPem(chain.root.der), 'root') as [CertificateFacts];
    const plan = planDevice(
      parseFacts(config),
      {
        trustpoints: [{ name: 'LAB-Test-Root', cert: current, options: OPTIONS, chainPrefix: 'LAB-' }],
        environment: new Map(),
        applets: [],
        ipHosts: new Map(),
        secrets: [],
      },
      rotatePlanOptions(30 * 86_400, NOW),
    );
    expect(plan.expired).toEqual([
      `trustpoint LAB-Lab-Old-Root holds cn=Lab Old Root, serial 0A, which expired ${new Date(NOW.getTime() - DAY).toISOString().slice(0, 10)}; it is no longer part of the chain: remove it (no crypto pki trustpoint LAB-Lab-Old-Root)`,
    ]);
  });

  it('a rollout plan does not judge it (only rotate manages expiry)', () => {
    expect(planDevice(parseFacts(config), { trustpoints: [], environment: new Map(), applets: [], ipHosts: new Map(), secrets: [] }).expired).toEqual([]);
  });
});
