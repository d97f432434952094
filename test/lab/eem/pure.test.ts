/** The pure parts of the EEM feature: server strings, variables, chain anchoring, the wire sniffer, renderings. */
import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { createChain } from '../../../src/lab/mail/chain-factory.js';
import { verifyServedChain } from '../../../src/lab/router/eem/chain-verify.js';
import { addressList, parseServerString, resolveHost } from '../../../src/lab/router/eem/mail-action.js';
import { registeredTime, renderEem, showEnvironment, showPolicyRegistered } from '../../../src/lab/router/eem/render.js';
import { createEemState, newApplet } from '../../../src/lab/router/eem/state.js';
import { CertificateSniffer } from '../../../src/lab/router/eem/tls-certificate-sniffer.js';
import { substitute } from '../../../src/lab/router/eem/variables.js';
import { splitArgs, unquote } from '../../../src/lab/router/eem/index.js';

const der = (pem: string): Buffer => Buffer.from(new X509Certificate(pem).raw);

describe('server string', () => {
  it('splits user:password@host at the first @', () => {
    expect(parseServerString('user:pa:ss@smtp.gmail.com')).toEqual({ host: 'smtp.gmail.com', username: 'user', password: 'pa:ss' });
    expect(parseServerString('10.3.3.3')).toEqual({ host: '10.3.3.3' });
    expect(parseServerString('me@gmail.com:pw@smtp.gmail.com')).toEqual({ host: 'gmail.com:pw@smtp.gmail.com', username: 'me' });
  });

  it('resolves through ip host (any case) or literal addresses only', () => {
    const hosts = new Map([['SMTP.lab.example', '127.0.0.1']]);
    expect(resolveHost('smtp.LAB.example', hosts)).toBe('127.0.0.1');
    expect(resolveHost('::1', hosts)).toBe('::1');
    expect(resolveHost('smtp.gmail.com', hosts)).toBeUndefined();
  });

  it('splits address lists', () => {
    expect(addressList('a@x.com, b@y.com;c@z.com')).toEqual(['a@x.com', 'b@y.com', 'c@z.com']);
  });
});

describe('variables', () => {
  it('substitutes $name and ${name} and names the first unknown one', () => {
    const env = new Map([
      ['a', '1'],
      ['_b', 'two'],
    ]);
    expect(substitute('x$a-${_b}y', (n) => env.get(n))).toEqual({ ok: true, text: 'x1-twoy' });
    expect(substitute('$a $missing $other', (n) => env.get(n))).toEqual({ ok: false, missing: 'missing' });
    expect(unquote('"a b"')).toBe('a b');
    expect(splitArgs('one "two words" three')).toEqual(['one', 'two words', 'three']);
  });
});

describe('chain anchoring as IOS does it', () => {
  it('anchors on an installed intermediate or root, and refuses otherwise, with OpenSSL-like reasons', async () => {
    const chain = await createChain({ serverName: 'smtp.lab.example', rootName: 'Pure Root R1', intermediates: 2 });
    const served = [der(chain.leafPem), ...chain.intermediatePems.map(der)];
    const now = new Date();
    expect(verifyServedChain(served, [{ trustpoint: 'ISSUING', der: served[1] ?? Buffer.alloc(0) }], now)).toEqual({
      ok: true,
      trustpoint: 'ISSUING',
      depth: 1,
    });
    expect(verifyServedChain(served, [{ trustpoint: 'POLICY', der: served[2] ?? Buffer.alloc(0) }], now)).toMatchObject({ ok: true, trustpoint: 'POLICY' });
    expect(verifyServedChain(served, [{ trustpoint: 'ROOT', der: der(chain.rootPem) }], now)).toEqual({ ok: true, trustpoint: 'ROOT', depth: 3 });
    expect(verifyServedChain(served, [], now)).toEqual({ ok: false, reason: 'unable to get local issuer certificate', depth: 2 });
    // Out of order as some servers send it: still walked by signature.
    expect(
      verifyServedChain(
        [served[0], served[2], served[1]].filter((b): b is Buffer => b !== undefined),
        [{ trustpoint: 'ROOT', der: der(chain.rootPem) }],
        now,
      ),
    ).toMatchObject({ ok: true });
    const later = new Date(now.getTime() + 200 * 86_400_000);
    expect(verifyServedChain(served, [{ trustpoint: 'ROOT', der: der(chain.rootPem) }], later)).toEqual({
      ok: false,
      reason: 'certificate has expired',
      depth: 0,
    });
  });

  it('calls a lone self-signed server certificate what OpenSSL calls it, and accepts it when pinned in a trustpoint', async () => {
    const self = await createChain({ serverName: 'smtp.lab.example', selfSignedLeaf: true });
    expect(verifyServedChain([der(self.leafPem)], [], new Date())).toEqual({ ok: false, reason: 'self signed certificate', depth: 0 });
    expect(verifyServedChain([der(self.leafPem)], [{ trustpoint: 'PINNED', der: der(self.leafPem) }], new Date())).toMatchObject({
      ok: true,
      trustpoint: 'PINNED',
    });
  });
});

