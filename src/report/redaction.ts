/**
 * Redaction for everything certagent writes about a run (console, log file, JSON report), as a last line
 * of defence: the workflow already redacts what it emits, but a caller that logs an error or an object
 * carrying a secret must still not leak it.
 *
 * Known values come from the same `Redactor` the SSH sessions use (a registry of secret values plus the
 * IOS `user:password@host` server strings); this module adds the patterns of secrets that appear as text
 * without having been registered (config lines and private keys) and a walk through nested objects.
 */
import { REDACTED, Redactor } from '../shared/redact.js';

export { REDACTED };

/** Anything that holds a secret value behind a method, like config's `Secret`. */
export interface Revealable {
  reveal(): string;
}

interface SecretPattern {
  readonly what: string;
  readonly pattern: RegExp;
  readonly replace: string;
}

// A config line or an echoed command: at the start of a line, after an IOS prompt (`R1(config)#`) or
// quoted (an EEM `action 1.0 cli command "..."`).
const LINE = String.raw`(^|\n|[#>"])([ \t]*)`;
// `enable algorithm-type scrypt secret ...` is how a secret is typed; `secret 9 $9$...` is how it shows.
const ALGORITHM = String.raw`(?:algorithm-type[ \t]+\S+[ \t]+)?`;
// Submode lines (` password 7 ...` under `line vty`) are indented; a bare `password ...` at the start of a
// message is more likely prose ("password for netops@R1") and is left alone unless after a prompt.
const SUBMODE = String.raw`((?:^|\n)[ \t]+|[#>][ \t]*)`;
const NOT_DONE = `(?!${REDACTED})`;
// An optional encryption type (`secret 9 ...`); the value may not itself be that type digit, else a line the
// typed rule already masked (`secret 9 <redacted>`) would lose its `9` on backtracking.
const TYPE = String.raw`(?:[0-9][ \t]+)?`;
// A closing quote after the value (EEM `cli command "..."`) is not part of it.
const VALUE = `(?![0-9][ \\t])${NOT_DONE}(\\S+?)(?="?(?:\\s|$))`;

/**
 * IOS secrets as they appear in configuration and command echoes. Anchored on the config syntax so that
 * prose like "the enable secret was refused" stays readable.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    what: 'private key block (PEM)',
    pattern: /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*?PRIVATE KEY-----|$(?![\s\S]))/g,
    replace: `-----BEGIN $1PRIVATE KEY----- ${REDACTED} -----END $1PRIVATE KEY-----`,
  },
  {
    what: '`password`/`secret` with an encryption type (`enable secret 9 $9$...`, ` password 7 0822...`)',
    pattern: new RegExp(`\\b(password|secret)([ \\t]+)([0-9])([ \\t]+)${NOT_DONE}\\S+`, 'gi'),
    replace: `$1$2$3$4${REDACTED}`,
  },
  {
    what: '`enable secret|password VALUE`',
    pattern: new RegExp(`${LINE}(enable[ \\t]+${ALGORITHM}(?:secret|password)[ \\t]+(?:level[ \\t]+\\d+[ \\t]+)?${TYPE})(?!level\\b)${VALUE}`, 'gi'),
    replace: `$1$2$3${REDACTED}`,
  },
  {
    what: '`username NAME [privilege N] secret|password VALUE`',
    pattern: new RegExp(`${LINE}(username[ \\t]+\\S+(?:[ \\t]+privilege[ \\t]+\\d+)?[ \\t]+${ALGORITHM}(?:secret|password)[ \\t]+${TYPE})${VALUE}`, 'gi'),
    replace: `$1$2$3${REDACTED}`,
  },
  {
    what: 'submode `password VALUE` / `secret VALUE` (line vty, trustpoint)',
    pattern: new RegExp(`${SUBMODE}((?:password|secret)[ \\t]+${TYPE})${VALUE}`, 'gi'),
    replace: `$1$2${REDACTED}`,
  },
  {
    what: '`crypto pki import|export TP pem terminal|pkcs12 URL password VALUE`',
    pattern: new RegExp(`(\\b(?:pem|pkcs12)\\b[^\\n]*?\\bpassword[ \\t]+)${VALUE}`, 'gi'),
    replace: `$1${REDACTED}`,
  },
  {
    what: '`snmp-server community VALUE`, `crypto isakmp key VALUE`, `key config-key password-encrypt VALUE`',
    pattern: new RegExp(
      `(\\bsnmp-server[ \\t]+community[ \\t]+|\\bcrypto[ \\t]+isakmp[ \\t]+key[ \\t]+${TYPE}|\\bkey[ \\t]+config-key[ \\t]+password-encrypt[ \\t]+)${VALUE}`,
      'gi',
    ),
    replace: `$1${REDACTED}`,
  },
];

/** Every pattern above needs one of these words (a superset: case-insensitive where a pattern is not). Nearly
 * all text certagent reports holds none of them, and is then returned without running the eight patterns;
 * a new pattern must add its word here (test/report/redaction.test.ts checks each pattern names one). */
export const SECRET_WORDS = /password|secret|community|isakmp|PRIVATE KEY/i;

export function redactPatterns(text: string): string {
  if (!SECRET_WORDS.test(text)) return text;
  let out = text;
  for (const { pattern, replace } of SECRET_PATTERNS) out = out.replace(pattern, replace);
  return out;
}

const MAX_DEPTH = 12;

/**
 * The registry of secret values of one run plus the patterns. Register every resolved secret as soon as
 * it is known (`add`), before anything is logged about the device it belongs to.
 */
export class SecretRedactor {
  readonly #values: Redactor;

  constructor(secrets: Iterable<string | Revealable | undefined> = []) {
    this.#values = new Redactor();
    for (const s of secrets) this.add(s);
  }

  /** Marks a value secret from now on. Values shorter than 3 characters are ignored (they would garble text). */
  add(secret: string | Revealable | undefined): void {
    this.#values.add(typeof secret === 'object' ? secret.reveal() : secret);
  }

  redact(text: string): string {
    return redactPatterns(this.#values.redact(text));
  }

  /**
   * A redacted copy of any value: strings redacted, arrays and plain objects walked, errors turned into
   * plain `{ name, message, stack, cause, ...fields }` (their message and stack are not enumerable and
   * would otherwise be lost or printed raw), cycles cut. Objects with `toJSON` are serialised first, so a
   * config `Secret` stays a placeholder.
   */
  redactDeep(value: unknown): unknown {
    return this.#walk(value, 0, new WeakSet());
  }

  #walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => this.#walk(v, depth + 1, seen));
    if (value instanceof Error) {
      const plain: Record<string, unknown> = { name: value.name, message: value.message };
      if (value.stack !== undefined) plain.stack = value.stack;
      if (value.cause !== undefined) plain.cause = value.cause;
      Object.assign(plain, value);
      return this.#walkObject(plain, depth, seen);
    }
    if (value instanceof Date) return value.toISOString();
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.#walk(toJSON.call(value), depth + 1, seen);
    return this.#walkObject(value as Record<string, unknown>, depth, seen);
  }

  #walkObject(value: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.#walk(v, depth + 1, seen);
    return out;
  }
}
