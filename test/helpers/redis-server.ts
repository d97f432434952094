/** The tests' Redis is the benchmark's: Debian's redis-server on a free loopback port with its own config. */
export { REDIS_SERVER, startRedis } from '../../src/bench/redis-server.js';
export type { TestRedis } from '../../src/bench/redis-server.js';
