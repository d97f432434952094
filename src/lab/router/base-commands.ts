/**
 * The engine's own commands: privilege and terminal handling, the base show commands, saving the config,
 * and the base configuration (hostname, ip host, accounts, interfaces, lines). Lines of a real C8000V
 * config the lab does not model (`service ...`, `platform ...`) are accepted and ignored, so pasted or
 * saved configs replay without errors.
 */
import type { ModeSpec } from './feature.js';
import { CONFIG, EXEC, type EngineCommand, type EngineContext, type EngineFeature } from './registry.js';
import { garbleCertificateHex } from './garble.js';
import { showRunningConfig } from './running-config.js';
import { Secret } from './secrets.js';
import { showClock, showLogging } from './show-texts.js';
import { syslogTimestamp } from './syslog.js';
import { KEPT_LINES } from './kept-lines.js';
import { BANNER_COMMAND } from './banners.js';
import { withNvramReferences } from './startup-references.js';
import { showHosts, showInventory, showIpInterfaceBrief, showIpRoute, showLine, showUsers } from './probe-shows.js';

const CONFIG_IF = 'config-if';
const CONFIG_LINE = 'config-line';

const MODES: readonly ModeSpec[] = [
  { id: CONFIG_IF, promptTag: 'config-if', parent: CONFIG },
  { id: CONFIG_LINE, promptTag: 'config-line', parent: CONFIG },
];

/** The real IOS XE refusal when NVRAM cannot be written (the lab's failWriteMemory fault). */
export const NVRAM_ERROR = '%Error opening nvram:startup-config (No space left on device)';
const NVRAM_SIZE = 33554432;

const INTERFACE_TYPES = ['GigabitEthernet', 'Loopback', 'Tunnel', 'VirtualPortGroup'];

/** `gi1`, `GigabitEthernet 1`, `loop0` → the full IOS name, or undefined when no type matches. */
export function interfaceName(typed: string): string | undefined {
  const match = /^([A-Za-z-]+)\s*(\d+(?:[/.]\d+)*)$/.exec(typed.trim());
  if (!match) return undefined;
  const prefix = (match[1] as string).toLowerCase();
  const types = INTERFACE_TYPES.filter((t) => t.toLowerCase().startsWith(prefix));
  return types.length === 1 ? `${types[0] as string}${match[2] as string}` : undefined;
}

function numberParam(ctx: EngineContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.params[name] ?? '';
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  ctx.session.invalid(ctx.line.lastIndexOf(raw));
  return undefined;
}

async function saveConfig(ctx: EngineContext): Promise<void> {
  ctx.io.print('Building configuration...\n');
  if (ctx.router.faults.failWriteMemory) {
    ctx.io.print(`${NVRAM_ERROR}\n`);
    return;
  }
  await ctx.runtime.startup.save(ctx.runtime.runningConfig());
  ctx.runtime.base.lastSaved = ctx.router.now();
  ctx.io.print('[OK]\n');
}

