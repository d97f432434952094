/**
 * The CUBE step of a device run (issue #7), the I/O around plan.ts: read the PKI and voice configuration in one
 * command, take the identity from the trustpoint's chain and, when the files for CUCM's CallManager-trust are
 * missing or stale, export it (config mode only), check the export is that certificate and write the CA and
 * identity PEM files, send only the differing voice lines, then verify:
 * the certificates `show crypto pki certificates verbose` shows, and each TLS trunk polled until Established or
 * its deadline, a failure explained from the transport counters. Rollback sends the undo lines in reverse.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { makeFolders } from '../../shared/make-folders.js';
import { dirname } from 'node:path';
import {
  BANNER_SECTION,
  CUBE_COMMANDS,
  explainTrunkState,
  parseCubeConfig,
  parsePemExport,
  parsePkiConfig,
  parseShowCryptoPkiCertificates,
  parseSipUaConnections,
  trunkTlsState,
} from '../../device/index.js';
import type { CertificateChainConfig, CubeConfig, SipConnections, SipTransportCounters } from '../../device/index.js';
import type { ChangeRecord } from '../../report/events.js';
import { DeviceCommandError } from '../../transport/ssh-cli/index.js';
import type { IosXeSession } from '../../transport/ssh-cli/index.js';
import { VerificationError, WorkflowError } from '../errors.js';
import { checkExportedIdentity, cubeResidue, exportFiles, identityFromChain, planCubeChanges } from './plan.js';
import type { CubeChange, DesiredCube, ExportedIdentity } from './plan.js';
import { errorMessage } from '../../shared/error-message.js';

/** One round trip for both: the trustpoint chains (to check the export) and the voice blocks (to plan). */
export const CUBE_FACTS_COMMAND = `show running-config | section crypto pki|sip-ua|voice service voip|dial-peer|${BANNER_SECTION}`;

/** The identity trustpoint cannot be exported or is not the router's own certificate. */
export class CubeIdentityError extends WorkflowError {}

/** A TLS trunk to CUCM did not reach Established before its deadline. */
export class TrunkNotEstablishedError extends WorkflowError {}

export interface CubeRun {
  readonly device: string;
  readonly desired: DesiredCube;
  readonly before: CubeConfig;
  readonly identity: ExportedIdentity;
  readonly changes: readonly CubeChange[];
  /** The transport counters before any change, to tell which side a failed handshake came from. */
  readonly baseline?: SipTransportCounters;
  /** Dry-run display: `configure terminal`, the lines, `end`; empty when nothing differs. */
  readonly commands: readonly string[];
  /** The exported files, written (or in a dry run, to be written). */
  readonly exports: readonly ChangeRecord[];
  /** What to tell the operator whatever the outcome: where the files for CUCM are. */
  readonly notes: readonly string[];
  /** The note saying to upload the exported files, when there are files. */
  readonly uploadNote?: string;
}

export interface CubePrepareOptions {
  readonly dryRun: boolean;
  /** False for `rotate` (certificates only): differing voice lines are reported, not planned. */
  readonly configure?: boolean;
}

function identityProblem(run: { device: string; trustpoint: string }, problem: string, deviceText?: string): CubeIdentityError {
  return new CubeIdentityError(
    run.device,
    CUBE_COMMANDS.exportPem(run.trustpoint),
    `${run.device}: ${problem}`,
    'the signaling trustpoint must hold the CUBE certificate (and its CA) before the trunk can be configured',
    deviceText,
  );
}

async function writeIfDifferent(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  makeFolders(dirname(path));
  await writeFile(path, text, { mode: 0o644 });
  return true;
}

/**
 * The device's own export (config mode: IOS logs a configuration session), checked against the chain. Run only
 * when the files for CUCM must be (re)written, so a dry run and a settled re-run never enter config mode.
 */
async function exportIdentity(session: IosXeSession, tp: string, chain: CertificateChainConfig | undefined): Promise<ExportedIdentity> {
  const device = session.device;
  const command = CUBE_COMMANDS.exportPem(tp);
  let exportText: string;
  try {
    exportText = (await session.sendConfig([command])).outputs[0] ?? '';
  } catch (err) {
    if (err instanceof DeviceCommandError) throw identityProblem({ device, trustpoint: tp }, `'${command}' failed: ${err.deviceSays}`, err.output);
    throw err;
  }
  let checked: ExportedIdentity | string;
  try {
    checked = checkExportedIdentity(tp, parsePemExport(exportText), chain);
  } catch (err) {
    checked = errorMessage(err);
  }
  if (typeof checked === 'string') throw identityProblem({ device, trustpoint: tp }, checked, exportText.trim());
  return checked;
}

