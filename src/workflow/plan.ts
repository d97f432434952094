/**
 * Planning, pure: facts (what the device holds) + desired state → the changes to make, each with the exact steps
 * to send and the steps that undo it. Only what differs is planned: a trustpoint holding the same certificate
 * (SHA1 equal) with the same options is not touched, nor an equal environment value, applet or `ip host`.
 */
import { hexGroups } from '../certs/ios-format.js';
import { formatDn } from '../certs/names.js';
import { authenticateCommand, removeTrustpointDialog, trustpointConfigLines, trustpointModeLine } from '../device/index.js';
import type { TrustpointConfig } from '../device/index.js';
import { Secret } from '../config/index.js';
import type { ChangeRecord } from '../report/events.js';
import type { DesiredState, DesiredTrustpoint } from './desired.js';
import { sameApplet } from './eem-render.js';
import { FactsReadError, WorkflowError } from './errors.js';
import { assertReadable, installedCertificate, UnreadableFactsError } from './facts.js';
import type { DeviceFacts, InstalledCertificate, InstalledTrustpoint } from './facts.js';
import { line, showLine, SECRET_PLACEHOLDER } from './lines.js';
import { ownedByRouter } from './protected.js';
import type { CommandLine } from './lines.js';

export type Step =
  | { readonly kind: 'config'; readonly lines: readonly CommandLine[] }
  | {
      readonly kind: 'authenticate';
      readonly trustpoint: string;
      readonly der: Buffer;
      /** Upper-case hex without separators, computed locally from the DER. */
      readonly md5: string;
      readonly sha1: string;
      /** As IOS prints it: upper-case hex, sign byte kept. */
      readonly serialHex: string;
      /** e.g. `cn=Lab Root R1, serial 01`. */
      readonly label: string;
    }
  | { readonly kind: 'remove-trustpoint'; readonly trustpoint: string };

export type ChangeKind = 'create' | 'replace' | 'authenticate' | 'options' | 'environment' | 'applet' | 'ip-host';

export interface PlannedChange {
  readonly kind: ChangeKind;
  /** The object's own name (trustpoint, EEM variable, applet or `ip host` name); `kind` says which of them. */
  readonly name: string;
  readonly record: ChangeRecord;
  readonly steps: readonly Step[];
  /** Undoes `steps` (run in this order), also when only some of them went through. */
  readonly rollback: readonly Step[];
  readonly trustpoint?: string;
}

export interface DevicePlan {
  readonly changes: readonly PlannedChange[];
  /** Changes the plan will not make: trustpoints the router owns, without the playbook's `take_over: true`. */
  readonly refused: readonly string[];
  /** With `renewBeforeSeconds` (rotate): managed trustpoints that hold an expired certificate after this plan. */
  readonly expired: readonly string[];
  /** Objects found as desired. */
  readonly unchanged: readonly ChangeRecord[];
  /** Things worth telling that need no change (stale chain members left in place, expiry warnings). */
  readonly notes: readonly string[];
}

export interface PlanOptions {
  /** Plan only these kinds of change (rotate: certificates only). */
  readonly only?: readonly ChangeKind[];
  /** With `now`, warns about installed certificates that expire within this many seconds. */
  readonly renewBeforeSeconds?: number;
  readonly now?: Date;
}

function certLabel(cert: { readonly serialHex: string; readonly commonName?: string }): string {
  return `${cert.commonName ? `cn=${cert.commonName}, ` : ''}serial ${cert.serialHex}`;
}

function installedLabel(ca: InstalledCertificate): string {
  return certLabel({ serialHex: ca.serialHex, ...(ca.facts.commonName !== undefined && { commonName: ca.facts.commonName }) });
}

function authenticateStep(trustpoint: string, der: Buffer, md5: string, sha1: string, serialHex: string, label: string): Step {
  return { kind: 'authenticate', trustpoint, der, md5, sha1, serialHex, label };
}

function desiredAuthenticate(tp: DesiredTrustpoint): Step {
  return authenticateStep(tp.name, tp.cert.der, tp.cert.md5, tp.cert.sha1, tp.cert.serialHex, certLabel(tp.cert));
}

function createLines(tp: DesiredTrustpoint): CommandLine[] {
  return trustpointConfigLines({
    name: tp.name,
    ...(tp.pin !== undefined && { fingerprint: tp.pin }),
    revocationCheck: tp.options.revocationCheck,
    chainValidation: tp.options.chainValidation,
  }).map((l) => line(l));
}

