import { afterAll, describe, expect, it } from '@jest/globals';
import { loadInventory } from '../../src/config/index.js';
import { renderLabInventory } from '../../src/lab/inventory-text.js';
import { scratch } from './helpers.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

describe('the inventory certagent lab writes', () => {
  it('loads with its ports, pinned host keys and credential references', async () => {
    const path = tmp.write(
      'lab/inventory.yaml',
      renderLabInventory({
        devices: [
          { name: 'lab-r1', host: '127.0.0.1', port: 40001, hostKeyFingerprint: 'SHA256:uOd2E+Mp4ncDc3T9dGK2mY1kJ5q6n7V8w9x0y1z2A3B' },
          { name: 'lab-r2', host: '127.0.0.1', port: 40002, hostKeyFingerprint: 'SHA256:AAAAE+Mp4ncDc3T9dGK2mY1kJ5q6n7V8w9x0y1z2A3B' },
        ],
        username: 'admin',
        passwordEnv: 'LAB_PASSWORD',
        enableSecretEnv: 'LAB_ENABLE_SECRET',
        envFile: '/tmp/lab/lab.env',
      }),
    );
    const inv = await loadInventory(path, { home: '/home/ops' });
    expect(inv.devices.map((d) => [d.name, d.port, d.hostKey.mode])).toEqual([
      ['lab-r1', 40001, 'pinned'],
      ['lab-r2', 40002, 'pinned'],
    ]);
    expect(inv.devices[0]?.credentials.password?.ref).toEqual({ kind: 'env', name: 'LAB_PASSWORD' });
    expect(inv.groups).toEqual({ lab: ['lab-r1', 'lab-r2'] });
  });
});
