/** The workflow over NETCONF: YANG edits for what IOS XE models, the SSH CLI for the rest, the same plan and report. */
export { runNetconfDevice } from './run.js';
export type { NetconfDeviceJob } from './run.js';
export { NetconfDeviceSession, DatastoreLockedError, netconfTranscriptPath } from './session.js';
export type { NetconfSettings } from './session.js';
export { CLI_FACTS_COMMAND, combineFacts } from './facts.js';
export type { NetconfFacts } from './facts.js';
export { translatePlan, combine, TranslationError } from './translate.js';
export type { LazyFragment, NetconfChange, NetconfWork } from './translate.js';
