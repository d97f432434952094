/**
 * `certagent lab`: starts simulated IOS XE routers and the lab mail server, writes the inventory, the playbook,
 * the mail chain and the secrets file, says where everything is, and runs until SIGINT or SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_OK, UsageError, type Command } from '../command.js';
import { DEFAULT_LAB_DEVICES, labHostnames, LabPortInUseError, startLab, type Lab, type LabLatency, type LabOptions } from '../../lab/lab.js';
import { FAULT_HELP, faultPlans, parseFaultSpec } from '../../lab/fault-spec.js';
import { CUBE_HOSTNAME_PREFIX } from '../../lab/cube/index.js';
import { describeTlsScenarios } from '../../lab/tls-scenarios/index.js';
import { isProfileName, PROFILES } from '../../lab/router/profiles/index.js';
import { CUCM_TRUST_USAGE, runCucmTrust } from './lab-cucm-trust.js';
import { errorMessage } from '../../shared/error-message.js';
import { SUMMARIES } from './summaries.js';

const SUMMARY_FILE = 'README.txt';

const USAGE = `certagent lab [options]
       ${CUCM_TRUST_USAGE}
  --devices N            routers to start (default ${DEFAULT_LAB_DEVICES})
  --base-port P          first router's SSH port, the others counting up (default 0: the ports of the
                         last run in the state folder while free, else free ones)
  --state-dir D          host keys, saved configs, mail chain, received mail, secrets (default .lab)
  --smtp-port P          the mail server's port (default 0: as for --base-port)
  --latency MS           delay before every command's output, on every router
  --line-latency MS      delay per output line, on every router
  --chunking N           every router sends each output in random packets of 1..N bytes (seeded by hostname)
  --profile NAME         the IOS XE release every router plays: iosxe-17 (default), iosxe-16.9 (old SSH
                         stack: SHA-1 key exchange, ssh-rsa host key), iosxe-26 (authenticate needs a pin);
                         one router: --fault DEVICE:profile=NAME
  --fault DEVICE:KIND[=VALUE]  a fault on one router (name, number or all); repeatable. Kinds:
${FAULT_HELP.map((line) => `      ${line}`).join('\n')}
  --netconf              each router also serves NETCONF on a port of its own (printed, and written as
                         netconf_port); the inventory then says transport: netconf
  --cube N               also N CUBEs (lab-cube001, ...) with an enrolled SIP TLS identity, trunking to one
                         simulated CUCM; writes <state-dir>/cube-playbook.yaml, inventory group cube
  --tls-scenarios        also TLS servers (SMTP STARTTLS and implicit TLS) for each TLS failure class: self-signed,
                         private CA, name not in the certificate (FQDN, IP, CN only), expired, incomplete chain,
                         SNI not served, and a correct one; prints the probe command for each
  --inventory-out FILE   where to write the inventory (default <state-dir>/inventory.yaml)
  --playbook-out FILE    where to write the playbook (default <state-dir>/playbook.yaml)`;

export interface LabCliOptions {
  readonly lab: LabOptions;
  readonly inventoryOut: string;
  readonly playbookOut: string;
}

function whole(option: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${option} must be a whole number ${min}..${max}, not "${text}"`);
  }
  return Number(text);
}

/** Reads the command line into startLab's options and the output paths; throws UsageError on bad input. */
export function parseLabArgs(argv: readonly string[]): LabCliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        devices: { type: 'string' },
        'base-port': { type: 'string' },
        'state-dir': { type: 'string' },
        'smtp-port': { type: 'string' },
        latency: { type: 'string' },
        'line-latency': { type: 'string' },
        chunking: { type: 'string' },
        fault: { type: 'string', multiple: true },
        'inventory-out': { type: 'string' },
        'playbook-out': { type: 'string' },
        netconf: { type: 'boolean' },
        cube: { type: 'string' },
        'tls-scenarios': { type: 'boolean' },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (values.help === true) return 'help';
  const devices = whole('devices', values.devices, 1, 10_000) ?? DEFAULT_LAB_DEVICES;
  const basePort = whole('base-port', values['base-port'], 0, 65535) ?? 0;
  if (basePort > 0 && basePort + devices - 1 > 65535) {
    throw new UsageError(`--base-port ${basePort} leaves no room for ${devices} routers below 65536`);
  }
  const smtpPort = whole('smtp-port', values['smtp-port'], 0, 65535) ?? 0;
  const commandMs = whole('latency', values.latency, 0, 600_000);
  const lineMs = whole('line-latency', values['line-latency'], 0, 600_000);
  const cubes = whole('cube', values.cube, 0, 1000) ?? 0;
  const chunkMaxBytes = whole('chunking', values.chunking, 1, 65_536);
  const stateDir = values['state-dir'] ?? '.lab';
  if (stateDir === '') throw new UsageError('--state-dir must name a folder');
  let faults;
  try {
    faults = faultPlans((values.fault ?? []).map(parseFaultSpec), [...labHostnames(devices), ...labHostnames(cubes, CUBE_HOSTNAME_PREFIX)]);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const latency: LabLatency = { ...(commandMs !== undefined && { commandMs }), ...(lineMs !== undefined && { lineMs }) };
  const profile = values.profile;
  if (profile !== undefined && !isProfileName(profile)) throw new UsageError(`--profile ${profile}: unknown; known: ${Object.keys(PROFILES).join(', ')}`);
  return {
    lab: {
      stateDir,
      devices,
      basePort,
      smtpPort,
      latency,
      faults,
      ...(profile !== undefined && { profile }),
      ...(chunkMaxBytes !== undefined && { output: { chunkMaxBytes } }),
      ...(values.netconf === true && { netconf: true }),
      ...(cubes > 0 && { cubes }),
      ...(values['tls-scenarios'] === true && { tlsScenarios: true }),
    },
    inventoryOut: values['inventory-out'] ?? join(stateDir, 'inventory.yaml'),
    playbookOut: values['playbook-out'] ?? join(stateDir, 'playbook.yaml'),
  };
}

