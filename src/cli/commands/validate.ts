import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../command.js';
import type { Command } from '../command.js';
import {
  ConfigError,
  SecretResolver,
  describePath,
  formatIssue,
  loadInventory,
  loadPlaybook,
  locateIssues,
  processSecretSources,
  readPlaybook,
  resolveCredentials,
  selectDevices,
  type Device,
  type Playbook,
  type PlaybookSpec,
  type SecretSources,
  type TrustpointEntry,
} from '../../config/index.js';
import { errorMessage } from '../../shared/error-message.js';
import { resolveTrustpoints } from '../../workflow/desired.js';
import { SUMMARIES } from './summaries.js';

function describeEntry(entry: TrustpointEntry): string {
  const { source } = entry;
  const from =
    source.kind === 'probe'
      ? `probe ${source.url} select ${source.select.kind === 'cn' ? source.select.cn : source.select.kind}`
      : source.kind === 'bundle_file'
        ? `${source.path} select ${source.select.kind === 'cn' ? source.select.cn : source.select.kind}`
        : source.kind === 'pem_file'
          ? source.path
          : 'inline PEM';
  return entry.kind === 'chain' ? `chain ${entry.namePrefix}<CN> from ${from}` : `${entry.name} from ${from}`;
}

function deviceLine(d: Device): string {
  const key = d.hostKey.mode === 'pinned' ? 'pinned host key' : `${d.hostKey.mode} ${d.hostKey.knownHosts}`;
  const transport = d.transport === 'netconf' ? `netconf (port ${d.netconfPort}; SSH CLI on ${d.port} for certificates and mail lines)` : d.transport;
  const line = `  ${d.name}  ${d.credentials.username}@${d.host}:${d.port} ${transport}, ${key}`;
  const jumps = d.jumpHosts ?? [];
  return jumps.length === 0 ? line : `${line}\n      path: ${describePath(jumps, d)}`;
}

function playbookLines(p: PlaybookSpec | Playbook): string[] {
  return [
    `playbook ${p.name} (${p.file})`,
    ...p.trustpoints.map((t) => `  trustpoint ${describeEntry(t)}`),
    ...(p.eem?.applets ?? []).map((a) => `  applet ${a.name}: ${a.actions.map((x) => `${x.label} ${x.kind}`).join(', ')}`),
    ...(p.verify?.runApplet ? [`  verify: run ${p.verify.runApplet}${p.verify.expectMail ? ', expect mail' : ''}`] : []),
    ...(p.cube
      ? [
          `  cube: signaling trustpoint ${p.cube.identityTrustpoint}, dial-peer ${p.cube.dialPeers.map((d) => `${d.tag} to ${d.target}:${d.port}`).join(', dial-peer ')}`,
        ]
      : []),
    ...(p.verify?.tlsTrunks ?? []).map((t) => `  verify: tls trunk ${t.address}:${t.port} Established within ${t.waitSeconds} s`),
    ...p.warnings.map((w) => `  ${formatIssue(w)}`),
  ];
}

/** Checks inventories and playbooks before a rollout: every problem at once, by file, path and line. */
export function validateCommand(secrets: SecretSources = processSecretSources()): Command {
  return {
    name: 'validate',
    summary: SUMMARIES.validate,
    usage: 'certagent validate [-i INVENTORY] [-p PLAYBOOK]... [--limit NAMES|GROUPS] [--secrets]',
    async run(argv) {
      let parsed;
      try {
        parsed = parseArgs({
          args: [...argv],
          options: {
            inventory: { type: 'string', short: 'i' },
            playbook: { type: 'string', short: 'p', multiple: true },
            limit: { type: 'string' },
            secrets: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
          },
          strict: true,
        });
      } catch (err) {
        throw new UsageError(errorMessage(err));
      }
      const { values } = parsed;
      if (values.help) {
        console.log(`usage: ${this.usage}`);
        return EXIT_OK;
      }
      if (values.inventory === undefined && (values.playbook ?? []).length === 0) {
        throw new UsageError('give an inventory (-i) and/or playbooks (-p)');
      }
      const resolver = new SecretResolver(secrets);
      const problems: string[] = [];
      const out: string[] = [];
      if (values.inventory !== undefined) {
        try {
          const inventory = await loadInventory(values.inventory);
          const devices = selectDevices(inventory, values.limit);
          out.push(`inventory ${inventory.file} (${inventory.format}): ${devices.length} of ${inventory.devices.length} devices`);
          out.push(...devices.map(deviceLine));
          if (values.secrets) for (const device of devices) await resolveCredentials(device, resolver);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          problems.push(err.message);
        }
      }
      for (const path of values.playbook ?? []) {
        try {
          const playbook = values.secrets ? await loadPlaybook(path, { secrets: resolver }) : await readPlaybook(path);
          out.push(...playbookLines(playbook));
          // What a rollout checks before connecting, except live probes: certificates, fingerprints, selections, names.
          await resolveTrustpoints(playbook, { offline: true });
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          problems.push(new ConfigError(locateIssues(err.issues)).message);
        }
      }
      if (out.length > 0) console.log(out.join('\n'));
      if (problems.length > 0) {
        console.error(problems.join('\n'));
        return EXIT_USAGE;
      }
      return EXIT_OK;
    },
  };
}
