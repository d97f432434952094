/** What a rollback left different: the touched objects compared before and after, by their names. Pure. */
import { Secret } from '../config/index.js';
import { sameApplet } from './eem-render.js';
import type { DeviceFacts } from './facts.js';
import type { PlannedChange } from './plan.js';

function objectKind(change: PlannedChange): 'trustpoint' | 'environment' | 'applet' | 'ip-host' {
  return change.kind === 'environment' || change.kind === 'applet' || change.kind === 'ip-host' ? change.kind : 'trustpoint';
}

/** What of the touched objects differs from how the device had it before the run. */
export function residue(before: DeviceFacts, after: DeviceFacts, changes: readonly PlannedChange[]): string[] {
  const out: string[] = [];
  const plain = (v: string | Secret | undefined) => (v instanceof Secret ? v.reveal() : v);
  for (const change of changes) {
    const kind = objectKind(change);
    const name = change.name;
    if (kind === 'trustpoint') {
      const a = before.trustpoints.get(name);
      const b = after.trustpoints.get(name);
      if (!a !== !b || a?.ca?.sha1 !== b?.ca?.sha1)
        out.push(
          `trustpoint ${name} is ${b ? (b.ca ? `holding SHA1 ${b.ca.sha1}` : 'present without certificate') : 'missing'}, was ${a ? (a.ca ? `holding SHA1 ${a.ca.sha1}` : 'present without certificate') : 'absent'}`,
        );
    } else if (kind === 'environment') {
      if (plain(before.environment.get(name)) !== plain(after.environment.get(name))) out.push(`environment ${name} differs from before`);
    } else if (kind === 'applet') {
      const a = before.applets.get(name);
      const b = after.applets.get(name);
      if (!a !== !b || (a && b && !sameApplet(a.parsed, b.parsed))) out.push(`applet ${name} differs from before`);
    } else if (before.ipHosts.get(name) !== after.ipHosts.get(name)) out.push(`ip host ${name} differs from before`);
  }
  return out;
}
