import { describe, expect, it } from '@jest/globals';
import { FrameDecoder, FramingError, encodeMessage } from '../../../src/transport/netconf/index.js';

/** Feeds bytes one at a time and collects every message, as a slow link would deliver them. */
function byteByByte(decoder: FrameDecoder, bytes: Buffer): string[] {
  const out: string[] = [];
  for (const byte of bytes) {
    decoder.push(Buffer.from([byte]));
    for (let m = decoder.next(); m !== undefined; m = decoder.next()) out.push(m);
  }
  return out;
}

function chunkedDecoder(): FrameDecoder {
  const d = new FrameDecoder();
  d.setFraming('chunked');
  return d;
}

describe('end-of-message framing (base:1.0)', () => {
  it('splits messages at ]]>]]> delivered byte by byte, including a delimiter split across deliveries', () => {
    const wire = Buffer.from('<a>x]]</a>]]>]]><b>ü</b>]]>]]>');
    expect(byteByByte(new FrameDecoder(), wire)).toEqual(['<a>x]]</a>', '<b>ü</b>']);
  });

  it('holds an unfinished message until its delimiter arrives and reports what it holds', () => {
    const d = new FrameDecoder();
    d.push(Buffer.from('<rpc-reply message-id="7"><da'));
    expect(d.next()).toBeUndefined();
    expect(d.pendingText()).toBe('<rpc-reply message-id="7"><da');
    d.push(Buffer.from('ta/></rpc-reply>]]>]]>'));
    expect(d.next()).toBe('<rpc-reply message-id="7"><data/></rpc-reply>');
  });

  it('refuses to send a message that contains the delimiter', () => {
    expect(() => encodeMessage('<a>]]>]]></a>', 'end-of-message')).toThrow(/cannot be sent with base:1.0/);
  });
});

describe('chunked framing (base:1.1, RFC 6242 4.2)', () => {
  it('decodes the RFC example byte by byte', () => {
    const wire = Buffer.from(
      '\n#4\n<rpc\n#18\n message-id="102"\n\n#79\n     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n  <close-session/>\n</rpc>\n##\n',
    );
    expect(byteByByte(chunkedDecoder(), wire)).toEqual([
      '<rpc message-id="102"\n     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n  <close-session/>\n</rpc>',
    ]);
  });

  it('counts octets, so a UTF-8 character split over two chunks comes out whole', () => {
    const euro = Buffer.from('€'); // 3 bytes
    const wire = Buffer.concat([Buffer.from('\n#2\n'), euro.subarray(0, 2), Buffer.from('\n#1\n'), euro.subarray(2), Buffer.from('\n##\n')]);
    expect(byteByByte(chunkedDecoder(), wire)).toEqual(['€']);
  });

  it('round-trips what encodeMessage writes, with small chunks, for several messages in one delivery', () => {
    const messages = ['<rpc-reply message-id="1"><ok/></rpc-reply>', `<data>${'é'.repeat(300)}</data>`];
    const wire = Buffer.concat(messages.map((m) => encodeMessage(m, 'chunked', 7)));
    const d = chunkedDecoder();
    d.push(wire);
    expect([d.next(), d.next(), d.next()]).toEqual([...messages, undefined]);
    expect(byteByByte(chunkedDecoder(), wire)).toEqual(messages);
  });

  it('switches from end-of-message to chunked between messages with the next one already buffered (after the hello)', () => {
    const d = new FrameDecoder();
    d.push(Buffer.concat([Buffer.from('<hello/>]]>]]>'), encodeMessage('<rpc-reply/>', 'chunked')]));
    expect(d.next()).toBe('<hello/>');
    d.setFraming('chunked');
    expect(d.next()).toBe('<rpc-reply/>');
  });

  it.each([
    ['a chunk size with a leading zero', '\n#04\nabcd\n##\n', /must start with a digit 1-9, got "0"/],
    ['a missing LF before the header', '#4\nabcd\n##\n', /expected LF before a chunk header, got "#"/],
    ['text where the header should be', '\nhello', /expected '#' in a chunk header, got "h"/],
    ['a letter in the size', '\n#1x\n', /expected a digit or LF in chunk size 1, got "x"/],
    ['a size beyond 4294967295', '\n#4294967296\n', /chunk size 4294967296… exceeds 4294967295/],
    ['more data than the size announced', '\n#3\nabcd\n##\n', /expected LF before a chunk header, got "d"/],
    ['end of chunks with no chunk', '\n##\n', /end of chunks without any chunk/],
    ['garbage after ##', '\n#1\na\n##x', /expected LF after '##', got "x"/],
  ])('rejects %s with a clear error, also byte by byte', (_what, wire, reason) => {
    const whole = chunkedDecoder();
    whole.push(Buffer.from(wire));
    expect(() => whole.next()).toThrow(reason);
    expect(() => byteByByte(chunkedDecoder(), Buffer.from(wire))).toThrow(FramingError);
  });

  it('quotes the bytes around the fault', () => {
    const d = chunkedDecoder();
    d.push(Buffer.from('\n#5\nabcde\n#z9\n'));
    const error = (() => {
      try {
        d.next();
        return undefined;
      } catch (e) {
        return e as FramingError;
      }
    })();
    expect(error).toBeInstanceOf(FramingError);
    expect(error?.seen).toContain('#z9');
  });

  it('refuses a message larger than the limit instead of buffering it without end', () => {
    const d = new FrameDecoder({ maxMessageBytes: 10 });
    d.setFraming('chunked');
    d.push(Buffer.from('\n#20\n0123456789abcdefghij\n##\n'));
    expect(() => d.next()).toThrow(/larger than 10 bytes/);
  });
});
