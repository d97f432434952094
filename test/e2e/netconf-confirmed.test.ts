/**
 * Over NETCONF with a device that offers :confirmed-commit: the commits stand only once certagent confirms them
 * after verification and proof; a failure is undone by final commits; and when certagent loses the device
 * mid-change, the device reverts the unconfirmed commit itself and the undo, sent again on new sessions, finds
 * nothing left to do. Told to prefer running, edits go there with rollback-on-error.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNetconfLabDevice, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

/** The running config without its header (`! Last configuration change ...` appears with the first change). */
function body(runningConfig: string): string {
  return runningConfig.slice(runningConfig.indexOf('version '));
}

describe('rollout over NETCONF with confirmed commit', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2, netconf: true, netconfConfirmedCommit: true });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const rollout = (name: string, preferRunning = false) => runNetconfLabDevice(e2e, name, { session: { preferRunning } });

  it('confirms the commit once the mail is proven, so the change outlives the session', async () => {
    const router = e2e.lab.device('lab-r001').router;
    const { outcome, reporter } = await rollout('lab-r001');
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toBe('changed');
    expect(reporter.lines.some((l) => l.includes('(confirmed commit)'))).toBe(true);
    // The sessions are closed: an unconfirmed commit would have been reverted by now.
    expect(router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    expect(router.runningConfig()).toContain('event manager applet SendSecureEmailEEM');
    expect((await rollout('lab-r001')).outcome.result).toBe('unchanged');
  });

  it('when the CLI session drops mid-change, ends rolled back with the device as before', async () => {
    const router = e2e.lab.device('lab-r002').router;
    const before = body(router.runningConfig());
    router.setFaults({ dropAtCommand: 'crypto pki authenticate' });
    try {
      const { outcome, reporter } = await rollout('lab-r002');
      expect(outcome.result).toBe('rolled-back');
      expect(outcome.changes.length).toBeGreaterThan(0);
      expect(outcome.changes.every((c) => c.action === 'restored')).toBe(true);
      expect(reporter.lines).toContain('lab-r002: roll back over NETCONF');
      expect(body(router.runningConfig())).toEqual(before);
    } finally {
      router.setFaults({});
    }
  });

  it('edits running with rollback-on-error when told to, and undoes a failure there too', async () => {
    const router = e2e.lab.device('lab-r002').router;
    const before = body(router.runningConfig());
    router.setFaults({ rejectCertificate: true });
    try {
      const { outcome, reporter } = await rollout('lab-r002', true);
      expect(outcome.result).toBe('rolled-back');
      expect(reporter.lines.some((l) => l.includes('(running)'))).toBe(true);
      expect(body(router.runningConfig())).toEqual(before);
    } finally {
      router.setFaults({});
    }
    const { outcome, reporter } = await rollout('lab-r002', true);
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toBe('changed');
    expect(reporter.lines.filter((l) => l.includes('NETCONF edit')).every((l) => l.endsWith('(running)'))).toBe(true);
    expect(body(router.runningConfig())).toContain('event manager applet SendSecureEmailEEM');
  });
});
