/**
 * The lab router's NETCONF server spoken to byte by byte over a real SSH `netconf` subsystem: what a
 * well-behaved client library never sends (bad XML, an rpc without message-id) and the exact reply shapes.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { FrameDecoder, encodeMessage, type Framing } from '../../../src/transport/netconf/framing.js';
import { LabRouter } from '../../../src/lab/router/index.js';

let router: LabRouter;

class RawSession {
  private readonly decoder = new FrameDecoder();
  private readonly messages: string[] = [];
  private wake: (() => void) | undefined;
  private framing: Framing = 'end-of-message';

  private constructor(
    private readonly client: ssh2.Client,
    private readonly channel: ClientChannel,
  ) {
    channel.on('data', (data: Buffer) => {
      this.decoder.push(data);
      for (let m = this.decoder.next(); m !== undefined; m = this.decoder.next()) this.messages.push(m);
      this.wake?.();
    });
  }

  static open(): Promise<RawSession> {
    const client = new ssh2.Client();
    return new Promise((resolve, reject) => {
      client.on('error', reject);
      client.on('ready', () => client.subsys('netconf', (err, channel) => (err ? reject(err) : resolve(new RawSession(client, channel)))));
      client.connect({ host: router.host, port: router.netconfPort, username: 'admin', password: 'cisco123' });
    });
  }

  async next(what: string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`R1 NETCONF: no message for ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.messages.shift() as string;
  }

  send(xml: string): void {
    this.channel.write(encodeMessage(xml, this.framing));
  }

  async hello(base: '1.0' | '1.1'): Promise<string> {
    const server = await this.next('the server hello');
    const caps = base === '1.1' ? ['urn:ietf:params:netconf:base:1.0', 'urn:ietf:params:netconf:base:1.1'] : ['urn:ietf:params:netconf:base:1.0'];
    this.send(
      `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>${caps.map((c) => `<capability>${c}</capability>`).join('')}</capabilities></hello>`,
    );
    if (base === '1.1') {
      this.framing = 'chunked';
      this.decoder.setFraming('chunked');
    }
    return server;
  }

  close(): void {
    this.client.end();
  }
}

beforeAll(async () => {
  router = await LabRouter.start({ hostname: 'R1', users: [{ username: 'admin', password: 'cisco123', privilege: 15 }], netconfPort: 0 });
});

afterAll(async () => {
  await router.stop();
});

describe('NETCONF protocol details', () => {
  test('the hello carries a session-id; message-id and other rpc attributes are echoed (chunked)', async () => {
    const s = await RawSession.open();
    try {
      const hello = await s.hello('1.1');
      expect(hello).toMatch(/<session-id>\d+<\/session-id><\/hello>$/);
      expect(hello).toContain('<capability>urn:ietf:params:netconf:base:1.1</capability>');
      expect(hello).not.toContain('confirmed-commit');
      s.send(
        '<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="m-7" tag="x"><get-config><source><running/></source><filter type="subtree"><native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><hostname/></native></filter></get-config></rpc>',
      );
      const reply = await s.next('get-config');
      expect(reply).toContain('<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="m-7" tag="x">');
      expect(reply).toContain('<data><native xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-native"><hostname>R1</hostname></native></data>');
    } finally {
      s.close();
    }
  });

  test('malformed XML is malformed-message; an rpc without message-id is missing-attribute; the session goes on (end-of-message)', async () => {
    const s = await RawSession.open();
    try {
      await s.hello('1.0');
      s.send('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><get-config>');
      expect(await s.next('malformed XML')).toMatch(/<error-type>rpc<\/error-type><error-tag>malformed-message<\/error-tag>/);
      s.send('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>');
      const missing = await s.next('rpc without message-id');
      expect(missing).toContain('<error-tag>missing-attribute</error-tag>');
      expect(missing).toContain('<error-info><bad-attribute>message-id</bad-attribute><bad-element>rpc</bad-element></error-info>');
      s.send(
        '<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="2"><copy-config><target><running/></target><source><candidate/></source></copy-config></rpc>',
      );
      expect(await s.next('copy-config')).toContain('<error-tag>operation-not-supported</error-tag>');
      s.send('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="3"><commit><confirmed/></commit></rpc>');
      expect(await s.next('confirmed commit without the capability')).toContain('<error-tag>operation-not-supported</error-tag>');
      s.send('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="4"><close-session/></rpc>');
      expect(await s.next('close-session')).toContain('<ok/>');
    } finally {
      s.close();
    }
  });
});
