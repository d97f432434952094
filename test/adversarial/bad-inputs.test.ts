/**
 * The adversarial suite (issue 10): well over 150 bad inputs — inventories, playbooks, PEM and DER files, flags,
 * environments — each run through the real built CLI against one lab. For every case: the exit code (2 refused
 * before any device, 1 refused by a device-side check), a message naming the file, line, flag or problem, no stack
 * trace, no journal left by a refused run, and, read from the lab's own state after each case, no router's running
 * or startup configuration changed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveCredentials } from '../../src/config/index.js';
import { FileDeviceLocks } from '../../src/fleet/locks/index.js';
import { openDeviceSession } from '../../src/workflow/index.js';
import { startE2eLab } from '../e2e/helpers.js';
import type { E2eLab } from '../e2e/helpers.js';
import { generateCases } from './cases.js';
import type { BadCase } from './cases.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** CLI processes at once: enough to keep the suite short, few enough for two shared cores. */
const PARALLEL = 6;
const STACK_FRAME = /^\s+at .+[(:]\d+:\d+\)?$/m;

interface Ran {
  readonly code: number | null;
  readonly output: string;
}

function runCase(c: BadCase, dir: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  const args = c.args.map((a) => a.replace(/^INV$/, join(dir, 'inventory.yaml')).replace(/^PB$/, join(dir, 'playbook.yaml')).replace(/^DIR/, dir));
  const caseEnv: NodeJS.ProcessEnv = { ...env, NO_COLOR: '1' };
  for (const [k, v] of Object.entries(c.env ?? {})) {
    if (v === undefined) delete caseEnv[k];
    else caseEnv[k] = v;
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: caseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // A case that runs past this has hung: that is a failure of its own, reported with what it printed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : null), output });
    });
  });
}

describe('adversarial inputs against the lab', () => {
  let e2e: E2eLab;
  let cases: BadCase[];
  const state = (): string[] =>
    e2e.lab.devices.map((d) => {
      const startup = join(e2e.lab.files.stateDir, 'routers', d.name, 'startup-config');
      return `${d.router.runningConfig().replace(/^! Last configuration change.*\n/m, '')}\n--- startup ---\n${existsSync(startup) ? readFileSync(startup, 'utf8') : '(none)'}`;
    });
  let baseline: string[];
  let playbookText: string;

  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 3 });
    // A trustpoint holding the router's own key pair, made by hand: a device-side refusal (exit 1).
    const device = (await e2e.inventory()).devices[0];
    if (device === undefined) throw new Error('no lab device');
    const session = await openDeviceSession(device, await resolveCredentials(device, e2e.resolver()), { secrets: [], commandTimeoutMs: 5_000 });
    await session.sendConfig(['crypto pki trustpoint VPN-ID', 'enrollment terminal', 'rsakeypair VPN-ID 2048', 'exit']);
    await session.send('write memory');
    await session.close();
    // The lab's playbook names its chain relative to itself; each case's copy lives elsewhere.
    playbookText = readFileSync(e2e.playbookFile, 'utf8').replace(/bundle_file: .*/, `bundle_file: ${JSON.stringify(e2e.lab.files.chainFile)}`);
    const base = { inventory: readFileSync(e2e.inventoryFile, 'utf8'), playbook: playbookText, chainPem: readFileSync(e2e.lab.files.chainFile, 'utf8') };
    cases = generateCases(base);
    cases.push({
      name: 'device side: a trustpoint the router owns (rsakeypair) named in the playbook',
      args: ['rollout', '-i', 'INV', '-p', 'PB', '--limit', 'lab-r001', '--progress', 'none'],
      files: {
        'playbook.yaml': base.playbook.replace(
          'trustpoints:\n',
          'trustpoints:\n  - name: VPN-ID\n    pem_file: /usr/share/ca-certificates/mozilla/GTS_Root_R1.crt\n',
        ),
      },
      exit: 1,
      names: 'trustpoint VPN-ID belongs to the router (rsakeypair VPN-ID 2048)',
    });
    cases.push({
      name: 'device side: every router busy with another run',
      args: ['rollout', '-i', 'INV', '-p', 'PB', '--progress', 'none'],
      env: { CERTAGENT_LOCK_DIR: join(e2e.dir, 'held-locks') },
      exit: 1,
      names: 'device busy: run held-by-test (rollout) started at',
    });
    const locks = new FileDeviceLocks(join(e2e.dir, 'held-locks'));
    for (const d of e2e.lab.devices)
      await locks.acquire(`127.0.0.1:${d.port}`, {
        runId: 'held-by-test',
        command: 'rollout',
        pid: process.pid,
        hostname: (await import('node:os')).hostname(),
        startedAt: new Date().toISOString(),
      });
    baseline = state();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('generates at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('refuses every one: exit code, a message naming it, no stack trace, no journal, no router changed', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...e2e.env, CERTAGENT_LOCK_DIR: join(e2e.dir, 'locks') };
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const index = next++;
        const c = cases[index] as BadCase;
        const dir = mkdtempSync(join(e2e.dir, `case-${index}-`));
        writeFileSync(join(dir, 'inventory.yaml'), readFileSync(e2e.inventoryFile));
        writeFileSync(join(dir, 'playbook.yaml'), playbookText);
        for (const [name, text] of Object.entries(c.files ?? {})) {
          mkdirSync(join(dir, name, '..'), { recursive: true });
          writeFileSync(join(dir, name), text);
        }
        const began = Date.now();
        // Each case its own lock folder: cases that reach a router run side by side and must not find it busy.
        const ran = await runCase(c, dir, { ...env, CERTAGENT_LOCK_DIR: join(dir, 'locks') });
        const took = Date.now() - began;
        if (process.env['CERTAGENT_ADVERSARIAL_TIMES'] !== undefined)
          writeFileSync(process.env['CERTAGENT_ADVERSARIAL_TIMES'], `${took} ${ran.code} ${c.name}\n`, { flag: 'a' });
        const problems: string[] = [];
        if (ran.code !== c.exit) problems.push(`exit ${String(ran.code)}, not ${c.exit}`);
        const named = typeof c.names === 'string' ? ran.output.includes(c.names) : c.names.test(ran.output);
        if (!named) problems.push(`the message does not name ${String(c.names)}`);
        if (STACK_FRAME.test(ran.output)) problems.push('a stack trace was printed');
        const journals = join(dir, '.certagent', 'journal');
        if (c.exit === 2 && existsSync(journals) && readdirSync(journals).length > 0) problems.push(`a journal was left: ${readdirSync(journals).join(', ')}`);
        const changed = state().findIndex((s, i) => s !== baseline[i]);
        if (changed >= 0) problems.push(`router ${e2e.lab.devices[changed]?.name ?? changed} changed`);
        if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}\n    ${ran.output.trim().split('\n').slice(0, 6).join('\n    ')}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(failures).toEqual([]);
  }, 900_000);
});
