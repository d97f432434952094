/**
 * Runs an applet's actions in label order, as the EEM policy director does, logging what a real router logs.
 * The first failing action ends the run with `%HA_EM-3-FMPD_ERROR: Error executing applet NAME statement LABEL`.
 *
 * `%HA_EM-3-FMPD_UNKNOWN_ENV` is written as Cisco's system message guide gives it,
 * `%s: could not find environment variable: %s` with the policy director's parser function `fh_parse_var` as the
 * first field; the pairing with FMPD_ERROR is seen on IOSv (dossier 4.2, index id 67359010135), the exact text
 * of the first line is not in any capture found [unverified].
 */
import type { RouterState } from '../state.js';
import type { EemAction, EemApplet } from './state.js';
import { sortedLabels } from './state.js';
import { substitute } from './variables.js';
import { FAILURE_REASONS, performMail } from './mail-action.js';

export interface RunOptions {
  /** Extra words of `event manager run NAME ...`: `$_none_arg1`... */
  readonly args?: readonly string[];
  /** The caller's terminal, for `puts`. */
  readonly print?: (text: string) => void;
  /** Deadline of each SMTP step (connect, each reply, the TLS handshake). */
  readonly mailStepTimeoutMs?: number;
}

export type AppletRun = { readonly ok: true } | { readonly ok: false; readonly label: string; readonly reason: string };

export const DEFAULT_MAIL_STEP_TIMEOUT_MS = 10_000;

const SEVERITIES: Readonly<Record<string, number>> = {
  emergencies: 0,
  alerts: 1,
  critical: 2,
  errors: 3,
  warnings: 4,
  notifications: 5,
  informational: 6,
  debugging: 7,
};

class ActionError extends Error {}

export async function runApplet(router: RouterState, applet: EemApplet, options: RunOptions = {}): Promise<AppletRun> {
  const args = options.args ?? [];
  const locals = new Map<string, string>([
    ['_event_type_string', 'none'],
    ['_none_argc', String(args.length)],
    ...args.map((arg, i): [string, string] => [`_none_arg${i + 1}`, arg]),
  ]);
  const lookup = (name: string): string | undefined => locals.get(name) ?? router.eem.environment.get(name);
  const resolve = (text: string): string => {
    const result = substitute(text, lookup);
    if (!result.ok) {
      router.syslog.log('HA_EM', 3, 'FMPD_UNKNOWN_ENV', `fh_parse_var: could not find environment variable: ${result.missing}`);
      throw new ActionError(`undefined variable ${result.missing}`);
    }
    return result.text;
  };
  // The run sees the applet as it was when it started, as IOS runs a registered copy.
  const actions: [string, EemAction][] = sortedLabels(applet).flatMap((label) => {
    const action = applet.actions.get(label);
    return action ? [[label, action] as [string, EemAction]] : [];
  });
  for (const [label, action] of actions) {
    try {
      await runAction(router, applet, action, resolve, locals, options);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      router.syslog.log('HA_EM', 3, 'FMPD_ERROR', `Error executing applet ${applet.name} statement ${label}`);
      return { ok: false, label, reason };
    }
  }
  return { ok: true };
}

async function runAction(
  router: RouterState,
  applet: EemApplet,
  action: EemAction,
  resolve: (text: string) => string,
  locals: Map<string, string>,
  options: RunOptions,
): Promise<void> {
  switch (action.kind) {
    case 'syslog': {
      const severity = SEVERITIES[action.priority ?? 'informational'] ?? 6;
      router.syslog.log('HA_EM', severity, 'LOG', `${applet.name}: ${resolve(action.msg)}`);
      return;
    }
    case 'puts': {
      const text = resolve(action.text);
      options.print?.(action.noNewline ? text : `${text}\n`);
      return;
    }
    case 'set':
      locals.set(action.variable, resolve(action.value));
      return;
    case 'cli': {
      const command = resolve(action.command);
      locals.set('_cli_result', router.eem.runCli ? await router.eem.runCli(command) : '');
      return;
    }
    case 'mail': {
      const server = resolve(action.server);
      const mail = {
        server,
        to: resolve(action.to),
        from: resolve(action.from),
        ...(action.cc !== undefined ? { cc: resolve(action.cc) } : {}),
        subject: resolve(action.subject),
        body: resolve(action.body),
        secure: action.secure ?? 'none',
        port: action.port ?? 25,
      };
      const result = await performMail(router, mail, options.mailStepTimeoutMs ?? DEFAULT_MAIL_STEP_TIMEOUT_MS);
      if (!result.ok) {
        // The device logs the server string as given, password included; readers of the log must redact it.
        router.syslog.log('HA_EM', 3, 'FMPD_SMTP', `Error occurred when sending mail to SMTP server: ${server} : ${FAILURE_REASONS[result.kind]}`);
        throw new ActionError(`${result.kind}: ${result.detail}`);
      }
      return;
    }
  }
}