/** Paths under the working folder are shown relative to it: shorter, and what the user would type. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** Shows every device of a small lab; of a large one the first ten and the last (the inventory has them all). */
function deviceRows(lab: Lab): string[][] {
  const netconf = lab.devices.some((d) => d.netconfPort !== undefined);
  const rows = [...lab.devices, ...lab.cubes].map((d) => [
    d.name,
    d.host,
    String(d.port),
    ...(netconf ? [String(d.netconfPort ?? '')] : []),
    d.hostKeyFingerprint,
  ]);
  if (rows.length <= 12) return rows;
  const last = rows[rows.length - 1] ?? [];
  return [...rows.slice(0, 10), [`... ${rows.length - 11} more`, '', '', ...(netconf ? [''] : []), ''], last];
}

/** The CUBE rehearsal: what the lab simulates and the three commands of the real-life sequence. */
function cubeLines(lab: Lab, inventory: string, cubePlaybook: string | undefined): { facts: string[][]; next: string[] } {
  const cucm = lab.cucm;
  if (!cucm || cubePlaybook === undefined) return { facts: [], next: [] };
  const rollout = `certagent rollout --inventory ${shown(inventory)} --playbook ${shown(cubePlaybook)} --limit cube`;
  const exported = join(dirname(shown(cubePlaybook)), 'cube-out', '*', '*.pem');
  return {
    facts: [
      ['CUBEs', `${lab.cubes.map((d) => d.name).join(', ')} (inventory group cube; identity trustpoint sip-trunk-cert enrolled)`],
      ['Simulated CUCM', `${cucm.address}:${cucm.port} behind every CUBE; CallManager certificate ${shown(cucm.callManagerFile)}`],
      ['CallManager-trust', `${shown(cucm.trustDir)} (read at every TLS handshake: upload with certagent lab cucm-trust)`],
      ['CUBE playbook', shown(cubePlaybook)],
    ],
    next: [
      '',
      'The CUBE to CUCM TLS trunk, as in real life:',
      `  ${rollout}`,
      '      # exit 1: CUCM does not trust the CUBEs yet; each is rolled back, its certificates exported',
      `  certagent lab cucm-trust --state-dir ${shown(lab.files.stateDir)} ${exported}`,
      "      # the upload to CUCM's CallManager-trust",
      `  ${rollout}`,
      '      # the trunks are Established and the CUBEs saved; a re-run changes nothing',
    ],
  };
}

