/** Where the queue is: URLs with and without TLS, user and database, and every way of getting it wrong (exit 2). */
import { describe, expect, it } from '@jest/globals';
import { QueueUrlError, jobId, parsePasswordRef, parseQueueUrl, redisOptions } from '../../../src/fleet/queue/index.js';
import { Secret } from '../../../src/config/index.js';

describe('queue URLs', () => {
  it('reads redis:// and rediss:// with user, port and database; the default port is 6379', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2')).toEqual({ tls: false, host: '10.0.0.5', port: 6380, db: 2, url: 'redis://10.0.0.5:6380/2' });
    expect(parseQueueUrl('rediss://certagent@redis.eu.example.net/0')).toEqual({
      tls: true,
      host: 'redis.eu.example.net',
      port: 6379,
      db: 0,
      username: 'certagent',
      url: 'rediss://certagent@redis.eu.example.net/0',
    });
    const options = redisOptions({ location: parseQueueUrl('rediss://certagent@redis.eu.example.net/1'), password: new Secret('s3cret-pw', 'env P') });
    expect(options).toMatchObject({
      host: 'redis.eu.example.net',
      port: 6379,
      db: 1,
      username: 'certagent',
      password: 's3cret-pw',
      tls: { servername: 'redis.eu.example.net' },
      maxRetriesPerRequest: null,
    });
  });

  it.each([
    ['redis://u:hunter2@h:6379/0', 'the URL holds a password; give it as a reference instead'],
    ['http://h:6379', 'the scheme must be redis:// or rediss://'],
    ['redis://h:6379/16', 'the database after / must be a number 0..15'],
    ['h:6379', 'the scheme must be redis:// or rediss://'],
    ['not a url', '--queue must be a URL like redis://HOST:6379/0'],
  ])('%s is refused', (url, message) => {
    expect(() => parseQueueUrl(url)).toThrow(QueueUrlError);
    expect(() => parseQueueUrl(url)).toThrow(message);
  });

  it('a password is a reference, never a value', () => {
    expect(parsePasswordRef('env:REDIS_PASSWORD')).toEqual({ kind: 'env', name: 'REDIS_PASSWORD' });
    expect(parsePasswordRef('file:/run/secrets/redis')).toEqual({ kind: 'file', path: '/run/secrets/redis' });
    expect(() => parsePasswordRef('hunter2')).toThrow('--redis-password must be a reference, env:NAME or file:PATH, not a value');
  });

  it('job ids are the run id and the device, without the : Redis keys are cut at', () => {
    expect(jobId('rollout-20261206T081500Z-3fa9', 'br1.eu')).toBe('rollout-20261206T081500Z-3fa9/br1.eu');
    expect(jobId('rollout-20261206T081500Z-3fa9', 'core:1')).toBe('rollout-20261206T081500Z-3fa9/core%3A1');
  });
});
