/**
 * How the e-mail path has been doing, from the device's own log (`show logging | include %HA_EM`): IOS logs a
 * failed mail action as `%HA_EM-3-FMPD_SMTP` (with the server and the reason) followed by `%HA_EM-3-FMPD_ERROR`,
 * and nothing on success, so the only sign of success is certagent's proof marker (`%HA_EM-6-LOG: ...:
 * certagent: APPLET done NONCE`). The later of the two decides; neither means unknown. Pure.
 */
import { outputLines, parseEemLogEntries } from '../device/index.js';
import type { MailHealth } from '../report/audit/types.js';
import { MARKER_PREFIX } from '../workflow/index.js';

export function mailHealth(logText: string, redact: (text: string) => string = (t) => t): MailHealth {
  let failure: MailHealth['lastFailure'];
  let success: MailHealth['lastSuccess'];
  let failureAt = -1;
  let successAt = -1;
  // The buffer is oldest first, so the last match of each kind is the most recent one.
  outputLines(logText).forEach((raw, index) => {
    const entry = parseEemLogEntries(raw)[0];
    if (entry === undefined) return;
    const line = redact(`${entry.timestamp === undefined ? '' : `${entry.timestamp}: `}%HA_EM-${entry.severity}-${entry.kind}: ${entry.message}`);
    const time = entry.timestamp === undefined ? {} : { time: entry.timestamp };
    if (entry.kind === 'FMPD_SMTP' || entry.kind === 'FMPD_ERROR') {
      // FMPD_ERROR follows the FMPD_SMTP that says why; keep the reason of the pair.
      const reason = entry.reason ?? (index - failureAt <= 2 ? failure?.reason : undefined);
      failure = { line, ...time, ...(reason !== undefined && { reason: redact(reason) }) };
      failureAt = index;
    } else if (entry.kind === 'LOG' && entry.message.includes(`${MARKER_PREFIX} `)) {
      success = { line, ...time };
      successAt = index;
    }
  });
  const state = failureAt < 0 && successAt < 0 ? 'unknown' : failureAt > successAt ? 'failing' : 'ok';
  return { state, ...(failure && { lastFailure: failure }), ...(success && { lastSuccess: success }) };
}
