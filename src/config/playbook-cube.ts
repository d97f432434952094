/**
 * The `cube:` playbook section (a CUBE's TLS SIP trunk to CUCM) and the `verify:` keys that go with it
 * (`certificates`, `tls_trunks`): raw YAML value → CubeSpec, every problem reported with file and path. Pure.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { type ConfigIssue, type Origin, at, issue } from './issues.js';
import type { CubeDialPeer, CubeSpec, TlsTrunkCheck, TrustpointEntry } from './playbook-types.js';
import { check, resolveFilePath } from './schema.js';
import { trustpointNameProblem } from './trustpoint-name.js';

export const DEFAULT_TRUNK_WAIT_SECONDS = 90;
export const SIP_TLS_PORT = 5061;
/** IOS's range for dial-peer tags (`<1-1073741823>  Voice dial-peer tag`). */
const MAX_DIAL_PEER_TAG = 1073741823;

export interface CubeBuildContext {
  readonly file: string;
  readonly home: string;
  readonly issues: ConfigIssue[];
}

const port = z.number().int().min(1, { error: 'must be a port number 1..65535' }).max(65535, { error: 'must be a port number 1..65535' });

/** Parts are checked one by one, so a problem in one does not hide those of the others. */
const cubeSchema = z
  .object({
    identity_trustpoint: z.string(),
    export_dir: z.string().min(1).optional(),
    sip_ua: z.unknown().optional(),
    voice_service_voip: z.unknown().optional(),
    dial_peers: z.array(z.unknown()).min(1, { error: 'lists no dial-peer: give at least the one towards CUCM' }),
  })
  .strict();

const sipUaSchema = z
  .object({
    tls_version: z.enum(['v1.2', 'v1.3']).optional(),
    cn_san_validate_server: z.boolean().optional(),
    remote_addrs: z.array(z.object({ network: z.string(), mask: z.string(), trustpoint: z.string() }).strict()).optional(),
  })
  .strict();

const voipSchema = z
  .object({ srtp: z.enum(['off', 'on', 'fallback']).optional(), url_sips: z.boolean().optional(), session_transport_tls: z.boolean().optional() })
  .strict();

const dialPeerSchema = z
  .object({
    tag: z
      .number()
      .int()
      .min(1, { error: `must be a dial-peer tag 1..${MAX_DIAL_PEER_TAG}` })
      .max(MAX_DIAL_PEER_TAG, { error: `must be a dial-peer tag 1..${MAX_DIAL_PEER_TAG}` }),
    description: z.string().min(1).optional(),
    // `2...` reads as text, `2000` as a number in YAML: both are patterns.
    destination_pattern: z.union([z.string().min(1), z.number().int().transform(String)]).optional(),
    target: z.string(),
    port: port.optional(),
    srtp: z.boolean().optional(),
    options_keepalive: z.boolean().optional(),
  })
  .strict();

const trunkSchema = z
  .object({
    address: z.string(),
    port: port.optional(),
    wait_seconds: z.number().int().min(1, { error: 'must be 1..3600 seconds' }).max(3600, { error: 'must be 1..3600 seconds' }).optional(),
  })
  .strict();

/** The keys `verify:` takes for a CUBE, next to the applet keys of playbook.ts. */
export const cubeVerifyFields = {
  certificates: z.array(z.string().min(1)).min(1).optional(),
  tls_trunks: z.array(z.unknown()).min(1).optional(),
};

function trustpointName(name: string, origin: Origin, ctx: CubeBuildContext): boolean {
  const problem = trustpointNameProblem(name);
  if (problem !== undefined) ctx.issues.push(issue(origin, `trustpoint name '${name}' ${problem}`));
  return problem === undefined;
}

/** A contiguous IPv4 mask: ones then zeros. */
function isMask(text: string): boolean {
  if (!isIPv4(text)) return false;
  const bits = text
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits);
}

function oneLine(text: string): boolean {
  return !/[\r\n?]/.test(text) && text.trim() === text;
}

