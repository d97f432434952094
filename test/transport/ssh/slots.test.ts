/** The jump host cap's semaphore: FIFO places, and a limit lowered while places are held (a second chain's cap). */
import { describe, expect, it } from '@jest/globals';
import { Slots } from '../../../src/transport/ssh/slots.js';

describe('Slots', () => {
  it('lets holders above a narrowed limit finish without handing their places on', async () => {
    const slots = new Slots(3);
    await Promise.all([slots.acquire(), slots.acquire(), slots.acquire()]);
    slots.narrow(1);
    slots.narrow(5);
    expect([slots.limit, slots.inUse]).toEqual([1, 3]);
    const order: string[] = [];
    const waiting = [slots.acquire().then(() => order.push('w1')), slots.acquire().then(() => order.push('w2'))];
    slots.release();
    slots.release();
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.inUse).toBe(1);
    slots.release();
    await waiting[0];
    expect(order).toEqual(['w1']);
    slots.release();
    await waiting[1];
    expect(order).toEqual(['w1', 'w2']);
    slots.release();
    expect(slots.inUse).toBe(0);
  });
});
