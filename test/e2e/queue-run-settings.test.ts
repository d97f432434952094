/**
 * What a run decides once and every device gets through the queue as it does in-process: `fix` refusing to change a
 * device when the mail server's own chain cannot work (decided from the coordinator's probe), and the session limits
 * (`--max-output`, `--max-transcript`, the connect timeout). The coordinator is the CLI command in this process with
 * only the Redis password; the worker is a QueueWorker (BullMQ's Worker) with the lab's secrets, both on a real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { Secret, SecretResolver } from '../../src/config/index.js';
import { QueueWorker, parseQueueUrl } from '../../src/fleet/queue/index.js';
import { labEnvironment, startLab } from '../../src/lab/index.js';
import type { Lab } from '../../src/lab/index.js';
import { SecretRedactor, createLogger } from '../../src/report/index.js';
import type { DeviceOutcome } from '../../src/report/events.js';
import { parseJsonReport } from '../../src/report/json-report.js';
import { startRedis } from '../helpers/redis-server.js';
import type { TestRedis } from '../helpers/redis-server.js';

/** Accepts TCP and never says a word: an SSH server that never sends its banner. */
function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, sockets });
    }),
  );
}

describe('a run through the queue gives each device what it gives in-process', () => {
  let dir: string;
  let redis: TestRedis;
  let lab: Lab;
  let worker: QueueWorker;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let inventory: string;
  let transcripts: string;
  const output: string[] = [];
  const sink = { write: (text: string): boolean => output.push(text) > 0 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certagent-queue-settings-'));
    redis = await startRedis();
    lab = await startLab({ stateDir: join(dir, 'lab'), devices: 3, tlsScenarios: true });
    silent = await silentServer();
    inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
    const fingerprint = lab.devices[0]?.router.hostKeyFingerprint ?? '';
    writeFileSync(
      inventory,
      readFileSync(inventory, 'utf8').replace(
        'devices:\n',
        `devices:\n  - name: silent\n    host: 127.0.0.1\n    port: ${silent.port}\n    groups: [lab]\n    host_key: "${fingerprint}"\n`,
      ),
    );
    transcripts = join(dir, 'transcripts');
    mkdirSync(transcripts);
    const env = labEnvironment(lab.credentials);
    const redactor = new SecretRedactor([]);
    worker = new QueueWorker({
      connection: { location: parseQueueUrl(redis.url), password: new Secret(redis.password, 'test Redis password') },
      queues: ['certagent'],
      concurrency: 3,
      name: 'settings-worker',
      resolver: new SecretResolver({ env: (n) => env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) }),
      redactor,
      logger: createLogger({ redactor, level: 'warn', console: sink }),
      transcriptDir: transcripts,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 1,
    });
    worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    for (const s of silent?.sockets ?? []) s.destroy();
    silent?.server.close();
    await lab?.stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** The coordinator as `certagent`, knowing only the Redis password; the report's device outcomes by name. */
  async function coordinate(
    command: 'fix' | 'rollout',
    args: readonly string[],
    fleet: WorkflowCommandDeps['fleet'] = {},
  ): Promise<{ code: number; outcomes: Map<string, DeviceOutcome> }> {
    const report = join(dir, `report-${Date.now()}.jsonl`);
    const deps: WorkflowCommandDeps = {
      secrets: {
        env: (n) => (n === 'REDIS_PASSWORD' ? redis.password : undefined),
        readFile: (p) => readFileSync(p, 'utf8'),
        prompt: () => Promise.reject(new Error('no prompt')),
      },
      stdout: sink,
      stderr: sink,
      fleet: { retry: { retries: 0 }, pollIntervalMs: 50, ...fleet },
    };
    const code = await (command === 'fix' ? fixCommand(deps) : rolloutCommand(deps)).run([
      ...args,
      '-i',
      inventory,
      '--queue',
      redis.url,
      '--redis-password',
      'env:REDIS_PASSWORD',
      '--json',
      report,
      '--journal',
      join(dir, `journal-${Date.now()}.jsonl`),
      '--progress',
      'none',
    ]);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    return { code, outcomes: new Map(parsed.devices.map((d) => [d.device, d])) };
  }

  it('fix DEVICE --queue against a mail server whose chain expired: the worker gathers the findings and changes nothing', async () => {
    const router = lab.device('lab-r001').router;
    const before = router.runningConfig();
    const { code, outcomes } = await coordinate('fix', ['lab-r001', '-p', lab.tlsScenarios?.playbooks.get('expired') ?? '']);
    const outcome = outcomes.get('lab-r001');
    expect(code).toBe(1);
    expect(outcome?.result).toBe('failed');
    expect(outcome?.error?.message).toMatch(
      /^lab-r001: nothing changed: the mail server's certificate chain cannot work whatever the device trusts: CN=expired\.tls\.lab\.example \(depth 0\) expired /,
    );
    expect(outcome?.error?.hint).toBe('Renew the server certificate. Then run certagent fix again.');
    // The findings were gathered on the device (the diagnosis ran there), and nothing was configured.
    expect(outcome?.diagnoses?.some((d) => d.includes('CN=expired.tls.lab.example'))).toBe(true);
    expect(outcome?.changes).toEqual([]);
    expect(router.runningConfig()).toBe(before);
    const transcript = readFileSync(join(transcripts, 'lab-r001.log'), 'utf8');
    expect(transcript).toContain('show running-config');
    expect(transcript).not.toContain('configure terminal');
  }, 120_000);

  it('--max-output and the connect timeout of the run bound the worker sessions', async () => {
    const { code, outcomes } = await coordinate(
      'rollout',
      ['--limit', 'lab-r002,silent', '-p', await lab.writePlaybook(join(dir, 'playbook.yaml')), '--max-output', '1KiB'],
      {
        session: { connectTimeoutMs: 700 },
      },
    );
    expect(code).toBe(1);
    expect(outcomes.get('lab-r002')?.result).toBe('failed');
    expect(outcomes.get('lab-r002')?.error?.message).toMatch(/^lab-r002: '[^']+' printed more than 1024 bytes, the cap for one command; the session was ended/);
    expect(outcomes.get('silent')?.result).toBe('failed');
    // Not the worker's default (15 s): the run's.
    expect(outcomes.get('silent')?.error?.message).toContain(`no SSH session within 700 ms to 127.0.0.1:${silent.port}`);
  }, 120_000);

  it('--max-transcript of the run bounds what one worker session may receive', async () => {
    const { code, outcomes } = await coordinate('rollout', ['--limit', 'lab-r003', '-p', join(dir, 'playbook.yaml'), '--max-transcript', '4KiB']);
    expect(code).toBe(1);
    expect(outcomes.get('lab-r003')?.error?.message).toMatch(/^lab-r003: '[^']+' printed more than 4096 bytes, the cap for the session; the session was ended/);
    expect(readdirSync(transcripts)).toContain('lab-r003.log');
  }, 120_000);
});
