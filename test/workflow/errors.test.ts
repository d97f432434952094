/** One mapping from any error to what the report shows: the advice of every transport's errors reaches the hint. */
import { describe, expect, it } from '@jest/globals';
import { NetconfRpcError } from '../../src/transport/netconf/index.js';
import { DeviceCommandError, DeviceTimeoutError, SessionUnusableError } from '../../src/transport/ssh-cli/index.js';
import { DeviceDeadlineError } from '../../src/workflow/deadline.js';
import { errorDetail, FactsReadError } from '../../src/workflow/errors.js';

describe('errorDetail', () => {
  it('keeps the advice of a NETCONF lock-denied error, with what the device said', () => {
    const denied = new NetconfRpcError('r1', 'lock running', '101', [
      {
        type: 'protocol',
        tag: 'lock-denied',
        severity: 'error',
        appTag: undefined,
        path: undefined,
        message: 'Lock failed, lock is already held',
        info: { 'session-id': '42' },
        infoXml: undefined,
      },
    ]);
    expect(errorDetail(denied, 'lock the running datastore')).toEqual({
      message: 'r1: lock running failed: lock-denied (held by session 42): Lock failed, lock is already held',
      step: 'lock the running datastore',
      deviceText: 'lock-denied (held by session 42): Lock failed, lock is already held',
      hint: 'another session holds the lock: wait for it to finish, or kill-session the holder if it is stale',
    });
  });

  it("keeps the device deadline's advice", () => {
    expect(errorDetail(new DeviceDeadlineError('r1', 20_000), 'write memory')).toEqual({
      message: 'r1: the device deadline of 20 s passed; no further step was started',
      step: 'write memory',
      hint: expect.stringMatching(/^raise --device-timeout/),
    });
  });

  it('maps SSH CLI errors the same way, and chains a lost session to what lost it', () => {
    const refused = new DeviceCommandError(
      'r1',
      'ip host x',
      '% Invalid input detected at marker.',
      'invalid-input',
      'check the syntax',
      'ip host x\n% Invalid input',
    );
    expect(errorDetail(refused, 'configure')).toMatchObject({ step: 'configure', deviceText: '% Invalid input detected at marker.', hint: 'check the syntax' });
    const timeout = new DeviceTimeoutError('r1', 'show clock', 1000, 'R1#sh', 'prompt');
    const unusable = new SessionUnusableError('r1', 'show version', timeout);
    expect(unusable.cause).toBe(timeout);
    expect(errorDetail(unusable)).toEqual({ message: unusable.message, hint: 'close this session and open a new one' });
  });

  it("takes a workflow error's own step and advice over the caller's step", () => {
    const error = new FactsReadError('r1', 'plan', 'r1: could not read', 'run again', undefined, { cause: new Error('x') });
    expect(errorDetail(error, 'connect')).toEqual({ message: 'r1: could not read', step: 'plan', hint: 'run again' });
    expect(errorDetail('a string', 'connect')).toEqual({ message: 'a string', step: 'connect' });
  });
});
