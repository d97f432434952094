/** `rotate`: the certificates only. Each device's trustpoints are compared with freshly resolved sources; exactly
 * those missing or holding another certificate than the source gives are (re)installed, nothing else is touched. */
import type { DeviceOutcome } from '../report/events.js';
import type { ChangeKind, DevicePlan, PlanOptions } from './plan.js';

export const DEFAULT_RENEW_BEFORE_SECONDS = 30 * 86_400;

/** A replaced or newly needed chain member; option drift, EEM and `ip host` are rollout's business. */
export const ROTATE_KINDS: readonly ChangeKind[] = ['create', 'replace', 'authenticate'];

export function rotatePlanOptions(renewBeforeSeconds = DEFAULT_RENEW_BEFORE_SECONDS, now = new Date()): PlanOptions {
  return { only: ROTATE_KINDS, renewBeforeSeconds, now };
}

/**
 * A rotation that leaves a managed trustpoint holding an expired certificate has not done its job: exit 1. Every
 * transport's device run ends through this, so SSH and NETCONF devices are judged alike.
 */
export function failIfExpired(plan: DevicePlan, outcome: DeviceOutcome): DeviceOutcome {
  if (plan.expired.length === 0 || outcome.result === 'failed' || outcome.result === 'rolled-back') return outcome;
  return {
    ...outcome,
    result: 'failed',
    error: {
      message: `${outcome.device}: ${plan.expired.join('; ')}`,
      step: 'rotate',
      hint: 'an expired trust anchor is never what the mail server needs; replace or remove it',
    },
  };
}
