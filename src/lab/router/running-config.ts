/**
 * The running config as IOS XE 17.x prints it: a base C8000V config (the shape of real CSR1000V/C8000V
 * `show running-config` captures) with every feature's blocks placed in RENDER_SLOTS order. Each block is
 * followed by a `!` line, except the final `end`. Pure: state in, text out.
 */
import { RENDER_SLOTS, type ConfigBlock, type Feature, type RenderSlot } from './feature.js';
import type { RouterState } from './state.js';
import type { BaseConfig } from './runtime.js';
import { bannerBlock } from './banners.js';

export const IOS_VERSION_LINE = 'version 17.9';

/** `07:10:59 UTC Mon Nov 23 2026`, the form of `! Last configuration change at ...`. */
export function configTimestamp(date: Date): string {
  const [weekday, day, month, year] = date.toUTCString().replace(',', '').split(' ');
  const time = date.toISOString().slice(11, 19);
  return `${time} UTC ${weekday ?? ''} ${month ?? ''} ${Number(day)} ${year ?? ''}`;
}

export function baseBlocks(state: RouterState, base: BaseConfig): ConfigBlock[] {
  const blocks: ConfigBlock[] = [
    {
      slot: 'header',
      lines: [
        IOS_VERSION_LINE,
        'service timestamps debug datetime msec',
        'service timestamps log datetime msec',
        'service call-home',
        'platform qfp utilization monitor load 80',
        'platform punt-keepalive disable-kernel-core',
        'platform console virtual',
      ],
    },
    { slot: 'hostname', lines: [`hostname ${state.hostname}`] },
    { slot: 'hostname', lines: ['boot-start-marker', 'boot-end-marker', '!'] },
  ];
  const aaa: string[] = [];
  if (base.enableSecret) aaa.push(`enable secret ${base.enableSecret.rendered()}`, '!');
  aaa.push('no aaa new-model');
  blocks.push({ slot: 'aaa', lines: aaa });
  const users = [...base.users.values()].filter((u) => u.secret).map((u) => `username ${u.name} privilege ${u.privilege} secret ${u.secret?.rendered() ?? ''}`);
  if (users.length > 0) blocks.push({ slot: 'username', lines: users });
  blocks.push({ slot: 'username', lines: ['redundancy'] });
  for (const [name, i] of base.interfaces) {
    const lines = [`interface ${name}`];
    if (i.description !== undefined) lines.push(` description ${i.description}`);
    lines.push(i.address === undefined ? ' no ip address' : ` ip address ${i.address}`);
    if (i.shutdown) lines.push(' shutdown');
    if (i.negotiationAuto) lines.push(' negotiation auto');
    blocks.push({ slot: 'interfaces', lines });
  }
  blocks.push({ slot: 'ip', lines: ['ip forward-protocol nd', 'no ip http server', 'no ip http secure-server'] });
  blocks.push({ slot: 'ip', lines: ['ip ssh bulk-mode 131072'] });
  if (base.keptLines.length > 0) blocks.push({ slot: 'ip', lines: [...base.keptLines] });
  // Where IOS puts the line among the globals is a guess: no capture of a config with it was found.
  if (state.monitorLoggingOff === true) blocks.push({ slot: 'ip', lines: ['no logging monitor'] });
  if (state.ipHosts.size > 0) {
    blocks.push({ slot: 'ip-host', lines: [...state.ipHosts].map(([name, address]) => `ip host ${name} ${address}`) });
  }
  blocks.push({ slot: 'control-plane', lines: ['control-plane'] });
  const banners = bannerBlock(base.banners);
  if (banners) blocks.push(banners);
  const lines: string[] = [];
  for (const [name, children] of base.lines) lines.push(`line ${name}`, ...children);
  blocks.push({ slot: 'line', lines });
  blocks.push({ slot: 'end', lines: ['end'] });
  return blocks;
}

/** The config text from the first `!` to `end`, lines ending in `\n`. */
export function renderConfig(state: RouterState, base: BaseConfig, features: readonly Feature[]): string {
  const blocks = [...baseBlocks(state, base), ...features.flatMap((f) => f.render(state))];
  const order = new Map<RenderSlot, number>(RENDER_SLOTS.map((slot, i) => [slot, i]));
  // A stable sort keeps each slot's blocks in the order their owners gave them.
  const sorted = blocks.map((block, i) => ({ block, i })).sort((a, b) => (order.get(a.block.slot) ?? 0) - (order.get(b.block.slot) ?? 0) || a.i - b.i);
  const out: string[] = ['!'];
  if (base.lastChange) {
    out.push(`! Last configuration change at ${configTimestamp(base.lastChange.at)} by ${base.lastChange.by}`);
    if (base.lastSaved) out.push(`! NVRAM config last updated at ${configTimestamp(base.lastSaved)} by ${base.lastChange.by}`);
    out.push('!');
  }
  for (const { block } of sorted) {
    out.push(...block.lines);
    if (block.slot !== 'end') out.push('!');
  }
  return out.join('\n') + '\n';
}

/** `show running-config` as printed: the header, then the config. */
export function showRunningConfig(config: string): string {
  return `Building configuration...\n\nCurrent configuration : ${Buffer.byteLength(config)} bytes\n${config}`;
}
