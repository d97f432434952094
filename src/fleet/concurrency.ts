/**
 * Ten devices at once: OpenSSH's default `MaxStartups 10:30:100` starts refusing unauthenticated connections
 * beyond 10 on a jump host, TACACS+/RADIUS servers behind the logins see the same burst, and ten sessions keep a
 * run of thousands of routers within hours at real WAN latency. Raise it where the path allows.
 */
export const DEFAULT_CONCURRENCY = 10;
