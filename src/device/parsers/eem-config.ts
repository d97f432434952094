/** The EEM part of `show running-config`: environment variables and applets with their event and actions. */
import type { EemMailMessage } from '../eem-types.js';
import { splitIosWords } from '../ios-string.js';
import { isSyslogLine, outputLines } from '../text.js';
import { withoutBanners } from './banners.js';

export interface EemMailAction extends EemMailMessage {
  /** `secure tls` / `secure none`. */
  readonly secure?: string;
  readonly port?: number;
  readonly sourceInterface?: string;
  readonly vrf?: string;
}

export interface EemAction {
  readonly label: string;
  /** The action keyword: `mail`, `syslog`, `cli`, `puts`... */
  readonly kind: string;
  /** The rest of the line after the keyword, quotes kept. */
  readonly args: string;
  readonly mail?: EemMailAction;
}

export interface EemApplet {
  readonly name: string;
  /** The `event` line without the keyword: `none`, `syslog pattern "..."`. */
  readonly event?: string;
  readonly actions: readonly EemAction[];
  /** Other lines under the applet (`description`, `trigger`...). */
  readonly otherLines: readonly string[];
}

export interface EemConfig {
  /** `event manager environment NAME VALUE`, by name. Values may hold secrets (`_email_server`). */
  readonly environment: ReadonlyMap<string, string>;
  readonly applets: readonly EemApplet[];
}

const MAIL_KEYWORDS = new Set(['server', 'to', 'from', 'cc', 'subject', 'body', 'secure', 'port', 'source-interface', 'vrf']);

/** The fields of a `mail` action's arguments, or undefined when the mandatory ones are missing. */
export function parseMailArgs(args: string): EemMailAction | undefined {
  const words = splitIosWords(args);
  const fields = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const key = words[i] ?? '';
    if (MAIL_KEYWORDS.has(key) && i + 1 < words.length) {
      fields.set(key, words[i + 1] ?? '');
      i++;
    }
  }
  const server = fields.get('server');
  const to = fields.get('to');
  const from = fields.get('from');
  if (server === undefined || to === undefined || from === undefined) return undefined;
  const optional = (keyword: string, key: 'cc' | 'secure' | 'sourceInterface' | 'vrf'): Partial<EemMailAction> => {
    const value = fields.get(keyword);
    return value === undefined ? {} : { [key]: value };
  };
  const port = fields.get('port');
  return {
    server,
    to,
    from,
    subject: fields.get('subject') ?? '',
    body: fields.get('body') ?? '',
    ...optional('cc', 'cc'),
    ...optional('secure', 'secure'),
    ...optional('source-interface', 'sourceInterface'),
    ...optional('vrf', 'vrf'),
    ...(port !== undefined && { port: Number(port) }),
  };
}

const ACTION_LINE = /^action (\S+) (\S+)(?: (.*))?$/;

export function parseEemConfig(text: string): EemConfig {
  const environment = new Map<string, string>();
  const applets: EemApplet[] = [];
  let applet: { name: string; event?: string; actions: EemAction[]; otherLines: string[] } | undefined;
  // Banner text is no configuration, whatever it says (banners.ts).
  for (const raw of withoutBanners(outputLines(text)).lines) {
    // A syslog line a monitoring vty printed inside an applet does not end it.
    if (isSyslogLine(raw)) continue;
    if (!/^[ \t]/.test(raw)) {
      applet = undefined;
      const env = /^event manager environment (\S+)(?: (.*))?$/.exec(raw);
      const head = /^event manager applet (\S+)/.exec(raw);
      if (env) environment.set(env[1] ?? '', env[2] ?? '');
      else if (head) {
        applet = { name: head[1] ?? '', actions: [], otherLines: [] };
        applets.push(applet);
      }
      continue;
    }
    if (!applet) continue;
    const line = raw.trim();
    const action = ACTION_LINE.exec(line);
    if (line.startsWith('event ')) applet.event = line.slice('event '.length);
    else if (action) {
      const kind = action[2] ?? '';
      const args = action[3] ?? '';
      const mail = kind === 'mail' ? parseMailArgs(args) : undefined;
      applet.actions.push(mail ? { label: action[1] ?? '', kind, args, mail } : { label: action[1] ?? '', kind, args });
    } else applet.otherLines.push(line);
  }
  return { environment, applets };
}
