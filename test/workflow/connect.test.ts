/** Which failures are retried, how host key policies map to the transport, where transcripts go. */
import { describe, expect, it } from '@jest/globals';
import type { Device } from '../../src/config/index.js';
import {
  AuthenticationError,
  ConnectError,
  ConnectionClosedError,
  connectSsh,
  DeviceCommandError,
  DeviceTimeoutError,
  EnableError,
  HostKeyMismatchError,
} from '../../src/transport/ssh-cli/index.js';
import { hostKeyPolicy, isTransient, transcriptPath } from '../../src/workflow/index.js';

function device(hostKey: Device['hostKey']): Device {
  return {
    name: 'R1',
    host: '192.0.2.1',
    port: 22,
    netconfPort: 830,
    platform: 'iosxe',
    transport: 'ssh',
    groups: [],
    vars: {},
    credentials: { username: 'admin' },
    hostKey,
    origin: { file: 'inventory.yaml', path: ['devices', 0] },
  };
}

describe('connect', () => {
  it('retries refused, reset, timed out and dropped connections, never authentication or device refusals', async () => {
    expect(isTransient(new ConnectError('R1', 'connect ECONNREFUSED 192.0.2.1:22'))).toBe(true);
    expect(isTransient(new ConnectionClosedError('R1', 'show running-config', ''))).toBe(true);
    expect(isTransient(new DeviceTimeoutError('R1', 'show running-config', 1000, '', 'prompt'))).toBe(true);
    // Said by the transport itself, as a field: no retry can supply a missing credential.
    const noCredentials = await connectSsh({ device: 'R1', host: '127.0.0.1', port: 9, credentials: { username: 'u' }, hostKey: { pinnedSha256: [] } }).catch(
      (e: unknown) => e,
    );
    expect(noCredentials).toBeInstanceOf(ConnectError);
    expect(isTransient(noCredentials)).toBe(false);
    expect(isTransient(new AuthenticationError('R1', 'admin', ['password']))).toBe(false);
    expect(isTransient(new HostKeyMismatchError('R1', '192.0.2.1:22', ['SHA256:a'], 'SHA256:b'))).toBe(false);
    expect(isTransient(new EnableError('R1', 'the enable secret was refused'))).toBe(false);
    expect(isTransient(new DeviceCommandError('R1', 'x', '% Invalid input', 'invalid-input', 'fix it', ''))).toBe(false);
    expect(isTransient(new Error('anything else'))).toBe(false);
  });

  it('maps the inventory host key policies to the transport', () => {
    expect(hostKeyPolicy(device({ mode: 'pinned', fingerprints: ['SHA256:abc'] }))).toEqual({ pinnedSha256: ['SHA256:abc'] });
    expect(hostKeyPolicy(device({ mode: 'strict', knownHosts: '/k' }))).toEqual({ knownHostsFile: '/k' });
    expect(hostKeyPolicy(device({ mode: 'tofu', knownHosts: '/k' }))).toEqual({ knownHostsFile: '/k', trustOnFirstUse: true });
  });

  it('names transcripts after the device, safely', () => {
    expect(transcriptPath('/tmp/t/', 'core/R1 a')).toBe('/tmp/t/core%2FR1%20a.log');
    expect(transcriptPath('/tmp/t', '..')).toBe('/tmp/t/...log');
    // Distinct devices, distinct files.
    const names = ['a/b', 'a_b', 'a%2Fb', 'a b', "a'b", 'a\u202eb'];
    expect(new Set(names.map((n) => transcriptPath('/t', n))).size).toBe(names.length);
    for (const n of names) expect(transcriptPath('/t', n)).toMatch(/^\/t\/[A-Za-z0-9._%-]+\.log$/);
  });
});
