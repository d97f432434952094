import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LabRouter } from '../../../src/lab/router/index.js';
import { TestShell } from './shell.js';

let router: LabRouter;

beforeAll(async () => {
  router = await LabRouter.start({
    hostname: 'R1',
    users: [
      { username: 'admin', password: 'cisco123', privilege: 15 },
      { username: 'oper', password: 'oper123', privilege: 1 },
    ],
    enableSecret: 'enable123',
  });
});

afterAll(async () => {
  await router.stop();
});

describe('prompts and modes', () => {
  test('privilege 15 lands at R1#, config mode prints the banner and truncates nothing short', async () => {
    const shell = await TestShell.connect(router);
    expect(await shell.expect(/R1#$/)).toBe('R1#');
    expect(await shell.command('conf t')).toBe('conf t\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#');
    expect(await shell.command('end')).toBe('end\r\nR1#');
    await router.state.syslog.waitFor(/%SYS-5-CONFIG_I: Configured from console by admin on vty\d \(127\.0\.0\.1\)/, 2000);
    shell.close();
  });
});