/** The trustpoint stanza as it was, to recreate it on rollback. */
function restoreStanza(old: TrustpointConfig): CommandLine[] {
  return [line(trustpointModeLine(old.name)), ...old.lines.map((l) => line(l)), line('exit')];
}

function restoreTrustpoint(old: InstalledTrustpoint): Step[] {
  const steps: Step[] = [{ kind: 'config', lines: restoreStanza(old.config) }];
  if (old.ca) steps.push(authenticateStep(old.name, old.ca.der, old.ca.md5, old.ca.sha1, old.ca.serialHex, installedLabel(old.ca)));
  return steps;
}

interface OptionDiff {
  readonly set: string[];
  readonly undo: string[];
}

function optionDiff(current: TrustpointConfig, tp: DesiredTrustpoint): OptionDiff {
  const set: string[] = [];
  const undo: string[] = [];
  if (!(current.enrollment ?? '').startsWith('terminal')) {
    set.push('enrollment terminal');
    undo.push(current.enrollment ? `enrollment ${current.enrollment}` : 'no enrollment');
  }
  if (current.revocationCheck !== tp.options.revocationCheck) {
    set.push(`revocation-check ${tp.options.revocationCheck}`);
    undo.push(current.revocationCheck ? `revocation-check ${current.revocationCheck}` : 'no revocation-check');
  }
  // IOS shows nothing for the default, `continue` (validate up to a root).
  const cv = current.chainValidation === undefined || current.chainValidation === '' ? 'continue' : current.chainValidation;
  if (cv.split(' ')[0] !== tp.options.chainValidation) {
    set.push(`chain-validation ${tp.options.chainValidation}`);
    undo.push(`chain-validation ${cv}`);
  }
  if (tp.pin !== undefined && current.fingerprint !== tp.pin) {
    set.push(`fingerprint ${tp.pin}`);
    undo.push(current.fingerprint ? `fingerprint ${current.fingerprint}` : 'no fingerprint');
  }
  return { set, undo };
}

function inTrustpoint(name: string, lines: readonly string[]): Step {
  return { kind: 'config', lines: [line(trustpointModeLine(name)), ...lines.map((l) => line(l)), line('exit')] };
}

/**
 * A change to a trustpoint the router owns: refused without `take_over: true`, and with it the record says so in
 * capitals, so nobody reads past it in the plan.
 */
function guardOwned(
  tp: DesiredTrustpoint,
  current: InstalledTrustpoint | undefined,
  planned: PlannedChange | ChangeRecord,
): PlannedChange | ChangeRecord | { refused: string } {
  if (current === undefined || !isChange(planned)) return planned;
  const reasons = ownedByRouter(current);
  if (reasons.length === 0) return planned;
  if (!tp.takeOver)
    return {
      refused: `trustpoint ${tp.name} belongs to the router (${reasons.join(', ')}): certagent would ${planned.record.action === 'updated' ? 'change' : 'replace'} it; add take_over: true to its playbook entry only if you mean to`,
    };
  return { ...planned, record: { ...planned.record, detail: `TAKE OVER (${reasons.join(', ')}): ${planned.record.detail ?? ''}` } };
}

function planTrustpoint(tp: DesiredTrustpoint, facts: DeviceFacts): PlannedChange | ChangeRecord | { refused: string } {
  const current = facts.trustpoints.get(tp.name);
  return guardOwned(tp, current, planTrustpointChange(tp, current));
}

