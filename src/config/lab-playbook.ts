/** The playbook for the lab, as text: the lab command writes a ready one with the real address and port, and
 * playbooks/lab-secure-email.yaml is this rendering with the defaults (a test keeps the two equal). */

export interface LabPlaybookOptions {
  /** The lab mail server's chain, leaf first, relative to the playbook or absolute. */
  readonly chainFile: string;
  readonly smtpHost: string;
  /** Where the simulated routers reach the mail server, configured as `ip host`. */
  readonly smtpAddress: string;
  readonly smtpPort: number;
  readonly userEnv: string;
  readonly passwordEnv: string;
  /** The sender; the lab's mail account is `certagent-lab` unless the lab is started with another. */
  readonly from: string;
  readonly to: string;
}

export const LAB_PLAYBOOK_DEFAULTS: LabPlaybookOptions = {
  chainFile: '../.lab/mail-chain.pem',
  smtpHost: 'smtp.lab.example',
  smtpAddress: '127.0.0.1',
  smtpPort: 587,
  userEnv: 'LAB_SMTP_USER',
  passwordEnv: 'LAB_SMTP_PASSWORD',
  from: 'certagent-lab@lab.example',
  to: 'noc@lab.example',
};

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Who the lab's proof mail goes through and how long certagent waits for the router's log to show it sent. */
export interface LabMailProofOptions {
  readonly userEnv: string;
  readonly passwordEnv: string;
  /** The mail server as the router names it (`ip host` name or address). */
  readonly host: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly port: number;
  readonly waitSeconds: number;
}

/**
 * The `eem:` and `verify:` sections every lab playbook shares (the lab's own and each TLS scenario's): the
 * SendSecureEmailEEM applet mailing over STARTTLS, run and proven by certagent.
 */
export function renderLabMailProof(o: LabMailProofOptions): string {
  return `eem:
  environment:
    _email_server:
      user: { env: ${o.userEnv} }
      password: { env: ${o.passwordEnv} }
      host: ${o.host}
    _email_from: ${quoted(o.from)}
    _email_to: ${quoted(o.to)}
  applets:
    - name: SendSecureEmailEEM
      event: none
      actions:
        - mail:
            server: $_email_server
            to: $_email_to
            from: $_email_from
            subject: ${o.subject}
            body: Sent by the EEM applet SendSecureEmailEEM over STARTTLS
            secure: tls
            port: ${o.port}

verify:
  run_applet: SendSecureEmailEEM
  expect_mail: true
  wait_for_log_seconds: ${o.waitSeconds}
`;
}

export function renderLabPlaybook(options: Partial<LabPlaybookOptions> = {}): string {
  const o = { ...LAB_PLAYBOOK_DEFAULTS, ...options };
  return `# Secure e-mail against the certagent lab: the same steps as secure-email.yaml, with the lab's mail server.
#
# Assumptions (the lab command writes this file with the real values when it starts):
#   - the lab mail server's certificate chain, leaf first, is in ${o.chainFile} (relative to this file);
#   - routers reach the server as ${o.smtpHost}, which the playbook maps with "ip host" to ${o.smtpAddress};
#   - the server speaks STARTTLS on port ${o.smtpPort} and accepts AUTH from the account in ${o.userEnv}
#     (a name without '@': IOS cannot send one, Cisco bug CSCwe75439) with the password in ${o.passwordEnv};
#   - the server accepts ${o.from} as sender for that account.
# Every certificate of the chain becomes a trustpoint named LAB- and its CN, as Gmail's four do.
name: lab-secure-email
description: Trust the lab mail server's chain and prove that EEM mails over TLS

ip_hosts:
  ${o.smtpHost}: ${o.smtpAddress}

trustpoints:
  - chain:
      bundle_file: ${quoted(o.chainFile)}
      select: all
      name_prefix: LAB-
    # The chain includes the server's own certificate: pinned on purpose, as EEM needs (replaced at rotation).
    pin_leaf: true

${renderLabMailProof({
  userEnv: o.userEnv,
  passwordEnv: o.passwordEnv,
  host: o.smtpHost,
  from: o.from,
  to: o.to,
  subject: 'certagent lab secure e-mail test',
  port: o.smtpPort,
  waitSeconds: 30,
})}
rotation:
  renew_before: 30d
`;
}
