/**
 * The reads of one device, and nothing else: never config mode, two show commands over SSH (the PKI/EEM part of
 * the running config, DER included, and the EEM lines of the log), or over NETCONF one get-config plus the two
 * CLI reads of what YANG does not model (chains, the log). Connection retries, progress steps and round-trip
 * counting are the workflow's RunContext, as for rollout.
 */
import { Secret } from '../config/index.js';
import type { Device, ResolvedCredentials } from '../config/index.js';
import { parsePkiConfig } from '../device/index.js';
import { FACTS_FILTER, parseNativeConfig } from '../device/netconf/index.js';
import type { RunReporter } from '../report/events.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import { FACTS_COMMAND, LOG_COMMAND, openDeviceSession, parseFacts, transcriptPath } from '../workflow/index.js';
import type { RetryPolicy, SessionSettings } from '../workflow/index.js';
import { CLI_FACTS_COMMAND, NetconfDeviceSession, combineFacts } from '../workflow/netconf/index.js';
import { RunContext } from '../workflow/run-context.js';
import type { DeviceRead } from './analyse.js';

/** What audit sends, per transport, in order: shown in the report so an operator can check it is read-only. */
export const SSH_AUDIT_COMMANDS: readonly string[] = [FACTS_COMMAND, LOG_COMMAND];
export const NETCONF_AUDIT_COMMANDS: readonly string[] = ['<get-config> running: native crypto pki, event manager, ip host', CLI_FACTS_COMMAND, LOG_COMMAND];

export interface ReadJob {
  readonly device: Device;
  readonly credentials: ResolvedCredentials;
  readonly settings: SessionSettings;
  readonly reporter: RunReporter;
  readonly retry?: RetryPolicy;
}

export interface ReadResult {
  readonly read: DeviceRead;
  readonly roundTrips: number;
}

/** The device's EEM environment values that hold credentials, so the transcript masks them from here on. */
function markSecrets(cli: IosXeSession, read: DeviceRead): void {
  for (const value of read.facts.environment.values()) if (value instanceof Secret) cli.markSecret(value.reveal());
}

async function readOverSsh(ctx: RunContext<IosXeSession>): Promise<DeviceRead> {
  return ctx.connect(async (session) => {
    ctx.step('read trustpoints and EEM');
    const text = await session.send(FACTS_COMMAND);
    const read = { facts: parseFacts(text), pki: parsePkiConfig(text) };
    markSecrets(session, { ...read, logText: '' });
    ctx.step('read the log');
    return { ...read, logText: await session.send(LOG_COMMAND) };
  });
}

async function readOverNetconf(ctx: RunContext<NetconfDeviceSession>): Promise<DeviceRead> {
  return ctx.connect(async (session) => {
    ctx.step('read trustpoints and EEM');
    const reply = await session.netconf.getConfig('running', FACTS_FILTER);
    const cliText = await session.cli.send(CLI_FACTS_COMMAND);
    const facts = combineFacts(parseNativeConfig(reply.xml), cliText);
    const pki = { trustpoints: [...facts.trustpoints.values()].map((t) => t.config), chains: parsePkiConfig(cliText).chains };
    markSecrets(session.cli, { facts, pki, logText: '' });
    ctx.step('read the log');
    return { facts, pki, logText: await session.cli.send(LOG_COMMAND) };
  });
}

export async function readDevice(job: ReadJob): Promise<ReadResult> {
  const { device, credentials, settings } = job;
  const base = {
    device: device.name,
    host: device.host,
    reporter: job.reporter,
    ...(job.retry && { retry: job.retry }),
    ...(settings.transcriptDir !== undefined && { transcript: transcriptPath(settings.transcriptDir, device.name) }),
  };
  if (device.transport === 'netconf') {
    const ctx = new RunContext<NetconfDeviceSession>({ ...base, open: () => NetconfDeviceSession.open(device, credentials, settings) });
    try {
      const read = await readOverNetconf(ctx);
      await ctx.close();
      // The get-config went past the session's RPC counter.
      return { read, roundTrips: ctx.roundTrips + 1 };
    } finally {
      await ctx.close();
    }
  }
  const ctx = new RunContext<IosXeSession>({ ...base, open: () => openDeviceSession(device, credentials, settings) });
  try {
    const read = await readOverSsh(ctx);
    await ctx.close();
    return { read, roundTrips: ctx.roundTrips };
  } finally {
    await ctx.close();
  }
}
