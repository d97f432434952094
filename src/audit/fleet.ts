/**
 * The seam between the audit and the fleet machinery: the default concurrency shared with rollout. The devices
 * run through the tree's one bounded pool (shared/bounded-pool.ts); the change runner (`runFleet`) is bound to the
 * change workflow (journal, stages, rollback) and is not used here.
 */
export { DEFAULT_CONCURRENCY } from '../fleet/index.js';