/** Reads the device, checks the identity, writes the export files (not in a dry run) and plans. */
export async function prepareCube(session: IosXeSession, desired: DesiredCube, options: CubePrepareOptions): Promise<CubeRun> {
  const device = session.device;
  const tp = desired.identityTrustpoint;
  const text = await session.send(CUBE_FACTS_COMMAND);
  const before = parseCubeConfig(text);
  const chain = parsePkiConfig(text).chains.find((c) => c.trustpoint === tp);
  const stored = identityFromChain(tp, chain);
  if (typeof stored === 'string') throw identityProblem({ device, trustpoint: tp }, stored);
  let identity = stored;

  const exports: ChangeRecord[] = [];
  const notes: string[] = [];
  let uploadNote: string | undefined;
  if (desired.exportDir !== undefined) {
    let files = exportFiles(desired.exportDir, device, tp, identity);
    const current = await Promise.all(files.map((f) => readFile(f.path, 'utf8').catch(() => undefined)));
    const stale = files.some((f, i) => current[i] !== f.pem);
    if (stale && !options.dryRun) {
      identity = await exportIdentity(session, tp, chain);
      files = exportFiles(desired.exportDir, device, tp, identity);
    }
    for (const file of files) {
      const written = stale && !options.dryRun ? await writeIfDifferent(file.path, file.pem) : false;
      exports.push({ object: `export ${file.path}`, action: options.dryRun && stale ? 'to write' : written ? 'written' : 'unchanged', detail: file.what });
    }
    uploadNote = `upload ${files.map((f) => f.path).join(' and ')} to CUCM's CallManager-trust (Cisco Unified OS Administration > Certificate Management), then restart the TLS trunk there`;
    notes.push(uploadNote);
  } else {
    notes.push(
      `the CUBE certificate in ${tp} has SHA1 ${identity.sha1}: CUCM's CallManager-trust must hold it${identity.selfSigned ? '' : ` and its CA (SHA1 ${identity.caSha1})`}; set cube.export_dir to have the files written`,
    );
  }

  const baseline = desired.trunks.length > 0 ? parseSipUaConnections(await session.send(CUBE_COMMANDS.connections)).counters : undefined;
  const differing = planCubeChanges(desired.trunk, before);
  const changes = options.configure === false ? [] : differing;
  if (changes.length < differing.length) {
    notes.push(
      `the CUBE configuration differs from the playbook (${differing.map((c) => c.record.object).join(', ')}); this command changes certificates only: run certagent rollout`,
    );
  }
  const lines = changes.flatMap((c) => c.lines);
  return {
    device,
    desired,
    before,
    identity,
    changes,
    ...(baseline && { baseline }),
    commands: lines.length > 0 ? ['configure terminal', ...lines, 'end'] : [],
    exports,
    notes,
    ...(uploadNote !== undefined && { uploadNote }),
  };
}

