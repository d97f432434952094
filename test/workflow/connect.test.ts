/** Which failures are retried, where transcripts go. */
import { describe, expect, it } from '@jest/globals';
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
import { isTransient, transcriptPath } from '../../src/workflow/index.js';

describe('connect', () => {
  it('retries refused, reset, timed out and dropped connections, never authentication or device refusals', async () => {
    expect(isTransient(new ConnectError('R1', 'connect ECONNREFUSED 192.0.2.1:22'))).toBe(true);
    expect(isTransient(new ConnectionClosedError('R1', 'show running-config', ''))).toBe(true);
    expect(isTransient(new DeviceTimeoutError('R1', 'show running-config', 1000, '', 'prompt'))).toBe(true);
    // Said by the transport itself, as a field: no retry can supply a missing credential.
    const noCredentials = await connectSsh({
      device: 'R1',
      host: '127.0.0.1',
      port: 9,
      credentials: { username: 'u' },
      hostKey: { mode: 'pinned', fingerprints: [] },
    }).catch((e: unknown) => e);
    expect(noCredentials).toBeInstanceOf(ConnectError);
    expect(isTransient(noCredentials)).toBe(false);
    expect(isTransient(new AuthenticationError('R1', 'admin', ['password']))).toBe(false);
    expect(isTransient(new HostKeyMismatchError('R1', '192.0.2.1:22', ['SHA256:a'], 'SHA256:b'))).toBe(false);
    expect(isTransient(new EnableError('R1', 'the enable secret was refused'))).toBe(false);
    expect(isTransient(new DeviceCommandError('R1', 'x', '% Invalid input', 'invalid-input', 'fix it', ''))).toBe(false);
    expect(isTransient(new Error('anything else'))).toBe(false);
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
