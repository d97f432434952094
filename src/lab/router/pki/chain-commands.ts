/**
 * `crypto pki certificate chain NAME` → `(config-cert-chain)`, `certificate [ca|self-signed] SERIAL` →
 * `(config-pki-hexmode)`, the DER typed as hex lines, `quit`. This is how a startup config brings certificates
 * back after a reload, so it is also the lab's persistence path for authenticated chains.
 */
import { derFromIosHex } from '../../../certs/ios-format.js';
import type { CommandContext, CommandSpec, ModeSpec } from '../feature.js';
import { askYesNo } from './authenticate.js';
import { parseCertificateShared } from './facts-cache.js';
import { chainEntryKey, type CertificateRole, type Trustpoint } from './state.js';
import { ensureTrustpoint } from './trustpoint-commands.js';

export const CHAIN_MODE = 'config-cert-chain';
export const HEX_MODE = 'config-pki-hexmode';

const HEX_LINE = /^[0-9A-Fa-f\s]+$/;
/** Wording not captured; `status = FAIL` is IOS XE's only certificate-save failure text seen. */
const BAD_CERTIFICATE = '% Error in saving certificate: status = FAIL\n';

/** Length of the whole DER element once its header has arrived, undefined while too short to say. */
export function derLength(der: Buffer): number | undefined {
  if (der.length < 2) return undefined;
  const first = der[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (der.length < 2 + octets) return undefined;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (der[2 + i] ?? 0);
  return 2 + octets + length;
}

function install(ctx: CommandContext, tp: Trustpoint, role: CertificateRole, der: Buffer): void {
  const facts = parseCertificateShared(der, tp.name);
  // A trustpoint holds one CA certificate and one of its own, so a replayed chain replaces what it finds.
  const sameSlot = (r: CertificateRole): boolean => (role === 'ca' ? r === 'ca' : r !== 'ca');
  const kept = tp.certificates.filter((c) => !sameSlot(c.role));
  tp.certificates.splice(0, tp.certificates.length, ...kept, { role, facts, installedAt: ctx.router.now() });
}

/** A hex line of `(config-pki-hexmode)`: accumulated until the DER is complete, then installed. */
async function hexLine(ctx: CommandContext, line: string): Promise<boolean> {
  if (!HEX_LINE.test(line) || line.trim() === '') return false;
  const name = ctx.mode.target ?? '';
  const role = (ctx.mode.detail?.role ?? 'ca') as CertificateRole;
  const key = chainEntryKey(name, role, ctx.mode.detail?.serial ?? '');
  const pki = ctx.router.pki;
  const hex = (pki.hexInput.get(key) ?? '') + line.replace(/\s+/g, '');
  pki.hexInput.set(key, hex);
  const der = Buffer.from(hex.length % 2 === 0 ? hex : hex.slice(0, -1), 'hex');
  const total = derLength(der);
  if (total === undefined || der.length < total) return true;
  pki.hexInput.delete(key);
  try {
    install(ctx, ensureTrustpoint(ctx, name), role, derFromIosHex(hex.slice(0, total * 2)));
  } catch {
    ctx.io.print(BAD_CERTIFICATE);
  }
  return true;
}

export const chainModes: readonly ModeSpec[] = [
  { id: CHAIN_MODE, promptTag: 'config-cert-chain', parent: 'config' },
  { id: HEX_MODE, promptTag: 'config-pki-hexmode', parent: CHAIN_MODE, leaveWord: 'quit', rawLine: hexLine },
];

function certificateCommand(syntax: string, role: CertificateRole): CommandSpec {
  return {
    modes: [CHAIN_MODE],
    syntax,
    negatable: true,
    async run(ctx) {
      const name = ctx.mode.target ?? '';
      const serial = (ctx.params.serial ?? '').toUpperCase();
      if (ctx.negated) {
        const tp = ctx.router.pki.trustpoints.get(name);
        const matches = (r: CertificateRole): boolean => (role === 'ca' ? r === 'ca' : r !== 'ca');
        const cert = tp?.certificates.find((c) => matches(c.role) && c.facts.serialHex === serial);
        if (!tp || !cert) return;
        // IOS asks before deleting one certificate of a chain. [unverified wording, from memory of IOS 15]
        if (!(await askYesNo(ctx.io, '% Are you sure you want to remove the certificate [yes/no]: '))) return;
        tp.certificates.splice(tp.certificates.indexOf(cert), 1);
        ctx.io.print('% Be sure to ask the CA administrator to revoke this certificate.\n');
        return;
      }
      ctx.router.pki.hexInput.delete(chainEntryKey(name, role, serial));
      ctx.enterMode({ id: HEX_MODE, target: name, detail: { role, serial } });
    },
  };
}

export const chainCommands: readonly CommandSpec[] = [
  {
    modes: ['config'],
    syntax: 'crypto pki certificate chain <name>',
    negatable: true,
    async run(ctx) {
      const name = ctx.params.name ?? '';
      if (ctx.negated) {
        const tp = ctx.router.pki.trustpoints.get(name);
        if (!tp) return;
        // genielibs answers a prompt matching `This will remove all certificates for trustpoint`; the rest of the
        // wording follows `no crypto pki trustpoint`. [partly unverified]
        ctx.io.print(`This will remove all certificates for trustpoint ${name}\n`);
        if (await askYesNo(ctx.io, 'Are you sure you want to do this? [yes/no]: ')) tp.certificates.splice(0);
        return;
      }
      ensureTrustpoint(ctx, name);
      ctx.enterMode({ id: CHAIN_MODE, target: name });
    },
  },
  certificateCommand('certificate ca <serial>', 'ca'),
  certificateCommand('certificate self-signed <serial>', 'self-signed'),
  certificateCommand('certificate <serial>', 'identity'),
];
