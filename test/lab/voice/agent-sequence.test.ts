/**
 * The CUBE workflow as the agent will run it, through the agent's own SSH session (IosXeSession) and device
 * renderings against a lab CUBE: facts, CCM-cert-02 trustpoint and authenticate dialog (subordinate-CA path),
 * PEM export of the CUBE identity, the sip-ua / voice service voip / dial-peer plan, write memory, verification
 * from `show crypto pki certificates verbose` and `show sip-ua connections tcp tls detail`, and a re-run that
 * changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseCertificates } from '../../../src/certs/x509.js';
import {
  authenticateDialog,
  CUBE_COMMANDS,
  parseCubeConfig,
  parsePemExport,
  parsePkiConfig,
  parseShowCryptoPkiCertificates,
  parseSipUaConnections,
  saveSucceeded,
  trunkTlsState,
  trustpointConfigLines,
  WRITE_MEMORY,
} from '../../../src/device/index.js';
import { createChain, type GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { LabRouter } from '../../../src/lab/router/index.js';
import { pkiFeature } from '../../../src/lab/router/pki/index.js';
import { registerCucm, voiceFeature } from '../../../src/lab/router/voice/index.js';
import { IosXeSession } from '../../../src/transport/ssh-cli/index.js';
import { cubeConfigLines, type CubeTrunkSpec } from '../../../src/workflow/cube/index.js';
import { ADMIN, optionsFor } from '../../transport/lab.js';
import { provisionCubeIdentity } from './cube-lab.js';

const CUCM = '10.72.86.74';
const SPEC: CubeTrunkSpec = {
  signalingTrustpoint: 'sip-trunk-cert',
  srtp: 'fallback',
  urlSips: true,
  dialPeers: [{ tag: 100, description: 'CUCM publisher', destinationPattern: '2...', target: { address: CUCM }, optionsKeepalive: true }],
};

let router: LabRouter;
let session: IosXeSession | undefined;
let cube: GeneratedChain;
let callManager: GeneratedChain;

interface RunResult {
  readonly exported: { readonly caPem: string; readonly certPem: string };
  /** What was sent to change the device: config lines and dialogs. */
  readonly changes: readonly string[];
}

function live(): IosXeSession {
  if (!session) throw new Error('the agent session did not open (see beforeAll)');
  return session;
}

/** One run of the CUBE workflow, in the order the agent should follow. */
async function runCubeWorkflow(callManagerPem: string): Promise<RunResult> {
  const session = live();
  const changes: string[] = [];
  const [ccm] = parseCertificates(callManagerPem, 'CallManager.pem');
  if (!ccm) throw new Error('no CallManager certificate');
  // 1. Facts: PKI and voice sections of the running config.
  const pki = parsePkiConfig(await session.send('show running-config | section crypto pki'));
  const voice = parseCubeConfig(await session.send(CUBE_COMMANDS.config));
  // 2. CCM-cert-02 trustpoint and the authenticate dialog, only when its chain does not hold the certificate yet.
  const chain = pki.chains.find((c) => c.trustpoint === 'CCM-cert-02');
  const installed = chain?.certificates.some((c) => c.der.equals(ccm.der)) ?? false;
  if (!installed) {
    const tpLines = trustpointConfigLines({ name: 'CCM-cert-02', revocationCheck: 'none' });
    await session.sendConfig(tpLines);
    await session.interact([
      { send: 'configure terminal', expect: [], label: 'crypto pki authenticate CCM-cert-02' },
      // The device warns "is a subordinate CA. but certificate is not a CA certificate." for CallManager.pem;
      // the answer depends only on the fingerprints it computed.
      ...authenticateDialog('CCM-cert-02', ccm.der, (seen) => seen.sha1 === ccm.sha1 && seen.md5 === ccm.md5),
    ]);
    await session.ensureExec();
    changes.push(...tpLines, 'crypto pki authenticate CCM-cert-02');
  }
  // 3. Export the CUBE identity (config mode only) and keep the two PEM files for CUCM's CallManager-trust.
  const { outputs } = await session.sendConfig([CUBE_COMMANDS.exportPem(SPEC.signalingTrustpoint)]);
  const exported = parsePemExport(outputs[0] ?? '');
  if (!exported.caPem || !exported.generalPurposePem) throw new Error('the signaling trustpoint has no identity to export');
  // 4. sip-ua, voice service voip, dial-peers: only what differs.
  const plan = cubeConfigLines(SPEC, voice);
  if (plan.length > 0) {
    await session.sendConfig(plan);
    changes.push(...plan);
  }
  // 5. Save only when something changed.
  if (changes.length > 0 && !saveSucceeded(await session.send(WRITE_MEMORY))) throw new Error('write memory failed');
  return { exported: { caPem: exported.caPem, certPem: exported.generalPurposePem }, changes };
}

