/**
 * Measures what lab routers cost in one process: heap and RSS per idle router, then per open CLI session.
 * Not a test (it takes a while and needs --expose-gc); run it compiled:
 *   npx tsc -p tsconfig.json --outDir /tmp/labbuild; node --expose-gc /tmp/labbuild/test/lab/router/measure-memory.js [ROUTERS] [SESSIONS]
 */
import ssh2 from 'ssh2';
import { LabRouter } from '../../../src/lab/router/index.js';

const routers = Number(process.argv[2] ?? 1000);
const sessions = Number(process.argv[3] ?? 100);

function usage(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

function openShell(router: LabRouter): Promise<ssh2.Client> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${router.state.hostname}: no prompt within 20 s`)), 20000);
    client.on('error', reject);
    client.on('ready', () =>
      client.shell({ rows: 24, cols: 80 }, (error, channel) => {
        if (error) return reject(error);
        let text = '';
        channel.on('data', (d: Buffer) => {
          text += d.toString();
          if (/#$/.test(text)) {
            clearTimeout(timer);
            resolve(client);
          }
        });
      }),
    );
    client.connect({ host: router.host, port: router.port, username: 'admin', password: 'cisco123' });
  });
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const before = usage();
  const started = Date.now();
  const lab: LabRouter[] = [];
  for (let i = 0; i < routers; i++) {
    lab.push(await LabRouter.start({ hostname: `R${i}`, users: [{ username: 'admin', password: 'cisco123', privilege: 15 }] }));
  }
  const idle = usage();
  console.log(`${routers} idle routers started in ${Date.now() - started} ms`);
  console.log(`per idle router: heap ${kb((idle.heap - before.heap) / routers)}, rss ${kb((idle.rss - before.rss) / routers)}`);
  const clients: ssh2.Client[] = [];
  for (let i = 0; i < sessions; i++) clients.push(await openShell(lab[i % lab.length] as LabRouter));
  const active = usage();
  // The clients live in this process too: their share is included, so the figure is an upper bound.
  console.log(`per active session (server and client side): heap ${kb((active.heap - idle.heap) / sessions)}, rss ${kb((active.rss - idle.rss) / sessions)}`);
  for (const c of clients) c.end();
  for (const r of lab) await r.stop();
}

await main();
