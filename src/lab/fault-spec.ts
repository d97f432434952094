/**
 * `--fault DEVICE:KIND[=VALUE]` as `certagent lab` takes it: which router shows which fault. Pure parsing into
 * the lab router's `FaultPlan`, with errors that name the accepted forms.
 */
import type { FaultPlan } from './router/faults.js';
import { isProfileName, PROFILES } from './router/profiles/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `\n` in a banner given on the command line is a new line. */
function bannerValue(text: string | undefined): string {
  return (text ?? '').replace(/\\n/g, '\n');
}

interface FaultKind {
  readonly value: 'none' | 'text' | 'number' | 'optional-list';
  readonly help: string;
  apply(plan: Mutable<FaultPlan>, value: string | undefined): void;
}

const KINDS: Readonly<Record<string, FaultKind>> = {
  refuse: { value: 'none', help: 'TCP connections are closed before the SSH banner', apply: (p) => (p.refuseConnections = true) },
  'reject-password': { value: 'none', help: 'every password is rejected', apply: (p) => (p.rejectPasswords = true) },
  'drop-at': { value: 'text', help: 'the session drops at a command line starting with CMD', apply: (p, v) => (p.dropAtCommand = v) },
  'hang-at': { value: 'text', help: 'after a command starting with CMD the prompt never returns', apply: (p, v) => (p.hangAtCommand = v) },
  'drop-after': { value: 'number', help: 'the session drops after BYTES bytes of output', apply: (p, v) => (p.dropAfterBytes = Number(v)) },
  'reject-cert': {
    value: 'optional-list',
    help: 'crypto pki authenticate refuses the certificate (for TP1,TP2,... or every trustpoint)',
    apply: (p, v) => (p.rejectCertificate = v === undefined ? true : v.split(',').filter((tp) => tp !== '')),
  },
  'quiet-decline': { value: 'none', help: 'answering no at the certificate question prints nothing', apply: (p) => (p.quietDecline = true) },
  'garble-hex': {
    value: 'none',
    help: "a log message breaks a line of every certificate's hex in show running-config",
    apply: (p) => (p.garbleHex = true),
  },
  'fail-write': { value: 'none', help: 'write memory fails with the NVRAM error', apply: (p) => (p.failWriteMemory = true) },
  latency: { value: 'number', help: 'MS of delay before each command output', apply: (p, v) => (p.commandLatencyMs = Number(v)) },
  'line-latency': { value: 'number', help: 'MS of delay per output line', apply: (p, v) => (p.lineLatencyMs = Number(v)) },
  chunk: {
    value: 'number',
    help: 'every output in random packets of 1..N bytes, a little apart (seeded by the hostname)',
    apply: (p, v) => (p.chunkMaxBytes = Math.max(1, Number(v))),
  },
  syslog: {
    value: 'number',
    help: 'a syslog line before about one output line in N, as terminal monitor prints them',
    apply: (p, v) => (p.syslogEveryLines = Math.max(1, Number(v))),
  },
  'aaa-in-band': { value: 'none', help: 'SSH takes the connection with none, then the shell asks Username:/Password:', apply: (p) => (p.inBandLogin = true) },
  'deny-config': { value: 'none', help: 'config-mode commands get Command authorization failed. (TACACS+)', apply: (p) => (p.denyConfigCommands = true) },
  'require-pin': { value: 'none', help: 'authenticate refuses unpinned CAs although show version says 17.x', apply: (p) => (p.requireFingerprintPin = true) },
  'banner-motd': { value: 'text', help: 'the motd banner (\\n for a new line)', apply: (p, v) => (p.banners = { ...p.banners, motd: bannerValue(v) }) },
  'banner-login': {
    value: 'text',
    help: 'the login banner, sent before SSH authentication',
    apply: (p, v) => (p.banners = { ...p.banners, login: bannerValue(v) }),
  },
  'banner-exec': {
    value: 'text',
    help: 'the exec banner, shown before the first prompt',
    apply: (p, v) => (p.banners = { ...p.banners, exec: bannerValue(v) }),
  },
  profile: {
    value: 'text',
    help: `the IOS XE release the router plays: ${Object.keys(PROFILES).join(', ')}`,
    apply: (p, v) => {
      if (v === undefined || !isProfileName(v)) throw new Error(`--fault profile=${v ?? ''}: unknown profile; known: ${Object.keys(PROFILES).join(', ')}`);
      p.profile = v;
    },
  },
};

export const FAULT_HELP = Object.entries(KINDS).map(([name, kind]) => {
  const number = name.includes('latency') ? '=MS' : name === 'drop-after' ? '=BYTES' : '=N';
  const text = name === 'profile' ? '=NAME' : name.startsWith('banner') ? '=TEXT' : '=CMD';
  const value = { none: '', text, number, 'optional-list': '[=TP,...]' }[kind.value];
  return `${name}${value}: ${kind.help}`;
});

export interface FaultSpec {
  /** A hostname (`lab-r002`), a 1-based device number (`2`) or `all`. */
  readonly device: string;
  readonly plan: FaultPlan;
}

/** Parses one `DEVICE:KIND[=VALUE]`; throws an Error whose message says what is accepted. */
export function parseFaultSpec(text: string): FaultSpec {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error(`--fault "${text}": expected DEVICE:KIND[=VALUE], e.g. lab-r002:drop-at=show run`);
  const device = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const equals = rest.indexOf('=');
  const name = equals === -1 ? rest : rest.slice(0, equals);
  const value = equals === -1 ? undefined : rest.slice(equals + 1);
  const kind = KINDS[name];
  if (kind === undefined) {
    throw new Error(`--fault "${text}": unknown fault "${name}"; known: ${Object.keys(KINDS).join(', ')}`);
  }
  if (kind.value === 'none' && value !== undefined) throw new Error(`--fault "${text}": ${name} takes no value`);
  if ((kind.value === 'text' || kind.value === 'number') && (value === undefined || value.trim() === '')) {
    throw new Error(`--fault "${text}": ${name} needs a value (${name}=...)`);
  }
  if (kind.value === 'number' && !/^\d+$/.test(value ?? '')) {
    throw new Error(`--fault "${text}": ${name} needs a whole number, not "${value ?? ''}"`);
  }
  const plan: Mutable<FaultPlan> = {};
  kind.apply(plan, value);
  return { device, plan };
}

/** Which device a spec's DEVICE means, among `hostnames`; `all` gives every one. */
export function faultTargets(device: string, hostnames: readonly string[]): readonly string[] {
  if (device === 'all') return hostnames;
  if (hostnames.includes(device)) return [device];
  if (/^\d+$/.test(device)) {
    const name = hostnames[Number(device) - 1];
    if (name !== undefined) return [name];
  }
  const shown = hostnames.length <= 4 ? hostnames.join(', ') : `${hostnames[0] ?? ''} .. ${hostnames[hostnames.length - 1] ?? ''}`;
  throw new Error(`--fault device "${device}" is not in the lab: use a hostname (${shown}), a number 1..${hostnames.length} or all`);
}

/** Per hostname, every spec's plan merged in order (a later spec of the same kind wins). */
export function faultPlans(specs: readonly FaultSpec[], hostnames: readonly string[]): Record<string, FaultPlan> {
  const plans: Record<string, FaultPlan> = {};
  for (const spec of specs) {
    for (const name of faultTargets(spec.device, hostnames)) {
      const banners = plans[name]?.banners || spec.plan.banners ? { ...plans[name]?.banners, ...spec.plan.banners } : undefined;
      plans[name] = { ...plans[name], ...spec.plan, ...(banners && { banners }) };
    }
  }
  return plans;
}