const exec: EngineCommand[] = [
  {
    modes: [EXEC],
    syntax: 'enable',
    async run(ctx) {
      if (ctx.session.privilege >= 15) return;
      if (ctx.session.trusted) {
        ctx.session.setPrivilege(15);
        return;
      }
      const secret = ctx.runtime.base.enableSecret;
      if (!secret) {
        ctx.io.print('% No password set\n');
        return;
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        if (secret.matches(await ctx.session.readSecret('Password: '))) {
          ctx.session.setPrivilege(15);
          return;
        }
      }
      ctx.io.print('% Bad secrets\n\n');
    },
  },
  { modes: [EXEC], syntax: 'disable', privileged: true, run: (ctx) => ctx.session.setPrivilege(1) },
  { modes: [EXEC], syntax: '{exit|logout|quit}', run: (ctx) => ctx.session.close() },
  {
    modes: [EXEC],
    syntax: 'terminal length <lines>',
    run(ctx) {
      const lines = numberParam(ctx, 'lines', 0, 512);
      if (lines !== undefined) ctx.session.terminalLength = lines;
    },
  },
  {
    modes: [EXEC],
    syntax: 'terminal width <columns>',
    run(ctx) {
      const width = numberParam(ctx, 'columns', 0, 512);
      if (width !== undefined) ctx.session.terminalWidth = width;
    },
  },
  { modes: [EXEC], syntax: 'terminal [no] monitor', run: (ctx) => ctx.session.setMonitor(ctx.params['no'] === undefined) },
  {
    modes: [EXEC],
    syntax: 'show version',
    run: (ctx) => ctx.io.print(ctx.router.profile.showVersion(ctx.router.hostname, ctx.router.now().getTime() - ctx.runtime.bootedAt.getTime())),
  },
  { modes: [EXEC], syntax: 'show privilege', run: (ctx) => ctx.io.print(`Current privilege level is ${ctx.session.privilege}\n`) },
  { modes: [EXEC], syntax: 'show clock', run: (ctx) => ctx.io.print(showClock(ctx.router.now())) },
  { modes: [EXEC], syntax: 'show ip interface brief', run: (ctx) => ctx.io.print(showIpInterfaceBrief(ctx.runtime.base.interfaces)) },
  { modes: [EXEC], syntax: 'show ip route', run: (ctx) => ctx.io.print(showIpRoute(ctx.runtime.base.interfaces)) },
  { modes: [EXEC], syntax: 'show inventory', run: (ctx) => ctx.io.print(showInventory('9XLWRY40A2V')) },
  { modes: [EXEC], syntax: 'show hosts', run: (ctx) => ctx.io.print(showHosts(ctx.router.ipHosts)) },
  {
    modes: [EXEC],
    syntax: 'show users',
    run: (ctx) => ctx.io.print(showUsers([{ line: ctx.session.lineName, username: ctx.session.username, peer: ctx.session.peer, self: true }])),
  },
  {
    modes: [EXEC],
    syntax: 'show line',
    run: (ctx) => ctx.io.print(showLine(new Set(/^vty(\d+)$/.test(ctx.session.lineName) ? [Number(ctx.session.lineName.slice(3))] : []))),
  },
  {
    modes: [EXEC],
    syntax: 'show logging',
    run: (ctx) => ctx.io.print(showLogging(ctx.router.syslog.entries(), ctx.router.syslog.count, ctx.router.monitorLoggingOff !== true)),
  },
  {
    modes: [EXEC],
    syntax: 'show running-config',
    privileged: true,
    run(ctx) {
      const config = ctx.runtime.runningConfig();
      const log = `${syslogTimestamp(ctx.router.now())}: %SYS-5-CONFIG_I: Configured from console by admin on vty1 (192.0.2.7)`;
      ctx.io.print(showRunningConfig(ctx.router.faults.garbleHex ? garbleCertificateHex(config, log) : config));
    },
  },
  {
    modes: [EXEC],
    syntax: 'show startup-config',
    privileged: true,
    async run(ctx) {
      const text = await ctx.runtime.startup.load();
      ctx.io.print(
        text === undefined ? 'startup-config is not present\n' : `Using ${Buffer.byteLength(text)} out of ${NVRAM_SIZE} bytes\n${withNvramReferences(text)}`,
      );
    },
  },
  { modes: [EXEC], syntax: 'write [memory]', privileged: true, run: saveConfig },
  {
    modes: [EXEC],
    syntax: 'copy {running-config|system:running-config} {startup-config|nvram:startup-config}',
    privileged: true,
    async run(ctx) {
      const answer = (await ctx.io.ask('Destination filename [startup-config]? ')).trim();
      if (answer !== '' && answer !== 'startup-config') {
        ctx.io.print(`%Error opening nvram:${answer} (No such file or directory)\n`);
        return;
      }
      await saveConfig(ctx);
    },
  },
  {
    modes: [EXEC],
    syntax: 'configure terminal [lock]',
    privileged: true,
    run(ctx) {
      const lock = ctx.router.configLock;
      if (lock && lock.owner !== ctx.session) {
        // IOS XE's text (Unicon's IOS XE mock device, unicon.plugins src/unicon/plugins/tests/mock/mock_device_iosxe.py);
        // the session stays in privileged EXEC.
        ctx.io.print(`Configuration mode is locked by process '${lock.process}' user '${lock.user}' from terminal '${lock.terminal}'. Please try later.\n`);
        return;
      }
      ctx.io.print('Enter configuration commands, one per line.  End with CNTL/Z.\n');
      if (ctx.params['lock'] !== undefined) ctx.session.lockConfig();
      ctx.enterMode({ id: CONFIG });
    },
  },
];

