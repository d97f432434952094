import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  NetconfCapabilityError,
  NetconfClient,
  NetconfRpcError,
  NetconfSessionClosedError,
  childElements,
  firstChild,
  parseXml,
  textOf,
} from '../../../src/transport/netconf/index.js';
import { AuthenticationError } from '../../../src/transport/ssh-cli/index.js';
import { TEST_NS, startNetconfd } from './netconfd.js';
import type { Netconfd } from './netconfd.js';

/** Interop with a real NETCONF server: yuma123 netconfd 2.13 (Debian), over OpenSSH's netconf subsystem. */

const FP_A = '0123456789ABCDEF0123456789ABCDEF01234567';
const TRUST_FILTER = `<trust xmlns="${TEST_NS}"/>`;

function trustpoint(id: string, leaves: string, operation?: string): string {
  const op = operation ? ` nc:operation="${operation}"` : '';
  return `<trust xmlns="${TEST_NS}"><trustpoint${op}><id>${id}</id>${leaves}</trustpoint></trust>`;
}

/** The trustpoints in a get-config reply, as id → leaf values. */
function trustpoints(xml: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (xml === '') return out;
  const trust = parseXml(xml);
  for (const tp of childElements(trust, 'trustpoint', TEST_NS)) {
    const leaves = Object.fromEntries(childElements(tp).map((l) => [l.name, textOf(l).trim()]));
    out[leaves.id ?? ''] = leaves;
  }
  return out;
}

async function rpcError(promise: Promise<unknown>): Promise<NetconfRpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NetconfRpcError)) throw new Error(`expected a NetconfRpcError, got ${String(error)}`);
  return error;
}

