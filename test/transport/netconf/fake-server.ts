/**
 * A scripted NETCONF server over real SSH (an ssh2 server with the `netconf` subsystem), for what a real
 * server will not do on demand: answer out of order, send malformed replies or framing, drop mid-reply,
 * stay silent. Each test decides the answers in `onRpc`.
 */
import ssh2 from 'ssh2';
import { ed25519KeyPair } from '../../helpers/ssh-keys.js';
import type { AddressInfo } from 'node:net';
import type { ServerChannel } from 'ssh2';
import { FrameDecoder, encodeMessage, parseXml } from '../../../src/transport/netconf/index.js';
import type { Framing } from '../../../src/transport/netconf/index.js';
import { sha256Fingerprint } from '../../../src/transport/ssh-cli/index.js';

export const NC_USER = { username: 'nc', password: 'Nc-Secret-9' };
const BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export interface ReceivedRpc {
  readonly messageId: string;
  /** Local name of the operation element (`get-config`, `commit`, `config-ios-cli-rpc`). */
  readonly operation: string;
  readonly xml: string;
}

export interface Peer {
  readonly framing: Framing;
  /** Sends a framed message as is. */
  send(xml: string): void;
  /** An rpc-reply with this content for the given message-id. */
  reply(messageId: string, content: string): void;
  /** Bytes straight onto the channel, no framing. */
  raw(bytes: string | Buffer): void;
  /** Closes the NETCONF channel. */
  closeChannel(): void;
  /** Drops the whole SSH connection. */
  drop(): void;
}

export interface FakeScript {
  readonly capabilities?: readonly string[];
  readonly sessionId?: number;
  /** false: never send a hello. */
  readonly hello?: boolean;
  /** Refuse the subsystem request. */
  readonly refuseSubsystem?: boolean;
  readonly onRpc?: (rpc: ReceivedRpc, peer: Peer) => void;
}

export interface FakeServer {
  readonly port: number;
  readonly hostKeyFingerprint: string;
  readonly clientHellos: string[];
  readonly rpcs: ReceivedRpc[];
  close(): Promise<void>;
}

export const FULL_CAPABILITIES = [
  'urn:ietf:params:netconf:base:1.0',
  'urn:ietf:params:netconf:base:1.1',
  'urn:ietf:params:netconf:capability:writable-running:1.0',
  'urn:ietf:params:netconf:capability:candidate:1.0',
  'urn:ietf:params:netconf:capability:confirmed-commit:1.1',
  'urn:ietf:params:netconf:capability:validate:1.1',
];

const hostKey = ed25519KeyPair();

export async function startFakeNetconf(script: FakeScript): Promise<FakeServer> {
  const clientHellos: string[] = [];
  const rpcs: ReceivedRpc[] = [];
  const connections = new Set<ssh2.Connection>();
  const capabilities = script.capabilities ?? FULL_CAPABILITIES;

  const serve = (channel: ServerChannel, connection: ssh2.Connection): void => {
    const decoder = new FrameDecoder();
    let framing: Framing = 'end-of-message';
    const peer: Peer = {
      get framing() {
        return framing;
      },
      send: (xml) => channel.write(encodeMessage(xml, framing)),
      reply: (id, content) => peer.send(`<rpc-reply xmlns="${BASE}" message-id="${id}">${content}</rpc-reply>`),
      raw: (bytes) => channel.write(bytes),
      closeChannel: () => channel.close(),
      drop: () => connection.end(),
    };
    if (script.hello !== false) {
      const caps = capabilities.map((c) => `<capability>${c}</capability>`).join('');
      channel.write(
        encodeMessage(
          `<?xml version="1.0" encoding="UTF-8"?>\n<hello xmlns="${BASE}"><capabilities>${caps}</capabilities><session-id>${script.sessionId ?? 7}</session-id></hello>`,
          'end-of-message',
        ),
      );
    }
    channel.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let message = decoder.next(); message !== undefined; message = decoder.next()) {
        const root = parseXml(message.trimStart());
        if (root.name === 'hello') {
          clientHellos.push(message);
          if (message.includes('base:1.1') && capabilities.includes('urn:ietf:params:netconf:base:1.1')) {
            framing = 'chunked';
            decoder.setFraming('chunked');
          }
          continue;
        }
        const op = root.children.find((c) => typeof c !== 'string');
        const rpc = {
          messageId: root.attributes.find((a) => a.name === 'message-id')?.value ?? '',
          operation: typeof op === 'object' ? op.name : '',
          xml: message,
        };
        rpcs.push(rpc);
        // close-session is answered as RFC 6241 7.8 says, whatever the script: ok, then the session ends.
        if (rpc.operation === 'close-session') {
          peer.reply(rpc.messageId, '<ok/>');
          channel.close();
          continue;
        }
        script.onRpc?.(rpc, peer);
      }
    });
  };

  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    connection.on('error', () => undefined);
    connection.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === NC_USER.username && ctx.password === NC_USER.password) ctx.accept();
      else ctx.reject(['password']);
    });
    connection.on('ready', () => {
      connection.on('session', (accept) => {
        const session = accept();
        session.on('subsystem', (acceptSub, rejectSub, info) => {
          if (info.name !== 'netconf' || script.refuseSubsystem) {
            rejectSub();
            return;
          }
          serve(acceptSub(), connection);
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hostKeyFingerprint: sha256Fingerprint(Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64')),
    clientHellos,
    rpcs,
    close: async () => {
      for (const c of connections) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