function buildDialPeers(items: readonly unknown[], base: Origin, ctx: CubeBuildContext): CubeDialPeer[] {
  const out: CubeDialPeer[] = [];
  const tags = new Map<number, number>();
  items.forEach((item, index) => {
    const origin = at(base, index);
    const raw = check(dialPeerSchema, item, origin, ctx.issues);
    if (raw === undefined) return;
    let ok = true;
    const earlier = tags.get(raw.tag);
    if (earlier !== undefined) {
      ctx.issues.push(issue(at(origin, 'tag'), `dial-peer ${raw.tag} is already declared at cube.dial_peers[${earlier}]`));
      ok = false;
    }
    tags.set(raw.tag, index);
    if (!isIPv4(raw.target)) {
      ctx.issues.push(issue(at(origin, 'target'), "must be CUCM's IPv4 address (session target ipv4:ADDRESS:PORT)"));
      ok = false;
    }
    if (raw.description !== undefined && !oneLine(raw.description)) {
      ctx.issues.push(issue(at(origin, 'description'), 'must be one line without ? and without leading or trailing blanks'));
      ok = false;
    }
    if (raw.destination_pattern !== undefined && !/^[0-9A-Da-d*#+.,%^$[\]()\-?T]+$/.test(raw.destination_pattern)) {
      ctx.issues.push(issue(at(origin, 'destination_pattern'), 'must be a dial pattern: digits, . T [ ] ( ) + * # % ^ $ -'));
      ok = false;
    }
    if (!ok) return;
    out.push({
      tag: raw.tag,
      ...(raw.description !== undefined && { description: raw.description }),
      ...(raw.destination_pattern !== undefined && { destinationPattern: raw.destination_pattern }),
      target: raw.target,
      port: raw.port ?? SIP_TLS_PORT,
      ...(raw.srtp !== undefined && { srtp: raw.srtp }),
      ...(raw.options_keepalive !== undefined && { optionsKeepalive: raw.options_keepalive }),
      origin,
    });
  });
  return out;
}

/** Names the trustpoints: entries declare (chain entries name theirs only once the chain is read). */
function declaredNames(trustpoints: readonly TrustpointEntry[]): { names: Set<string>; chains: boolean } {
  const names = new Set<string>();
  for (const t of trustpoints) if (t.kind === 'trustpoint') names.add(t.name.toLowerCase());
  return { names, chains: trustpoints.some((t) => t.kind === 'chain') };
}

export function buildCube(value: unknown, base: Origin, trustpoints: readonly TrustpointEntry[], ctx: CubeBuildContext): CubeSpec | undefined {
  const raw = check(cubeSchema, value, base, ctx.issues);
  if (raw === undefined) return undefined;
  const sipUa = raw.sip_ua === undefined ? {} : check(sipUaSchema, raw.sip_ua, at(base, 'sip_ua'), ctx.issues);
  const voip = raw.voice_service_voip === undefined ? {} : check(voipSchema, raw.voice_service_voip, at(base, 'voice_service_voip'), ctx.issues);
  let ok = sipUa !== undefined && voip !== undefined;
  const named = trustpointName(raw.identity_trustpoint, at(base, 'identity_trustpoint'), ctx);
  ok &&= named;
  if (named && declaredNames(trustpoints).names.has(raw.identity_trustpoint.toLowerCase())) {
    ctx.issues.push(
      issue(
        at(base, 'identity_trustpoint'),
        `trustpoint ${raw.identity_trustpoint} is also under trustpoints:, which would re-authenticate it and lose the CUBE's own certificate; list only CUCM's certificates there`,
      ),
    );
    ok = false;
  }
  const remoteAddrs: { network: string; mask: string; trustpoint: string }[] = [];
  (sipUa?.remote_addrs ?? []).forEach((r, i) => {
    const origin = at(base, 'sip_ua', 'remote_addrs', i);
    let good = trustpointName(r.trustpoint, at(origin, 'trustpoint'), ctx);
    if (!isIPv4(r.network)) {
      ctx.issues.push(issue(at(origin, 'network'), 'must be an IPv4 network address'));
      good = false;
    }
    if (!isMask(r.mask)) {
      ctx.issues.push(issue(at(origin, 'mask'), 'must be a dotted IPv4 mask like 255.255.255.0'));
      good = false;
    }
    if (good) remoteAddrs.push({ network: r.network, mask: r.mask, trustpoint: r.trustpoint });
    else ok = false;
  });
  if (raw.export_dir !== undefined && /[\r\n]/.test(raw.export_dir)) {
    ctx.issues.push(issue(at(base, 'export_dir'), 'must be a folder path on one line'));
    ok = false;
  } else if (raw.export_dir !== undefined && !raw.export_dir.includes('{device}')) {
    ctx.issues.push(issue(at(base, 'export_dir'), 'has no {device}: run on several CUBEs, each would overwrite the files of the one before', 'warning'));
  }
  const before = ctx.issues.length;
  const dialPeers = buildDialPeers(raw.dial_peers, at(base, 'dial_peers'), ctx);
  if (!ok || !sipUa || !voip || ctx.issues.length > before) return undefined;
  return {
    identityTrustpoint: raw.identity_trustpoint,
    ...(raw.export_dir !== undefined && { exportDir: resolveFilePath(raw.export_dir, ctx.file, ctx.home) }),
    sipUa: {
      ...(sipUa.tls_version !== undefined && { tlsVersion: sipUa.tls_version }),
      cnSanValidateServer: sipUa.cn_san_validate_server ?? false,
      remoteAddrs,
    },
    voiceServiceVoip: {
      ...(voip.srtp !== undefined && { srtp: voip.srtp }),
      urlSips: voip.url_sips ?? false,
      sessionTransportTls: voip.session_transport_tls ?? false,
    },
    dialPeers,
    origin: base,
  };
}

/**
 * `verify.certificates` and `verify.tls_trunks`. Both are checked by the CUBE step, so they need `cube:`; a
 * certificate must name a trustpoint the playbook knows, a trunk should be a dial-peer's target (else a warning:
 * nothing on the CUBE would open it).
 */
export function buildCubeVerify(
  raw: { certificates?: readonly string[] | undefined; tls_trunks?: readonly unknown[] | undefined },
  base: Origin,
  cube: CubeSpec | undefined,
  hadCube: boolean,
  trustpoints: readonly TrustpointEntry[],
  ctx: CubeBuildContext,
): { certificates?: readonly string[]; tlsTrunks?: readonly TlsTrunkCheck[] } {
  if (raw.certificates === undefined && raw.tls_trunks === undefined) return {};
  if (!hadCube) {
    const key = raw.certificates !== undefined ? 'certificates' : 'tls_trunks';
    ctx.issues.push(issue(at(base, key), 'is checked by the CUBE step: add a cube: section (or remove this key)'));
    return {};
  }
  const { names, chains } = declaredNames(trustpoints);
  if (cube) names.add(cube.identityTrustpoint.toLowerCase());
  const certificates: string[] = [];
  (raw.certificates ?? []).forEach((name, i) => {
    const origin = at(base, 'certificates', i);
    if (!trustpointName(name, origin, ctx)) return;
    if (cube && !chains && !names.has(name.toLowerCase())) {
      ctx.issues.push(issue(origin, `trustpoint ${name} is neither under trustpoints: nor cube.identity_trustpoint`));
      return;
    }
    certificates.push(name);
  });
  const tlsTrunks: TlsTrunkCheck[] = [];
  (raw.tls_trunks ?? []).forEach((item, i) => {
    const origin = at(base, 'tls_trunks', i);
    const trunk = check(trunkSchema, item, origin, ctx.issues);
    if (trunk === undefined) return;
    if (!isIPv4(trunk.address)) {
      ctx.issues.push(issue(at(origin, 'address'), "must be CUCM's IPv4 address"));
      return;
    }
    const trunkPort = trunk.port ?? SIP_TLS_PORT;
    if (cube && !cube.dialPeers.some((d) => d.target === trunk.address && d.port === trunkPort)) {
      ctx.issues.push(
        issue(origin, `no dial-peer under cube.dial_peers targets ${trunk.address}:${trunkPort}, so the CUBE opens no connection there to verify`, 'warning'),
      );
    }
    tlsTrunks.push({ address: trunk.address, port: trunkPort, waitSeconds: trunk.wait_seconds ?? DEFAULT_TRUNK_WAIT_SECONDS, origin });
  });
  return {
    ...(raw.certificates !== undefined && { certificates }),
    ...(raw.tls_trunks !== undefined && { tlsTrunks }),
  };
}
