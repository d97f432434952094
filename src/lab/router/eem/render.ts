/**
 * EEM's running-config lines and show outputs. Pure: state in, text out.
 *
 * Running config: environment lines then applets, in one block (IOS prints them together at the end of the
 * config, applet after applet without `!` between; the actions in label order as strings).
 * `show event manager policy registered` and `show event manager environment` follow the real captures in
 * shared/iosxe/real-outputs/eem_show_event_manager_policy_registered_ios_{1,2}.txt (dossier 4.3).
 */
import type { ConfigBlock } from '../feature.js';
import type { EemAction, EemApplet, EemState } from './state.js';
import { sortedLabels } from './state.js';

function quoted(text: string): string {
  return `"${text}"`;
}

/** What follows `action LABEL ` in the config. */
export function renderAction(action: EemAction): string {
  switch (action.kind) {
    case 'mail': {
      let text = `mail server ${quoted(action.server)} to ${quoted(action.to)} from ${quoted(action.from)}`;
      if (action.cc !== undefined) text += ` cc ${quoted(action.cc)}`;
      text += ` subject ${quoted(action.subject)} body ${quoted(action.body)}`;
      if (action.secure !== undefined) text += ` secure ${action.secure}`;
      if (action.port !== undefined) text += ` port ${action.port}`;
      return text;
    }
    case 'syslog':
      return `syslog ${action.priority !== undefined ? `priority ${action.priority} ` : ''}msg ${quoted(action.msg)}`;
    case 'cli':
      return `cli command ${quoted(action.command)}`;
    case 'puts':
      return `puts ${action.noNewline ? 'nonewline ' : ''}${quoted(action.text)}`;
    case 'set':
      return `set ${action.variable} ${quoted(action.value)}`;
  }
}

function appletHeading(applet: EemApplet): string {
  let line = `event manager applet ${applet.name}`;
  if (applet.authorizationBypass) line += ' authorization bypass';
  if (applet.className !== undefined) line += ` class ${applet.className}`;
  return line;
}

function actionLines(applet: EemApplet): string[] {
  return sortedLabels(applet).map((label) => {
    const action = applet.actions.get(label);
    return action ? ` action ${label} ${renderAction(action)}` : '';
  });
}

export function renderAppletLines(applet: EemApplet): string[] {
  const lines = [appletHeading(applet)];
  if (applet.description !== undefined) lines.push(` description ${applet.description}`);
  if (applet.event) {
    // Parameter order of the IOS XE model (Cisco-IOS-XE-eem none-choice): maxrun, then sync.
    let line = ' event none';
    if (applet.event.maxrun !== undefined) line += ` maxrun ${applet.event.maxrun}`;
    if (applet.event.sync !== undefined) line += ` sync ${applet.event.sync}`;
    lines.push(line);
  }
  lines.push(...actionLines(applet));
  return lines;
}

export function renderEem(state: EemState): ConfigBlock[] {
  const lines = [...state.environment].map(([name, value]) => `event manager environment ${name} ${value}`);
  for (const applet of state.applets.values()) lines.push(...renderAppletLines(applet));
  return lines.length > 0 ? [{ slot: 'event-manager-environment', lines }] : [];
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sun May 28 21:04:18 2017` (C's asctime layout: the day space-padded to two columns), UTC. */
export function registeredTime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${WEEKDAYS[date.getUTCDay()] ?? ''} ${MONTHS[date.getUTCMonth()] ?? ''} ${day} ${date.toISOString().slice(11, 19)} ${date.getUTCFullYear()}`;
}

function maxrunText(seconds: string | undefined): string {
  const value = Number.parseFloat(seconds ?? '20');
  return (Number.isFinite(value) ? value : 20).toFixed(3);
}

/** Applets IOS has registered: only those with an event statement. */
export function registeredApplets(state: EemState): EemApplet[] {
  return [...state.applets.values()].filter((a) => a.event !== undefined);
}

export function showPolicyRegistered(state: EemState): string {
  const applets = registeredApplets(state);
  if (applets.length === 0) return '';
  const out = ['No.  Class     Type    Event Type          Trap  Time Registered           Name'];
  applets.forEach((applet, i) => {
    const time = registeredTime(applet.registeredAt ?? new Date(0));
    out.push(`${pad(String(i + 1), 5)}${pad('applet', 10)}${pad('user', 8)}${pad('none', 20)}${pad('Off', 6)}${pad(time, 26)}${applet.name}`);
    out.push(` maxrun ${maxrunText(applet.event?.maxrun)}`);
    out.push(...actionLines(applet));
    out.push('');
  });
  return `${out.join('\n')}\n`;
}

export function showEnvironment(state: EemState): string {
  const out = [`No.  ${pad('Name', 30)}${pad('Value', 30)}`];
  let i = 0;
  for (const [name, value] of state.environment) {
    i += 1;
    out.push(`${pad(String(i), 5)}${pad(name, 30)}${value}`);
  }
  return `${out.join('\n')}\n`;
}
