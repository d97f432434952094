/**
 * The flags that say where the queue is, shared by `certagent worker` and the coordinator (`rollout|rotate|fix|plan
 * --queue`): the Redis URL, the password as a reference, the CA of a rediss:// server. Bad values and an unreachable
 * Redis are usage errors (exit 2): nothing is queued and no device is touched.
 */
import { ConfigError } from '../config/index.js';
import type { SecretResolver } from '../config/index.js';
import { QueueUnreachableError, QueueUrlError, parsePasswordRef, parseQueueUrl, pingRedis, resolveRedisPassword } from '../fleet/queue/index.js';
import type { QueueConnectionOptions } from '../fleet/queue/index.js';
import { UsageError } from './command.js';
import type { QueueFlagValues } from './queue-flags.js';

/** Where the queue is, its password resolved, and Redis answering; every problem a UsageError. */
export async function connectQueue(values: QueueFlagValues, resolver: SecretResolver): Promise<QueueConnectionOptions> {
  if (values.queue === undefined) throw new UsageError('give the queue with --queue redis://HOST:PORT/DB');
  try {
    const location = parseQueueUrl(values.queue);
    const ref = values['redis-password'] === undefined ? undefined : parsePasswordRef(values['redis-password']);
    const password = await resolveRedisPassword(ref, resolver);
    const connection: QueueConnectionOptions = {
      location,
      ...(password && { password }),
      ...(values['redis-ca'] !== undefined && { caFile: values['redis-ca'] }),
    };
    await pingRedis(connection);
    return connection;
  } catch (err) {
    if (err instanceof QueueUrlError || err instanceof QueueUnreachableError) throw new UsageError(err.message);
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}