function planTrustpointChange(tp: DesiredTrustpoint, current: InstalledTrustpoint | undefined): PlannedChange | ChangeRecord {
  const object = `trustpoint ${tp.name}`;
  const sha1 = hexGroups(tp.cert.sha1);
  if (!current) {
    return {
      kind: 'create',
      trustpoint: tp.name,
      name: tp.name,
      record: { object, action: 'created', detail: `${certLabel(tp.cert)}, SHA1 ${sha1}` },
      steps: [{ kind: 'config', lines: createLines(tp) }, desiredAuthenticate(tp)],
      rollback: [{ kind: 'remove-trustpoint', trustpoint: tp.name }],
    };
  }
  if (current.ca && current.ca.sha1 !== tp.cert.sha1) {
    const old = current.ca.facts;
    if (old.serialHex === tp.cert.serialHex && formatDn(old.issuer) === formatDn(tp.cert.issuer)) {
      // One issuer never signs two certificates with one serial: other bytes mean a garbled read, not a new certificate.
      throw new UnreadableFactsError(
        tp.name,
        `it shows serial ${old.serialHex} of ${formatDn(old.issuer)}, the certificate certagent would install, but with SHA1 ${hexGroups(current.ca.sha1)} instead of ${sha1}`,
      );
    }
    return {
      kind: 'replace',
      trustpoint: tp.name,
      name: tp.name,
      record: { object, action: 'replaced', detail: `${installedLabel(current.ca)} → ${certLabel(tp.cert)}, SHA1 ${sha1}` },
      steps: [{ kind: 'remove-trustpoint', trustpoint: tp.name }, { kind: 'config', lines: createLines(tp) }, desiredAuthenticate(tp)],
      rollback: [{ kind: 'remove-trustpoint', trustpoint: tp.name }, ...restoreTrustpoint(current)],
    };
  }
  const diff = optionDiff(current.config, tp);
  const stalePin = current.config.fingerprint !== undefined && ![tp.pin, tp.cert.md5, tp.cert.sha1].includes(current.config.fingerprint);
  if (!current.ca && stalePin) {
    // An empty trustpoint pinned to another certificate would refuse this one: start it afresh.
    return {
      kind: 'authenticate',
      trustpoint: tp.name,
      name: tp.name,
      record: { object, action: 'authenticated', detail: `${certLabel(tp.cert)}, SHA1 ${sha1} (the old pin ${current.config.fingerprint ?? ''} removed)` },
      steps: [{ kind: 'remove-trustpoint', trustpoint: tp.name }, { kind: 'config', lines: createLines(tp) }, desiredAuthenticate(tp)],
      rollback: [{ kind: 'remove-trustpoint', trustpoint: tp.name }, ...restoreTrustpoint(current)],
    };
  }
  if (!current.ca) {
    return {
      kind: 'authenticate',
      trustpoint: tp.name,
      name: tp.name,
      record: { object, action: 'authenticated', detail: `${certLabel(tp.cert)}, SHA1 ${sha1}` },
      steps: [...(diff.set.length > 0 ? [inTrustpoint(tp.name, diff.set)] : []), desiredAuthenticate(tp)],
      rollback: [{ kind: 'remove-trustpoint', trustpoint: tp.name }, ...restoreTrustpoint(current)],
    };
  }
  if (diff.set.length > 0) {
    return {
      kind: 'options',
      trustpoint: tp.name,
      name: tp.name,
      record: { object, action: 'updated', detail: diff.set.join('; ') },
      steps: [inTrustpoint(tp.name, diff.set)],
      rollback: [inTrustpoint(tp.name, diff.undo)],
    };
  }
  return { object, action: 'unchanged', detail: `${certLabel(tp.cert)}, SHA1 ${sha1}` };
}

export function showValue(value: string | Secret | undefined): string {
  if (value === undefined) return '(unset)';
  return value instanceof Secret ? SECRET_PLACEHOLDER : value;
}

function sameValue(a: string | Secret | undefined, b: string | Secret): boolean {
  if (a === undefined) return false;
  const plain = (v: string | Secret): string => (v instanceof Secret ? v.reveal() : v);
  return plain(a) === plain(b);
}

function isChange(x: PlannedChange | ChangeRecord): x is PlannedChange {
  return 'steps' in x;
}

/**
 * Every certificate a rollback would paste back must be one whole X.509 certificate with the fingerprints the
 * plan shows: checked before the change it protects is made, since a device refuses an unreadable paste and the
 * trustpoint would be left empty.
 */
function checkRollbackMaterial(changes: readonly PlannedChange[]): void {
  for (const change of changes) {
    for (const step of change.rollback) {
      if (step.kind !== 'authenticate') continue;
      const read = installedCertificate(step.der, step.serialHex);
      if ('unreadable' in read) throw new UnreadableFactsError(step.trustpoint, `the copy kept to restore it is not a certificate (${read.unreadable})`);
      if (read.sha1 !== step.sha1)
        throw new UnreadableFactsError(step.trustpoint, `the copy kept to restore it has SHA1 ${hexGroups(read.sha1)}, not ${hexGroups(step.sha1)}`);
    }
  }
}

