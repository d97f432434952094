/**
 * Cisco type 9 secrets (`username admin privilege 15 secret 9 $9$...`, `enable secret 9 ...`): scrypt with
 * N=16384, r=1, p=1 over a 14-character salt, in Cisco's base64 alphabet (`./0-9A-Za-z`), as IOS XE
 * renders secrets by default. Hashing costs ~40 ms of blocking scrypt, and a lab of 1000 routers shares a
 * handful of passwords, so each clear text is hashed once per process and each (clear, hash) pair verified
 * once: routers then render the same salt for the same password, which a lab can afford and a fleet run needs.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CISCO = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function ciscoBase64(bytes: Buffer): string {
  return [...bytes.toString('base64').replace(/=+$/, '')].map((c) => CISCO[STANDARD.indexOf(c)] ?? '').join('');
}

function derive(password: string, salt: string): string {
  return ciscoBase64(scryptSync(password, salt, 32, { N: 16384, r: 1, p: 1, maxmem: 64 * 1024 * 1024 }));
}

const hashed = new Map<string, string>();
const verified = new Map<string, boolean>();

export function typeNineHash(password: string): string {
  let hash = hashed.get(password);
  if (hash === undefined) {
    const salt = ciscoBase64(randomBytes(11)).slice(0, 14);
    hash = `$9$${salt}$${derive(password, salt)}`;
    hashed.set(password, hash);
    verified.set(`${hash}\0${password}`, true);
  }
  return hash;
}

export function verifyTypeNine(password: string, hash: string): boolean {
  const key = `${hash}\0${password}`;
  let ok = verified.get(key);
  if (ok === undefined) {
    ok = checkTypeNine(password, hash);
    verified.set(key, ok);
  }
  return ok;
}

function checkTypeNine(password: string, hash: string): boolean {
  const match = /^\$9\$([./0-9A-Za-z]{14})\$([./0-9A-Za-z]{43})$/.exec(hash);
  if (!match) return false;
  const expected = Buffer.from(match[2] as string);
  const actual = Buffer.from(derive(password, match[1] as string));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * A secret as the router keeps it: the clear text when it was typed (or given to the lab), the type 9
 * hash once rendered or when read back from a saved config.
 */
export class Secret {
  private constructor(
    private readonly clear: string | undefined,
    private hash: string | undefined,
    /** A saved hash that may belong to `clear`: kept if it does, so a restart does not change the config. */
    private readonly previous?: Secret,
  ) {}

  /** `previous`: the secret the same account had (from a replayed config). */
  static fromClear(clear: string, previous?: Secret): Secret {
    return new Secret(clear, undefined, previous);
  }

  static fromHash(hash: string): Secret {
    return new Secret(undefined, hash);
  }

  rendered(): string {
    if (this.hash === undefined) {
      const saved = this.previous?.hash;
      this.hash = saved !== undefined && this.clear !== undefined && verifyTypeNine(this.clear, saved) ? saved : typeNineHash(this.clear ?? '');
    }
    return `9 ${this.hash}`;
  }

  matches(candidate: string): boolean {
    if (this.clear !== undefined) {
      const a = Buffer.from(this.clear);
      const b = Buffer.from(candidate);
      return a.length === b.length && timingSafeEqual(a, b);
    }
    return this.hash !== undefined && verifyTypeNine(candidate, this.hash);
  }
}
