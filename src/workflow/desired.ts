/**
 * The desired state of one playbook: certificate sources read (files, inline PEM, live probes), chains expanded to
 * trustpoints in install order (issuers first, so IOS can validate each against the ones before), the EEM
 * environment as values (credentials stay Secrets) and applets rendered. The same for every device of a run.
 */
import { readFile } from 'node:fs/promises';
import { probe as probeServer } from '../certs/probe.js';
import type { ProbeResult, ProbeTarget } from '../certs/probe.js';
import type { CertificateFacts } from '../certs/types.js';
import { unusableReason } from '../certs/usability.js';
import { parseCertificates, signatureVerifies } from '../certs/x509.js';
import {
  ConfigError,
  MAX_CERTIFICATES_PER_SOURCE,
  Secret,
  builtInRefusal,
  builtInTrustpoint,
  environmentValue,
  expandChain,
  selectCertificates,
  describeSelect,
} from '../config/index.js';
import type { CertificateSource, ConfigIssue, Origin, Playbook, PlaybookSpec, TrustpointOptions, TrustpointSpec } from '../config/index.js';
import { desiredCube } from './cube/plan.js';
import type { DesiredCube } from './cube/plan.js';
import { renderApplet } from './eem-render.js';
import type { RenderedApplet } from './eem-render.js';
import { errorMessage } from '../shared/error-message.js';

export interface DesiredTrustpoint {
  readonly name: string;
  readonly cert: CertificateFacts;
  readonly options: TrustpointOptions;
  /** `fingerprint` line to configure (32 or 40 upper-case hex digits), when pinning. */
  readonly pin?: string;
  /** With `--pin-fingerprints auto`: the SHA1 to pin on a device that refuses an unpinned CA (IOS XE 26.x). */
  readonly pinIfNeeded?: string;
  /** The `name_prefix` of the chain entry it came from. */
  readonly chainPrefix?: string;
  /** The playbook allows replacing it where the router owns it (`take_over: true`). */
  readonly takeOver?: true;
}

export interface VerifyPlan {
  readonly applet: string;
  readonly waitForLogSeconds: number;
  readonly forbiddenLogPatterns: readonly RegExp[];
}

export interface DesiredState {
  readonly trustpoints: readonly DesiredTrustpoint[];
  readonly environment: ReadonlyMap<string, string | Secret>;
  readonly applets: readonly RenderedApplet[];
  readonly ipHosts: ReadonlyMap<string, string>;
  readonly verify?: VerifyPlan;
  /** What the mail server sends, leaf first, when a source showed it (for diagnoses), and the name EEM connects to. */
  readonly served?: { readonly certs: readonly CertificateFacts[]; readonly host?: string };
  /** Every secret value the devices will receive, for the sessions' redactors. */
  readonly secrets: readonly Secret[];
  /** The playbook's `cube:` section: the CUBE step runs after the trustpoints (workflow/cube). */
  readonly cube?: DesiredCube;
}

/** `auto`: pin every CA where the device needs it (see `pinnedWhereNeeded`). */
export type PinPolicy = 'playbook' | 'always' | 'auto';

export interface DesiredOptions {
  /** `playbook` (default): pin the MD5/SHA1 a trustpoint entry gives; `always`: pin every CA's SHA1 (IOS XE 26.x). */
  readonly pin?: PinPolicy;
  /** Replaces the live probe (tests, offline planning). */
  readonly probe?: (target: ProbeTarget) => Promise<ProbeResult>;
  readonly probeTimeoutMs?: number;
  /** Leave probe sources out (`validate`: every check that needs no network). */
  readonly offline?: boolean;
  /** The time certificates must be valid at (now by default). */
  readonly now?: Date;
}

function problem(origin: Origin, message: string): ConfigIssue {
  return { file: origin.file, path: origin.path, message, severity: 'error' };
}

async function readCertificates(path: string, origin: Origin): Promise<CertificateFacts[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError([problem(origin, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)]);
  }
  let certs: CertificateFacts[];
  try {
    certs = parseCertificates(text, path);
  } catch (err) {
    // The certificate parser's messages start with the file's name already.
    throw new ConfigError([problem(origin, errorMessage(err))]);
  }
  if (certs.length > MAX_CERTIFICATES_PER_SOURCE)
    throw new ConfigError([
      problem(origin, `${path} holds ${certs.length} certificates; certagent takes at most ${MAX_CERTIFICATES_PER_SOURCE} from one file`),
    ]);
  return certs;
}

/** Certificates of a source, all of them (selection is the caller's). Probes are made once per URL. */
class SourceReader {
  readonly #probes = new Map<string, Promise<ProbeResult>>();
  readonly served: { certs: readonly CertificateFacts[] }[] = [];

