/**
 * The CUBE commands of the lab router. Modes and prompts as IOS XE prints them (Cisco CUBE and voice guides):
 * `R1(config-sip-ua)#` after `sip-ua`, `R1(conf-voi-serv)#` after `voice service voip`, `R1(conf-serv-sip)#` after
 * its `sip`, `R1(config-dial-peer)#` after `dial-peer voice N voip`.
 */
import type { CommandContext, CommandSpec, ModeSpec } from '../feature.js';
import { refreshTransport } from './tls-trunk.js';
import { showConnectionsBrief, showConnectionsDetail } from './show-text.js';
import { newSipUa, newVoip, voiceState, type DialPeer, type SipUaSettings, type SrtpSetting, type VoiceServiceVoip } from './state.js';

export const SIP_UA_MODE = 'config-sip-ua';
export const VOIP_MODE = 'conf-voi-serv';
export const VOIP_SIP_MODE = 'conf-serv-sip';
export const DIAL_PEER_MODE = 'config-dial-peer';

export const voiceModes: readonly ModeSpec[] = [
  { id: SIP_UA_MODE, promptTag: 'config-sip-ua', parent: 'config' },
  { id: VOIP_MODE, promptTag: 'conf-voi-serv', parent: 'config' },
  { id: VOIP_SIP_MODE, promptTag: 'conf-serv-sip', parent: VOIP_MODE },
  { id: DIAL_PEER_MODE, promptTag: 'config-dial-peer', parent: 'config' },
];

const INCOMPLETE = '% Incomplete command.\n\n';
/** IOS's range for dial-peer tags (`<1-1073741823>  Voice dial-peer tag`). */
const MAX_TAG = 1073741823;

/** The parser's caret under the refused word (dossier 1.4); the prompt is that of the mode the line was typed in. */
function invalidAt(ctx: CommandContext, offset: number): void {
  const tag = voiceModes.find((m) => m.id === ctx.mode.id)?.promptTag ?? 'config';
  const prompt = `${ctx.router.hostname.slice(0, 20)}(${tag})#`;
  ctx.io.print(`${' '.repeat(prompt.length + Math.max(offset, 0))}^\n% Invalid input detected at '^' marker.\n\n`);
}

function sipUa(ctx: CommandContext): SipUaSettings {
  const voice = voiceState(ctx.router);
  voice.sipUa ??= newSipUa();
  return voice.sipUa;
}

function voip(ctx: CommandContext): VoiceServiceVoip {
  const voice = voiceState(ctx.router);
  voice.voip ??= newVoip();
  return voice.voip;
}

function dialPeer(ctx: CommandContext): DialPeer | undefined {
  const tag = Number(ctx.mode.target);
  return voiceState(ctx.router).dialPeers.get(tag);
}

/** `srtp`, `srtp fallback` and their `no` forms: fallback implies srtp, `no srtp fallback` keeps srtp. */
function nextSrtp(current: SrtpSetting, ctx: CommandContext): SrtpSetting {
  const fallback = ctx.params['fallback'] !== undefined;
  if (ctx.negated) return fallback && current === 'fallback' ? 'on' : fallback ? current : 'off';
  return fallback ? 'fallback' : current === 'off' ? 'on' : current;
}

function signaling(ctx: CommandContext): { trustpoint: string; cnSanValidateServer: boolean } | undefined {
  const trustpoint = ctx.params['trustpoint'];
  if (trustpoint === undefined || trustpoint === '') return undefined;
  return { trustpoint, cnSanValidateServer: ctx.params['cn-san-validate'] !== undefined };
}

const configCommands: readonly CommandSpec[] = [
  {
    modes: ['config'],
    syntax: 'sip-ua',
    negatable: true,
    run(ctx) {
      if (ctx.negated) {
        delete voiceState(ctx.router).sipUa;
        return;
      }
      sipUa(ctx);
      ctx.enterMode({ id: SIP_UA_MODE });
    },
  },
  {
    modes: ['config'],
    syntax: 'voice service voip',
    negatable: true,
    run(ctx) {
      if (ctx.negated) {
        delete voiceState(ctx.router).voip;
        return;
      }
      voip(ctx);
      ctx.enterMode({ id: VOIP_MODE });
    },
  },
  {
    modes: ['config'],
    syntax: 'dial-peer voice <tag> [voip]',
    negatable: true,
    run(ctx) {
      const text = ctx.params['tag'] ?? '';
      const tag = Number(text);
      const peers = voiceState(ctx.router).dialPeers;
      if (!/^\d+$/.test(text) || tag < 1 || tag > MAX_TAG) {
        invalidAt(ctx, ctx.line.indexOf(text, ctx.line.indexOf('voice') + 5));
        return;
      }
      if (ctx.negated) {
        peers.delete(tag);
        return;
      }
      if (!peers.has(tag)) {
        if (ctx.params['voip'] === undefined) {
          ctx.io.print(INCOMPLETE);
          return;
        }
        peers.set(tag, { tag, srtp: 'off' });
      }
      ctx.enterMode({ id: DIAL_PEER_MODE, target: String(tag) });
    },
  },
];

