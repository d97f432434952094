/**
 * The EEM part of a lab router: environment variables and applets. Only the EEM feature (this folder) changes it.
 */

/** `action LABEL mail ...`; optional keywords are kept only when typed, so the running config shows what was set. */
export interface MailAction {
  readonly kind: 'mail';
  readonly server: string;
  readonly to: string;
  readonly from: string;
  readonly cc?: string;
  readonly subject: string;
  readonly body: string;
  readonly secure?: 'tls' | 'none';
  readonly port?: number;
}

export interface SyslogAction {
  readonly kind: 'syslog';
  readonly priority?: string;
  readonly msg: string;
}

export interface CliAction {
  readonly kind: 'cli';
  readonly command: string;
}

export interface PutsAction {
  readonly kind: 'puts';
  readonly text: string;
  /** `puts nonewline "..."`. */
  readonly noNewline?: boolean;
}

export interface SetAction {
  readonly kind: 'set';
  readonly variable: string;
  readonly value: string;
}

export type EemAction = MailAction | SyslogAction | CliAction | PutsAction | SetAction;

export interface EemEvent {
  readonly kind: 'none';
  /** Seconds, as typed (`maxrun 60`); IOS's default is 20. */
  readonly maxrun?: string;
  /** `sync yes`: `event manager run` waits for the applet (its `puts` text comes before the prompt). */
  readonly sync?: 'yes' | 'no';
}

export interface EemApplet {
  readonly name: string;
  authorizationBypass: boolean;
  className?: string;
  description?: string;
  event?: EemEvent;
  /** Actions by label; labels are strings and run in string order (`10.0` right after `1.0`). */
  readonly actions: Map<string, EemAction>;
  /** When the applet was last (re)registered: `Time Registered` of `show event manager policy registered`. */
  registeredAt?: Date;
}

export interface EemState {
  /** `event manager environment NAME VALUE`, in configuration order. */
  readonly environment: Map<string, string>;
  /** Applets by name, in creation order. */
  readonly applets: Map<string, EemApplet>;
  /**
   * Runs a CLI command for `action cli command` and returns its output. The engine sets it when it can run
   * commands outside a session; without it `$_cli_result` is empty.
   */
  runCli?: (command: string) => Promise<string>;
  /** Lab knob: deadline of each SMTP step of `action mail` (default 10 s); tests shorten it. */
  mailStepTimeoutMs?: number;
}

export function createEemState(): EemState {
  return { environment: new Map(), applets: new Map() };
}

export function newApplet(name: string): EemApplet {
  return { name, authorizationBypass: false, actions: new Map() };
}

/** The applet of that name, created empty (at the end of the creation order) if there is none yet. */
export function ensureApplet(eem: EemState, name: string): EemApplet {
  let applet = eem.applets.get(name);
  if (!applet) {
    applet = newApplet(name);
    eem.applets.set(name, applet);
  }
  return applet;
}

/** Labels in the order IOS runs and renders them: as strings. */
export function sortedLabels(applet: EemApplet): string[] {
  return [...applet.actions.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
