/**
 * Jump hosts (bastions): ONE SSH connection per jump host for the whole run, shared by every device session
 * behind it as direct-tcpip channels (what OpenSSH's ProxyJump does per session, without a login per device),
 * opened when first needed, opened again when it drops, and a cap on the device sessions through each jump host
 * (OpenSSH's MaxStartups/MaxSessions defaults are 10). A chain `a -> b` reaches b through a's connection.
 * Connections are per path (b reached directly and b reached through a are two connections), but the cap is per
 * jump host (`host:port`), whatever chain it appears in: it protects that sshd, which every path ends at.
 */
import { DEFAULT_TIMEOUTS } from '../timeouts.js';
import type { Client, ClientChannel } from 'ssh2';
import { handshake } from './connect.js';
import type { SshEndpoint } from './connect.js';
import { AuthenticationError, ConnectError, ForwardingRefusedError, forDevice, HostKeyMismatchError, HostKeyUnknownError } from './errors.js';
import { Slots } from './slots.js';

/** OpenSSH's MaxStartups 10:30:100 and MaxSessions 10. */
export const DEFAULT_JUMP_CONCURRENCY = 10;

export interface JumpHop extends SshEndpoint {
  /** How errors and `validate` name it (`user@host:port`). */
  readonly name: string;
  /** At most this many device sessions through this jump host at once, across the run. */
  readonly concurrency?: number;
}

export interface JumpRoute {
  /** First hop first, as in OpenSSH's `ProxyJump a,b`. */
  readonly hops: readonly JumpHop[];
  readonly pool: JumpPool;
}

export interface Tunnel {
  readonly stream: ClientChannel;
  /** Gives back the device's places on its jump hosts; once is enough, more calls do nothing. */
  readonly release: () => void;
}

interface Timing {
  readonly connectTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
}

/** SSH_OPEN_ADMINISTRATIVELY_PROHIBITED and SSH_OPEN_CONNECT_FAILED (RFC 4254 section 5.1). */
const PROHIBITED = 1;
const CONNECT_FAILED = 2;

/** The jump host itself, whichever chain and account reach it: what its cap counts against. */
function hostKey(hop: JumpHop): string {
  return `${hop.host.toLowerCase()}:${hop.port ?? 22}`;
}

function hopKey(hops: readonly JumpHop[], upTo: number): string {
  return hops
    .slice(0, upTo + 1)
    .map((h) => `${h.credentials.username}@${h.host}:${h.port ?? 22}`)
    .join(' -> ');
}

/** Asks a jump host to open a channel to host:port, within the connect deadline. */
function forward(device: string, client: Client, hop: JumpHop, host: string, port: number, timeoutMs: number): Promise<ClientChannel> {
  const target = `${host}:${port}`;
  return new Promise<ClientChannel>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ConnectError(device, `no answer within ${timeoutMs} ms to the request to forward to ${target}`, { hop: hop.name })),
      timeoutMs,
    );
    const done = (err: (Error & { reason?: number | string }) | undefined, channel: ClientChannel | undefined): void => {
      clearTimeout(timer);
      if (channel !== undefined && err === undefined) {
        resolve(channel);
        return;
      }
      const says = (err?.message ?? 'refused').replace(/^\(SSH\) Channel open failure: /, '');
      if (err?.reason === PROHIBITED) reject(new ForwardingRefusedError(device, hop.name, target, `administratively prohibited: ${says}`));
      else if (err?.reason === CONNECT_FAILED)
        reject(new ConnectError(device, `the jump host cannot reach the device at ${target}: ${says}`, { hop: hop.name }));
      else reject(new ConnectError(device, `forwarding to ${target} failed: ${says}`, { hop: hop.name }));
    };
    try {
      client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => done(err ?? undefined, channel));
    } catch (err) {
      // ssh2 throws at once when the connection is already gone.
      done(err as Error, undefined);
    }
  });
}

/** Auth and host key failures stay failures for the rest of the run: trying again could lock the account. */
function permanent(err: unknown): boolean {
  return err instanceof AuthenticationError || err instanceof HostKeyMismatchError || err instanceof HostKeyUnknownError;
}

export interface JumpPoolOptions {
  /**
   * End a jump host connection as soon as no device session uses it: for a single session opened on its own.
   * A run's pool keeps them open for the devices to come and is closed at the end of the run.
   */
  readonly closeWhenIdle?: boolean;
}