/** Throws UnreadableFactsError when a certificate on the device could not be read or a planned undo could not restore it. */
export function planDevice(facts: DeviceFacts, desired: DesiredState, options: PlanOptions = {}): DevicePlan {
  assertReadable(facts);
  const all: (PlannedChange | ChangeRecord)[] = [];
  const notes: string[] = [];

  for (const [name, address] of desired.ipHosts) {
    const old = facts.ipHosts.get(name);
    const object = `ip host ${name}`;
    if (old === address) {
      all.push({ object, action: 'unchanged', detail: address });
      continue;
    }
    all.push({
      kind: 'ip-host',
      name,
      record: { object, action: old === undefined ? 'created' : 'changed', detail: `${old ?? '(unset)'} → ${address}` },
      steps: [{ kind: 'config', lines: [line(`ip host ${name} ${address}`)] }],
      rollback: [{ kind: 'config', lines: [line(old === undefined ? `no ip host ${name}` : `ip host ${name} ${old}`)] }],
    });
  }

  const refused: string[] = [];
  for (const tp of desired.trustpoints) {
    const planned = planTrustpoint(tp, facts);
    if ('refused' in planned) refused.push(planned.refused);
    else all.push(planned);
  }

  for (const [name, value] of desired.environment) {
    const old = facts.environment.get(name);
    const object = `environment ${name}`;
    if (sameValue(old, value)) {
      all.push({ object, action: 'unchanged', detail: showValue(value) });
      continue;
    }
    all.push({
      kind: 'environment',
      name,
      record: { object, action: old === undefined ? 'created' : 'changed', detail: `${showValue(old)} → ${showValue(value)}` },
      steps: [{ kind: 'config', lines: [line(`event manager environment ${name} `, value)] }],
      rollback: [
        { kind: 'config', lines: [old === undefined ? line(`no event manager environment ${name}`) : line(`event manager environment ${name} `, old)] },
      ],
    });
  }

  for (const applet of desired.applets) {
    const old = facts.applets.get(applet.name);
    const object = `applet ${applet.name}`;
    if (old && sameApplet(old.parsed, applet.parsed)) {
      all.push({ object, action: 'unchanged' });
      continue;
    }
    const removeOld = old ? [line(`no event manager applet ${applet.name}`)] : [];
    const body = (lines: readonly string[]) => [...lines.map((l) => line(l.trim())), line('exit')];
    all.push({
      kind: 'applet',
      name: applet.name,
      record: {
        object,
        action: old ? 'replaced' : 'created',
        detail: `${applet.parsed.actions.length} actions${applet.marker ? " (the last one certagent's proof marker)" : ''}`,
      },
      steps: [{ kind: 'config', lines: [...removeOld, ...body(applet.lines)] }],
      rollback: [{ kind: 'config', lines: [line(`no event manager applet ${applet.name}`), ...(old ? body(old.lines) : [])] }],
    });
  }

  notes.push(...planNotes(facts.trustpoints.keys(), desired, options));

  const only = options.only;
  const changes = all.filter(isChange).filter((c) => only === undefined || only.includes(c.kind));
  checkRollbackMaterial(changes);
  const unchanged = all.filter((x): x is ChangeRecord => !isChange(x));
  return { changes, refused, expired: expiredTrustpoints(facts, desired, changes, options), unchanged, notes };
}

/** Managed trustpoints the device holds with an expired certificate that no planned change replaces (rotate: exit 1). */
function expiredTrustpoints(facts: DeviceFacts, desired: DesiredState, changes: readonly PlannedChange[], options: PlanOptions): string[] {
  if (options.renewBeforeSeconds === undefined) return [];
  const wanted = new Set(desired.trustpoints.map((t) => t.name));
  const stale = new Set(staleChainMembers(facts.trustpoints.keys(), desired));
  const now = options.now ?? new Date();
  const expired: string[] = [];
  for (const [name, tp] of facts.trustpoints) {
    const managed = wanted.has(name) || stale.has(name);
    const notAfter = tp.ca?.facts?.notAfter;
    if (!managed || notAfter === undefined || notAfter.getTime() >= now.getTime() || changes.some((c) => c.trustpoint === name && c.kind !== 'options'))
      continue;
    expired.push(
      `trustpoint ${name} holds ${tp.ca ? installedLabel(tp.ca) : 'a certificate'}, which expired ${notAfter.toISOString().slice(0, 10)}${wanted.has(name) ? '' : `; it is no longer part of the chain: remove it (no crypto pki trustpoint ${name})`}`,
    );
  }
  return expired;
}

/** Of these trustpoint names, those under a chain's name prefix that the chain no longer has (an earlier chain's members). */
export function staleChainMembers(trustpoints: Iterable<string>, desired: DesiredState): string[] {
  const wanted = new Set(desired.trustpoints.map((t) => t.name));
  const prefixes = [...new Set(desired.trustpoints.flatMap((t) => (t.chainPrefix ? [t.chainPrefix] : [])))];
  return [...trustpoints].filter((name) => !wanted.has(name) && prefixes.some((p) => p !== '' && name.startsWith(p)));
}