/** Global lines of a real config the lab accepts without modelling them. */
const IGNORED_GLOBAL = [
  'version <version>',
  'service <options...>',
  'platform <options...>',
  'boot-start-marker',
  'boot-end-marker',
  'aaa new-model',
  'redundancy',
  'control-plane',
  'ip forward-protocol nd',
  'ip http {server|secure-server}',
  'ip ssh <options...>',
  'ip domain name <name>',
];

const config: EngineCommand[] = [
  {
    modes: [CONFIG],
    syntax: 'hostname <name>',
    negatable: true,
    run(ctx) {
      if (ctx.negated) {
        ctx.router.hostname = 'Router';
        return;
      }
      const name = ctx.params['name'] ?? '';
      if (!/^[A-Za-z][A-Za-z0-9._-]{0,62}$/.test(name)) {
        ctx.io.print('% Hostname contains one or more illegal characters.\n');
        return;
      }
      ctx.router.hostname = name;
    },
  },
  {
    modes: [CONFIG],
    syntax: 'ip host <name> [<addresses...>]',
    negatable: true,
    run(ctx) {
      const name = ctx.params['name'] ?? '';
      if (ctx.negated) {
        ctx.router.ipHosts.delete(name);
      } else if (ctx.params['addresses'] === undefined) {
        ctx.session.incomplete();
      } else {
        ctx.router.ipHosts.set(name, ctx.params['addresses'].split(/\s+/).join(' '));
      }
    },
  },
  {
    modes: [CONFIG],
    syntax: 'enable secret [<secret...>]',
    negatable: true,
    run(ctx) {
      const base = ctx.runtime.base;
      if (ctx.negated) {
        delete base.enableSecret;
        return;
      }
      const secret = parseSecret(ctx.params['secret']);
      if (secret) base.enableSecret = secret;
      else ctx.session.incomplete();
    },
  },
  {
    modes: [CONFIG],
    syntax: 'username <name> [<options...>]',
    negatable: true,
    run(ctx) {
      const name = ctx.params['name'] ?? '';
      const users = ctx.runtime.base.users;
      if (ctx.negated) {
        users.delete(name);
        return;
      }
      const match = /^(?:privilege (\d+) )?(?:secret|password) (.+)$/.exec(ctx.params['options'] ?? '');
      const secret = parseSecret(match?.[2]);
      if (!match || !secret) {
        ctx.session.incomplete();
        return;
      }
      const account = users.get(name);
      const privilege = match[1] === undefined ? 1 : Number(match[1]);
      users.set(name, { name, privilege, secret, publicKeys: account?.publicKeys ?? [] });
    },
  },
  {
    modes: [CONFIG],
    syntax: 'interface <name...>',
    run(ctx) {
      const name = interfaceName(ctx.params['name'] ?? '');
      if (!name) {
        ctx.session.invalid(ctx.line.indexOf(ctx.params['name'] ?? ''));
        return;
      }
      const interfaces = ctx.runtime.base.interfaces;
      if (!interfaces.has(name)) interfaces.set(name, { shutdown: false, negotiationAuto: false });
      ctx.enterMode({ id: CONFIG_IF, target: name });
    },
  },
  {
    modes: [CONFIG],
    syntax: 'line {console|vty|aux} <first> [<last>]',
    run(ctx) {
      const kind = ctx.params['console'] !== undefined ? 'con' : ctx.params['vty'] !== undefined ? 'vty' : 'aux';
      const name = [kind, ctx.params['first'], ctx.params['last']].filter((p) => p !== undefined).join(' ');
      const lines = ctx.runtime.base.lines;
      if (!lines.has(name)) lines.set(name, []);
      ctx.enterMode({ id: CONFIG_LINE, target: name });
    },
  },
  {
    // Only on/off is modelled: with a severity level the lab would still stream every line.
    modes: [CONFIG],
    syntax: 'logging monitor [<level>]',
    negatable: true,
    run(ctx) {
      ctx.router.monitorLoggingOff = ctx.negated;
    },
  },
  BANNER_COMMAND,
  ...IGNORED_GLOBAL.map((syntax): EngineCommand => ({ modes: [CONFIG], syntax, negatable: true, run: () => undefined })),
  ...KEPT_LINES,
];

function currentInterface(ctx: EngineContext): { shutdown: boolean; negotiationAuto: boolean; description?: string; address?: string } {
  const config = ctx.runtime.base.interfaces.get(ctx.mode.target ?? '');
  if (!config) throw new Error(`interface ${ctx.mode.target ?? '?'} vanished while configured`);
  return config;
}

