/**
 * A playbook applet as running-config lines, and the certagent marker that proves a run succeeded.
 *
 * IOS logs nothing when a mail action succeeds, and a failure only asynchronously; silence proves nothing. So the
 * applet that verification runs gets one more action, after all others: `syslog msg "certagent: NAME done
 * $_none_arg1"`. EEM stops an applet at the first failing action, so the line appears only once the mail went out,
 * and `event manager run NAME NONCE` makes it name this very run.
 */
import type { EemAction, EemApplet } from '../config/index.js';
import { bareIosWord, parseEemConfig, quoteIos } from '../device/index.js';
import type { EemApplet as DeviceApplet } from '../device/index.js';

export const MARKER_PREFIX = 'certagent:';

export function markerMessage(applet: string, nonce: string): string {
  return `${MARKER_PREFIX} ${applet} done ${nonce}`;
}

/** A label that sorts (as a string, as EEM orders them) after every label of the applet. */
export function markerLabel(labels: readonly string[]): string {
  let label = '9999';
  while (labels.some((l) => l >= label)) label += '9';
  return label;
}

function actionText(action: EemAction): string {
  switch (action.kind) {
    case 'mail': {
      const parts = [
        'mail',
        `server ${quoteIos(action.server, 'mail server')}`,
        `to ${quoteIos(action.to, 'mail to')}`,
        `from ${quoteIos(action.from, 'mail from')}`,
      ];
      if (action.cc !== undefined) parts.push(`cc ${quoteIos(action.cc, 'mail cc')}`);
      parts.push(`subject ${quoteIos(action.subject, 'mail subject')}`, `body ${quoteIos(action.body, 'mail body')}`);
      if (action.secure === 'tls') parts.push('secure tls');
      if (action.port !== undefined) parts.push(`port ${action.port}`);
      return parts.join(' ');
    }
    case 'syslog':
      return `syslog ${action.priority === undefined ? '' : `priority ${action.priority} `}msg ${quoteIos(action.msg, 'syslog msg')}`;
    case 'cli':
      return `cli command ${quoteIos(action.command, 'cli command')}`;
    case 'puts':
      return `puts ${quoteIos(action.text, 'puts text')}`;
  }
}

export interface RenderedApplet {
  readonly name: string;
  /** As the running config shows it: heading at column 0, one space before the applet's lines. */
  readonly lines: readonly string[];
  readonly parsed: DeviceApplet;
  readonly marker: boolean;
}

export function renderApplet(applet: EemApplet, withMarker: boolean): RenderedApplet {
  const name = bareIosWord(applet.name, 'applet name');
  const lines = [`event manager applet ${name}`];
  if (applet.description !== undefined) lines.push(` description ${applet.description}`);
  lines.push(' event none');
  for (const action of applet.actions) lines.push(` action ${bareIosWord(action.label, 'action label')} ${actionText(action)}`);
  if (withMarker) {
    const label = markerLabel(applet.actions.map((a) => a.label));
    lines.push(` action ${label} syslog msg ${quoteIos(markerMessage(name, '$_none_arg1'), 'marker')}`);
  }
  const parsed = parseEemConfig(lines.join('\n')).applets[0];
  if (parsed === undefined) throw new Error(`applet ${name} did not render`);
  return { name, lines, parsed, marker: withMarker };
}

function words(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** Same event, same actions (mail actions compared field by field: IOS may order their keywords its own way). */
export function sameApplet(a: DeviceApplet, b: DeviceApplet): boolean {
  if (words(a.event ?? '') !== words(b.event ?? '')) return false;
  if (a.actions.length !== b.actions.length) return false;
  const descriptions = (x: DeviceApplet): string[] => x.otherLines.filter((l) => l.startsWith('description')).map(words);
  if (descriptions(a).join('\n') !== descriptions(b).join('\n')) return false;
  return a.actions.every((x, i) => {
    const y = b.actions[i];
    if (y === undefined || x.label !== y.label || x.kind !== y.kind) return false;
    if (x.mail && y.mail) {
      const norm = (m: NonNullable<typeof x.mail>) =>
        JSON.stringify([m.server, m.to, m.from, m.cc ?? '', m.subject, m.body, m.secure ?? 'none', m.port ?? 25, m.sourceInterface ?? '', m.vrf ?? '']);
      return norm(x.mail) === norm(y.mail);
    }
    return words(x.args) === words(y.args);
  });
}