  constructor(private readonly options: DesiredOptions) {}

  async all(source: CertificateSource, origin: Origin): Promise<CertificateFacts[]> {
    switch (source.kind) {
      case 'pem_file':
      case 'bundle_file': {
        const certs = await readCertificates(source.path, origin);
        if (source.kind === 'bundle_file' && certs[0] && certs[0].basicConstraints?.ca !== true) this.served.push({ certs });
        return certs;
      }
      case 'pem':
        try {
          return parseCertificates(source.pem, 'inline pem');
        } catch (err) {
          throw new ConfigError([problem(origin, errorMessage(err))]);
        }
      case 'probe': {
        const key = source.url;
        let pending = this.#probes.get(key);
        if (!pending) {
          const target: ProbeTarget = { host: source.host, port: source.port, mode: source.protocol === 'smtps' ? 'implicit-tls' : 'starttls-smtp' };
          pending = this.options.probe ? this.options.probe(target) : probeServer(target, { timeoutMs: this.options.probeTimeoutMs ?? 10_000 });
          this.#probes.set(key, pending);
        }
        const result = await pending;
        this.served.push({ certs: result.chain });
        return [...result.chain];
      }
    }
  }
}

function fingerprintOf(cert: CertificateFacts, algorithm: 'md5' | 'sha1' | 'sha256'): string {
  return algorithm === 'md5' ? cert.md5 : algorithm === 'sha1' ? cert.sha1 : cert.sha256;
}

async function resolveTrustpoint(spec: TrustpointSpec, reader: SourceReader, options: DesiredOptions, chainPrefix?: string): Promise<DesiredTrustpoint> {
  const all = await reader.all(spec.source, spec.origin);
  const select = spec.source.kind === 'bundle_file' || spec.source.kind === 'probe' ? spec.source.select : undefined;
  const chosen = select ? selectCertificates(all, select) : all;
  if (chosen.length !== 1) {
    const what = select ? `select ${describeSelect(select)}` : 'the source';
    throw new ConfigError([problem(spec.origin, `${what} gives ${chosen.length} certificates for trustpoint ${spec.name}; it holds exactly one`)]);
  }
  const cert = chosen[0] as CertificateFacts;
  const unusable = unusableReason(cert, options.now ?? new Date(), spec.pinLeaf === true);
  if (unusable !== undefined) throw new ConfigError([problem(spec.origin, `trustpoint ${spec.name}: ${unusable}`)]);
  const fp = spec.fingerprint;
  if (fp && fingerprintOf(cert, fp.algorithm) !== fp.hex) {
    throw new ConfigError([
      problem(
        spec.origin,
        `the certificate for ${spec.name} (${cert.commonName ?? 'no CN'}) has ${fp.algorithm.toUpperCase()} ${fingerprintOf(cert, fp.algorithm)}, not the pinned ${fp.hex}: the source changed or is not the one meant`,
      ),
    ]);
  }
  let pin: string | undefined;
  if (options.pin === 'always') pin = cert.sha1;
  else if (chainPrefix === undefined && fp && fp.algorithm !== 'sha256') pin = fp.hex;
  const pinIfNeeded = pin === undefined && options.pin === 'auto' ? cert.sha1 : undefined;
  return {
    name: spec.name,
    cert,
    options: spec.options,
    ...(pin !== undefined && { pin }),
    ...(pinIfNeeded !== undefined && { pinIfNeeded }),
    ...(chainPrefix !== undefined && { chainPrefix }),
    ...(spec.takeOver && { takeOver: true as const }),
  };
}

/** Whether any trustpoint would be pinned on a device that needs pins: only then is the device's release read. */
export function mayNeedPins(desired: DesiredState): boolean {
  return desired.trustpoints.some((t) => t.pinIfNeeded !== undefined);
}

/** The desired state for a device that refuses unpinned CAs: every `pinIfNeeded` becomes a pin. */
export function pinnedWhereNeeded(desired: DesiredState): DesiredState {
  return { ...desired, trustpoints: desired.trustpoints.map((t) => (t.pinIfNeeded === undefined ? t : { ...t, pin: t.pinIfNeeded })) };
}

/** Issuers before the certificates they signed; otherwise the playbook's order. */
export function installOrder(trustpoints: readonly DesiredTrustpoint[]): DesiredTrustpoint[] {
  const placed: DesiredTrustpoint[] = [];
  const rest = [...trustpoints];
  const issuedByPending = (tp: DesiredTrustpoint): boolean =>
    !tp.cert.selfSigned && rest.some((other) => other !== tp && other.cert.sha1 !== tp.cert.sha1 && signsOrMayIssue(other.cert, tp.cert));
  while (rest.length > 0) {
    const next = rest.findIndex((tp) => tp.cert.selfSigned || !issuedByPending(tp));
    const [tp] = rest.splice(next < 0 ? 0 : next, 1);
    if (tp) placed.push(tp);
  }
  return placed;
}

