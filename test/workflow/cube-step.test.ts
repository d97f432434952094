/**
 * The CUBE step on its own, through the agent's SSH session against a lab CUBE: the undo lines put a router that
 * already had voice configuration back exactly as it was, as well as one that had none; identity problems stop
 * the step before any change with the device and what to do; the export is checked against the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificates } from '../../src/certs/x509.js';
import { parsePkiConfig } from '../../src/device/index.js';
import type { PemExport } from '../../src/device/index.js';
import type { CubeTrunkSpec } from '../../src/workflow/cube/index.js';
import { createChain } from '../../src/lab/mail/chain-factory.js';
import type { GeneratedChain } from '../../src/lab/mail/chain-factory.js';
import { LabRouter } from '../../src/lab/router/index.js';
import { IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { ADMIN, optionsFor } from '../transport/lab.js';
import { registerCucm } from '../../src/lab/router/voice/index.js';
import {
  applyCube,
  checkExportedIdentity,
  CubeIdentityError,
  exportFiles,
  identityFromChain,
  prepareCube,
  rollbackCube,
  TrunkNotEstablishedError,
  verifyCube,
} from '../../src/workflow/cube/index.js';
import type { DesiredCube } from '../../src/workflow/cube/index.js';
import { loadCapture } from '../fixtures/load.js';
import { provisionCubeIdentity } from '../lab/voice/cube-lab.js';

const TRUNK: CubeTrunkSpec = {
  signalingTrustpoint: 'sip-trunk-cert',
  tlsVersion: 'v1.2',
  remoteAddrs: [{ network: '10.72.86.0', mask: '255.255.255.0', trustpoint: 'sip-trunk-cert' }],
  srtp: 'fallback',
  urlSips: true,
  dialPeers: [{ tag: 100, description: 'CUCM publisher', destinationPattern: '2...', target: { address: '10.72.86.74' }, srtp: true, optionsKeepalive: true }],
};

function desired(exportDir?: string, trunks: DesiredCube['trunks'] = []): DesiredCube {
  return { identityTrustpoint: 'sip-trunk-cert', trunk: TRUNK, ...(exportDir !== undefined && { exportDir }), certificates: [], trunks };
}

const withoutChangeStamp = (config: string) => config.replace(/^! Last configuration change at .*\n/m, '');

let chain: GeneratedChain;
let other: GeneratedChain;
const routers: LabRouter[] = [];
const sessions: IosXeSession[] = [];
let dir: string;

async function cube(name: string, identity: 'enrolled' | 'ca-only' | 'none'): Promise<{ router: LabRouter; session: IosXeSession }> {
  // The device name is the inventory's; a hostname keeps to what IOS accepts.
  const router = await LabRouter.start({ hostname: name.replace(/[^A-Za-z0-9-]/g, '-'), users: [{ ...ADMIN, privilege: 15 }] });
  routers.push(router);
  if (identity === 'enrolled') await provisionCubeIdentity(router, 'sip-trunk-cert', chain, ADMIN);
  const session = await IosXeSession.open(optionsFor(router, { device: name }));
  sessions.push(session);
  if (identity === 'ca-only') await session.sendConfig(['crypto pki trustpoint sip-trunk-cert', 'enrollment terminal', 'revocation-check none', 'exit']);
  return { router, session };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certagent-cube-step-'));
  [chain, other] = await Promise.all([
    createChain({ serverName: 'cube.lab.example', rootName: 'Lab Voice Root', leafKey: 'rsa' }),
    createChain({ serverName: 'elsewhere.lab.example', rootName: 'Other Root', leafKey: 'rsa' }),
  ]);
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(routers.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('rollback of the CUBE lines', () => {
  it('puts back a router that already had voice configuration, line for line', async () => {
    const { router, session } = await cube('CUBE-OLD', 'enrolled');
    await session.sendConfig([
      'sip-ua',
      'crypto signaling default trustpoint old-signaling cn-san-validate server',
      'transport tcp tls v1.3',
      'exit',
      'voice service voip',
      'srtp',
      'sip',
      'session transport tcp tls',
      'exit',
      'exit',
      'dial-peer voice 100 voip',
      'description old CUCM',
      'session protocol sipv2',
      'session target ipv4:10.72.86.80:5061',
      'exit',
    ]);
    const before = router.runningConfig();
    const run = await prepareCube(session, desired(), { dryRun: false });
    expect(run.changes.map((c) => `${c.record.object} ${c.record.action}`)).toEqual([
      'sip-ua updated',
      'voice service voip updated',
      'dial-peer voice 100 updated',
    ]);
    expect(run.changes[2]?.record.detail).toBe(
      'description CUCM publisher; destination-pattern 2...; session target ipv4:10.72.86.74:5061; session transport tcp tls; voice-class sip options-keepalive; srtp',
    );
    await applyCube(session, run);
    const applied = router.runningConfig();
    // IOS prints a blank after the trustpoint name (the Webex Calling capture).
    expect(applied).toContain(' crypto signaling default trustpoint sip-trunk-cert \n');
    expect(applied).toContain(' session target ipv4:10.72.86.74:5061\n');

    const undone = await rollbackCube(session, run);
    expect(undone).toEqual({ records: ['dial-peer voice 100', 'voice service voip', 'sip-ua'].map((object) => ({ object, action: 'restored' })), left: [] });
    expect(withoutChangeStamp(router.runningConfig())).toBe(withoutChangeStamp(before));
  });

  it('removes what it created on a router that had no voice configuration', async () => {
    const { router, session } = await cube('CUBE-NEW', 'enrolled');
    const before = router.runningConfig();
    const run = await prepareCube(session, desired(), { dryRun: false });
    expect(run.changes.map((c) => c.undo)).toEqual([['no sip-ua'], ['no voice service voip'], ['no dial-peer voice 100 voip']]);
    await applyCube(session, run);
    expect(router.runningConfig()).toContain('dial-peer voice 100 voip\n');
    expect((await rollbackCube(session, run)).left).toEqual([]);
    expect(withoutChangeStamp(router.runningConfig())).toBe(withoutChangeStamp(before));
    // Planned again on the restored router: the same changes, so nothing of the run is left.
    expect((await prepareCube(session, desired(), { dryRun: true })).changes.map((c) => c.lines)).toEqual(run.changes.map((c) => c.lines));
  });
});

describe('the identity trustpoint', () => {
  it('must exist and hold a certificate of the router before anything changes', async () => {
    const none = await cube('CUBE-NONE', 'none');
    const before = none.router.runningConfig();
    const missing = prepareCube(none.session, desired(join(dir, '{device}')), { dryRun: false });
    await expect(missing).rejects.toThrow(CubeIdentityError);
    await expect(missing).rejects.toThrow(
      'CUBE-NONE: trustpoint sip-trunk-cert does not exist or holds no certificate chain: enroll the CUBE or import its certificate there first',
    );
    expect(none.router.runningConfig()).toBe(before);

    const empty = await cube('CUBE-EMPTY', 'ca-only');
    await expect(prepareCube(empty.session, desired(), { dryRun: false })).rejects.toThrow(
      /CUBE-EMPTY: trustpoint sip-trunk-cert holds no certificate of the router's own/,
    );
  });

  it('is exported once for the files, which hold exactly the chain of the router', async () => {
    const { router, session } = await cube('CUBE/EXP', 'enrolled');
    const run = await prepareCube(session, desired(join(dir, 'out', '{device}')), { dryRun: false });
    const folder = join(dir, 'out', 'CUBE_EXP');
    expect(run.exports.map((e) => `${e.object} ${e.action}`)).toEqual([
      `export ${folder}/sip-trunk-cert-ca.pem written`,
      `export ${folder}/sip-trunk-cert.pem written`,
    ]);
    const [leaf] = parseCertificates(chain.leafPem, 'leaf');
    expect(parseCertificates(readFileSync(join(folder, 'sip-trunk-cert.pem'), 'utf8'), 'file')[0]?.sha256).toBe(leaf?.sha256);
    expect(run.identity.sha1).toBe(leaf?.sha1);
    // The second time the files are right: nothing exported (no config session logged).
    const changesBefore = router.state.syslog.entries().filter((l) => l.includes('%SYS-5-CONFIG_I')).length;
    const again = await prepareCube(session, desired(join(dir, 'out', '{device}')), { dryRun: false });
    expect(again.exports.map((e) => e.action)).toEqual(['unchanged', 'unchanged']);
    expect(router.state.syslog.entries().filter((l) => l.includes('%SYS-5-CONFIG_I')).length).toBe(changesBefore);
  });

  it('an export that is not the certificate of the chain is refused, naming its SHA1', async () => {
    const { router } = await cube('CUBE-CHK', 'enrolled');
    const routerChain = parsePkiConfig(router.runningConfig()).chains.find((c) => c.trustpoint === 'sip-trunk-cert');
    const stored = identityFromChain('sip-trunk-cert', routerChain);
    if (typeof stored === 'string') throw new Error(stored);
    const [foreign] = parseCertificates(other.leafPem, 'other');
    const exported: PemExport = { notEnrolled: false, caPem: stored.caPem, caIsSelfSigned: false, generalPurposePem: other.leafPem, blocks: [] };
    expect(checkExportedIdentity('sip-trunk-cert', exported, routerChain)).toMatch(
      new RegExp(`^the certificate exported from sip-trunk-cert \\(SHA1 ${foreign?.sha1 ?? ''}\\) is not the router certificate of its chain`),
    );
    expect(checkExportedIdentity('sip-trunk-cert', { ...exported, generalPurposePem: stored.certPem }, routerChain)).toEqual(stored);
    expect(checkExportedIdentity('sip-trunk-cert', { notEnrolled: true, caIsSelfSigned: false, caPem: stored.caPem, blocks: [] }, routerChain)).toMatch(
      /not enrolled/,
    );
    // Certificates kept in nvram files (a real IE3x00 17.3 config) cannot be compared: said so, not 'no chain'.
    const nvram = parsePkiConfig(loadCapture('show_config_crypto_pki_ie3x00_17_3_1.txt')).chains.find((c) => c.trustpoint === 'TP-self-signed-703295296');
    expect(identityFromChain('TP-self-signed-703295296', nvram)).toMatch(
      /^trustpoint TP-self-signed-703295296 keeps its certificates in nvram:IOS-Self-Sig#2\.cer \(crypto pki certificate storage\)/,
    );
    // A self-signed identity is its own CA: one file.
    expect(exportFiles('/x/{device}/', 'r1', 'tp', { ...stored, selfSigned: true }).map((f) => f.path)).toEqual(['/x/r1/tp.pem']);
  });
});

describe('the trunk check', () => {
  const trunk = { address: '10.72.86.74', port: 5061, waitSeconds: 1, origin: { file: 'test', path: [] } };

  it('says nothing answers when no CUCM listens, after polling until its deadline', async () => {
    const { session } = await cube('CUBE-NOCUCM', 'enrolled');
    const run = await prepareCube(session, desired(undefined, [trunk]), { dryRun: false });
    await applyCube(session, run);
    const diagnoses: string[] = [];
    const started = Date.now();
    const check = verifyCube(session, run, { diagnoses, pollIntervalMs: 100 });
    await expect(check).rejects.toThrow(TrunkNotEstablishedError);
    await expect(check).rejects.toThrow(
      /^CUBE-NOCUCM: the TLS trunk to 10\.72\.86\.74:5061 is not Established after 1 s \(\d+ looks at 'show sip-ua connections tcp tls detail'\): no TCP connection to 10\.72\.86\.74:5061: CUCM does not listen there/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(diagnoses).toEqual([expect.stringMatching(/^no TCP connection to 10\.72\.86\.74:5061/)]);
  });

  it('reads the Established connection once each side trusts the other', async () => {
    const { router, session } = await cube('CUBE-CUCM', 'enrolled');
    registerCucm(router.state, { address: '10.72.86.74', callManagerPem: other.leafPem, trustPems: [chain.intermediatePems[0] ?? chain.rootPem] });
    const run = await prepareCube(session, desired(undefined, [trunk]), { dryRun: false });
    expect(run.baseline).toMatchObject({ totalActiveConnections: 0, connFailures: 0 });
    await applyCube(session, run);
    const refused = verifyCube(session, run, { diagnoses: [], pollIntervalMs: 100 });
    // CUCM presents a certificate no trustpoint of the CUBE anchors.
    await expect(refused).rejects.toThrow(
      /TLS handshake with 10\.72\.86\.74:5061 failed: either the CallManager certificate trustpoint does not hold CUCM's current CallManager certificate/,
    );
    // Now one issued by the CA sip-trunk-cert holds.
    registerCucm(router.state, { address: '10.72.86.74', callManagerPem: chain.leafPem, trustPems: [chain.intermediatePems[0] ?? chain.rootPem] });
    const records = await verifyCube(session, run, { diagnoses: [], pollIntervalMs: 100 });
    expect(records).toEqual([
      { object: 'tls trunk 10.72.86.74:5061', action: 'established', detail: expect.stringMatching(/^TLSv1\.2 ECDHE-RSA-AES256-GCM-SHA384 from \S+:\d+$/) },
    ]);
  });
});
