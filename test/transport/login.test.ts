/**
 * Logins as real devices do them: banners whose text holds `#`, `>`, `[yes/no]`, `Password:` and whole lines that
 * look like prompts, never taken for a prompt or a question; AAA in-band `Username:` / `Password:` answered from the
 * device's credentials, a wrong answer failing once and for good; and TACACS+ command authorization refusing a
 * config line, reported in plain words.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { LabRouter } from '../../src/lab/router/index.js';
import type { FaultPlan } from '../../src/lab/router/index.js';
import { AuthenticationError, DeviceCommandError, IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { isTransient } from '../../src/workflow/index.js';
import { ENABLE_SECRET, OPERATOR, optionsFor, startLab } from './lab.js';

const BANNERS = {
  motd: 'R1#\n*** Authorized use only [yes/no] ***\nRouter>\nPassword:',
  login: 'lab-login# This is the login banner.\nR1(config)#',
  exec: 'Welcome to R1 > exec banner #\nR1>',
};

let router: LabRouter | undefined;
afterEach(async () => {
  await router?.stop();
  router = undefined;
});

async function lab(faults: FaultPlan): Promise<LabRouter> {
  router = await startLab('R1', faults);
  return router;
}

describe('banners', () => {
  it('logs in past motd, login and exec banners that look like prompts and questions', async () => {
    const r = await lab({ banners: BANNERS });
    const session = await IosXeSession.open(optionsFor(r));
    try {
      expect(session.hostname).toBe('R1');
      expect(session.level).toBe('exec');
      expect(await session.send('show clock')).toMatch(/^\*\d\d:\d\d:\d\d\.\d{3} UTC /);
    } finally {
      await session.close();
    }
  });

  it('still runs enable from user EXEC behind the banners', async () => {
    const r = await lab({ banners: BANNERS });
    const session = await IosXeSession.open(optionsFor(r, { credentials: OPERATOR, enableSecret: ENABLE_SECRET }));
    try {
      expect(session.level).toBe('exec');
      expect(await session.send('show privilege')).toContain('Current privilege level is 15');
    } finally {
      await session.close();
    }
  });
});

describe('AAA in-band login', () => {
  it('answers Username: and Password: in the shell from the device credentials', async () => {
    const r = await lab({ inBandLogin: true, banners: BANNERS });
    const session = await IosXeSession.open(optionsFor(r));
    try {
      expect(session.hostname).toBe('R1');
      expect(await session.send('show clock')).toMatch(/UTC/);
    } finally {
      await session.close();
    }
  });

  it('fails once and for good on % Authentication failed, without showing the password', async () => {
    const r = await lab({ inBandLogin: true });
    const err = await IosXeSession.open(optionsFor(r, { credentials: { username: 'admin', password: 'Wrong-Pa55' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe("lab-r1: authentication failed for user 'admin' (tried in-band Username/Password)");
    expect(isTransient(err)).toBe(false);
  });
});

describe('command authorization', () => {
  it('reports a config line refused by AAA in plain words', async () => {
    const r = await lab({ denyConfigCommands: true });
    const session = await IosXeSession.open(optionsFor(r));
    try {
      const err = await session.sendConfig(['ip host smtp.lab.example 127.0.0.1']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceCommandError);
      expect(err).toMatchObject({ errorId: 'authorization-failed', deviceSays: 'Command authorization failed.' });
      expect((err as DeviceCommandError).advice).toMatch(/AAA server .* does not allow this account to run this command/);
      expect(session.level).toBe('exec');
    } finally {
      await session.close();
    }
  });
});