describe('TLS 1.2 certificate sniffer', () => {
  it('finds the Certificate message across records and fragments', async () => {
    const chain = await createChain({ serverName: 'smtp.lab.example', rootName: 'Pure Root R1' });
    const certs = [der(chain.leafPem), ...chain.intermediatePems.map(der)];
    const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    const list = Buffer.concat(certs.map((c) => Buffer.concat([u24(c.length), c])));
    const certificateMsg = Buffer.concat([Buffer.from([11]), u24(list.length + 3), u24(list.length), list]);
    const serverHello = Buffer.concat([Buffer.from([2]), u24(4), Buffer.from([3, 3, 0, 0])]);
    const handshake = Buffer.concat([serverHello, certificateMsg]);
    const record = (body: Buffer): Buffer => Buffer.concat([Buffer.from([22, 3, 3, body.length >> 8, body.length & 0xff]), body]);
    const half = Math.floor(handshake.length / 2);
    const wire = Buffer.concat([record(handshake.subarray(0, half)), record(handshake.subarray(half))]);
    const sniffer = new CertificateSniffer();
    expect(sniffer.feed(wire.subarray(0, 7))).toEqual({ state: 'need-more' });
    const result = sniffer.feed(wire.subarray(7));
    expect(result.state).toBe('certificates');
    expect(result.state === 'certificates' && result.ders.map((d) => d.toString('hex'))).toEqual(certs.map((c) => c.toString('hex')));
    expect(new CertificateSniffer().feed(Buffer.from([21, 3, 3, 0, 2, 2, 40]))).toEqual({ state: 'unexpected', detail: 'server sent alert 40' });
  });
});

describe('renderings', () => {
  it('renders environment then applets with actions in label string order', () => {
    const state = createEemState();
    state.environment.set('_email_to', 'noc@lab.example');
    const a = newApplet('A');
    a.authorizationBypass = true;
    a.description = 'alerts';
    a.event = { kind: 'none', maxrun: '60' };
    a.actions.set('2.0', { kind: 'syslog', priority: 'errors', msg: 'two' });
    a.actions.set('10.0', { kind: 'puts', text: 'ten' });
    a.actions.set('1.0', { kind: 'cli', command: 'enable' });
    a.actions.set('3', { kind: 'set', variable: 'x', value: '1' });
    state.applets.set('A', a);
    expect(renderEem(state)).toEqual([
      {
        slot: 'event-manager-environment',
        lines: [
          'event manager environment _email_to noc@lab.example',
          'event manager applet A authorization bypass',
          ' description alerts',
          ' event none maxrun 60',
          ' action 1.0 cli command "enable"',
          ' action 10.0 puts "ten"',
          ' action 2.0 syslog priority errors msg "two"',
          ' action 3 set x "1"',
        ],
      },
    ]);
    a.registeredAt = new Date('2017-05-08T21:04:18Z');
    expect(showPolicyRegistered(state).split('\n').slice(0, 3)).toEqual([
      'No.  Class     Type    Event Type          Trap  Time Registered           Name',
      '1    applet    user    none                Off   Mon May  8 21:04:18 2017  A',
      ' maxrun 60.000',
    ]);
    expect(showEnvironment(state)).toBe(
      'No.  Name                          Value                         \n1    _email_to                     noc@lab.example\n',
    );
    expect(registeredTime(new Date('2017-05-28T21:04:18Z'))).toBe('Sun May 28 21:04:18 2017');
    expect(renderEem(createEemState())).toEqual([]);
  });
});
