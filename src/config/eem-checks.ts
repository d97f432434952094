/** What IOS XE's EEM mail action cannot do, checked before anything is sent to a router.
 *
 * - The server string is `user:password@host`, and IOS splits it at the first `@` (Cisco bug CSCwe75439): a user
 *   name such as `alerts@example.com`, or a password with `@`, sends the wrong account and host. Use an account
 *   name without `@` (many providers, Gmail included, accept the local part), or relay through a server that does.
 *   EEM's Tcl `smtp_send_email` library accepts `@` in user names but cannot do TLS, so it is no way out for TLS.
 * - Submission servers accept only the authenticated account (or its aliases) as sender: a `from` that differs
 *   from an address-shaped account is refused after DATA.
 * - `secure tls` is STARTTLS: IOS connects in clear, says EHLO and upgrades with STARTTLS (RFC 3207), as on 587
 *   or 25. Port 465 is implicit TLS (RFC 8314): the server waits for a TLS ClientHello first and never sends its
 *   220 greeting in clear, so EEM's session stalls and fails whatever `secure` says.
 * - A variable the applet uses but the environment does not define is sent as an empty or literal string.
 */
import { type ConfigIssue, type Origin, at, issue } from './issues.js';
import type { EemAction, EemSpec, ResolvedEemEnvironmentEntry } from './playbook-types.js';
import { Secret } from './secret.js';

/** Variables EEM itself sets while an applet runs; never defined by `event manager environment`. */
const BUILTIN_VARIABLE = /^_(event_|cli_result|exit_status|regexp_result|string_|info_|syslog_msg|entry_status|counter_|timer_|snmp_|none_)/;
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export const CSCWE75439_HELP =
  "IOS splits the mail server string user:password@host at the first '@' (Cisco bug CSCwe75439), so this cannot " +
  "authenticate; use an account name without '@' (Gmail accepts the part before '@') or relay through an SMTP " +
  'server whose account has no @ in its name';

function plain(value: string | Secret): string {
  return value instanceof Secret ? value.reveal() : value;
}

/** `user:password@host` as IOS expects it in `event manager environment`; a Secret because it holds the password. */
export function renderServerString(entry: Extract<ResolvedEemEnvironmentEntry, { kind: 'server' }>): Secret | string {
  if (entry.user === undefined || entry.password === undefined) return entry.host;
  return new Secret(`${plain(entry.user)}:${entry.password.reveal()}@${entry.host}`, `${entry.password.source} via user:password@${entry.host}`);
}

/** The value `event manager environment NAME VALUE` should carry. */
export function environmentValue(entry: ResolvedEemEnvironmentEntry): string | Secret {
  return entry.kind === 'server' ? renderServerString(entry) : entry.value;
}

export function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? '');
}

function actionTexts(action: EemAction): [string, string][] {
  switch (action.kind) {
    case 'mail':
      return [
        ['server', action.server],
        ['to', action.to],
        ['from', action.from],
        ...(action.cc === undefined ? [] : ([['cc', action.cc]] as [string, string][])),
        ['subject', action.subject],
        ['body', action.body],
      ];
    case 'syslog':
      return [['msg', action.msg]];
    case 'cli':
      return [['', action.command]];
    case 'puts':
      return [['', action.text]];
  }
}

/** Applet variables that nothing defines. Works before secrets are resolved: only names matter. */
export function checkVariables(eem: EemSpec<unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const applet of eem.applets) {
    for (const action of applet.actions) {
      for (const [field, text] of actionTexts(action)) {
        for (const name of variablesIn(text)) {
          if (name in eem.environment || BUILTIN_VARIABLE.test(name)) continue;
          const where = field === '' ? action.origin : at(action.origin, field);
          issues.push(issue(where, `uses $${name}, which eem.environment does not define: define ${name} there or remove ${field || 'the reference'}`));
        }
      }
    }
  }
  return issues;
}

/** Text IOS must take on one CLI line: applet actions are quoted strings, environment values run to the end of
 * the line. A line break cannot be typed, and a double quote would end an action's quoted string early. */
