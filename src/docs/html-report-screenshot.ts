/**
 * `npm run docs:screenshot`: docs/html-report.png, the README's picture of `certagent audit --html`, made the way
 * the tests check the page: a real audit of a lab fleet in known states (configured, an intermediate lost, an
 * expired root, failing mail, a router refusing connections), opened in Debian's chromium through playwright-core.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';
import { parseCertificates } from '../certs/x509.js';
import { auditCommand } from '../cli/commands/audit.js';
import { rolloutCommand } from '../cli/commands/rollout.js';
import { labEnvironment, startLab } from '../lab/index.js';
import { createChain } from '../lab/mail/chain-factory.js';
import { runApplet } from '../lab/router/eem/runner.js';

const OUT = fileURLToPath(new URL('../../docs/html-report.png', import.meta.url));
const DAY = 86_400_000;
const quiet = { write: () => undefined };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'certagent-docs-'));
  const lab = await startLab({ stateDir: join(dir, 'lab'), devices: 8, hostnamePrefix: 'edge-r' });
  try {
    const inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
    const playbook = await lab.writePlaybook(join(dir, 'playbook.yaml'));
    const env = labEnvironment(lab.credentials);
    const secrets = { env: (n: string) => env[n], readFile: (p: string) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) };
    const deps = { secrets, stdout: quiet, stderr: quiet };
    const rolled = await rolloutCommand(deps).run([
      '-i',
      inventory,
      '-p',
      playbook,
      '--limit',
      '!edge-r008',
      '--progress',
      'none',
      '--journal',
      join(dir, 'journal.jsonl'),
    ]);
    if (rolled !== 0) throw new Error(`the lab rollout ended with exit ${rolled}`);

    lab.device('edge-r005').router.state.pki.trustpoints.delete('LAB-Lab-Root-R1-CA-1C3');
    const old = await createChain({ serverName: 'old.example', rootName: 'Old Corp Root', now: new Date(Date.now() - 5 * 365 * DAY - 40 * DAY) });
    lab.device('edge-r006').router.seedCertificate('OLD-CORP-ROOT', parseCertificates(old.rootPem, 'Old Corp Root')[0]?.der ?? Buffer.alloc(0));
    const r007 = lab.device('edge-r007').router.state;
    const applet = r007.eem.applets.get('SendSecureEmailEEM');
    const address = r007.ipHosts.get('smtp.lab.example') ?? '';
    r007.ipHosts.set('smtp.lab.example', '127.0.0.2');
    if (applet) await runApplet(r007, applet, { args: ['docs'], mailStepTimeoutMs: 2_000 });
    r007.ipHosts.set('smtp.lab.example', address);
    lab.device('edge-r008').router.setFaults({ refuseConnections: true });

    const html = join(dir, 'audit.html');
    await auditCommand({ ...deps, retry: { retries: 0 } }).run(['-i', inventory, '-p', playbook, '--html', html, '--progress', 'none']);

    const profile = join(dir, 'chromium');
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.screenshot({ path: OUT, fullPage: true });
    } finally {
      await browser.close();
    }
    process.stdout.write(`wrote ${OUT}\n`);
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`docs:screenshot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