export async function applyCube(session: IosXeSession, run: CubeRun): Promise<void> {
  const lines = run.changes.flatMap((c) => c.lines);
  // One write for every block: errors still name their line (see IosXeSession.sendConfig).
  if (lines.length > 0) await session.sendConfig(lines, { bulk: true });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface CubeVerifyOptions {
  /** First poll interval (ms); doubles up to 5 s. */
  readonly pollIntervalMs?: number;
  /** Where a failed trunk's explanation goes, besides the error. */
  readonly diagnoses: string[];
}

async function verifyCertificates(session: IosXeSession, run: CubeRun): Promise<ChangeRecord[]> {
  const records: ChangeRecord[] = [];
  for (const check of run.desired.certificates) {
    const command = CUBE_COMMANDS.verboseCertificates(check.trustpoint);
    const shown = parseShowCryptoPkiCertificates(await session.send(command)).filter((c) =>
      c.associatedTrustpoints.some((t) => t.toLowerCase() === check.trustpoint.toLowerCase()),
    );
    const isIdentity = check.trustpoint.toLowerCase() === run.desired.identityTrustpoint.toLowerCase();
    const wanted = isIdentity ? [run.identity.sha1, run.identity.caSha1] : check.sha1 !== undefined ? [check.sha1] : [];
    const seen = shown.map((c) => c.fingerprintSha1 ?? '?');
    const missing = wanted.filter((w) => !seen.includes(w));
    if (shown.length === 0 || missing.length > 0) {
      throw new VerificationError(
        run.device,
        command,
        `${run.device}: '${command}' shows ${shown.length === 0 ? 'no certificate' : `SHA1 ${seen.join(', ')}`} for ${check.trustpoint}${missing.length > 0 ? `, not SHA1 ${missing.join(', ')}` : ''}`,
        'read the transcript; the trustpoint may have been changed by someone else during the run',
      );
    }
    records.push({
      object: `certificates ${check.trustpoint}`,
      action: 'verified',
      detail: shown.map((c) => `${c.kind} SHA1 ${c.fingerprintSha1 ?? '?'}`).join(', '),
    });
  }
  return records;
}

function connectionDetail(connections: SipConnections, address: string, port: number): string {
  const c = trunkTlsState(connections, address, port).connection;
  return c ? [c.tlsVersion, c.cipher, c.localAddress && `from ${c.localAddress}`].filter(Boolean).join(' ') : '';
}

/** The remote agent's block and the counters of the last look, for the error's device text. */
function lastSeen(connections: SipConnections | undefined, address: string): string {
  if (!connections) return 'nothing';
  const c = connections.counters;
  const agent = connections.remoteAgents.find((a) => a.address === address);
  const rows = agent ? agent.connections.map((r) => `${r.remotePort} ${r.connId} ${r.state}`).join(', ') : 'no Remote-Agent entry';
  return `Remote-Agent ${address}: ${rows || 'Connections-Count:0'}; conn. failures ${c.connFailures}, TLS client handshake failures ${c.tlsClientHandshakeFailures ?? 0}, TLS server handshake failures ${c.tlsServerHandshakeFailures ?? 0}`;
}

async function waitForTrunk(session: IosXeSession, run: CubeRun, trunk: DesiredCube['trunks'][number], options: CubeVerifyOptions): Promise<ChangeRecord> {
  const command = CUBE_COMMANDS.connections;
  const target = `${trunk.address}:${trunk.port}`;
  const deadline = Date.now() + trunk.waitSeconds * 1000;
  let interval = options.pollIntervalMs ?? 500;
  let polls = 0;
  let last: SipConnections | undefined;
  for (;;) {
    last = parseSipUaConnections(await session.send(command));
    polls++;
    if (trunkTlsState(last, trunk.address, trunk.port).established) {
      return { object: `tls trunk ${target}`, action: 'established', detail: connectionDetail(last, trunk.address, trunk.port) };
    }
    if (Date.now() >= deadline) break;
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(interval * 2, 5_000);
  }
  const why = explainTrunkState(run.baseline, last, trunk.address, trunk.port) ?? `the TLS trunk to ${target} is not Established`;
  options.diagnoses.push(why);
  throw new TrunkNotEstablishedError(
    run.device,
    command,
    `${run.device}: the TLS trunk to ${target} is not Established after ${trunk.waitSeconds} s (${polls} looks at '${command}'): ${why}`,
    run.notes[0] ?? 'check both trust stores and the trunk security profile on CUCM',
    lastSeen(last, trunk.address),
  );
}

/** After changes: the voice blocks as the device now shows them must need no further line. */
async function verifyConfiguration(session: IosXeSession, run: CubeRun): Promise<void> {
  if (run.changes.length === 0) return;
  const left = planCubeChanges(run.desired.trunk, parseCubeConfig(await session.send(CUBE_FACTS_COMMAND)));
  if (left.length > 0) {
    throw new VerificationError(
      run.device,
      CUBE_FACTS_COMMAND,
      `${run.device}: after the changes the CUBE configuration still differs: ${left.map((c) => `${c.record.object} (${c.record.detail ?? ''})`).join(', ')}`,
      'read the transcript: the device accepted a command but did not apply it',
    );
  }
}

/** The applied configuration, then the checks of `verify.certificates` and `verify.tls_trunks`; throws on the first that fails. */
export async function verifyCube(session: IosXeSession, run: CubeRun, options: CubeVerifyOptions): Promise<ChangeRecord[]> {
  await verifyConfiguration(session, run);
  const records = await verifyCertificates(session, run);
  for (const trunk of run.desired.trunks) records.push(await waitForTrunk(session, run, trunk, options));
  // Established trunks show CUCM trusts the files it holds: the advice is news only when they were just rewritten.
  const uploadAt = run.uploadNote === undefined ? -1 : options.diagnoses.indexOf(run.uploadNote);
  if (run.desired.trunks.length > 0 && uploadAt >= 0 && run.exports.every((e) => e.action === 'unchanged')) options.diagnoses.splice(uploadAt, 1);
  return records;
}

/** The records of the configuration changes, as applied. */
export function cubeChangeRecords(run: CubeRun): ChangeRecord[] {
  return run.changes.map((c) => c.record);
}

/**
 * Undoes the applied changes, last first, each on its own so one refused line does not stop the others; then
 * re-reads the voice blocks and reports what still differs from before.
 */
export async function rollbackCube(session: IosXeSession, run: CubeRun): Promise<{ records: ChangeRecord[]; left: string[] }> {
  const records: ChangeRecord[] = [];
  for (const change of [...run.changes].reverse()) {
    try {
      await session.sendConfig(change.undo, { bulk: true });
      records.push({ object: change.record.object, action: 'restored' });
    } catch (err) {
      await session.ensureExec().catch(() => undefined);
      records.push({ object: change.record.object, action: 'restore failed', detail: errorMessage(err) });
    }
  }
  try {
    const after = parseCubeConfig(await session.send(CUBE_FACTS_COMMAND));
    return { records, left: cubeResidue(run.before, after, run.changes) };
  } catch (err) {
    return { records, left: [`cannot re-read the voice configuration after rolling back: ${errorMessage(err)}`] };
  }
}
