import { afterEach, describe, expect, it } from '@jest/globals';
import {
  NetconfCapabilityError,
  NetconfClient,
  NetconfFramingError,
  NetconfHelloError,
  NetconfMalformedReplyError,
  NetconfRequestError,
  NetconfRpcError,
  NetconfSessionClosedError,
  NetconfTimeoutError,
  firstChild,
  textOf,
} from '../../../src/transport/netconf/index.js';
import type { NetconfClientOptions } from '../../../src/transport/netconf/index.js';
import { ConnectError, HostKeyMismatchError } from '../../../src/transport/ssh-cli/index.js';
import { NC_USER, startFakeNetconf } from './fake-server.js';
import type { FakeScript, FakeServer } from './fake-server.js';

const servers: FakeServer[] = [];
const clients: NetconfClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.session.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function serverWith(script: FakeScript): Promise<FakeServer> {
  const server = await startFakeNetconf(script);
  servers.push(server);
  return server;
}

function options(server: FakeServer, overrides: Partial<NetconfClientOptions> = {}): NetconfClientOptions {
  return {
    device: 'fake-nc1',
    host: '127.0.0.1',
    port: server.port,
    credentials: NC_USER,
    hostKey: { mode: 'pinned', fingerprints: [server.hostKeyFingerprint] },
    connectTimeoutMs: 10_000,
    rpcTimeoutMs: 10_000,
    ...overrides,
  };
}

async function connect(server: FakeServer, overrides: Partial<NetconfClientOptions> = {}): Promise<NetconfClient> {
  const client = await NetconfClient.connect(options(server, overrides));
  clients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

const OK = '<ok/>';

describe('hello and framing over real SSH', () => {
  it('switches to chunked framing when both sides offer base:1.1, and announces both versions', async () => {
    const server = await serverWith({ sessionId: 31, onRpc: (rpc, peer) => peer.reply(rpc.messageId, `<data><framing>${peer.framing}</framing></data>`) });
    const client = await connect(server);
    expect(client.sessionId).toBe(31);
    expect(client.framing).toBe('chunked');
    const reply = await client.get();
    // Our hello reached the server before the get did (same channel, in order).
    expect(server.clientHellos[0]).toContain('<capability>urn:ietf:params:netconf:base:1.1</capability>');
    expect(reply.xml).toBe('<framing xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">chunked</framing>');
    await client.close();
    expect(server.rpcs.map((r) => r.operation)).toEqual(['get', 'close-session']);
    expect(client.session.usable).toBe(false);
  });

  it('keeps end-of-message framing with a base:1.0-only server', async () => {
    const server = await serverWith({
      capabilities: ['urn:ietf:params:netconf:base:1.0', 'urn:ietf:params:netconf:capability:writable-running:1.0'],
      onRpc: (rpc, peer) => peer.reply(rpc.messageId, OK),
    });
    const client = await connect(server);
    expect(client.framing).toBe('end-of-message');
    await expect(client.lock('running')).resolves.toMatchObject({ ok: true });
  });

  it('fails the hello when the server says nothing, naming the device and the deadline', async () => {
    const server = await serverWith({ hello: false });
    const error = await failure(NetconfClient.connect(options(server, { helloTimeoutMs: 300 })));
    expect(error).toBeInstanceOf(NetconfHelloError);
    expect(error.message).toBe('fake-nc1: NETCONF hello failed: no hello within 300 ms; seen: ""');
  });

  it('reports a refused netconf subsystem as a connect error', async () => {
    const server = await serverWith({ refuseSubsystem: true });
    const error = await failure(NetconfClient.connect(options(server)));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toMatch(/fake-nc1: .*netconf subsystem was refused/);
  });

  it('checks the host key as the SSH CLI does', async () => {
    const server = await serverWith({});
    const error = await failure(
      NetconfClient.connect(options(server, { hostKey: { mode: 'pinned', fingerprints: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] } })),
    );
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(server.clientHellos).toEqual([]);
  });
});