function signsOrMayIssue(issuer: CertificateFacts, cert: CertificateFacts): boolean {
  if (issuer.subjectKeyId !== undefined && cert.authorityKeyId !== undefined) return issuer.subjectKeyId === cert.authorityKeyId;
  return signatureVerifies(cert, issuer);
}

/**
 * The trustpoints of a playbook, certificates read and checked (parsed, selected, fingerprints, validity, CA or
 * pinned leaf, names), every problem of every entry in one ConfigError. Runs before any device is reached; with
 * `offline`, probe sources are left out, which is what `validate` checks.
 */
export async function resolveTrustpoints(
  playbook: Pick<PlaybookSpec, 'file' | 'trustpoints'>,
  options: DesiredOptions = {},
  reader = new SourceReader(options),
): Promise<DesiredTrustpoint[]> {
  const trustpoints: DesiredTrustpoint[] = [];
  const issues: ConfigIssue[] = [];
  const collect = async (work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  };
  for (const entry of playbook.trustpoints) {
    if (options.offline && entry.source.kind === 'probe') continue;
    if (entry.kind === 'trustpoint') {
      await collect(async () => void trustpoints.push(await resolveTrustpoint(entry, reader, options)));
      continue;
    }
    let specs: TrustpointSpec[] = [];
    await collect(async () => {
      specs = expandChain(entry, await reader.all(entry.source, entry.origin));
    });
    for (const spec of specs) {
      await collect(async () => {
        const builtIn = builtInTrustpoint(spec.name);
        if (builtIn !== undefined && !spec.takeOver)
          throw new ConfigError([problem(entry.origin, `the chain's name_prefix gives ${builtInRefusal(spec.name, builtIn)}`)]);
        trustpoints.push(await resolveTrustpoint(spec, reader, options, entry.namePrefix));
      });
    }
  }
  const names = new Map<string, DesiredTrustpoint>();
  for (const tp of trustpoints) {
    const other = names.get(tp.name.toLowerCase());
    if (other !== undefined && other.cert.sha1 !== tp.cert.sha1) {
      const how = (t: DesiredTrustpoint) => (t.chainPrefix !== undefined ? `the chain with name_prefix ${t.chainPrefix}` : 'an explicit entry');
      issues.push({
        file: playbook.file,
        path: ['trustpoints'],
        message: `trustpoint ${tp.name} is given two different certificates, by ${how(other)} and by ${how(tp)}: rename one (name or name_prefix)`,
        severity: 'error',
      });
    }
    if (other === undefined) names.set(tp.name.toLowerCase(), tp);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return trustpoints.filter((tp, i) => trustpoints.findIndex((o) => o.name.toLowerCase() === tp.name.toLowerCase()) === i);
}

export async function resolveDesired(playbook: Playbook, options: DesiredOptions = {}): Promise<DesiredState> {
  const reader = new SourceReader(options);
  const unique = await resolveTrustpoints(playbook, options, reader);

  const environment = new Map<string, string | Secret>();
  const secrets: Secret[] = [];
  let serverHost: string | undefined;
  for (const [name, entry] of Object.entries(playbook.eem?.environment ?? {})) {
    const value = environmentValue(entry);
    environment.set(name, value);
    if (value instanceof Secret) secrets.push(value);
    if (entry.kind === 'server') {
      serverHost ??= entry.host;
      if (entry.password) secrets.push(entry.password);
    }
  }
  const verifyApplet = playbook.verify?.runApplet;
  const applets = (playbook.eem?.applets ?? []).map((a) => renderApplet(a, a.name === verifyApplet));
  const verify: VerifyPlan | undefined =
    verifyApplet !== undefined && playbook.verify
      ? { applet: verifyApplet, waitForLogSeconds: playbook.verify.waitForLogSeconds, forbiddenLogPatterns: playbook.verify.forbiddenLogPatterns }
      : undefined;
  const served = reader.served[0];
  const ordered = installOrder(unique);
  return {
    trustpoints: ordered,
    environment,
    applets,
    ipHosts: new Map(playbook.ipHosts.map((h) => [h.name, h.address])),
    ...(verify && { verify }),
    ...(served && { served: { certs: served.certs, ...(serverHost !== undefined && { host: serverHost }) } }),
    secrets,
    ...(playbook.cube && { cube: desiredCube(playbook.cube, playbook.verify, ordered) }),
  };
}
