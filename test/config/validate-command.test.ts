import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { sources } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let logged: string[];
let errors: string[];

beforeEach(() => {
  logged = [];
  errors = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
});
afterEach(() => {
  jest.restoreAllMocks();
});

const env = {
  ROUTER_PASSWORD: 'router-pw-1',
  ROUTER_ENABLE: 'enable-pw-1',
  GMAIL_SMTP_USER: 'alerts',
  GMAIL_APP_PASSWORD: 'app-pw-1',
  GMAIL_FROM: 'alerts@gmail.com',
  ALERT_TO: 'noc@example.com',
};

describe('certagent validate', () => {
  it('summarises a valid inventory and playbook, secrets resolved but never printed', async () => {
    const code = await validateCommand(sources(env)).run([
      '-i',
      `${repo}inventory/ansible-example.yaml`,
      '--limit',
      'branches',
      '-p',
      `${repo}playbooks/secure-email.yaml`,
      '--secrets',
    ]);
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    const text = logged.join('\n');
    expect(text).toContain('2 of 3 devices');
    expect(text).toContain('br1  netops@192.0.2.11:22 ssh, pinned host key');
    expect(text).toContain('trustpoint CA-GTS-WR2 from probe smtp://smtp.gmail.com:587 select WR2');
    expect(text).toContain('applet SendSecureEmailEEM: 0010 mail');
    for (const secret of Object.values(env).filter((v) => v.includes('pw'))) expect(text).not.toContain(secret);
  });

  it('exits 2 listing every problem when secrets are missing or a limit is unknown', async () => {
    const code = await validateCommand(sources({})).run([
      '-i',
      `${repo}inventory/example.yaml`,
      '--limit',
      'nosuch',
      '-p',
      `${repo}playbooks/secure-email.yaml`,
      '--secrets',
    ]);
    expect(code).toBe(2);
    const text = errors.join('\n');
    expect(text).toContain("--limit 'nosuch' matches no device or group");
    expect(text).toContain('eem.environment._email_server.password: environment variable GMAIL_APP_PASSWORD');
  });

  it('refuses to run without files', async () => {
    await expect(validateCommand(sources({})).run([])).rejects.toThrow('give an inventory (-i) and/or playbooks (-p)');
  });
});
