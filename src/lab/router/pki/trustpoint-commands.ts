/**
 * `crypto pki trustpoint NAME`, its `(ca-trustpoint)` sub-commands and `no crypto pki trustpoint NAME`.
 * Sub-commands print nothing on success, as on a device (dossier 2.1).
 */
import type { CommandContext, CommandSpec } from '../feature.js';
import type { RouterState } from '../state.js';
import { askYesNo } from './authenticate.js';
import { newTrustpoint, type RevocationMethod, type Trustpoint } from './state.js';

export const TRUSTPOINT_MODE = 'ca-trustpoint';

const INCOMPLETE = '% Incomplete command.\n\n';

function has(ctx: CommandContext, keyword: string): boolean {
  return ctx.params[keyword] !== undefined;
}

/** The trustpoint a `(ca-trustpoint)` command edits; undefined if another session removed it meanwhile. */
function editedTrustpoint(ctx: CommandContext): Trustpoint | undefined {
  return ctx.mode.target === undefined ? undefined : ctx.router.pki.trustpoints.get(ctx.mode.target);
}

/** A sub-command whose `no` form takes no arguments: the grammar makes the arguments optional, so the plain
 * form without them is refused here with IOS's `% Incomplete command.`. */
function option(syntax: string, apply: (tp: Trustpoint, ctx: CommandContext) => boolean | void, clear: (tp: Trustpoint) => void): CommandSpec {
  return {
    modes: [TRUSTPOINT_MODE],
    syntax,
    negatable: true,
    run(ctx) {
      const tp = editedTrustpoint(ctx);
      if (!tp) return;
      if (ctx.negated) clear(tp);
      else if (apply(tp, ctx) === false) ctx.io.print(INCOMPLETE);
    },
  };
}

type TextField = 'subjectName' | 'fqdn' | 'ipAddress' | 'sourceInterface';

/** A sub-command whose one argument the trustpoint keeps as typed. */
function textOption(syntax: string, param: string, field: TextField): CommandSpec {
  return option(
    syntax,
    (tp, ctx) => {
      const value = ctx.params[param];
      if (!value) return false;
      tp[field] = value;
      return true;
    },
    (tp) => delete tp[field],
  );
}

/** A sub-command that takes one of `keywords`. */
function keywordOption(syntax: string, keywords: readonly string[], field: 'usage' | 'hash'): CommandSpec {
  return option(
    syntax,
    (tp, ctx) => {
      const keyword = keywords.find((k) => has(ctx, k));
      if (!keyword) return false;
      tp[field] = keyword;
      return true;
    },
    (tp) => delete tp[field],
  );
}

const REVOCATION_METHODS: readonly RevocationMethod[] = ['none', 'crl', 'ocsp'];

/** The methods in the order typed (`revocation-check crl none` differs from `none crl`); the grammar has already
 * checked each word is a unique prefix of one of them. */
function revocationMethods(line: string): RevocationMethod[] {
  const words = line.trim().split(/\s+/).slice(1);
  return words.flatMap((w) => REVOCATION_METHODS.filter((m) => m.startsWith(w.toLowerCase())).slice(0, 1));
}

const REMOVE_WARNING = '% Removing an enrolled trustpoint will destroy all certificates\n received from the related Certificate Authority.\n\n';

async function removeTrustpoint(ctx: CommandContext, name: string): Promise<void> {
  const pki = ctx.router.pki;
  if (!pki.trustpoints.has(name)) return;
  ctx.io.print(REMOVE_WARNING);
  if (!(await askYesNo(ctx.io, 'Are you sure you want to do this? [yes/no]: '))) return;
  deleteTrustpoint(ctx.router, name);
  ctx.io.print('% Be sure to ask the CA administrator to revoke your certificates.\n');
}

/** Removes a trustpoint and its certificates without asking (NETCONF's delete has no dialog). */
export function deleteTrustpoint(router: RouterState, name: string): void {
  const pki = router.pki;
  pki.trustpoints.delete(name);
  if (pki.generatedSelfSigned === name) pki.generatedSelfSigned = undefined;
}

/** Creates the trustpoint if needed (logging it as IOS XE does) and returns it. */
export function ensureTrustpoint(ctx: CommandContext, name: string): Trustpoint {
  return ensureTrustpointIn(ctx.router, name);
}

