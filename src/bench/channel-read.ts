/**
 * What reading one large command output costs the channel: memory and time for a 48 MiB output in 32 KiB packets,
 * and for 1 MiB in packets of 1..7 bytes (the chunked lab), fed through a stand-in stream so the figures are the
 * channel's alone. The read ends at certagent's end-of-command marker, as a session's does.
 *
 *   npm run bench:channel [-- --mib 48 --small-kib 1024] [-- --channel path/to/channel.js]
 *
 * `--channel` measures another build of the channel module (an older commit's dist/) for comparison.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClientChannel } from 'ssh2';
import { Redactor } from '../shared/redact.js';
import type { Channel as ChannelType, ChannelOptions, Matcher } from '../transport/ssh-cli/channel.js';

type ChannelClass = new (device: string, stream: ClientChannel, redactor: Redactor, transcript?: undefined, options?: ChannelOptions) => ChannelType;

interface Figure {
  readonly case: string;
  readonly mib: number;
  readonly packets: number;
  readonly ms: number;
  readonly peakHeapMib: number;
  readonly peakRssMib: number;
}

function stream(): ClientChannel & EventEmitter {
  const s = new EventEmitter() as ClientChannel & EventEmitter;
  Object.assign(s, { stderr: new EventEmitter(), write: () => true, close: () => undefined });
  return s;
}

async function measure(Channel: ChannelClass, name: string, bytes: number, packetSize: () => number, older: boolean): Promise<Figure> {
  const s = stream();
  // No caps here: the figure is the cost of a large read itself.
  const channel = new Channel('R1', s, new Redactor(), undefined, { maxReadBytes: Infinity, maxSessionBytes: Infinity });
  const token = '! certagent 0123456789ab-1.';
  const prompt = /(?:^|\n)R1# ?$/;
  // An older channel knows no markers: it waits for the prompt alone.
  const end: Matcher = older ? prompt : { after: [token], then: prompt };
  const read = channel.readUntil([end], { timeoutMs: 600_000, command: 'show tech-support' });
  const line = 'interface GigabitEthernet1\n description uplink to R2#\n ip address 10.0.0.1 255.255.255.0\n';
  // Long enough that any packet is one slice of it.
  const body = line.repeat(Math.ceil((2 * 64 * 1024) / line.length));
  let peakHeap = 0;
  let peakRss = 0;
  const started = performance.now();
  let packets = 0;
  for (let sent = 0; sent < bytes;) {
    const size = Math.min(packetSize(), bytes - sent);
    const at = sent % (body.length / 2);
    const piece = body.slice(at, at + size);
    s.emit('data', Buffer.from(piece));
    sent += size;
    packets++;
    if (packets % 256 === 0) {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    }
  }
  s.emit('data', Buffer.from(`\nR1#!${token}\r\nR1#`));
  await read;
  const ms = performance.now() - started;
  return {
    case: name,
    mib: bytes / 2 ** 20,
    packets,
    ms: Math.round(ms),
    peakHeapMib: Math.round(peakHeap / 2 ** 20),
    peakRssMib: Math.round(peakRss / 2 ** 20),
  };
}

const { values } = parseArgs({ options: { mib: { type: 'string' }, 'small-kib': { type: 'string' }, channel: { type: 'string' } } });
const module = (await import(values.channel ? pathToFileURL(values.channel).href : '../transport/ssh-cli/channel.js')) as { Channel: ChannelClass };
const mib = Number(values.mib ?? 48);
let seed = 7;
const small = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return 1 + (seed % 7);
};
const smallKib = Number(values['small-kib'] ?? 1024);
const older = values.channel !== undefined;
const show = (f: Figure): void => console.log(`${f.case}: ${f.packets} packets, ${f.ms} ms, peak heap ${f.peakHeapMib} MiB, peak RSS ${f.peakRssMib} MiB`);
show(await measure(module.Channel, `${mib} MiB in 32 KiB packets`, mib * 2 ** 20, () => 32 * 1024, older));
show(await measure(module.Channel, `${smallKib} KiB in 1..7-byte packets`, smallKib * 1024, small, older));
