/** Playbook validation: raw YAML value → PlaybookSpec, every problem reported with file and path. Pure. */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { type ConfigIssue, type Origin, at, issue } from './issues.js';
import type {
  CertificateSelect,
  CertificateSource,
  EemAction,
  EemApplet,
  EemEnvironmentEntry,
  EemSpec,
  EemText,
  Fingerprint,
  IpHost,
  PlaybookSpec,
  RotationSpec,
  TrustpointEntry,
  TrustpointOptions,
  VerifySpec,
} from './playbook-types.js';
import { buildCube, buildCubeVerify, cubeVerifyFields } from './playbook-cube.js';
import { ENV_NAME, check, resolveFilePath, secretAt, secretRefSchema } from './schema.js';
import { builtInRefusal, builtInTrustpoint } from './protected-trustpoints.js';
import { trustpointNameProblem } from './trustpoint-name.js';
import { errorMessage } from '../shared/error-message.js';

export const DEFAULT_FORBIDDEN_LOG_PATTERN = '%HA_EM-3-FMPD_SMTP|%HA_EM-3-FMPD_ERROR';
export const DEFAULT_WAIT_FOR_LOG_SECONDS = 30;
const SOURCE_KEYS = ['pem_file', 'bundle_file', 'pem', 'probe'] as const;

const optionFields = {
  enrollment: z.literal('terminal', { error: "must be 'terminal' (certificates are pasted, not enrolled)" }).optional(),
  revocation_check: z.enum(['none', 'crl', 'ocsp']).optional(),
  chain_validation: z.enum(['stop', 'continue']).optional(),
};

const sourceFields = {
  pem_file: z.string().min(1).optional(),
  bundle_file: z.string().min(1).optional(),
  pem: z.string().min(1).optional(),
  probe: z.string().min(1).optional(),
  select: z.string().min(1).optional(),
};

/** `take_over`: replace a trustpoint the router owns (built in, or holding an identity); `pin_leaf`: a server's own
 * certificate where a CA certificate is expected. Both are refused unless said. */
const consentFields = {
  take_over: z.boolean().optional(),
  pin_leaf: z.boolean().optional(),
};

const trustpointSchema = z.object({ name: z.string(), fingerprint: z.string().optional(), ...optionFields, ...sourceFields, ...consentFields }).strict();

const chainSchema = z
  .object({
    chain: z.object({ name_prefix: z.string().optional(), ...sourceFields }).strict(),
    ...optionFields,
    ...consentFields,
  })
  .strict();

const textOrRef = z.union([z.string(), z.number().transform(String), secretRefSchema], {
  error: () => 'must be text or a secret reference ({env: VARIABLE}, {file: path} or {prompt: true})',
});

const serverSchema = z.object({ user: textOrRef.optional(), password: secretRefSchema.optional(), host: z.string().min(1) }).strict();

const mailSchema = z
  .object({
    server: z.string().min(1),
    to: z.string().min(1),
    from: z.string().min(1),
    cc: z.string().min(1).optional(),
    subject: z.string(),
    body: z.string(),
    secure: z.enum(['tls', 'none']).optional(),
    port: z.number().int().min(1, { error: 'must be a port number 1..65535' }).max(65535, { error: 'must be a port number 1..65535' }).optional(),
  })
  .strict();

const priorities = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'] as const;

const actionSchema = z
  .object({
    label: z
      .union([z.string(), z.number().transform(String)])
      .pipe(z.string().regex(/^[A-Za-z0-9._]{1,16}$/, { error: 'must be 1..16 letters, digits, . or _' }))
      .optional(),
    mail: mailSchema.optional(),
    syslog: z
      .object({ msg: z.string().min(1), priority: z.enum(priorities).optional() })
      .strict()
      .optional(),
    cli: z.string().min(1).optional(),
    puts: z.string().optional(),
  })
  .strict();

const APPLET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const appletSchema = z
  .object({
    name: z.string().regex(APPLET_NAME, { error: 'must be one word of letters, digits, . _ - (at most 64)' }),
    description: z.string().optional(),
    event: z.literal('none', { error: "must be 'none' (applets are run by certagent with event manager run)" }),
    actions: z.array(z.unknown()).min(1, { error: 'lists no action' }),
  })
  .strict();

const TOP_KEYS = ['name', 'description', 'ip_hosts', 'trustpoints', 'eem', 'verify', 'rotation', 'cube'];

const eemSchema = z
  .object({
    environment: z.record(z.string(), z.unknown()).optional(),
    applets: z.array(z.unknown()).optional(),
  })
  .strict();