/** `ensureTrustpoint` without a CLI command: NETCONF's edit-config creates trustpoints too. */
export function ensureTrustpointIn(router: RouterState, name: string): Trustpoint {
  const pki = router.pki;
  let tp = pki.trustpoints.get(name);
  if (!tp) {
    tp = newTrustpoint(name);
    const generated = pki.generatedSelfSigned;
    if (generated !== undefined && name.startsWith('TP-self-signed-')) {
      // The replayed self-signed trustpoint takes the made-up one's place, keeping the config order.
      const entries = [...pki.trustpoints].map(([key, value]): [string, Trustpoint] => (key === generated ? [name, tp as Trustpoint] : [key, value]));
      pki.trustpoints.clear();
      for (const [key, value] of entries) pki.trustpoints.set(key, value);
      pki.generatedSelfSigned = undefined;
    }
    pki.trustpoints.set(name, tp);
    // IOS's own spelling (17.x boot logs, C9800, IOSv).
    router.syslog.log('PKI', 6, 'TRUSTPOINT_CREATE', `Trustpoint: ${name} created succesfully`);
  }
  return tp;
}

export const trustpointCommands: readonly CommandSpec[] = [
  {
    modes: ['config'],
    syntax: 'crypto pki trustpoint <name>',
    negatable: true,
    async run(ctx) {
      const name = ctx.params.name ?? '';
      if (ctx.negated) {
        await removeTrustpoint(ctx, name);
        return;
      }
      ensureTrustpoint(ctx, name);
      ctx.enterMode({ id: TRUSTPOINT_MODE, target: name });
    },
  },
  option(
    'enrollment [{ terminal [pem] | url <url> | selfsigned | pkcs12 }]',
    (tp, ctx) => {
      if (has(ctx, 'terminal')) tp.enrollment = { kind: 'terminal', pem: has(ctx, 'pem') };
      else if (ctx.params.url !== undefined) tp.enrollment = { kind: 'url', url: ctx.params.url };
      else if (has(ctx, 'selfsigned')) tp.enrollment = { kind: 'selfsigned' };
      else if (has(ctx, 'pkcs12')) tp.enrollment = { kind: 'pkcs12' };
      else return false;
      return true;
    },
    (tp) => delete tp.enrollment,
  ),
  option(
    'revocation-check [{ none | crl | ocsp }] [{ none | crl | ocsp }] [{ none | crl | ocsp }]',
    (tp, ctx) => {
      const methods = revocationMethods(ctx.line);
      if (methods.length === 0) return false;
      tp.revocationCheck = methods;
      return true;
    },
    (tp) => delete tp.revocationCheck,
  ),
  option(
    'chain-validation [{ stop | continue [<parent>] }]',
    (tp, ctx) => {
      if (has(ctx, 'stop')) tp.chainValidation = { kind: 'stop' };
      else if (has(ctx, 'continue')) {
        // Plain `continue` is the default, which IOS does not render.
        if (ctx.params.parent === undefined) delete tp.chainValidation;
        else tp.chainValidation = { kind: 'continue', parent: ctx.params.parent };
      } else return false;
      return true;
    },
    (tp) => delete tp.chainValidation,
  ),
  textOption('subject-name [<name...>]', 'name', 'subjectName'),
  option(
    'rsakeypair [<label> [<bits>]]',
    (tp, ctx) => {
      const label = ctx.params.label;
      if (!label) return false;
      const bits = ctx.params.bits === undefined ? undefined : Number(ctx.params.bits);
      tp.rsakeypair = bits !== undefined && Number.isInteger(bits) ? { label, bits } : { label };
      return true;
    },
    (tp) => delete tp.rsakeypair,
  ),
  option(
    // Typed with or without the spaces of IOS's groups (`fingerprint 8A718CE3 B97E9FC7 ...`, CCNPAUTO lab);
    // the running config shows it in one piece (pqc R1-macsec config).
    'fingerprint [<hex...>]',
    (tp, ctx) => {
      if (!ctx.params.hex) return false;
      tp.fingerprint = ctx.params.hex.replace(/\s+/g, '').toUpperCase();
      return true;
    },
    (tp) => delete tp.fingerprint,
  ),
  textOption('fqdn [<name>]', 'name', 'fqdn'),
  textOption('ip-address [<address>]', 'address', 'ipAddress'),
  textOption('source interface [<name>]', 'name', 'sourceInterface'),
  keywordOption('usage [{ ike | ssl-client | ssl-server }]', ['ike', 'ssl-client', 'ssl-server'], 'usage'),
  keywordOption('hash [{ md5 | sha1 | sha256 | sha384 | sha512 }]', ['md5', 'sha1', 'sha256', 'sha384', 'sha512'], 'hash'),
  option(
    'serial-number [none]',
    (tp, ctx) => {
      tp.serialNumber = has(ctx, 'none') ? 'none' : 'include';
    },
    (tp) => delete tp.serialNumber,
  ),
];
