/** Resolves the secret references of a playbook's EEM environment, then checks EEM's limits on the real values. */
import { type ConfigIssue, ConfigError } from './issues.js';
import { checkEemLimits } from './eem-checks.js';
import type { EemText, Playbook, PlaybookSpec, ResolvedEemEnvironmentEntry } from './playbook-types.js';
import { type Secret, type SecretRefAt, type SecretResolver } from './secret.js';

function refsOf(spec: PlaybookSpec): SecretRefAt[] {
  const refs: SecretRefAt[] = [];
  const add = (t: EemText | undefined) => {
    if (t !== undefined && typeof t !== 'string') refs.push(t);
  };
  for (const entry of Object.values(spec.eem?.environment ?? {})) {
    if (entry.kind === 'text') add(entry.value);
    else {
      add(entry.user);
      add(entry.password);
    }
  }
  return refs;
}

/** Throws one ConfigError with every reference that failed, or every EEM limit the values break. */
export async function resolvePlaybook(spec: PlaybookSpec, resolver: SecretResolver): Promise<Playbook> {
  const refs = refsOf(spec);
  const secrets = await resolver.resolveAll(refs);
  const resolved = new Map<SecretRefAt, Secret>();
  refs.forEach((ref, i) => {
    const secret = secrets[i];
    if (secret !== undefined) resolved.set(ref, secret);
  });
  const text = (t: EemText): string | Secret => (typeof t === 'string' ? t : (resolved.get(t) as Secret));
  let eem: Playbook['eem'];
  if (spec.eem) {
    const environment: Record<string, ResolvedEemEnvironmentEntry> = {};
    for (const [name, entry] of Object.entries(spec.eem.environment)) {
      environment[name] =
        entry.kind === 'text'
          ? { kind: 'text', value: text(entry.value), origin: entry.origin }
          : {
              kind: 'server',
              host: entry.host,
              origin: entry.origin,
              ...(entry.user !== undefined && { user: text(entry.user) }),
              ...(entry.password !== undefined && { password: resolved.get(entry.password) as Secret }),
            };
    }
    eem = { environment, applets: spec.eem.applets };
  }
  const limits: ConfigIssue[] = eem ? checkEemLimits(eem) : [];
  const warnings = [...spec.warnings, ...limits.filter((i) => i.severity === 'warning')];
  if (limits.some((i) => i.severity === 'error')) throw new ConfigError([...limits]);
  const { eem: _unresolved, ...rest } = spec;
  return { ...rest, ...(eem && { eem }), warnings };
}
