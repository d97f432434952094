/**
 * Where a command's answer ends, against a scripted CLI over real SSH that cuts its output where a prompt-like line
 * stands at a packet boundary, prints a stale prompt between commands, locks configuration mode, or asks a
 * question nobody expected. The session must take each command's whole answer, and only that answer, and fail at
 * once (not at its timeout) where the device is not where certagent thinks it is.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { DIALOG } from '../../src/device/index.js';
import { ConfigLockedError, IosXeSession, OutputLimitError, UnexpectedQuestionError } from '../../src/transport/ssh-cli/index.js';
import { startScriptedCli } from './scripted-cli.js';
import type { CliScript, ScriptedCli } from './scripted-cli.js';

const CLOCK = '*08:00:00.123 UTC Sun Dec 6 2026';
const USERS = '*  2 vty 0     admin      idle                 00:00:00 127.0.0.1';
// A syslog line as IOS prints it on a vty with `logging synchronous`, which then prints the prompt again.
const SYSLOG = '*Dec  6 08:00:01.456: %SYS-5-CONFIG_I: Configured from console by netops on vty1 (10.0.0.9)';
// Real IOS XE text when another session holds the configuration lock (Cisco's Unicon IOS XE mock device,
// CiscoTestAutomation/unicon.plugins src/unicon/plugins/tests/mock/mock_device_iosxe.py).
const LOCKED = "Configuration mode is locked by process '484' user 'NETCONF' from terminal '64'. Please try later.";

let cli: ScriptedCli | undefined;
let session: IosXeSession | undefined;
afterEach(async () => {
  await session?.close();
  await cli?.close();
  session = undefined;
  cli = undefined;
});

async function open(script: CliScript, timeoutMs = 20_000): Promise<IosXeSession> {
  cli = await startScriptedCli(script);
  session = await IosXeSession.open(cli.options({ commandTimeoutMs: timeoutMs }));
  return session;
}

describe('the end of a command', () => {
  it('is not a prompt-like line of the output that ends a packet (a banner line R1# in the running-config)', async () => {
    const s = await open({
      onCommand: async (line, io) => {
        if (line !== 'show running-config') return false;
        io.write('Building configuration...\r\n\r\nhostname R1\r\nbanner motd ^C\r\nR1#');
        await io.settle();
        io.write('\r\n is a router\r\n^C\r\ncrypto pki certificate chain TP\r\n certificate ca 01 nvram:R1#1.cer\r\nend\r\n\r\n');
        return true;
      },
    });
    const output = await s.send('show running-config');
    expect(output.trimEnd().split('\n').slice(-3)).toEqual(['crypto pki certificate chain TP', ' certificate ca 01 nvram:R1#1.cer', 'end']);
    expect(output).toContain('R1#\n is a router');
  });

  it('is never a prompt left over from before: each read holds the answer to the command just sent', async () => {
    let stale: () => void = () => undefined;
    const staleSent = new Promise<void>((resolve) => (stale = resolve));
    const s = await open({
      onCommand: (line, io) => {
        if (line === 'show clock') io.write(`${CLOCK}\r\n`);
        else if (line === 'show users') io.write(`${USERS}\r\n`);
        else return line === 'show version' && io.write('Cisco IOS XE Software, Version 17.09.04a\r\n') === undefined;
        return true;
      },
      afterPrompt: (io, line) => {
        if (line !== 'show version') return;
        // After the end-of-command line's prompt, so it lands between two commands.
        setTimeout(() => {
          io.write(`\r\n${SYSLOG}\r\nR1#`);
          stale();
        }, 0);
      },
    });
    await s.send('show version');
    await staleSent;
    // The stale prompt must be in the client's buffer before the next command goes out, as it is on a real link.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await s.send('show clock')).toBe(CLOCK);
    expect(await s.send('show users')).toBe(USERS);
  });

  it('takes the hostname from the device prompt, not from a prompt-like banner line at a packet boundary', async () => {
    const s = await open({
      banner: ['\r\nAuthorised access only\r\nRouter#', '\r\nDisconnect now if you are not\r\n\r\n'],
      onCommand: (line, io) => line === 'show clock' && io.write(`${CLOCK}\r\n`) === undefined,
    });
    expect(s.hostname).toBe('R1');
    expect(await s.send('show clock')).toBe(CLOCK);
  });
});

describe('a refused or questioning command', () => {
  it('configure terminal refused by the configuration lock fails at once with the lock error and leaves the session usable', async () => {
    const s = await open(
      {
        onCommand: (line, io) => {
          if (line === 'configure terminal') io.write(`${LOCKED}\r\n`);
          else if (line === 'show clock') io.write(`${CLOCK}\r\n`);
          else return false;
          return true;
        },
      },
      60_000,
    );
    const error = await s.sendConfig(['ip host mail.example.com 192.0.2.25']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigLockedError);
    expect((error as Error).message).toContain("locked by process '484' user 'NETCONF'");
    expect(s.level).toBe('exec');
    expect(cli?.lines).not.toContain('ip host mail.example.com 192.0.2.25');
    expect(await s.send('show clock')).toBe(CLOCK);
  });

  it('an unexpected [confirm] fails at once; the end-of-command line answered it no', async () => {
    let answer = '';
    const s = await open(
      {
        onCommand: async (line, io) => {
          if (line !== 'clear logging') return false;
          io.write('Clear logging buffer [confirm]');
          answer = await io.readKey();
          io.write('\r\n');
          return true;
        },
      },
      60_000,
    );
    const error = await s.send('clear logging').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedQuestionError);
    expect((error as Error).message).toContain('[confirm]');
    expect(answer).toBe('!');
  });

  it('an unexpected [yes/no] fails at once instead of waiting for the command timeout', async () => {
    const s = await open(
      {
        onCommand: async (line, io) => {
          if (line !== 'crypto key zeroize rsa') return false;
          for (;;) {
            io.write('% All keys will be removed.\r\nDo you really want to remove these keys? [yes/no]: ');
            const reply = await io.readLine();
            if (reply === 'yes' || reply === 'no') return true;
            io.write("% Please answer 'yes' or 'no'.\r\n");
          }
        },
      },
      60_000,
    );
    const error = await s.send('crypto key zeroize rsa').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedQuestionError);
    expect((error as Error).message).toContain('[yes/no]');
    // The device still waits on its question: the session takes no further command.
    await expect(s.send('show clock')).rejects.toThrow(/lost step/);
  });

  it('a [yes/no] asked again after the dialog answered yes fails at once', async () => {
    const s = await open(
      {
        onCommand: async (line, io) => {
          if (line !== 'no crypto pki trustpoint TP') return false;
          for (;;) {
            io.write(
              '% Removing an enrolled trustpoint will destroy all certificates\r\nreceived from the related Certificate Authority.\r\n\r\nAre you sure you want to do this? [yes/no]: ',
            );
            await io.readLine();
          }
        },
      },
      60_000,
    );
    const error = await s
      .interact([
        { send: 'no crypto pki trustpoint TP', expect: [DIALOG.yesNo] },
        { send: 'yes', expect: [] },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedQuestionError);
    expect((error as Error).message).toContain("'yes' asked");
  });
});

describe('output caps', () => {
  const LINE = `${'x'.repeat(99)}\r\n`;
  const script: CliScript = {
    onCommand: (line, io) => {
      const kib = /^show blob (\d+)$/.exec(line)?.[1];
      if (kib === undefined) return false;
      // In 8 KiB writes, as a busy router streams a long output.
      const block = LINE.repeat(82);
      for (let sent = 0; sent < Number(kib) * 1024; sent += block.length) io.write(block);
      return true;
    },
  };

  it('fails a command that prints more than --max-output, naming the cap, and ends the session', async () => {
    cli = await startScriptedCli(script);
    session = await IosXeSession.open(cli.options({ maxOutputBytes: 256 * 1024 }));
    expect((await session.send('show blob 200')).length).toBeGreaterThan(200 * 1000);
    const error = await session.send('show blob 2048').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputLimitError);
    expect((error as Error).message).toMatch(/scripted-r1: 'show blob 2048' printed more than 262144 bytes, the cap for one command; the session was ended/);
    await expect(session.send('show blob 1')).rejects.toThrow(/lost step/);
  });

  it('fails the session once it has received more than --max-transcript in all', async () => {
    cli = await startScriptedCli(script);
    session = await IosXeSession.open(cli.options({ maxSessionBytes: 1024 * 1024 }));
    await session.send('show blob 400');
    await session.send('show blob 400');
    const error = await session.send('show blob 400').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputLimitError);
    expect((error as Error).message).toContain('the cap for the session');
  });
});