describe('RPCs and replies', () => {
  it('matches replies to RPCs by message-id when they come back in the other order', async () => {
    const waiting: Array<{ id: string; op: string }> = [];
    const server = await serverWith({
      onRpc: (rpc, peer) => {
        waiting.push({ id: rpc.messageId, op: rpc.operation });
        if (waiting.length < 2) return;
        for (const w of waiting.reverse()) peer.reply(w.id, `<data><answer xmlns="urn:t">${w.op}</answer></data>`);
      },
    });
    const client = await connect(server);
    const [first, second] = await Promise.all([client.get(), client.getConfig('running')]);
    expect(first.xml).toBe('<answer xmlns="urn:t">get</answer>');
    expect(second.xml).toBe('<answer xmlns="urn:t">get-config</answer>');
    expect(Number(server.rpcs[1]?.messageId)).toBe(Number(server.rpcs[0]?.messageId) + 1);
  });

  it('raises every rpc-error of a reply in one NetconfRpcError, and returns warnings alone as a reply', async () => {
    const server = await serverWith({
      onRpc: (rpc, peer) => {
        const warning =
          '<rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>warning</error-severity><error-message>deprecated leaf</error-message></rpc-error>';
        if (rpc.operation === 'validate') {
          peer.reply(rpc.messageId, `${warning}<ok/>`);
          return;
        }
        peer.reply(
          rpc.messageId,
          '<rpc-error><error-type>protocol</error-type><error-tag>invalid-value</error-tag><error-severity>error</error-severity><error-app-tag>not-in-value-set</error-app-tag><error-path>/t:trust/t:revocation-check</error-path><error-message xml:lang="en">value not in set</error-message><error-info><bad-value>bogus</bad-value></error-info></rpc-error>' +
            '<rpc-error><error-type>application</error-type><error-tag>data-missing</error-tag><error-severity>error</error-severity><error-message>no such trustpoint</error-message></rpc-error>' +
            warning,
        );
      },
    });
    const client = await connect(server);
    const error = await failure(client.editConfig({ target: 'candidate', config: '<trust xmlns="urn:t"><revocation-check>bogus</revocation-check></trust>' }));
    expect(error).toBeInstanceOf(NetconfRpcError);
    const rpcError = error as NetconfRpcError;
    expect(rpcError.errors).toHaveLength(3);
    expect(rpcError.errors[0]).toMatchObject({
      type: 'protocol',
      tag: 'invalid-value',
      appTag: 'not-in-value-set',
      path: '/t:trust/t:revocation-check',
      message: 'value not in set',
      info: { 'bad-value': 'bogus' },
    });
    expect(rpcError.message).toBe(
      'fake-nc1: edit-config failed: invalid-value at /t:trust/t:revocation-check: value not in set; data-missing: no such trustpoint',
    );
    expect(rpcError.advice).toMatch(/not allowed by the device YANG model/);
    const validated = await client.validate({ source: 'candidate' });
    expect(validated.ok).toBe(true);
    expect(validated.warnings.map((w) => w.message)).toEqual(['deprecated leaf']);
  });

  it('times out one RPC with the device, operation and what was seen; a late reply is dropped and the session goes on', async () => {
    let held: string | undefined;
    const server = await serverWith({
      onRpc: (rpc, peer) => {
        if (rpc.operation === 'commit') {
          held = rpc.messageId;
          return;
        }
        if (held !== undefined) peer.reply(held, '<ok/>');
        peer.reply(rpc.messageId, '<data/>');
      },
    });
    const client = await connect(server);
    const error = await failure(client.commit({}, { timeoutMs: 400 }));
    expect(error).toBeInstanceOf(NetconfTimeoutError);
    expect(error.message).toBe(
      `fake-nc1: no reply to commit (message-id ${held}) within 400 ms; 0 bytes received since it was sent; last seen: ${JSON.stringify((error as NetconfTimeoutError).lastSeen)}`,
    );
    expect((error as NetconfTimeoutError).lastSeen).toContain('<session-id>7</session-id>');
    await expect(client.getConfig('running')).resolves.toMatchObject({ xml: '' });
  });

  it('keeps the login password and declared secrets out of errors, even when the device echoes them', async () => {
    const server = await serverWith({
      onRpc: (rpc, peer) =>
        peer.reply(
          rpc.messageId,
          `<rpc-error><error-type>application</error-type><error-tag>invalid-value</error-tag><error-severity>error</error-severity><error-message>bad key ${NC_USER.password} / Smtp-Pass-77</error-message></rpc-error>`,
        ),
    });
    const client = await connect(server, { secrets: ['Smtp-Pass-77'] });
    const error = await failure(client.editConfig({ target: 'running', config: '<mail xmlns="urn:t"><password>Smtp-Pass-77</password></mail>' }));
    expect(error.message).not.toContain(NC_USER.password);
    expect(error.message).not.toContain('Smtp-Pass-77');
    expect((error as NetconfRpcError).errors[0]?.message).toMatch(/^bad key \S+ \/ \S+$/);
  });

  it('sends a vendor RPC and hands back its output (IOS XE config-ios-cli-rpc)', async () => {
    const server = await serverWith({
      onRpc: (rpc, peer) =>
        peer.reply(rpc.messageId, '<result xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc">Line 1 SUCCESS: crypto pki trustpoint X &amp; Y\n</result>'),
    });
    const client = await connect(server);
    const reply = await client.rpc(
      '<config-ios-cli-rpc xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc"><config-clis>crypto pki trustpoint X &amp; Y</config-clis></config-ios-cli-rpc>',
    );
    const result = firstChild(reply.root, 'result', 'http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc');
    expect(result ? textOf(result) : undefined).toBe('Line 1 SUCCESS: crypto pki trustpoint X & Y\n');
    expect(server.rpcs[0]?.operation).toBe('config-ios-cli-rpc');
  });

  it('refuses, before sending anything, an operation the device lacks the capability for, or a malformed request', async () => {
    const server = await serverWith({ capabilities: ['urn:ietf:params:netconf:base:1.1', 'urn:ietf:params:netconf:capability:writable-running:1.0'] });
    const client = await connect(server);
    const commit = await failure(client.commit());
    expect(commit).toBeInstanceOf(NetconfCapabilityError);
    expect(commit.message).toBe('fake-nc1: commit needs the :candidate capability, which the device does not announce');
    await expect(client.validate({ source: 'running' })).rejects.toThrow(/validate needs the :validate capability/);
    await expect(client.editConfig({ target: 'running', config: '<a/>', errorOption: 'rollback-on-error' })).rejects.toThrow(/:rollback-on-error/);
    const bad = await failure(client.editConfig({ target: 'running', config: '<trust><id>A</trust>' }));
    expect(bad).toBeInstanceOf(NetconfRequestError);
    expect(bad.message).toMatch(/^fake-nc1: cannot send edit-config: the config is not well-formed XML/);
    expect(server.rpcs).toEqual([]);
  });
});