const verifySchema = z
  .object({
    run_applet: z.string().optional(),
    expect_mail: z.boolean().optional(),
    wait_for_log_seconds: z.number().int().min(1, { error: 'must be 1..3600 seconds' }).max(3600, { error: 'must be 1..3600 seconds' }).optional(),
    forbidden_log_patterns: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    ...cubeVerifyFields,
  })
  .strict();

/** Each section is checked on its own, so one broken section does not hide the problems of the others. */
const sections = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  ip_hosts: z.record(z.string(), z.string()).optional(),
  trustpoints: z.array(z.unknown()).optional(),
  eem: eemSchema.optional(),
  verify: verifySchema.optional(),
  rotation: z.object({ renew_before: z.string() }).strict().optional(),
  cube: z.unknown().optional(),
};

export interface BuildContext {
  readonly file: string;
  readonly home: string;
  readonly issues: ConfigIssue[];
}

export function parseSelect(text: string): CertificateSelect {
  const lower = text.toLowerCase();
  if (lower === 'leaf' || lower === 'root' || lower === 'intermediates' || lower === 'all') return { kind: lower };
  return { kind: 'cn', cn: text };
}

/** `smtp://host[:port]` (STARTTLS, default 587) or `smtps://host[:port]` (implicit TLS, default 465). */
export function parseProbeUrl(text: string): CertificateSource | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be a URL like smtp://smtp.example.com:587 (STARTTLS) or smtps://smtp.example.com:465';
  }
  const protocol = url.protocol === 'smtp:' ? 'smtp-starttls' : url.protocol === 'smtps:' ? 'smtps' : undefined;
  if (protocol === undefined) return `scheme ${url.protocol} is not probed; use smtp:// (STARTTLS) or smtps://`;
  if (url.hostname === '') return 'names no host';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials; a probe only reads the certificate chain';
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '') return 'must be scheme://host:port only';
  const port = url.port === '' ? (protocol === 'smtps' ? 465 : 587) : Number(url.port);
  return { kind: 'probe', url: text, protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port, select: { kind: 'all' } };
}

/** MD5 (32), SHA-1 (40) or SHA-256 (64) hex digits; spaces and colons as IOS and OpenSSL print them are ignored. */
export function parseFingerprint(text: string): Fingerprint | undefined {
  const hex = text
    .replace(/^(sha256|sha1|md5)[:=]\s*/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) return undefined;
  const algorithm = hex.length === 32 ? 'md5' : hex.length === 40 ? 'sha1' : hex.length === 64 ? 'sha256' : undefined;
  return algorithm === undefined ? undefined : { algorithm, hex };
}

function optionsOf(raw: { enrollment?: 'terminal'; revocation_check?: 'none' | 'crl' | 'ocsp'; chain_validation?: 'stop' | 'continue' }): TrustpointOptions {
  return {
    enrollment: raw.enrollment ?? 'terminal',
    revocationCheck: raw.revocation_check ?? 'none',
    chainValidation: raw.chain_validation ?? 'stop',
  };
}

function sourceOf(
  raw: Partial<Record<(typeof SOURCE_KEYS)[number] | 'select', string>>,
  origin: Origin,
  ctx: BuildContext,
  single: boolean,
): CertificateSource | undefined {
  const given = SOURCE_KEYS.filter((k) => raw[k] !== undefined);
  if (given.length !== 1) {
    ctx.issues.push(
      issue(
        origin,
        given.length === 0
          ? 'names no certificate source: give one of pem_file, bundle_file, pem or probe'
          : `gives ${given.join(' and ')}: give exactly one certificate source`,
      ),
    );
    return undefined;
  }
  const kind = given[0];
  const select = raw.select === undefined ? undefined : parseSelect(raw.select);
  if (select !== undefined && (kind === 'pem_file' || kind === 'pem')) {
    ctx.issues.push(issue(at(origin, 'select'), `select applies to bundle_file and probe, not to ${kind}`));
    return undefined;
  }
  if (single && select?.kind === 'all') {
    ctx.issues.push(issue(at(origin, 'select'), 'a trustpoint holds one CA certificate; select one (leaf, root or a CN) or use chain: for several'));
    return undefined;
  }
  if (single && select === undefined && (kind === 'bundle_file' || kind === 'probe')) {
    ctx.issues.push(issue(at(origin, 'select'), `${kind} needs select: leaf, root, intermediates or a certificate's CN`));
    return undefined;
  }
  const chosen = select ?? { kind: 'all' as const };
  switch (kind) {
    case 'pem_file':
      return { kind, path: resolveFilePath(raw.pem_file ?? '', ctx.file, ctx.home) };
    case 'bundle_file':
      return { kind, path: resolveFilePath(raw.bundle_file ?? '', ctx.file, ctx.home), select: chosen };
    case 'pem': {
      const pem = raw.pem ?? '';
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        ctx.issues.push(issue(at(origin, 'pem'), 'holds no -----BEGIN CERTIFICATE----- block'));
        return undefined;
      }
      return { kind, pem };
    }
    case 'probe': {
      const probe = parseProbeUrl(raw.probe ?? '');
      if (typeof probe === 'string') {
        ctx.issues.push(issue(at(origin, 'probe'), probe));
        return undefined;
      }
      return { ...probe, select: chosen } as CertificateSource;
    }
    default:
      return undefined;
  }
}

