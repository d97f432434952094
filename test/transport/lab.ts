import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabRouter } from '../../src/lab/router/index.js';
import { pkiFeature } from '../../src/lab/router/pki/index.js';
import { eemFeature } from '../../src/lab/router/eem/index.js';
import type { FaultPlan } from '../../src/lab/router/index.js';
import { IOS_XE_CLI } from '../../src/device/index.js';
import type { IosXeSessionOptions } from '../../src/transport/ssh-cli/index.js';

export const ADMIN = { username: 'admin', password: 'Adm1n-Secret!' };
export const OPERATOR = { username: 'oper', password: 'Op3r-Secret!' };
export const ENABLE_SECRET = 'En4ble-Secret!';

const LAB_FEATURES = [pkiFeature, eemFeature];

export async function startLab(hostname = 'R1', faults?: FaultPlan): Promise<LabRouter> {
  return LabRouter.start({
    hostname,
    users: [
      { ...ADMIN, privilege: 15 },
      { ...OPERATOR, privilege: 1 },
    ],
    enableSecret: ENABLE_SECRET,
    // PKI is not yet in defaultFeatures(); the agent needs it, so the tests list the features themselves.
    features: LAB_FEATURES,
    ...(faults ? { faults } : {}),
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'certagent-transport-'));
}

/** Session options for a lab router, pinned to its host key. */
export function optionsFor(router: LabRouter, overrides: Partial<IosXeSessionOptions> = {}): IosXeSessionOptions {
  return {
    device: 'lab-r1',
    host: router.host,
    port: router.port,
    credentials: ADMIN,
    hostKey: { mode: 'pinned', fingerprints: [router.hostKeyFingerprint] },
    commandTimeoutMs: 5_000,
    connectTimeoutMs: 5_000,
    ...overrides,
    platform: overrides.platform ?? IOS_XE_CLI,
  };
}