const interfaceCommands: EngineCommand[] = [
  {
    modes: [CONFIG_IF],
    syntax: 'description <text...>',
    negatable: true,
    run(ctx) {
      const i = currentInterface(ctx);
      if (ctx.negated) delete i.description;
      else i.description = ctx.params['text'];
    },
  },
  {
    modes: [CONFIG_IF],
    syntax: 'ip address [{dhcp|<address> <mask>}]',
    negatable: true,
    run(ctx) {
      const i = currentInterface(ctx);
      if (ctx.negated) delete i.address;
      else if (ctx.params['dhcp'] !== undefined) i.address = 'dhcp';
      else if (ctx.params['address'] !== undefined) i.address = `${ctx.params['address']} ${ctx.params['mask'] ?? ''}`;
      else ctx.session.incomplete();
    },
  },
  {
    modes: [CONFIG_IF],
    syntax: 'shutdown',
    negatable: true,
    run: (ctx) => {
      currentInterface(ctx).shutdown = !ctx.negated;
    },
  },
  {
    modes: [CONFIG_IF],
    syntax: 'negotiation auto',
    negatable: true,
    run: (ctx) => {
      currentInterface(ctx).negotiationAuto = !ctx.negated;
    },
  },
];

/** Line sub-commands, kept as rendered text; `key` finds the line a new value replaces. */
const LINE_SETTINGS: readonly {
  readonly syntax: string;
  readonly key: string;
  readonly render: (p: Readonly<Record<string, string | undefined>>) => string;
}[] = [
  { syntax: 'exec-timeout <minutes> [<seconds>]', key: 'exec-timeout', render: (p) => `exec-timeout ${p['minutes'] ?? ''} ${p['seconds'] ?? '0'}` },
  { syntax: 'login [local]', key: 'login', render: (p) => (p['local'] === undefined ? 'login' : 'login local') },
  { syntax: 'transport input <protocols...>', key: 'transport input', render: (p) => `transport input ${p['protocols'] ?? ''}` },
  { syntax: 'privilege level <level>', key: 'privilege level', render: (p) => `privilege level ${p['level'] ?? ''}` },
  { syntax: 'logging synchronous', key: 'logging synchronous', render: () => 'logging synchronous' },
  { syntax: 'length <lines>', key: 'length', render: (p) => `length ${p['lines'] ?? ''}` },
  { syntax: 'width <columns>', key: 'width', render: (p) => `width ${p['columns'] ?? ''}` },
  { syntax: 'stopbits <bits>', key: 'stopbits', render: (p) => `stopbits ${p['bits'] ?? ''}` },
];

const lineCommands: EngineCommand[] = LINE_SETTINGS.map((setting) => ({
  modes: [CONFIG_LINE],
  syntax: setting.syntax,
  negatable: true,
  run(ctx: EngineContext) {
    const children = ctx.runtime.base.lines.get(ctx.mode.target ?? '') ?? [];
    const kept = children.filter((c) => !c.trim().startsWith(setting.key));
    if (!ctx.negated) kept.push(` ${setting.render(ctx.params)}`);
    ctx.runtime.base.lines.set(ctx.mode.target ?? '', kept);
  },
}));

/** `0 clear`, `clear`, `9 $9$...`, `5 $1$...` → a secret; undefined when nothing usable was typed. */
function parseSecret(typed: string | undefined): Secret | undefined {
  const words = (typed ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (words.length >= 2 && /^\d+$/.test(words[0] as string)) {
    const value = words.slice(1).join(' ');
    return words[0] === '0' ? Secret.fromClear(value) : Secret.fromHash(value);
  }
  return Secret.fromClear(words.join(' '));
}

export const BASE_FEATURE: EngineFeature = {
  modes: MODES,
  commands: [...exec, ...config, ...interfaceCommands, ...lineCommands],
};

/** `exit`, `end` and `do` work in every config mode. */
export const UNIVERSAL_COMMANDS: readonly EngineCommand[] = [
  { modes: [], syntax: 'exit', run: (ctx) => ctx.exitMode() },
  { modes: [], syntax: 'end', run: (ctx) => ctx.session.endConfig() },
  {
    modes: [],
    syntax: 'do <command...>',
    async run(ctx) {
      const command = ctx.params['command'] ?? '';
      await ctx.session.runExec(ctx.line, ctx.line.trimEnd().length - command.length);
    },
  },
];
