/**
 * Running many devices: stages (canary, waves), the failure budget, deadlines, the run journal and resume, and the
 * runners that drive the per-device workflow (src/workflow) over a fleet. Every runner calls the workflow the same
 * way; none copies it.
 */
export { runFleet, DEFAULT_CONCURRENCY } from './in-process.js';
export type { FleetOptions, FleetResult } from './in-process.js';
export { parseFailureBudget, budgetExceeded, FailureBudgetError } from './budget.js';
export type { FailureBudget } from './budget.js';
export { planStages, describeStage } from './stages.js';
export type { Stage, StageOptions } from './stages.js';
export {
  RunJournal,
  JournalError,
  JOURNAL_FORMAT,
  DEFAULT_JOURNAL_DIR,
  playbookFingerprint,
  deviceKey,
  newRunId,
  isRunId,
  parseJournal,
  readJournal,
  latestJournal,
  decideResume,
} from './journal.js';
export type { FleetJournal, JournalRecord, JournalState, ResumeDecision, RunHeader } from './journal.js';
export { SHARD_COUNT_ENV, SHARD_INDEX_ENV, ShardError, inShard, selectShard, shardFrom, shardJournalDir } from './shard.js';
export type { Shard } from './shard.js';
export { FleetTally, isFailure, skippedOutcome, stopReason } from './tally.js';
export { runFleetDevice } from './device-job.js';
export type { DeviceRunSettings } from './device-job.js';
