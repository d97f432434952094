/** The run's one stop: the first cause wins, whether the caller's signal, the deadline or the runner's own. */
import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { RunStop } from '../../src/fleet/run-stop.js';

describe('RunStop', () => {
  it('keeps the first reason: a later stop, the caller or the journal does not replace it', () => {
    const caller = new AbortController();
    const stop = new RunStop(caller.signal, undefined);
    expect(stop.signal.aborted).toBe(false);
    stop.stop('the canary failed on r1 (failed): no other device was started');
    caller.abort('SIGTERM');
    stop.journalFailed(new Error('ENOSPC: no space left on device'));
    expect(stop.signal.reason).toBe('the canary failed on r1 (failed): no other device was started');
    stop.dispose();
  });

  it('takes the reason of a caller signal, aborted before or during the run', () => {
    const before = new AbortController();
    before.abort('SIGINT');
    expect(new RunStop(before.signal, undefined).signal.reason).toBe('SIGINT');
    const during = new AbortController();
    const stop = new RunStop(during.signal, undefined);
    during.abort('SIGTERM');
    expect(stop.signal.reason).toBe('SIGTERM');
  });

  it('says when the journal failed, with the error', () => {
    const stop = new RunStop(undefined, undefined);
    stop.journalFailed(new Error('EIO: i/o error, write'));
    expect(stop.signal.reason).toBe('the journal cannot be written (EIO: i/o error, write)');
  });

  it('stops at the run deadline, and after dispose neither the deadline nor the caller stops it', async () => {
    const timed = new RunStop(undefined, 30);
    await once(timed.signal, 'abort');
    expect(timed.signal.reason).toBe('the run deadline of 0.03 s passed');

    const caller = new AbortController();
    const done = new RunStop(caller.signal, 60_000);
    done.dispose();
    caller.abort('SIGTERM');
    expect(done.signal.aborted).toBe(false);
  });
});