/** What is worth telling about a device holding these trustpoints, whether or not anything changes: stale chain
 * members left in place, and certificates the source gives that expire soon. */
export function planNotes(trustpoints: Iterable<string>, desired: DesiredState, options: PlanOptions = {}): string[] {
  const notes: string[] = [];
  for (const name of staleChainMembers(trustpoints, desired)) {
    notes.push(`trustpoint ${name} is no longer part of the chain; left in place (remove it by hand once nothing needs it)`);
  }
  if (options.renewBeforeSeconds !== undefined) {
    const now = options.now ?? new Date();
    for (const tp of desired.trustpoints) {
      const left = (tp.cert.notAfter.getTime() - now.getTime()) / 1000;
      if (left < options.renewBeforeSeconds) {
        const days = Math.floor(left / 86_400);
        notes.push(
          left <= 0
            ? `${tp.name}: the source still gives a certificate that expired ${-days} days ago (${certLabel(tp.cert)}); renew it at the source`
            : `${tp.name}: the source's certificate expires in ${days} days (${certLabel(tp.cert)}); renew it at the source`,
        );
      }
    }
  }
  return notes;
}

/** `planDevice` for one device of a run: unreadable facts become that device's error, before any change. */
export function planFor(device: string, facts: DeviceFacts, desired: DesiredState, options?: PlanOptions): DevicePlan {
  let plan: DevicePlan;
  try {
    plan = planDevice(facts, desired, options);
  } catch (err) {
    if (!(err instanceof UnreadableFactsError)) throw err;
    throw new FactsReadError(
      device,
      'plan',
      `${device}: ${err.message}`,
      'nothing was changed: the output was interrupted or cut (a log line, a lost connection); run again, and if it repeats read the transcript and the device log',
      undefined,
      { cause: err },
    );
  }
  if (plan.refused.length > 0)
    throw new WorkflowError(
      device,
      'plan',
      `${device}: ${plan.refused.join('; ')}`,
      'nothing was sent: the playbook names a trustpoint the router uses for itself',
    );
  return plan;
}

/** The commands of a step as a person reads them; secrets as `<secret>`, the PEM paste summarised. */
export function showStep(step: Step): string[] {
  switch (step.kind) {
    case 'config':
      return step.lines.map(showLine);
    case 'authenticate':
      return [
        authenticateCommand(step.trustpoint),
        `! paste the PEM of ${step.label}, then a blank line`,
        `! answer yes only if the device shows MD5 ${hexGroups(step.md5)} SHA1 ${hexGroups(step.sha1)}`,
      ];
    case 'remove-trustpoint':
      return removeTrustpointDialog(step.trustpoint).map((s) => (typeof s.send === 'string' ? s.send : ''));
  }
}

export interface Batch {
  readonly step: Step;
  /** The changes this step belongs to (a merged config block may serve several). */
  readonly changes: readonly PlannedChange[];
}

/**
 * The order steps are sent in. Config lines that open a change (new trustpoint stanzas, option lines, `ip host`,
 * EEM environment and applets) depend on nothing the dialogs do, so they go first, in one block: one write
 * instead of one per change. A change that starts with a removal keeps its order (its stanza must follow the
 * removal). Consecutive config blocks are merged.
 */
export function batches(changes: readonly PlannedChange[]): Batch[] {
  const out: Batch[] = [];
  const add = (step: Step, change: PlannedChange): void => {
    const last = out[out.length - 1];
    if (step.kind === 'config' && last?.step.kind === 'config') {
      out[out.length - 1] = {
        step: { kind: 'config', lines: [...last.step.lines, ...step.lines] },
        changes: last.changes.includes(change) ? last.changes : [...last.changes, change],
      };
    } else out.push({ step, changes: [change] });
  };
  const rest: [Step, PlannedChange][] = [];
  for (const change of changes) {
    const lead = change.steps[0]?.kind === 'config' ? 1 : 0;
    change.steps.forEach((step, i) => (i < lead ? add(step, change) : rest.push([step, change])));
  }
  for (const [step, change] of rest) add(step, change);
  return out;
}

/** Every command of a plan in the order it is sent, `configure terminal` / `end` around the whole. */
export function planCommands(plan: DevicePlan): string[] {
  const steps = batches(plan.changes).map((b) => b.step);
  if (steps.length === 0) return [];
  return ['configure terminal', ...steps.flatMap(showStep), 'end'];
}