function consentOf(raw: { take_over?: boolean | undefined; pin_leaf?: boolean | undefined }): { takeOver?: true; pinLeaf?: true } {
  return { ...(raw.take_over === true && { takeOver: true as const }), ...(raw.pin_leaf === true && { pinLeaf: true as const }) };
}

function buildTrustpoints(items: readonly unknown[], base: Origin, ctx: BuildContext): TrustpointEntry[] {
  const out: TrustpointEntry[] = [];
  const names = new Map<string, number>();
  items.forEach((item, index) => {
    const origin = at(base, index);
    const isChain = typeof item === 'object' && item !== null && 'chain' in item;
    if (isChain) {
      const raw = check(chainSchema, item, origin, ctx.issues);
      if (raw === undefined) return;
      const prefix = raw.chain.name_prefix ?? 'CA-';
      if (prefix !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) {
        ctx.issues.push(issue(at(origin, 'chain', 'name_prefix'), 'must start with a letter or digit and use only letters, digits, . _ -'));
        return;
      }
      const source = sourceOf(raw.chain, at(origin, 'chain'), ctx, false);
      if (source) out.push({ kind: 'chain', namePrefix: prefix, options: optionsOf(raw), source, origin, ...consentOf(raw) });
      return;
    }
    const raw = check(trustpointSchema, item, origin, ctx.issues);
    if (raw === undefined) return;
    const problem = trustpointNameProblem(raw.name);
    if (problem !== undefined) ctx.issues.push(issue(at(origin, 'name'), `trustpoint name '${raw.name}' ${problem}`));
    const builtIn = builtInTrustpoint(raw.name);
    if (builtIn !== undefined && raw.take_over !== true) ctx.issues.push(issue(at(origin, 'name'), builtInRefusal(raw.name, builtIn)));
    const earlier = names.get(raw.name.toLowerCase());
    if (earlier !== undefined) ctx.issues.push(issue(at(origin, 'name'), `trustpoint ${raw.name} is already declared at trustpoints[${earlier}]`));
    names.set(raw.name.toLowerCase(), index);
    let fingerprint: Fingerprint | undefined;
    if (raw.fingerprint !== undefined) {
      fingerprint = parseFingerprint(raw.fingerprint);
      if (fingerprint === undefined) {
        ctx.issues.push(issue(at(origin, 'fingerprint'), 'must be an MD5 (32), SHA-1 (40) or SHA-256 (64) hex fingerprint'));
      }
    }
    const source = sourceOf(raw, origin, ctx, true);
    if (source === undefined || problem !== undefined) return;
    out.push({
      kind: 'trustpoint',
      name: raw.name,
      options: optionsOf(raw),
      ...(fingerprint && { fingerprint }),
      source,
      origin,
      ...consentOf(raw),
    });
  });
  return out;
}

function textOf(raw: z.infer<typeof textOrRef>, origin: Origin, purpose: string, ctx: BuildContext): EemText {
  return typeof raw === 'string' ? raw : secretAt(raw, origin, purpose, ctx.home);
}

function buildEnvironment(raw: Record<string, unknown>, base: Origin, ctx: BuildContext): Record<string, EemEnvironmentEntry> {
  const out: Record<string, EemEnvironmentEntry> = {};
  for (const [name, value] of Object.entries(raw)) {
    const origin = at(base, name);
    if (!ENV_NAME.test(name)) {
      ctx.issues.push(issue(origin, 'an EEM environment variable name uses letters, digits and _ and does not start with a digit'));
      continue;
    }
    const isServer = typeof value === 'object' && value !== null && 'host' in value;
    if (isServer) {
      const server = check(serverSchema, value, origin, ctx.issues);
      if (server === undefined) continue;
      if (server.user !== undefined && server.password === undefined) {
        ctx.issues.push(issue(at(origin, 'password'), 'is required when user is given: the server string is user:password@host'));
        continue;
      }
      out[name] = {
        kind: 'server',
        host: server.host,
        origin,
        ...(server.user !== undefined && { user: textOf(server.user, at(origin, 'user'), `${name} user`, ctx) }),
        ...(server.password && { password: secretAt(server.password, at(origin, 'password'), `${name} password`, ctx.home) }),
      };
      continue;
    }
    const text = check(textOrRef, value, origin, ctx.issues);
    if (text !== undefined) out[name] = { kind: 'text', value: textOf(text, origin, name, ctx), origin };
  }
  return out;
}

