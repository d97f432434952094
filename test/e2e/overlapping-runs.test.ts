/**
 * Two operators, one fleet (issue 10, item 1): two real CLI rollouts of the same inventory, started together from
 * two working folders, share the routers through the per-device locks. Each router is changed by one run only; the
 * other run refuses it with who holds it; every router ends configured and saved (startup-config as the lab
 * persisted it). A second operator changing a router between the facts and the first change stops the run there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from '../../src/config/index.js';
import { parseJsonReport } from '../../src/report/json-report.js';
import { openDeviceSession, resolveDesired } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import { FileDeviceLocks } from '../../src/fleet/locks/index.js';
import { runCli as runCliWithin, stopAll } from '../helpers/cli-process.js';
import { runCli } from './fleet-helpers.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('overlapping runs', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 3 });
  });
  afterAll(async () => {
    stopAll();
    await e2e?.stop();
  });

  // First in the file, while the routers are still bare: a run that went ahead would change every one of them.
  it('a lock folder that cannot be made is refused before anything starts: exit 2, no journal, no router touched', async () => {
    const file = join(e2e.dir, 'a-file');
    writeFileSync(file, '');
    const before = e2e.lab.devices.map((d) => d.router.runningConfig());
    // Under /proc, Node's recursive mkdir never returns (ENOENT read as a missing parent): the run hung there.
    for (const [dir, code] of [
      ['/proc/certagent-locks-test', 'ENOENT'],
      [join(file, 'locks'), 'ENOTDIR'],
    ] as const) {
      const cwd = mkdtempSync(join(e2e.dir, 'no-locks-'));
      const ran = await runCliWithin(['rollout', '-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none'], {
        cwd,
        env: { ...e2e.env, CERTAGENT_LOCK_DIR: dir },
        timeoutMs: 30_000,
      });
      expect(ran.stderr).toContain(
        `certagent rollout: the lock folder ${dir} cannot be created (${code}; set CERTAGENT_LOCK_DIR to a writable folder); nothing was sent to any device`,
      );
      expect(ran.code).toBe(2);
      expect(ran.stdout).not.toContain('lab-r00');
      expect(existsSync(join(cwd, '.certagent'))).toBe(false);
    }
    expect(e2e.lab.devices.map((d) => d.router.runningConfig())).toEqual(before);
  }, 60_000);

  it('a lock folder gone during a run: every device refused with the reason, the run ends, nothing sent', async () => {
    const file = join(e2e.dir, 'a-file-later');
    writeFileSync(file, '');
    const devices = (await e2e.inventory()).devices;
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'rollout',
      devices,
      desired: await resolveDesired(await e2e.playbook()),
      resolver: e2e.resolver(),
      reporter,
      session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      locks: { locks: new FileDeviceLocks(join(file, 'locks')), holder: { runId: 'gone', command: 'rollout', pid: process.pid, hostname: hostname() } },
    });
    expect(result.exitCode).toBe(1);
    expect(result.summary.byResult).toMatchObject({ failed: devices.length });
    for (const device of e2e.lab.devices) {
      const outcome = reporter.outcome(device.name);
      expect(outcome.error?.message).toBe(
        `${device.name}: cannot lock 127.0.0.1:${device.port}: the lock folder ${join(file, 'locks')} cannot be created (ENOTDIR; set CERTAGENT_LOCK_DIR to a writable folder); nothing was sent`,
      );
      expect(outcome.roundTrips).toBe(0);
    }
  });

  it('two rollouts started together: each router changed by one run, refused by the other with its holder, all saved', async () => {
    const locks = mkdtempSync(join(e2e.dir, 'locks-'));
    const env = { ...e2e.env, CERTAGENT_LOCK_DIR: locks };
    const runs = ['a', 'b'].map((name) => {
      const cwd = join(e2e.dir, `operator-${name}`);
      mkdirSync(cwd);
      const json = join(cwd, 'report.jsonl');
      return { json, run: runCli(['rollout', '-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none', '--json', json], env, cwd) };
    });
    const codes = await Promise.all(runs.map((r) => r.run.exited));
    const reports = runs.map((r) => parseJsonReport(readFileSync(r.json, 'utf8')));
    let refusals = 0;
    for (const device of e2e.lab.devices) {
      const results = reports.map((report) => report.devices.find((d) => d.device === device.name));
      const changed = results.filter((d) => d?.result === 'changed');
      expect(changed).toHaveLength(1);
      const other = results.find((d) => d?.result !== 'changed');
      // The other run either found the router busy or came after the first had finished it.
      if (other?.result === 'failed') {
        refusals++;
        expect(other.error?.message).toMatch(
          new RegExp(
            `^${device.name}: device busy: run rollout-\\S+ \\(rollout\\) started at \\d{4}-\\d\\d-\\d\\dT\\S+ by \\d+/\\S+ holds 127\\.0\\.0\\.1:${device.port}; nothing was sent`,
          ),
        );
        expect(other.roundTrips).toBe(0);
      } else expect(other?.result).toBe('unchanged');
      const running = device.router.runningConfig();
      expect(running).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
      expect(running).toContain('event manager applet SendSecureEmailEEM');
      expect(running).toContain('event manager environment _email_to noc@lab.example');
      const startup = readFileSync(join(e2e.lab.files.stateDir, 'routers', device.name, 'startup-config'), 'utf8');
      for (const needed of [
        'crypto pki trustpoint LAB-Lab-Root-R1\n',
        'crypto pki trustpoint LAB-smtp.lab.example\n',
        'event manager applet SendSecureEmailEEM',
        'ip host smtp.lab.example 127.0.0.1',
      ])
        expect(startup).toContain(needed);
    }
    expect(refusals).toBeGreaterThan(0);
    expect(codes).toContain(1);
    // Every lock was given back: a third run finds nothing to do and nothing busy.
    const third = runCli(['rollout', '-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none'], env, mkdtempSync(join(e2e.dir, 'operator-c-')));
    expect(await third.exited).toBe(0);
    expect(third.stderr()).not.toContain('busy');
  }, 60_000);

  it('a router changed by hand between the facts and the first change is not touched: nothing applied', async () => {
    const inventory = await e2e.inventory();
    const device = inventory.devices[0];
    if (device === undefined) throw new Error('no device');
    const creds = await resolveCredentials(device, e2e.resolver());
    const playbook = await e2e.playbook();
    const desired = await resolveDesired({ ...playbook, ipHosts: [{ name: 'smtp.lab.example', address: '127.0.0.2' }] });
    const router = e2e.lab.devices[0]?.router;
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'fix',
      devices: [device],
      desired,
      resolver: e2e.resolver(),
      reporter,
      session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      pollIntervalMs: 50,
      alwaysProve: true,
      // The fix diagnosis runs between the facts and the first change: the second operator's moment.
      diagnose: async () => {
        const other = await openDeviceSession(device, creds, { secrets: [], commandTimeoutMs: 5_000 });
        await other.sendConfig(['ip host smtp.lab.example 192.0.2.99']);
        await other.close();
        return [];
      },
    });
    expect(result.exitCode).toBe(1);
    const outcome = reporter.outcome(device.name);
    expect(outcome.result).toBe('failed');
    expect(outcome.error?.message).toBe(
      `${device.name}: changed by someone else since certagent read it (ip host smtp.lab.example differs from before); nothing was applied`,
    );
    expect(outcome.changes).toEqual([]);
    expect(router?.runningConfig()).toContain('ip host smtp.lab.example 192.0.2.99\n');
  });
});
