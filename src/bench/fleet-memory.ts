/**
 * Whether the agent's memory grows with the finished part of the fleet: runs the rollout in this process against a
 * lab in a child process (no latency: only CPU and memory matter here) and prints the V8 heap after a full garbage
 * collection every `--every` finished devices, with the RSS. A flat heap column is the claim; RSS also holds what
 * the allocator keeps for later and peaks with the sessions in flight.
 *
 *   npm run bench:memory -- [--devices N] [--concurrency C] [--every K] [--out FILE]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SecretResolver, loadInventory, loadPlaybook } from '../config/index.js';
import { SecretRedactor, createRunOutput } from '../report/index.js';
import type { DeviceOutcome, RunReporter } from '../report/index.js';
import { resolveDesired } from '../workflow/index.js';
import { runFleet } from '../fleet/index.js';
import type { LabReady } from './lab-process.js';
import { envSources } from './netmiko-job.js';
import { errorMessage } from '../shared/error-message.js';

interface Sample {
  readonly finished: number;
  readonly heapUsedMiB: number;
  readonly rssMiB: number;
}

function sample(finished: number): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { finished, heapUsedMiB: Math.round((m.heapUsed / 1048576) * 10) / 10, rssMiB: Math.round((m.rss / 1048576) * 10) / 10 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { devices: { type: 'string' }, concurrency: { type: 'string' }, every: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const devices = Number(values.devices ?? 1000);
  const concurrency = Number(values.concurrency ?? 50);
  const every = Number(values.every ?? 100);
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('bench:memory: run node with --expose-gc (npm run bench:memory does)');
  const here = dirname(fileURLToPath(import.meta.url));
  const child = fork(join(here, 'lab-process.js'), [JSON.stringify({ devices, commandMs: 0, lineMs: 0 })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const work = mkdtempSync(join(tmpdir(), 'certagent-bench-memory-'));
  try {
    const lab = await new Promise<LabReady>((resolve, reject) => {
      child.on('message', (m: { type?: string; message?: string }) =>
        m.type === 'ready' ? resolve(m as LabReady) : m.type === 'error' ? reject(new Error(m.message)) : undefined,
      );
      child.once('exit', (code) => reject(new Error(`bench:memory: the lab process exited (${code}) before it was ready`)));
    });
    const sources = envSources(lab.env);
    const inventory = await loadInventory(lab.inventory);
    const desired = await resolveDesired(await loadPlaybook(lab.playbook, { secrets: sources }));
    const redactor = new SecretRedactor(desired.secrets);
    const sink = { write: (): void => undefined };
    // The CLI's own reporters (final table, JSON report, log), so their memory is measured too.
    const output = createRunOutput({ command: 'rollout', redactor, progress: 'none', jsonFile: join(work, 'report.jsonl'), stdout: sink, stderr: sink });
    const samples: Sample[] = [sample(0)];
    let finished = 0;
    const inner = output.reporter;
    const reporter: RunReporter = {
      runStarted: (command, names) => inner.runStarted(command, names),
      deviceStarted: (device) => inner.deviceStarted(device),
      deviceStep: (device, step) => inner.deviceStep(device, step),
      deviceFinished: (outcome: DeviceOutcome) => {
        inner.deviceFinished(outcome);
        if (++finished % every === 0) samples.push(sample(finished));
      },
      runFinished: (summary) => inner.runFinished(summary),
    };
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices,
      desired,
      resolver: new SecretResolver(sources),
      reporter,
      concurrency,
      registerSecret: (v) => redactor.add(v),
    });
    await output.close();
    process.stdout.write(
      `finished  heap after GC MiB  RSS MiB\n${samples.map((s) => `${String(s.finished).padStart(8)}  ${String(s.heapUsedMiB).padStart(17)}  ${String(s.rssMiB).padStart(7)}`).join('\n')}\n`,
    );
    process.stdout.write(`results: ${JSON.stringify(result.summary.byResult)}\n`);
    if (values.out !== undefined)
      writeFileSync(values.out, `${JSON.stringify({ devices, concurrency, samples, results: result.summary.byResult }, null, 2)}\n`);
  } finally {
    child.send({ type: 'stop' });
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${errorMessage(err)}\n`);
  process.exitCode = 1;
});
