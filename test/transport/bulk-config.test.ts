import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import type { LabRouter } from '../../src/lab/router/index.js';
import { IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { eemEnvironmentLines, parseEemConfig } from '../../src/device/index.js';
import { optionsFor, startLab } from './lab.js';

const ONE_WAY_MS = 15;

/** A relay that holds every chunk ONE_WAY_MS in each direction: a WAN link, the injected latency of this test. */
async function slowLink(target: LabRouter): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const delayed = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), ONE_WAY_MS));
  };
  const server = net.createServer((socket) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(socket).add(upstream);
    delayed(socket, upstream);
    delayed(upstream, socket);
    const end = (): void => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('config in one write versus line by line over a 30 ms round-trip link', () => {
  let router: LabRouter;
  let link: { port: number; close: () => Promise<void> };
  beforeAll(async () => {
    router = await startLab('R1');
    link = await slowLink(router);
  });
  afterAll(async () => {
    await link.close();
    await router.stop();
  });

  it('applies the same 20 lines either way; one write saves a round trip per line', async () => {
    const vars = (tag: string): Record<string, string> =>
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`certagent_${tag}_${i}`, `value-${tag}-${i}`]));
    const session = await IosXeSession.open(optionsFor(router, { port: link.port }));
    try {
      let trips = session.roundTrips;
      let started = performance.now();
      await session.sendConfig(eemEnvironmentLines(vars('each')));
      const each = { ms: performance.now() - started, trips: session.roundTrips - trips };

      trips = session.roundTrips;
      started = performance.now();
      await session.sendConfig(eemEnvironmentLines(vars('bulk')), { bulk: true });
      const bulk = { ms: performance.now() - started, trips: session.roundTrips - trips };

      const env = parseEemConfig(await session.send('show running-config | include event manager environment')).environment;
      expect(env.get('certagent_each_19')).toBe('value-each-19');
      expect(env.get('certagent_bulk_19')).toBe('value-bulk-19');
      expect(each.trips).toBe(22);
      expect(bulk.trips).toBe(3);
      // Each round trip costs at least 2 × ONE_WAY_MS, so line by line cannot take less than this.
      expect(each.ms).toBeGreaterThan(22 * 2 * ONE_WAY_MS);
      expect(bulk.ms).toBeLessThan(each.ms);
      console.log(
        `20 config lines over a ${2 * ONE_WAY_MS} ms RTT link: line by line ${each.ms.toFixed(0)} ms (${each.trips} round trips), one write ${bulk.ms.toFixed(0)} ms (${bulk.trips} round trips)`,
      );
    } finally {
      await session.close();
    }
  });
});