export function describeLab(lab: Lab, inventory: string, playbook: string, cubePlaybook?: string): string {
  const cube = cubeLines(lab, inventory, cubePlaybook);
  const chain = lab.mailChain.names;
  const faulty = [...lab.devices, ...lab.cubes].filter((d) => Object.keys(d.faults).length > 0);
  const latency = [
    ...(lab.latency.commandMs !== undefined ? [`${lab.latency.commandMs} ms before each command's output`] : []),
    ...(lab.latency.lineMs !== undefined ? [`${lab.latency.lineMs} ms per output line`] : []),
  ];
  const lines = [
    `certagent lab: ${lab.devices.length} simulated IOS XE routers${lab.cubes.length > 0 ? `, ${lab.cubes.length} CUBEs with a simulated CUCM` : ''} and a mail server are running (state in ${shown(lab.files.stateDir)}).`,
    '',
    ...table([['DEVICE', 'ADDRESS', 'PORT', ...(lab.devices.some((d) => d.netconfPort !== undefined) ? ['NETCONF'] : []), 'HOST KEY'], ...deviceRows(lab)]),
    '',
    ...table([
      ['Mail server', `${lab.mailServerName} = ${lab.mailHost}:${lab.mail.port} (STARTTLS, AUTH as ${lab.credentials.smtpUser})`],
      ['Mail chain', `${shown(lab.files.chainFile)} (${[chain.leaf, ...chain.intermediates, chain.root].join(' <- ')})`],
      ['Received mail', `${shown(lab.files.inbox)} (one .eml per message, index in messages.jsonl)`],
      ['Inventory', shown(inventory)],
      ['Playbook', shown(playbook)],
      ['Secrets', `${shown(lab.files.envFile)} (mode 0600; router account ${lab.credentials.username})`],
      ...(latency.length > 0 ? [['Latency', `${latency.join(', ')} (every router)`]] : []),
      ...faulty.map((d, i) => [i === 0 ? 'Faults' : '', `${d.name} ${JSON.stringify(d.faults)}`]),
      ...cube.facts,
    ]),
    '',
    'Next:',
    `  source ${shown(lab.files.envFile)}`,
    `  certagent rollout --inventory ${shown(inventory)} --playbook ${shown(playbook)}${lab.cubes.length > 0 ? ' --limit lab' : ''}`,
    `  kill -USR2 ${process.pid}    # the mail provider moves to a new root and intermediate (chain file rewritten)`,
    ...cube.next,
    ...(lab.tlsScenarios ? ['', ...describeTlsScenarios(lab.tlsScenarios, shown, shown(inventory))] : []),
  ];
  return lines.join('\n');
}

function untilSignal(): { signal: Promise<NodeJS.Signals>; dispose: () => void } {
  let dispose = (): void => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (name: NodeJS.Signals): void => resolve(name);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    dispose = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  });
  return { signal, dispose };
}

async function run(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'cucm-trust') return runCucmTrust(argv.slice(1));
  const options = parseLabArgs(argv);
  if (options === 'help') {
    console.log(`usage: ${USAGE}`);
    return EXIT_OK;
  }
  // Listening before the start: a signal during a long start still ends in a clean stop.
  const { signal, dispose } = untilSignal();
  let lab: Lab;
  try {
    lab = await startLab(options.lab);
  } catch (error) {
    dispose();
    if (error instanceof LabPortInUseError) throw new UsageError(error.message);
    throw error;
  }
  try {
    const inventory = await lab.writeInventory(options.inventoryOut, options.lab.netconf === true ? { transport: 'netconf' } : {});
    const playbook = await lab.writePlaybook(options.playbookOut);
    const cubePlaybook = lab.cubes.length > 0 ? await lab.writeCubePlaybook(join(lab.files.stateDir, 'cube-playbook.yaml')) : undefined;
    lab.mail.events.on('message', (m: { subject: string; envelopeFrom: string; envelopeTo: readonly string[] }) => {
      console.log(`mail received: "${m.subject}" from ${m.envelopeFrom} to ${m.envelopeTo.join(', ')}`);
    });
    const running = lab;
    const rotate = (): void => {
      running.rotateMailChain().then(
        (chain) =>
          console.log(
            `mail chain rotated: now ${[chain.names.leaf, ...chain.names.intermediates, chain.names.root].join(' <- ')}, written to ${shown(running.files.chainFile)}`,
          ),
        (error: unknown) => console.error(`mail chain rotation failed: ${errorMessage(error)}`),
      );
    };
    process.on('SIGUSR2', rotate);
    const summary = describeLab(lab, inventory, playbook, cubePlaybook);
    // The same text as a file: what is running, where and what to try, for a second terminal or later.
    await writeFile(join(lab.files.stateDir, SUMMARY_FILE), `${summary}\n`);
    console.log(`${summary}\n\nThis summary is also in ${shown(join(lab.files.stateDir, SUMMARY_FILE))}.\nPress Ctrl-C to stop the lab.`);
    const name = await signal;
    process.off('SIGUSR2', rotate);
    console.log(`${name}: stopping the lab`);
  } finally {
    dispose();
    await lab.stop();
  }
  return EXIT_OK;
}

export const labCommand: Command = {
  name: 'lab',
  summary: SUMMARIES.lab,
  usage: USAGE,
  run,
};