/** Labels as the seed writes them (`0010`, `0020`, ...), continuing after the last numeric label when some are given. */
function nextLabel(previous: string | undefined): string | undefined {
  if (previous === undefined) return '0010';
  if (!/^\d+$/.test(previous)) return undefined;
  return String(Number(previous) + 10).padStart(Math.max(4, previous.length), '0');
}

function buildApplets(items: readonly unknown[], base: Origin, ctx: BuildContext): EemApplet[] {
  const out: EemApplet[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const origin = at(base, index);
    const raw = check(appletSchema, item, origin, ctx.issues);
    if (raw === undefined) return;
    if (seen.has(raw.name)) ctx.issues.push(issue(at(origin, 'name'), `applet ${raw.name} is declared twice`));
    seen.add(raw.name);
    const actions: EemAction[] = [];
    let previous: string | undefined;
    raw.actions.forEach((rawAction, a) => {
      const aOrigin = at(origin, 'actions', a);
      const action = check(actionSchema, rawAction, aOrigin, ctx.issues);
      if (action === undefined) return;
      const kinds = (['mail', 'syslog', 'cli', 'puts'] as const).filter((k) => action[k] !== undefined);
      if (kinds.length !== 1) {
        ctx.issues.push(
          issue(aOrigin, kinds.length === 0 ? 'names no action: give one of mail, syslog, cli, puts' : `gives ${kinds.join(' and ')}: one action per entry`),
        );
        return;
      }
      const label = action.label ?? nextLabel(previous);
      if (label === undefined) {
        ctx.issues.push(issue(at(aOrigin, 'label'), `cannot number an action after label '${previous}'; give this one a label`));
        return;
      }
      if (previous !== undefined && label <= previous) {
        ctx.issues.push(issue(at(aOrigin, 'label'), `label ${label} does not sort after ${previous}: EEM runs actions in label order, not file order`));
      }
      previous = label;
      const kind = kinds[0];
      if (kind === 'mail' && action.mail) {
        const m = action.mail;
        actions.push({
          kind,
          label,
          server: m.server,
          to: m.to,
          from: m.from,
          ...(m.cc !== undefined && { cc: m.cc }),
          subject: m.subject,
          body: m.body,
          secure: m.secure ?? 'none',
          ...(m.port !== undefined && { port: m.port }),
          origin: at(aOrigin, 'mail'),
        });
      } else if (kind === 'syslog' && action.syslog) {
        actions.push({
          kind,
          label,
          msg: action.syslog.msg,
          ...(action.syslog.priority && { priority: action.syslog.priority }),
          origin: at(aOrigin, 'syslog'),
        });
      } else if (kind === 'cli' && action.cli !== undefined) {
        actions.push({ kind, label, command: action.cli, origin: at(aOrigin, 'cli') });
      } else if (kind === 'puts' && action.puts !== undefined) {
        actions.push({ kind, label, text: action.puts, origin: at(aOrigin, 'puts') });
      }
    });
    out.push({ name: raw.name, ...(raw.description !== undefined && { description: raw.description }), event: { kind: 'none' }, actions, origin });
  });
  return out;
}

function buildIpHosts(raw: Record<string, string>, base: Origin, ctx: BuildContext): IpHost[] {
  const out: IpHost[] = [];
  for (const [name, address] of Object.entries(raw)) {
    const origin = at(base, name);
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(name)) {
      ctx.issues.push(issue(origin, 'must be a host name (letters, digits, - and dots)'));
    } else if (!isIPv4(address)) {
      ctx.issues.push(issue(origin, 'must be an IPv4 address for ip host'));
    } else out.push({ name, address });
  }
  return out;
}