describe('a misbehaving server', () => {
  it('fails only the RPC whose reply is not well-formed XML; the other one still gets its reply', async () => {
    const seen: string[] = [];
    const server = await serverWith({
      onRpc: (rpc, peer) => {
        seen.push(rpc.messageId);
        if (seen.length < 2) return;
        peer.send(`<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="${seen[0]}"><data><unclosed></data></rpc-reply>`);
        peer.reply(seen[1] ?? '', '<ok/>');
      },
    });
    const client = await connect(server);
    const [broken, fine] = await Promise.allSettled([client.getConfig('running'), client.lock('running')]);
    expect(broken.status).toBe('rejected');
    const error = (broken as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(NetconfMalformedReplyError);
    expect(error.message).toMatch(/^fake-nc1: unusable reply to get-config: Expected closing tag 'unclosed'.*; seen: ".*<unclosed>/);
    expect(fine).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(client.session.usable).toBe(true);
  });

  it('fails every waiting RPC with a clear error when the server drops mid-reply, and refuses later RPCs at once', async () => {
    const seen: string[] = [];
    const server = await serverWith({
      onRpc: (rpc, peer) => {
        seen.push(rpc.messageId);
        if (seen.length < 2) return;
        const whole = `<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="${seen[0]}"><data><trust xmlns="urn:t"><id>TP-HALF</id></trust></data></rpc-reply>`;
        peer.raw(`\n#${whole.length}\n${whole.slice(0, 90)}`);
        peer.drop();
      },
    });
    const client = await connect(server);
    const results = await Promise.allSettled([client.getConfig('running'), client.get()]);
    const errors = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : undefined));
    for (const e of errors) expect(e).toBeInstanceOf(NetconfSessionClosedError);
    expect(errors[0]?.message).toMatch(/^fake-nc1: get-config got no reply: the device closed the NETCONF channel; last seen: ".*message-id=/);
    expect(errors[1]?.message).toMatch(/^fake-nc1: get got no reply/);
    expect((errors[0] as NetconfSessionClosedError).lastSeen).toContain('<rpc-reply');
    await expect(client.lock('running')).rejects.toThrow('fake-nc1: lock got no reply: the device closed the NETCONF channel; last seen: ""');
  });

  it('gives up the session on a malformed chunk header, failing every waiting RPC with the bytes seen', async () => {
    const server = await serverWith({ onRpc: (_rpc, peer) => peer.raw('\n#12x\n<rpc-reply/>\n##\n') });
    const client = await connect(server);
    const error = await failure(client.get());
    expect(error).toBeInstanceOf(NetconfFramingError);
    expect(error.message).toMatch(/^fake-nc1: malformed chunked framing: expected a digit or LF in chunk size 12, got "x"; seen: ".*#12x/);
    expect(client.session.usable).toBe(false);
  });
});
