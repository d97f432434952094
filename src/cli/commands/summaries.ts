/** What each command does in one line: `certagent --help` lists these without loading any command's module. */
export const SUMMARIES = {
  rollout: "install the playbook on every device: only what differs, proven by the applet's mail, saved, rolled back on failure",
  plan: 'show per device the exact commands a rollout would send, touching nothing',
  rotate: 'replace exactly the certificates that expired, expire soon or changed at the source; touch nothing else',
  fix: "diagnose one device in plain words, repair it and prove that the applet's mail goes out",
  audit: 'read every device and report trustpoints, expiry, weak certificates, drift and mail health; changes nothing',
  probe: "fetch a mail server's certificate chain (SMTP STARTTLS or TLS) and say what a router must trust",
  inspect: 'show the certificates of a PEM/DER file: chain order, roles, IOS fingerprints, problems',
  lab: 'run simulated IOS XE routers and a TLS mail server to try certagent on',
  validate: 'check an inventory and playbooks (and, with --secrets, that every secret they reference resolves)',
  worker: "take device jobs from Redis queues and run them (secrets from this machine's environment and files)",
  demo: 'guided tours on the built-in lab: secure e-mail (default), the CUBE trunk, TLS diagnoses',
} as const;