const sipUaCommands: readonly CommandSpec[] = [
  {
    modes: [SIP_UA_MODE],
    syntax: 'crypto signaling default [trustpoint <trustpoint>] [cn-san-validate server]',
    negatable: true,
    run(ctx) {
      const ua = sipUa(ctx);
      if (ctx.negated) {
        delete ua.defaultTrustpoint;
        return;
      }
      const chosen = signaling(ctx);
      if (!chosen) {
        ctx.io.print(INCOMPLETE);
        return;
      }
      ua.defaultTrustpoint = chosen;
    },
  },
  {
    modes: [SIP_UA_MODE],
    syntax: 'crypto signaling remote-addr <network> <mask> [trustpoint <trustpoint>] [cn-san-validate server]',
    negatable: true,
    run(ctx) {
      const ua = sipUa(ctx);
      const network = ctx.params['network'] ?? '';
      const mask = ctx.params['mask'] ?? '';
      const key = `${network} ${mask}`;
      if (ctx.negated) {
        ua.remoteAddrs.delete(key);
        return;
      }
      const chosen = signaling(ctx);
      if (!chosen) {
        ctx.io.print(INCOMPLETE);
        return;
      }
      ua.remoteAddrs.set(key, { network, mask, ...chosen });
    },
  },
  {
    modes: [SIP_UA_MODE],
    syntax: 'transport tcp tls [{v1.0|v1.1|v1.2|v1.3}]',
    negatable: true,
    run(ctx) {
      const ua = sipUa(ctx);
      if (ctx.negated) {
        delete ua.transportTls;
        return;
      }
      ua.transportTls = ['v1.0', 'v1.1', 'v1.2', 'v1.3'].find((v) => ctx.params[v] !== undefined) ?? '';
    },
  },
];

const voipCommands: readonly CommandSpec[] = [
  {
    modes: [VOIP_MODE],
    syntax: 'srtp [fallback]',
    negatable: true,
    run(ctx) {
      const settings = voip(ctx);
      settings.srtp = nextSrtp(settings.srtp, ctx);
    },
  },
  {
    modes: [VOIP_MODE],
    syntax: 'sip',
    negatable: true,
    run(ctx) {
      const settings = voip(ctx);
      if (ctx.negated) {
        Object.assign(settings, { sip: false, urlSips: false, sessionTransportTls: false });
        return;
      }
      settings.sip = true;
      ctx.enterMode({ id: VOIP_SIP_MODE });
    },
  },
  {
    modes: [VOIP_SIP_MODE],
    syntax: 'url {sip|sips|tel}',
    negatable: true,
    run(ctx) {
      voip(ctx).urlSips = !ctx.negated && ctx.params['sips'] !== undefined;
    },
  },
  {
    modes: [VOIP_SIP_MODE],
    syntax: 'session transport {udp|tcp [tls]}',
    negatable: true,
    run(ctx) {
      voip(ctx).sessionTransportTls = !ctx.negated && ctx.params['tls'] !== undefined;
    },
  },
];

function peerSetting(syntax: string, apply: (peer: DialPeer, ctx: CommandContext) => void, clear: (peer: DialPeer) => void): CommandSpec {
  return {
    modes: [DIAL_PEER_MODE],
    syntax,
    negatable: true,
    run(ctx) {
      const peer = dialPeer(ctx);
      if (!peer) return;
      if (ctx.negated) clear(peer);
      else apply(peer, ctx);
    },
  };
}

const dialPeerCommands: readonly CommandSpec[] = [
  peerSetting(
    'description <text...>',
    (p, ctx) => (p.description = ctx.params['text'] ?? ''),
    (p) => delete p.description,
  ),
  peerSetting(
    'destination-pattern <pattern>',
    (p, ctx) => (p.destinationPattern = ctx.params['pattern'] ?? ''),
    (p) => delete p.destinationPattern,
  ),
  peerSetting(
    'session protocol sipv2',
    (p) => (p.sessionProtocol = 'sipv2'),
    (p) => delete p.sessionProtocol,
  ),
  peerSetting(
    'session target <target>',
    (p, ctx) => (p.sessionTarget = ctx.params['target'] ?? ''),
    (p) => delete p.sessionTarget,
  ),
  peerSetting(
    'session transport {udp|tcp [tls]}',
    (p, ctx) => (p.sessionTransport = ctx.params['udp'] !== undefined ? 'udp' : ctx.params['tls'] !== undefined ? 'tcp tls' : 'tcp'),
    (p) => delete p.sessionTransport,
  ),
  peerSetting(
    'voice-class sip options-keepalive [<options...>]',
    (p, ctx) => (p.optionsKeepalive = ctx.params['options'] ?? ''),
    (p) => delete p.optionsKeepalive,
  ),
  {
    modes: [DIAL_PEER_MODE],
    syntax: 'srtp [fallback]',
    negatable: true,
    run(ctx) {
      const peer = dialPeer(ctx);
      if (peer) peer.srtp = nextSrtp(peer.srtp, ctx);
    },
  },
];

const showCommands: readonly CommandSpec[] = [
  {
    modes: ['exec'],
    privileged: true,
    syntax: 'show sip-ua connections tcp tls {detail|brief}',
    run(ctx) {
      const voice = refreshTransport(ctx.router);
      ctx.io.print(ctx.params['detail'] !== undefined ? showConnectionsDetail(voice) : showConnectionsBrief(voice));
    },
  },
];

export const voiceCommands: readonly CommandSpec[] = [...configCommands, ...sipUaCommands, ...voipCommands, ...dialPeerCommands, ...showCommands];
