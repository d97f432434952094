/** `rotate`: the certificates only. Each device's trustpoints are compared with freshly resolved sources; exactly
 * those missing or holding another certificate than the source gives are (re)installed, nothing else is touched. */
import type { ChangeKind, PlanOptions } from './plan.js';

export const DEFAULT_RENEW_BEFORE_SECONDS = 30 * 86_400;

/** A replaced or newly needed chain member; option drift, EEM and `ip host` are rollout's business. */
export const ROTATE_KINDS: readonly ChangeKind[] = ['create', 'replace', 'authenticate'];

export function rotatePlanOptions(renewBeforeSeconds = DEFAULT_RENEW_BEFORE_SECONDS, now = new Date()): PlanOptions {
  return { only: ROTATE_KINDS, renewBeforeSeconds, now };
}