export class JumpPool {
  readonly #connections = new Map<string, Promise<Client>>();
  readonly #refused = new Map<string, unknown>();
  readonly #slots = new Map<string, Slots>();
  readonly #users = new Map<string, number>();
  readonly #closeWhenIdle: boolean;
  #closed = false;

  constructor(options: JumpPoolOptions = {}) {
    this.#closeWhenIdle = options.closeWhenIdle ?? false;
  }

  /** A channel to host:port through the hops, once the device has a place on every one of them. */
  async tunnel(device: string, hops: readonly JumpHop[], host: string, port: number, timing: Timing = {}): Promise<Tunnel> {
    const keys = hops.map((_, i) => hopKey(hops, i));
    // Always in the same order, so two chains that share jump hosts cannot wait on each other's places.
    const slots = [...new Set(hops.map(hostKey))].sort().map((key) => this.#slotsFor(key, hops));
    const held: Slots[] = [];
    let using = false;
    const releaseAll = (): void => {
      for (const s of held.splice(0)) s.release();
      if (using) {
        using = false;
        for (const key of keys) this.#leave(key);
      }
    };
    try {
      for (const s of slots) {
        await s.acquire();
        held.push(s);
      }
      using = true;
      for (const key of keys) this.#users.set(key, (this.#users.get(key) ?? 0) + 1);
      const last = hops.length - 1;
      const client = await this.#connection(device, hops, last, timing);
      const stream = await forward(device, client, hops[last] as JumpHop, host, port, timing.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs).catch(
        (err: unknown) => {
          throw forDevice(err, device);
        },
      );
      return { stream, release: releaseAll };
    } catch (err) {
      releaseAll();
      throw err;
    }
  }

  /** Device sessions holding a place on this jump host now (for tests and the benchmark). */
  inUse(hops: readonly JumpHop[], index: number): number {
    const hop = hops[index];
    return hop === undefined ? 0 : (this.#slots.get(hostKey(hop))?.inUse ?? 0);
  }

  /** Ends every jump host connection; the pool opens no new ones. */
  close(): void {
    this.#closed = true;
    for (const attempt of this.#connections.values())
      attempt.then(
        (c) => c.end(),
        () => undefined,
      );
    this.#connections.clear();
  }

  #leave(key: string): void {
    const left = (this.#users.get(key) ?? 1) - 1;
    this.#users.set(key, left);
    if (left > 0 || !this.#closeWhenIdle) return;
    const attempt = this.#connections.get(key);
    this.#connections.delete(key);
    attempt?.then(
      (c) => c.end(),
      () => undefined,
    );
  }

  /** The jump host's places; when chains give it different caps, the smallest one seen so far holds from then on. */
  #slotsFor(key: string, hops: readonly JumpHop[]): Slots {
    const limit = Math.max(1, Math.min(...hops.filter((h) => hostKey(h) === key).map((h) => h.concurrency ?? DEFAULT_JUMP_CONCURRENCY)));
    let slots = this.#slots.get(key);
    if (slots === undefined) {
      slots = new Slots(limit);
      this.#slots.set(key, slots);
    } else {
      slots.narrow(limit);
    }
    return slots;
  }

  #connection(device: string, hops: readonly JumpHop[], index: number, timing: Timing): Promise<Client> {
    const key = hopKey(hops, index);
    const hop = hops[index] as JumpHop;
    const refused = this.#refused.get(key);
    if (refused !== undefined) return Promise.reject(forDevice(refused, device));
    if (this.#closed) return Promise.reject(new ConnectError(device, 'the run is ending: no new connection', { hop: hop.name }));
    let attempt = this.#connections.get(key);
    if (attempt === undefined) {
      const opening = (async (): Promise<Client> => {
        const sock =
          index === 0
            ? undefined
            : await forward(
                device,
                await this.#connection(device, hops, index - 1, timing),
                hops[index - 1] as JumpHop,
                hop.host,
                hop.port ?? 22,
                timing.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
              );
        const { client } = await handshake({ device, endpoint: hop, hop: hop.name, ...(sock && { sock }), ...timing });
        // A dropped jump host is connected afresh by the next device that needs it.
        client.once('close', () => {
          if (this.#connections.get(key) === opening) this.#connections.delete(key);
        });
        if (this.#closed) client.end();
        return client;
      })();
      opening.catch((err: unknown) => {
        if (this.#connections.get(key) === opening) this.#connections.delete(key);
        if (permanent(err)) this.#refused.set(key, err);
      });
      this.#connections.set(key, opening);
      attempt = opening;
    }
    return attempt.catch((err: unknown) => {
      throw forDevice(err, device);
    });
  }
}
