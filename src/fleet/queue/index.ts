/**
 * Running a fleet through BullMQ on Redis: a coordinator enqueues one job per device, workers on other machines run
 * each through the same per-device workflow, and the coordinator reports as the in-process runner does.
 * Producer, consumer and observer are separate modules, as BullMQ separates Queue, Worker and QueueEvents.
 */
export {
  DEFAULT_REDIS_PORT,
  QueueUnreachableError,
  QueueUrlError,
  parsePasswordRef,
  parseQueueUrl,
  pingRedis,
  redisOptions,
  resolveRedisPassword,
} from './connection.js';
export type { QueueConnectionOptions, QueueLocation } from './connection.js';
export {
  DEFAULT_QUEUE,
  JOB_FORMAT,
  JobFormatError,
  KEEP_SECONDS,
  QUEUE_PREFIX,
  RUN_FORMAT,
  jobId,
  parseJobData,
  parseRunSpec,
  queueNameProblem,
  runKey,
} from './job.js';
export type { DeviceJobData, DeviceJobResult, RunSpec, SessionLimits } from './job.js';
export { SecretInQueueError, decode, encode, secretTemplates } from './codec.js';
export { PromptInQueueError, isTemplate, placeholderSources, referencesIn, secretFiller } from './secret-template.js';
export { DeviceQueues } from './producer.js';
export type { QueuedDevice } from './producer.js';
export { DeviceEvents } from './observer.js';
export type { DeviceEventHandlers } from './observer.js';
export { QueueWorker } from './consumer.js';
export type { QueueWorkerOptions } from './consumer.js';
export { QueueRunError, runQueued } from './coordinator.js';
export type { QueuedFleetOptions } from './coordinator.js';
