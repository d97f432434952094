/**
 * The EEM feature of the lab router: `event manager environment`, `event manager applet` and its
 * `(config-applet)` mode with the actions the secure-mail alerting uses, `event manager run`, and the
 * `show event manager` outputs.
 *
 * `event manager run` prints nothing when the applet exists and returns at once; the actions' effects (syslog
 * lines, the mail, `puts` text) follow asynchronously, as on a real router (dossier 4.2). For an applet that is
 * unknown or not registered with `event none` the lab prints `EEM policy NAME not registered with event none
 * Event Detector`, the text IOS gives in that case as remembered from the field [unverified: dossier open question 6].
 */
import type { CommandContext, CommandSpec, Feature, ModeSpec } from '../feature.js';
import type { RouterState } from '../state.js';
import type { EemAction, EemApplet } from './state.js';
import { ensureApplet } from './state.js';
import { renderEem, showEnvironment, showPolicyRegistered } from './render.js';
import { runApplet } from './runner.js';

export const APPLET_MODE = 'config-applet';

const modes: readonly ModeSpec[] = [{ id: APPLET_MODE, promptTag: 'config-applet', parent: 'config' }];

/** A quoted argument without its quotes (IOS keeps what is between them verbatim). */
export function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** Splits `event manager run` arguments: words, or quoted strings. */
export function splitArgs(text: string): string[] {
  return (text.match(/"[^"]*"|\S+/g) ?? []).map(unquote);
}

function param(ctx: CommandContext, name: string): string {
  return ctx.params[name] ?? '';
}

function currentApplet(ctx: CommandContext): EemApplet | undefined {
  const name = ctx.mode.target;
  return name === undefined ? undefined : ctx.router.eem.applets.get(name);
}

/** IOS re-registers an applet whenever it changes; `Time Registered` shows the last time. */
function touch(router: RouterState, applet: EemApplet): void {
  if (applet.event) applet.registeredAt = router.now();
}

function setAction(ctx: CommandContext, build: () => EemAction): void {
  const applet = currentApplet(ctx);
  if (!applet) return;
  const label = param(ctx, 'label');
  if (ctx.negated) applet.actions.delete(label);
  else applet.actions.set(label, build());
  touch(ctx.router, applet);
}

const commands: readonly CommandSpec[] = [
  {
    modes: ['config'],
    syntax: 'event manager environment <name> [<value...>]',
    negatable: true,
    run(ctx) {
      const name = param(ctx, 'name');
      if (ctx.negated) {
        ctx.router.eem.environment.delete(name);
        return;
      }
      const value = ctx.params['value'];
      if (value === undefined) {
        ctx.io.print('% Incomplete command.\n\n');
        return;
      }
      ctx.router.eem.environment.set(name, value);
    },
  },
  {
    modes: ['config'],
    syntax: 'event manager applet <name> [authorization bypass] [class <class>]',
    negatable: true,
    run(ctx) {
      const name = param(ctx, 'name');
      if (ctx.negated) {
        ctx.router.eem.applets.delete(name);
        return;
      }
      const applet = ensureApplet(ctx.router.eem, name);
      if (ctx.params['authorization'] !== undefined) applet.authorizationBypass = true;
      const className = ctx.params['class'];
      if (className !== undefined && className !== '') applet.className = className;
      ctx.enterMode({ id: APPLET_MODE, target: name });
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'event none [maxrun <seconds>] [sync {yes|no}]',
    negatable: true,
    run(ctx) {
      const applet = currentApplet(ctx);
      if (!applet) return;
      if (ctx.negated) {
        delete applet.event;
        delete applet.registeredAt;
        return;
      }
      const maxrun = ctx.params['seconds'];
      const sync = ctx.params['yes'] !== undefined ? 'yes' : ctx.params['no'] !== undefined ? 'no' : undefined;
      applet.event = {
        kind: 'none',
        ...(maxrun !== undefined ? { maxrun } : {}),
        ...(sync !== undefined ? { sync } : {}),
      };
      touch(ctx.router, applet);
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'description <text...>',
    negatable: true,
    run(ctx) {
      const applet = currentApplet(ctx);
      if (!applet) return;
      if (ctx.negated) delete applet.description;
      else applet.description = param(ctx, 'text');
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'action <label> mail server <srv> to <rcpt> from <sender> [cc <ccaddr>] subject <subj> body <text> [secure {tls|none}] [port <portnum>]',
    negatable: true,
    run(ctx) {
      const port = ctx.params['portnum'];
      if (port !== undefined && !/^\d{1,5}$/.test(port)) {
        ctx.io.print("% Invalid input detected at '^' marker.\n\n");
        return;
      }
      const secure = ctx.params['tls'] !== undefined ? 'tls' : ctx.params['none'] !== undefined ? 'none' : undefined;
      const cc = ctx.params['ccaddr'];
      setAction(ctx, () => ({
        kind: 'mail',
        server: unquote(param(ctx, 'srv')),
        to: unquote(param(ctx, 'rcpt')),
        from: unquote(param(ctx, 'sender')),
        ...(cc !== undefined ? { cc: unquote(cc) } : {}),
        subject: unquote(param(ctx, 'subj')),
        body: unquote(param(ctx, 'text')),
        ...(secure !== undefined ? { secure } : {}),
        ...(port !== undefined ? { port: Number(port) } : {}),
      }));
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'action <label> syslog [priority <priority>] msg <msg...>',
    negatable: true,
    run(ctx) {
      const priority = ctx.params['priority'];
      setAction(ctx, () => ({
        kind: 'syslog',
        ...(priority !== undefined && priority !== '' ? { priority } : {}),
        msg: unquote(param(ctx, 'msg')),
      }));
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'action <label> cli command <command...>',
    negatable: true,
    run(ctx) {
      setAction(ctx, () => ({ kind: 'cli', command: unquote(param(ctx, 'command')) }));
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'action <label> puts [nonewline] <words...>',
    negatable: true,
    run(ctx) {
      const noNewline = ctx.params['nonewline'] !== undefined;
      setAction(ctx, () => ({ kind: 'puts', text: unquote(param(ctx, 'words')), ...(noNewline ? { noNewline } : {}) }));
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'action <label> set <variable> <value...>',
    negatable: true,
    run(ctx) {
      setAction(ctx, () => ({ kind: 'set', variable: param(ctx, 'variable'), value: unquote(param(ctx, 'value')) }));
    },
  },
  {
    modes: [APPLET_MODE],
    syntax: 'action <label>',
    negatable: true,
    run(ctx) {
      if (!ctx.negated) {
        ctx.io.print('% Incomplete command.\n\n');
        return;
      }
      const applet = currentApplet(ctx);
      if (!applet) return;
      applet.actions.delete(param(ctx, 'label'));
      touch(ctx.router, applet);
    },
  },
  {
    modes: ['exec'],
    syntax: 'show event manager environment [all]',
    run(ctx) {
      ctx.io.print(showEnvironment(ctx.router.eem));
    },
  },
  {
    modes: ['exec'],
    syntax: 'show event manager policy registered',
    run(ctx) {
      ctx.io.print(showPolicyRegistered(ctx.router.eem));
    },
  },
  {
    modes: ['exec'],
    syntax: 'event manager run <name> [<args...>]',
    privileged: true,
    async run(ctx) {
      const name = param(ctx, 'name');
      const applet = ctx.router.eem.applets.get(name);
      if (!applet?.event) {
        ctx.io.print(`EEM policy ${name} not registered with event none Event Detector\n`);
        return;
      }
      const router = ctx.router;
      const io = ctx.io;
      const mailStepTimeoutMs = router.eem.mailStepTimeoutMs;
      const run = runApplet(router, applet, {
        args: splitArgs(ctx.params['args'] ?? ''),
        print: (text) => io.print(text),
        ...(mailStepTimeoutMs !== undefined ? { mailStepTimeoutMs } : {}),
      }).catch((err: unknown) => {
        router.syslog.log('HA_EM', 3, 'FMPD_ERROR', `Error executing applet ${name}: ${err instanceof Error ? err.message : String(err)}`);
      });
      if (applet.event.sync === 'yes') await run;
    },
  },
];

export const eemFeature: Feature = {
  name: 'eem',
  modes,
  commands,
  render: (state) => renderEem(state.eem),
};
