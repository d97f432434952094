/** The audit run without a lab: a stopped audit still accounts for every device, and a device whose credentials
 * cannot be resolved or whose address refuses is a finding, never a crash. */
import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { runAudit } from '../../src/audit/index.js';
import { SecretResolver } from '../../src/config/index.js';
import type { Device } from '../../src/config/index.js';
import type { AuditSummary, DeviceAudit } from '../../src/report/audit/types.js';
import type { RunReporter } from '../../src/report/events.js';

const silent: RunReporter = {
  runStarted: () => undefined,
  deviceStarted: () => undefined,
  deviceStep: () => undefined,
  deviceFinished: () => undefined,
  runFinished: () => undefined,
};

function device(name: string, port: number, passwordEnv = 'PW'): Device {
  return {
    name,
    host: '127.0.0.1',
    port,
    netconfPort: 830,
    platform: 'iosxe',
    transport: 'ssh',
    groups: [],
    vars: {},
    credentials: {
      username: 'admin',
      password: { ref: { kind: 'env', name: passwordEnv }, origin: { file: 'inv.yaml', path: [] }, purpose: `password for ${name}` },
    },
    hostKey: { mode: 'pinned', fingerprints: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] },
    origin: { file: 'inv.yaml', path: [] },
  };
}

async function audit(devices: Device[], signal?: AbortSignal): Promise<{ audits: DeviceAudit[]; summary?: AuditSummary; exitCode: number }> {
  const audits: DeviceAudit[] = [];
  let summary: AuditSummary | undefined;
  const resolver = new SecretResolver({
    env: (n) => (n === 'PW' ? 'pw-value-123' : undefined),
    readFile: () => '',
    prompt: () => Promise.reject(new Error('no prompt')),
  });
  const result = await runAudit({
    devices,
    resolver,
    progress: silent,
    reporter: { deviceAudited: (a) => audits.push(a), auditFinished: (s) => (summary = s) },
    warnBeforeSeconds: 30 * 86_400,
    retry: { retries: 0 },
    session: { connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 },
    ...(signal && { signal }),
  });
  return { audits, ...(summary && { summary }), exitCode: result.exitCode };
}

describe('audit run', () => {
  it('reports devices a stop kept from starting as not audited, and exits 1', async () => {
    const stop = new AbortController();
    stop.abort('SIGTERM received');
    const { audits, summary, exitCode } = await audit([device('r1', 1), device('r2', 1)], stop.signal);
    expect(audits.map((a) => [a.device, a.up, a.findings[0]?.message])).toEqual([
      ['r1', false, 'not audited: r1: not started: the audit was stopped (SIGTERM received)'],
      ['r2', false, 'not audited: r2: not started: the audit was stopped (SIGTERM received)'],
    ]);
    expect(summary).toMatchObject({ devices: 2, up: 0, withFindings: 2, findings: { unreachable: 2 } });
    expect(exitCode).toBe(1);
  });

  it('turns a missing credential and a closed port into findings of those devices only', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { audits } = await audit([device('no-secret', port, 'MISSING_PW'), device('closed', port)]);
    const byName = new Map(audits.map((a) => [a.device, a]));
    expect(byName.get('no-secret')?.findings[0]?.message).toContain('MISSING_PW');
    expect(byName.get('closed')?.findings[0]?.kind).toBe('unreachable');
    expect(byName.get('closed')?.error).toMatch(/^closed: .*(?:refused|ECONNREFUSED)/i);
  });
});