beforeAll(async () => {
  [cube, callManager] = await Promise.all([
    createChain({ serverName: 'cube2.lab.example', rootName: 'Lab Voice Root', leafKey: 'rsa' }),
    createChain({ serverName: 'cucm-pub.lab.example', selfSignedLeaf: true, leafKey: 'rsa' }),
  ]);
  router = await LabRouter.start({ hostname: 'CUBE2', users: [{ ...ADMIN, privilege: 15 }], features: [pkiFeature, voiceFeature] });
  await provisionCubeIdentity(router, 'sip-trunk-cert', cube, ADMIN);
  session = await IosXeSession.open(optionsFor(router, { device: 'cube2' }));
});

afterAll(async () => {
  await session?.close();
  await router.stop();
});

describe('the CUBE workflow through the agent session', () => {
  let first: RunResult;

  test('a first run installs the CallManager certificate, exports the identity and configures the trunk', async () => {
    first = await runCubeWorkflow(callManager.leafPem);
    expect(first.changes).toContain('crypto pki authenticate CCM-cert-02');
    expect(first.changes).toContain(`session target ipv4:${CUCM}:5061`);
    expect(router.runningConfig()).toContain(' session transport tcp tls\n voice-class sip options-keepalive\n!\n');
    expect(parseCertificates(first.exported.certPem, 'export')[0]?.sha256).toBe(parseCertificates(cube.leafPem, 'leaf')[0]?.sha256);
    expect(parseCertificates(first.exported.caPem, 'export')[0]?.sha256).toBe(parseCertificates(cube.intermediatePems[0] ?? '', 'ca')[0]?.sha256);
  });

  test('verification: the CallManager certificate in CCM-cert-02 and the trunk Established once CUCM trusts the export', async () => {
    const [ccm] = parseCertificates(callManager.leafPem, 'CallManager.pem');
    const shown = parseShowCryptoPkiCertificates(await live().send(CUBE_COMMANDS.verboseCertificates('CCM-cert-02')));
    expect(shown.map((c) => [c.fingerprintSha1, c.associatedTrustpoints])).toEqual([[ccm?.sha1, ['CCM-cert-02']]]);

    const before = trunkTlsState(parseSipUaConnections(await live().send(CUBE_COMMANDS.connections)), CUCM);
    expect(before.established).toBe(false);
    // Nothing answers there yet: a TCP failure.
    expect(before.connFailures).toBe(1);

    // The operator uploads the two exported files to CUCM (CallManager-trust); the lab's CUCM takes them.
    registerCucm(router.state, { address: CUCM, callManagerPem: callManager.leafPem, trustPems: [first.exported.caPem, first.exported.certPem] });
    const after = trunkTlsState(parseSipUaConnections(await live().send(CUBE_COMMANDS.connections)), CUCM);
    expect(after).toMatchObject({ established: true, clientHandshakeFailures: 0 });
    expect(after.connection?.tlsVersion).toBe('TLSv1.2');
  });

  test('a re-run changes nothing', async () => {
    // The export runs in config mode, and leaving config mode stamps "Last configuration change" as IOS does,
    // even when nothing changed: compare the configuration itself, not that header line.
    const withoutChangeStamp = (text: string): string => text.replace(/^! Last configuration change at .*\n/m, '');
    const config = withoutChangeStamp(router.runningConfig());
    const again = await runCubeWorkflow(callManager.leafPem);
    expect(again.changes).toEqual([]);
    expect(again.exported).toEqual(first.exported);
    expect(withoutChangeStamp(router.runningConfig())).toBe(config);
  });
});