describe('netconfd --target running --protocols netconf1.0 (base:1.0 framing)', () => {
  let server: Netconfd;
  const open: NetconfClient[] = [];
  const connect = async (device = 'yuma-r1'): Promise<NetconfClient> => {
    const client = await NetconfClient.connect(server.clientOptions(device));
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startNetconfd({ target: 'running', base10Only: true });
  }, 60_000);
  afterAll(async () => {
    for (const c of open) await c.close().catch(() => c.session.destroy());
    await server?.stop();
  }, 30_000);

  it('exchanges hellos: end-of-message framing, a session-id, :writable-running but no :candidate, the test module', async () => {
    const client = await connect();
    expect(client.framing).toBe('end-of-message');
    expect(client.sessionId).toBeGreaterThan(0);
    expect(client.capabilities.has(':writable-running')).toBe(true);
    expect(client.capabilities.has(':candidate')).toBe(false);
    expect(client.capabilities.has(':validate')).toBe(true);
    expect(client.capabilities.has('urn:ietf:params:netconf:base:1.1')).toBe(false);
    expect(client.capabilities.modules().find((m) => m.module === 'certagent-test')).toMatchObject({ namespace: TEST_NS, revision: '2026-11-23' });
  });

  it('edits running with merge, create, replace and remove, and reads it back with a subtree filter', async () => {
    const client = await connect();
    await client.editConfig({
      target: 'running',
      config: trustpoint('TP-A', `<fingerprint>${FP_A}</fingerprint><revocation-check>crl</revocation-check><enrollment>terminal</enrollment>`),
    });
    await client.editConfig({ target: 'running', config: trustpoint('TP-B', '<enrollment>url</enrollment>', 'create') });
    let config = await client.getConfig('running', TRUST_FILTER);
    expect(trustpoints(config.xml)).toEqual({
      'TP-A': { id: 'TP-A', fingerprint: FP_A, 'revocation-check': 'crl', enrollment: 'terminal' },
      'TP-B': { id: 'TP-B', enrollment: 'url' },
    });

    const exists = await rpcError(client.editConfig({ target: 'running', config: trustpoint('TP-B', '<enrollment>url</enrollment>', 'create') }));
    expect(exists.errors[0]).toMatchObject({ tag: 'data-exists', severity: 'error' });
    expect(exists.message).toMatch(/^yuma-r1: edit-config failed: data-exists/);

    await client.editConfig({ target: 'running', config: trustpoint('TP-A', '<enrollment>selfsigned</enrollment>', 'replace') });
    await client.editConfig({ target: 'running', config: trustpoint('TP-B', '', 'delete') });
    config = await client.getConfig('running', TRUST_FILTER);
    expect(trustpoints(config.xml)).toEqual({ 'TP-A': { id: 'TP-A', enrollment: 'selfsigned' } });

    const missing = await rpcError(client.editConfig({ target: 'running', config: trustpoint('TP-B', '', 'delete') }));
    expect(missing.errors[0]?.tag).toBe('data-missing');
  });

  it('refuses nc:operation="remove" in a base:1.0 session (remove is new in RFC 6241), so use delete there', async () => {
    const client = await connect();
    const error = await rpcError(client.editConfig({ target: 'running', config: trustpoint('TP-A', '', 'remove') }));
    expect(error.errors[0]).toMatchObject({ tag: 'unknown-element', message: 'base:1.1 protocol not enabled' });
  });

  it('returns netconfd rpc-errors whole, with its non-RFC error-type protocol for a bad value', async () => {
    const client = await connect();
    const error = await rpcError(
      client.editConfig({ target: 'running', config: trustpoint('TP-BAD', '<revocation-check>sometimes</revocation-check><enrollment>terminal</enrollment>') }),
    );
    expect(error.errors[0]).toMatchObject({
      type: 'protocol',
      tag: 'invalid-value',
      severity: 'error',
      appTag: 'not-in-value-set',
      path: "/nc:rpc/nc:edit-config/nc:config/ct:trust/ct:trustpoint[ct:id='TP-BAD']/ct:revocation-check",
      message: 'value not in set',
      info: { 'bad-value': 'sometimes' },
    });
    expect(error.errors[0]?.infoXml).toContain('<bad-value xmlns="http://netconfcentral.org/ns/yuma-ncx">sometimes</bad-value>');
  });

  it('reports a lock held by another session as lock-denied naming the holder, and the lock passes on after unlock', async () => {
    const holder = await connect('yuma-r1-a');
    const other = await connect('yuma-r1-b');
    await holder.lock('running');
    const denied = await rpcError(other.lock('running'));
    expect(denied.errors[0]).toMatchObject({ tag: 'lock-denied', info: { 'session-id': String(holder.sessionId) } });
    expect(denied.message).toContain(`lock-denied (held by session ${holder.sessionId})`);
    expect(denied.advice).toMatch(/another session holds the lock/);
    const blocked = await rpcError(other.editConfig({ target: 'running', config: trustpoint('TP-C', '<enrollment>url</enrollment>') }));
    expect(blocked.errors[0]?.tag).toBe('in-use');
    await holder.unlock('running');
    await expect(other.lock('running')).resolves.toMatchObject({ ok: true });
    await other.unlock('running');
  });

  it('kill-session ends another session, whose waiting and later RPCs fail with a closed-session error', async () => {
    const victim = await connect('yuma-r1-victim');
    const killer = await connect('yuma-r1-killer');
    await killer.killSession(victim.sessionId);
    await victim.session.closed;
    await expect(victim.get(TRUST_FILTER)).rejects.toBeInstanceOf(NetconfSessionClosedError);
  });

  it('refuses candidate operations before sending, as netconfd offers no :candidate here', async () => {
    const client = await connect();
    await expect(client.commit()).rejects.toBeInstanceOf(NetconfCapabilityError);
    await expect(client.discardChanges()).rejects.toThrow('yuma-r1: discard-changes needs the :candidate capability, which the device does not announce');
  });

  it('refuses test-only before sending when the device announces :validate but not :validate:1.1', async () => {
    const client = await connect();
    expect(client.capabilities.has(':validate:1.0')).toBe(true);
    expect(client.capabilities.has(':validate:1.1')).toBe(false);
    await expect(
      client.editConfig({ target: 'running', testOption: 'test-only', config: trustpoint('TP-TEST-ONLY', '<enrollment>terminal</enrollment>') }),
    ).rejects.toThrow('yuma-r1: edit-config needs the :validate:1.1 capability, which the device does not announce');
    expect(Object.keys(trustpoints((await client.getConfig('running', TRUST_FILTER)).xml))).not.toContain('TP-TEST-ONLY');
  });

  it('authenticates with a key, and refuses a wrong password without retrying it', async () => {
    const keyed = await NetconfClient.connect(
      server.clientOptions('yuma-r1-key', { credentials: { username: server.username, privateKey: server.privateKey } }),
    );
    open.push(keyed);
    expect(keyed.sessionId).toBeGreaterThan(0);
    await expect(
      NetconfClient.connect(server.clientOptions('yuma-r1-bad', { credentials: { username: server.username, password: 'wrong-password' } })),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('closes with close-session: netconfd answers ok and ends the channel', async () => {
    const client = await NetconfClient.connect(server.clientOptions('yuma-r1-close'));
    await client.close();
    expect(client.session.usable).toBe(false);
    await expect(client.get()).rejects.toThrow(/yuma-r1-close: get got no reply/);
  });
});

describe('netconfd --target candidate (base:1.1 chunked framing)', () => {
  let server: Netconfd;
  const open: NetconfClient[] = [];
  const connect = async (device = 'yuma-r2'): Promise<NetconfClient> => {
    const client = await NetconfClient.connect(server.clientOptions(device));
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startNetconfd({ target: 'candidate' });
  }, 60_000);
  afterAll(async () => {
    for (const c of open) await c.close().catch(() => c.session.destroy());
    await server?.stop();
  }, 30_000);

  it('negotiates base:1.1 and offers :candidate and :confirmed-commit, not :writable-running', async () => {
    const client = await connect();
    expect(client.framing).toBe('chunked');
    expect(client.capabilities.has(':candidate')).toBe(true);
    expect(client.capabilities.has(':confirmed-commit')).toBe(true);
    expect(client.capabilities.has(':writable-running')).toBe(false);
    await expect(client.editConfig({ target: 'running', config: trustpoint('X', '<enrollment>url</enrollment>') })).rejects.toThrow(
      /edit-config needs the :writable-running capability/,
    );
  });

  it('edits the candidate without touching running until commit; discard-changes drops an uncommitted edit', async () => {
    const client = await connect();
    await client.lock('candidate');
    await client.editConfig({
      target: 'candidate',
      config: trustpoint('TP-CAND', `<fingerprint>${FP_A}</fingerprint><enrollment>terminal</enrollment>`),
      defaultOperation: 'merge',
      testOption: 'test-then-set',
      errorOption: 'rollback-on-error',
    });
    expect(trustpoints((await client.getConfig('running', TRUST_FILTER)).xml)).toEqual({});
    expect(Object.keys(trustpoints((await client.getConfig('candidate', TRUST_FILTER)).xml))).toEqual(['TP-CAND']);
    await client.commit();
    expect(trustpoints((await client.getConfig('running', TRUST_FILTER)).xml)).toEqual({
      'TP-CAND': { id: 'TP-CAND', fingerprint: FP_A, enrollment: 'terminal' },
    });

    await client.editConfig({ target: 'candidate', config: trustpoint('TP-CAND', '', 'remove') });
    expect(trustpoints((await client.getConfig('candidate', TRUST_FILTER)).xml)).toEqual({});
    await client.discardChanges();
    expect(Object.keys(trustpoints((await client.getConfig('candidate', TRUST_FILTER)).xml))).toEqual(['TP-CAND']);
    await client.unlock('candidate');
  });

  it('validate refuses a candidate missing a mandatory leaf (edited with test-option set), and commit refuses it too, until discard-changes', async () => {
    const client = await connect();
    const edit = client.editConfig({ target: 'candidate', config: trustpoint('TP-NOENROLL', '<revocation-check>none</revocation-check>') });
    expect((await rpcError(edit)).errors[0]).toMatchObject({ tag: 'data-missing', path: "/ct:trust/ct:trustpoint[ct:id='TP-NOENROLL']/ct:enrollment" });
    await client.editConfig({ target: 'candidate', testOption: 'set', config: trustpoint('TP-NOENROLL', '<revocation-check>none</revocation-check>') });
    const invalid = await rpcError(client.validate({ source: 'candidate' }));
    expect(invalid.errors[0]).toMatchObject({
      tag: 'data-missing',
      path: "/ct:trust/ct:trustpoint[ct:id='TP-NOENROLL']/ct:enrollment",
      message: 'required value instance not found',
    });
    expect((await rpcError(client.commit())).errors[0]?.tag).toBe('data-missing');
    await client.discardChanges();
    await expect(client.validate({ source: 'candidate' })).resolves.toMatchObject({ ok: true });
  });

  it('a confirmed commit is applied, then made permanent by a confirming commit', async () => {
    const client = await connect();
    await client.editConfig({ target: 'candidate', config: trustpoint('TP-CONFIRM', '<enrollment>url</enrollment>') });
    await client.commit({ confirmed: true, confirmTimeoutSeconds: 120 });
    expect(Object.keys(trustpoints((await client.getConfig('running', TRUST_FILTER)).xml))).toContain('TP-CONFIRM');
    await client.commit();
    expect(Object.keys(trustpoints((await client.getConfig('running', TRUST_FILTER)).xml))).toContain('TP-CONFIRM');
  });

  it('a persistent confirmed commit outlives its session and is cancelled from another with its persist-id', async () => {
    const first = await NetconfClient.connect(server.clientOptions('yuma-r2-persist'));
    await first.editConfig({ target: 'candidate', config: trustpoint('TP-PERSIST', '<enrollment>terminal</enrollment>') });
    await first.commit({ confirmed: true, confirmTimeoutSeconds: 300, persist: 'certagent-rollout-1' });
    await first.close();
    const second = await connect('yuma-r2-cancel');
    expect(Object.keys(trustpoints((await second.getConfig('running', TRUST_FILTER)).xml))).toContain('TP-PERSIST');
    const wrong = await rpcError(second.cancelCommit('not-the-token'));
    expect(wrong.errors[0]?.tag).toBe('invalid-value');
    await second.cancelCommit('certagent-rollout-1');
    expect(Object.keys(trustpoints((await second.getConfig('running', TRUST_FILTER)).xml))).not.toContain('TP-PERSIST');
  });

  it('a candidate lock held by another session is lock-denied with the holder named', async () => {
    const holder = await connect('yuma-r2-a');
    const other = await connect('yuma-r2-b');
    await holder.lock('candidate');
    const denied = await rpcError(other.lock('candidate'));
    expect(denied.errors[0]).toMatchObject({ tag: 'lock-denied', info: { 'session-id': String(holder.sessionId) } });
    await holder.unlock('candidate');
  });

  it('get returns state data next to config (ietf-netconf-monitoring sessions list our session)', async () => {
    const client = await connect();
    const reply = await client.get('<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><sessions/></netconf-state>');
    const state = parseXml(reply.xml);
    const sessions = firstChild(state, 'sessions');
    const ids = sessions ? childElements(sessions, 'session').map((s) => textOf(firstChild(s, 'session-id') ?? s).trim()) : [];
    expect(ids).toContain(String(client.sessionId));
  });
});