function buildVerify(raw: z.infer<typeof verifySchema>, base: Origin, eem: EemSpec<unknown> | undefined, ctx: BuildContext): VerifySpec {
  const applet = raw.run_applet === undefined ? undefined : eem?.applets.find((a) => a.name === raw.run_applet);
  if (raw.run_applet !== undefined && applet === undefined) {
    ctx.issues.push(issue(at(base, 'run_applet'), `applet ${raw.run_applet} is not declared under eem.applets`));
  }
  const sources = raw.forbidden_log_patterns === undefined ? [DEFAULT_FORBIDDEN_LOG_PATTERN] : [raw.forbidden_log_patterns].flat();
  const patterns: RegExp[] = [];
  sources.forEach((source, i) => {
    try {
      patterns.push(new RegExp(source));
    } catch (err) {
      const path = Array.isArray(raw.forbidden_log_patterns) ? [i] : [];
      ctx.issues.push(issue(at(base, 'forbidden_log_patterns', ...path), `is not a valid regular expression: ${errorMessage(err)}`));
    }
  });
  const sendsMail = applet?.actions.some((a) => a.kind === 'mail') ?? false;
  return {
    ...(raw.run_applet !== undefined && { runApplet: raw.run_applet }),
    expectMail: raw.expect_mail ?? sendsMail,
    waitForLogSeconds: raw.wait_for_log_seconds ?? DEFAULT_WAIT_FOR_LOG_SECONDS,
    forbiddenLogPatterns: patterns,
  };
}

export function buildPlaybook(value: unknown, file: string, home: string): { playbook?: PlaybookSpec; issues: ConfigIssue[] } {
  const ctx: BuildContext = { file, home, issues: [] };
  const top: Origin = { file, path: [] };
  const doc = value ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { issues: [issue(top, 'a playbook is a mapping with trustpoints:, eem:, verify:, rotation:')] };
  }
  const rawDoc = doc as Record<string, unknown>;
  for (const key of Object.keys(rawDoc)) {
    if (!TOP_KEYS.includes(key)) ctx.issues.push(issue(at(top, key), `unknown key '${key}' (a playbook has ${TOP_KEYS.join(', ')})`));
  }
  const part = <T>(schema: z.ZodType<T>, key: string): T | undefined => check(schema, rawDoc[key], at(top, key), ctx.issues);
  const raw = {
    name: part(sections.name, 'name'),
    description: part(sections.description, 'description'),
    ip_hosts: part(sections.ip_hosts, 'ip_hosts'),
    trustpoints: part(sections.trustpoints, 'trustpoints'),
    eem: part(sections.eem, 'eem'),
    verify: part(sections.verify, 'verify'),
    rotation: part(sections.rotation, 'rotation'),
    cube: part(sections.cube, 'cube'),
  };
  const trustpoints = buildTrustpoints(raw.trustpoints ?? [], at(top, 'trustpoints'), ctx);
  let eem: EemSpec<EemEnvironmentEntry> | undefined;
  if (raw.eem) {
    eem = {
      environment: buildEnvironment(raw.eem.environment ?? {}, at(top, 'eem', 'environment'), ctx),
      applets: buildApplets(raw.eem.applets ?? [], at(top, 'eem', 'applets'), ctx),
    };
  }
  const cube = raw.cube === undefined ? undefined : buildCube(raw.cube, at(top, 'cube'), trustpoints, ctx);
  const verify = raw.verify
    ? {
        ...buildVerify(raw.verify, at(top, 'verify'), eem, ctx),
        ...buildCubeVerify(raw.verify, at(top, 'verify'), cube, raw.cube !== undefined, trustpoints, ctx),
      }
    : undefined;
  let rotation: RotationSpec | undefined;
  if (raw.rotation) {
    const seconds = parseDuration(raw.rotation.renew_before);
    if (seconds === undefined || seconds === 0) {
      ctx.issues.push(issue(at(top, 'rotation', 'renew_before'), 'must be a duration like 30d, 12h or 2w'));
    } else rotation = { renewBeforeSeconds: seconds };
  }
  if (trustpoints.length === 0 && eem === undefined && raw.cube === undefined && ctx.issues.length === 0) {
    ctx.issues.push(issue(top, 'declares nothing: give trustpoints:, eem: and/or cube:'));
  }
  const playbook: PlaybookSpec = {
    file,
    name: raw.name ?? file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    ...(raw.description !== undefined && { description: raw.description }),
    ipHosts: buildIpHosts(raw.ip_hosts ?? {}, at(top, 'ip_hosts'), ctx),
    trustpoints,
    ...(eem && { eem }),
    ...(verify && { verify }),
    ...(rotation && { rotation }),
    ...(cube && { cube }),
    warnings: [],
  };
  return { playbook, issues: ctx.issues };
}