export function checkCliText(eem: EemSpec<unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const applet of eem.applets) {
    for (const action of applet.actions) {
      for (const [field, text] of actionTexts(action)) {
        const where = field === '' ? action.origin : at(action.origin, field);
        if (/[\r\n]/.test(text)) issues.push(issue(where, 'spans several lines; an EEM action is one CLI line: write it on one line'));
        else if (action.kind !== 'cli' && text.includes('"')) {
          issues.push(issue(where, 'contains a double quote, which would end the quoted string of the EEM action'));
        }
      }
    }
  }
  return issues;
}

function lineBreakIssues(name: string, value: string | Secret, origin: Origin): ConfigIssue[] {
  return /[\r\n]/.test(plain(value)) ? [issue(origin, `${name} spans several lines; event manager environment takes one line`)] : [];
}

/** The one variable a field consists of (`$_email_server`), if that is all it is. */
function soleVariable(text: string): string | undefined {
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(text.trim());
  return m === null ? undefined : (m[1] ?? m[2]);
}

function expand(text: string, env: Readonly<Record<string, ResolvedEemEnvironmentEntry>>): string {
  return text.replace(VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => {
    const entry = env[braced ?? bare ?? ''];
    return entry === undefined ? whole : plain(environmentValue(entry));
  });
}

/** EEM's limits, on resolved values. Messages name variables and fields, never secret values. */
export function checkEemLimits(eem: EemSpec<ResolvedEemEnvironmentEntry>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, entry] of Object.entries(eem.environment)) {
    if (entry.kind === 'text') issues.push(...lineBreakIssues(name, entry.value, entry.origin));
    else {
      if (entry.user !== undefined) issues.push(...lineBreakIssues(`${name} user`, entry.user, at(entry.origin, 'user')));
      if (entry.password !== undefined) issues.push(...lineBreakIssues(`${name} password`, entry.password, at(entry.origin, 'password')));
    }
  }
  for (const applet of eem.applets) {
    for (const action of applet.actions) {
      if (action.kind !== 'mail') continue;
      const origin = action.origin;
      const port = action.port ?? 25;
      if (port === 465) {
        issues.push(
          issue(
            at(origin, action.port === undefined ? 'secure' : 'port'),
            'port 465 is implicit TLS (SMTPS), which IOS EEM does not speak: its secure tls is STARTTLS on a clear ' +
              'connection; use port 587 (or 25) with secure: tls',
          ),
        );
      }
      const serverName = soleVariable(action.server);
      const server = serverName === undefined ? undefined : eem.environment[serverName];
      if (serverName === undefined && action.server.includes('@')) {
        issues.push(
          issue(
            at(origin, 'server'),
            'holds credentials in clear text; put them in eem.environment as {user, password: {env: VAR}, host} and use $VARIABLE here',
          ),
        );
      }
      if (server?.kind !== 'server' || server.user === undefined || server.password === undefined) {
        if (server?.kind === 'text' && plain(server.value).includes('@')) {
          issues.push(
            issue(
              server.origin,
              'looks like user:password@host written as one value; declare it as {user: ..., password: {env: VAR}, host: ...} so certagent can check it',
            ),
          );
        }
        continue;
      }
      const user = plain(server.user);
      const password = server.password.reveal();
      const userIsAddress = user.includes('@');
      if (userIsAddress) issues.push(issue(at(server.origin, 'user'), `contains '@': ${CSCWE75439_HELP}`));
      if (user.includes(':')) {
        issues.push(issue(at(server.origin, 'user'), "contains ':': IOS takes everything before the first ':' as the user name"));
      }
      if (password.includes('@')) issues.push(issue(at(server.origin, 'password'), `contains '@': ${CSCWE75439_HELP}`));
      if (action.secure === 'none') {
        issues.push(
          issue(
            at(origin, 'secure'),
            `sends the password of ${serverName} without TLS; servers on 587 refuse AUTH before STARTTLS: use secure: tls`,
            'warning',
          ),
        );
      }
      const from = expand(action.from, eem.environment).trim();
      if (userIsAddress && from.toLowerCase() !== user.toLowerCase()) {
        issues.push(
          issue(at(origin, 'from'), `differs from the account that authenticates (${serverName} user): the server refuses a sender other than the account`),
        );
      } else if (!userIsAddress && from.includes('@') && from.split('@')[0]?.toLowerCase() !== user.toLowerCase()) {
        issues.push(
          issue(
            at(origin, 'from'),
            `is not the authenticating account's address (${serverName} user): the server may refuse it unless it is an alias`,
            'warning',
          ),
        );
      }
    }
  }
  return issues;
}
