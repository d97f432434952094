/**
 * `certagent demo`: the quick start's first command. Starts the built-in lab (simulated IOS XE routers and a TLS
 * mail server), then runs the real commands against it, the way an operator would over a week:
 * a rollout, the same rollout again (nothing to do), the mail provider rotating its chain, and the scheduled
 * `rotate` job that follows it. Each step's output is the command's own; the demo only narrates and checks
 * that every router's mail really arrived.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processSecretSources } from '../../config/index.js';
import type { SecretSources } from '../../config/index.js';
import { labEnvironment, startLab } from '../../lab/lab.js';
import type { Lab } from '../../lab/lab.js';
import { EXIT_DEVICE_FAILED, EXIT_OK, UsageError } from '../command.js';
import type { Command } from '../command.js';
import { rolloutCommand } from './rollout.js';
import { rotateCommand } from './rotate.js';

const USAGE = 'certagent demo [--devices N] [--state-dir D]';

interface DemoOptions {
  readonly devices: number;
  readonly stateDir?: string;
}

function parseDemoArgs(argv: readonly string[]): DemoOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { devices: { type: 'string' }, 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const devices = values.devices === undefined ? 3 : Number(values.devices);
  if (!Number.isInteger(devices) || devices < 1 || devices > 1000) {
    throw new UsageError(`--devices must be a whole number 1..1000, not "${values.devices ?? ''}"`);
  }
  return { devices, ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }) };
}

function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n\n`);
}

/** How many routers' mail is missing since `before`: each router's applet sends one when the workflow proves it. */
function missingMail(lab: Lab, before: number): number {
  const fresh = lab.mail.messages().length - before;
  return Math.max(0, lab.devices.length - fresh);
}

async function runDemo(options: DemoOptions): Promise<number> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'certagent-demo-')));
  const lab = await startLab({ stateDir, devices: options.devices });
  try {
    const inventory = await lab.writeInventory(join(stateDir, 'inventory.yaml'));
    const playbook = await lab.writePlaybook(join(stateDir, 'playbook.yaml'));
    const env = labEnvironment(lab.credentials);
    const base = processSecretSources();
    // The lab's secrets reach the commands the way an operator's `source lab.env` would, without touching process.env.
    const secrets: SecretSources = { ...base, env: (name) => env[name] ?? base.env(name) };
    const args = ['-i', inventory, '-p', playbook, '--progress', 'lines'];

    heading(`lab: ${lab.devices.length} simulated IOS XE routers and a TLS mail server (${lab.mailServerName}) in ${stateDir}`);
    for (const d of lab.devices) process.stdout.write(`  ${d.name}  ssh ${d.host}:${d.port}  ${d.hostKeyFingerprint}\n`);

    let sent = lab.mail.messages().length;
    heading('certagent rollout: install the mail server\'s chain as trustpoints, configure EEM, prove mail, save');
    const first = await rolloutCommand({ secrets }).run(args);
    const missingAfterRollout = missingMail(lab, sent);

    heading('certagent rollout again: a re-run finds nothing to change');
    const again = await rolloutCommand({ secrets }).run(args);

    heading('the mail provider rotates its certificate chain (new root, new intermediate)');
    await lab.rotateMailChain();
    sent = lab.mail.messages().length;

    heading('certagent rotate: the scheduled job replaces exactly the changed trustpoints and proves mail again');
    const rotated = await rotateCommand({ secrets }).run(args);
    const missingAfterRotate = missingMail(lab, sent);

    heading('what the mail server received');
    for (const m of lab.mail.messages()) {
      process.stdout.write(`  ${m.receivedAt}  from ${m.envelopeFrom}  tls=${String(m.tls)}  "${m.subject}"\n`);
    }
    const problems = [
      ...(first === EXIT_OK ? [] : ['the rollout failed']),
      ...(missingAfterRollout === 0 ? [] : [`${missingAfterRollout} router(s) sent no mail after the rollout`]),
      ...(again === EXIT_OK ? [] : ['the re-run failed']),
      ...(rotated === EXIT_OK ? [] : ['the rotation failed']),
      ...(missingAfterRotate === 0 ? [] : [`${missingAfterRotate} router(s) sent no mail after the rotation`]),
    ];
    heading(problems.length === 0 ? 'demo: every step worked' : `demo: ${problems.join('; ')}`);
    return problems.length === 0 ? EXIT_OK : EXIT_DEVICE_FAILED;
  } finally {
    await lab.stop();
    if (options.stateDir === undefined) await rm(stateDir, { recursive: true, force: true });
  }
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'start the built-in lab and run rollout, a re-run, a provider rotation and rotate against it',
  usage: USAGE,
  async run(argv) {
    const options = parseDemoArgs(argv);
    if (options === 'help') {
      process.stdout.write(`usage: ${USAGE}\n`);
      return EXIT_OK;
    }
    return runDemo(options);
  },
};
