/**
 * A dialog step that writes config lines together with the command that opens the dialog, against the lab router
 * over real SSH: a step ends only at a question or at the prompt after the echo of every line it sent, so the
 * prompts after the config lines do not end it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { LabRouter } from '../../src/lab/router/index.js';
import { splitCertificates } from '../../src/certs/pem.js';
import { authenticateDialog, parseAuthenticateOutput, parsePkiConfig, SHOW, trustpointConfigLines } from '../../src/device/index.js';
import { DeviceCommandError, IosXeSession } from '../../src/transport/ssh-cli/index.js';
import type { DialogStep } from '../../src/transport/ssh-cli/index.js';
import { optionsFor, startLab } from './lab.js';

const ISRG_ROOT_X1 = splitCertificates(readFileSync('/etc/ssl/certs/ISRG_Root_X1.pem', 'utf8'), 'ISRG_Root_X1.pem')[0]?.der ?? Buffer.alloc(0);

/** configure terminal, then one write of the trustpoint's lines and `crypto pki authenticate`, then the paste and the answer. */
function createAndAuthenticate(trustpoint: string, extraLines: readonly string[]): DialogStep[] {
  const [authenticate, ...rest] = authenticateDialog(trustpoint, ISRG_ROOT_X1, () => true);
  if (authenticate === undefined || typeof authenticate.send !== 'string') throw new Error('authenticateDialog changed shape');
  const lines = [...trustpointConfigLines({ name: trustpoint }), ...extraLines, authenticate.send];
  return [{ send: 'configure terminal', expect: [] }, { ...authenticate, send: lines.join('\n') }, ...rest, { send: 'end', expect: [] }];
}

describe('a dialog step that shares its write with config lines', () => {
  let router: LabRouter;
  beforeAll(async () => {
    router = await startLab('R1');
  });
  afterAll(async () => {
    await router.stop();
  });

  async function withSession(use: (session: IosXeSession) => Promise<void>): Promise<void> {
    const session = await IosXeSession.open(optionsFor(router));
    try {
      await use(session);
    } finally {
      await session.close();
    }
  }

  it('waits past the config lines for the question and runs the whole dialog', () =>
    withSession(async (session) => {
      const before = session.roundTrips;
      const result = await session.interact(createAndAuthenticate('CA-BATCHED', []));
      expect(result.stepsSent).toBe(5);
      expect(session.roundTrips - before).toBe(5); // configure terminal, lines + authenticate, paste, yes, end
      expect(parseAuthenticateOutput(result.output)).toMatchObject({ asked: true, accepted: true, imported: true });
      expect(session.level).toBe('exec');
      const chain = parsePkiConfig(await session.send(SHOW.pkiConfig)).chains.find((c) => c.trustpoint === 'CA-BATCHED');
      expect(chain?.certificates[0]?.der.equals(Buffer.from(ISRG_ROOT_X1))).toBe(true);
    }));

  it('still ends the step at the prompt after the last line when the question does not come', () =>
    withSession(async (session) => {
      // CA-BATCHED is authenticated already: IOS refuses at once and prints no paste question.
      const steps = createAndAuthenticate('CA-BATCHED', []);
      const error = await session.interact(steps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceCommandError);
      expect(error).toMatchObject({ errorId: 'ca-already-present' });
      await session.ensureExec();
      expect(session.level).toBe('exec');
      expect(await session.send('show clock')).toMatch(/UTC/);
    }));

  it('raises an error of an earlier line once the dialog is over', () =>
    withSession(async (session) => {
      const error = await session.interact(createAndAuthenticate('CA-BAD-LINE', ['crypto pki bogus'])).catch((e: unknown) => e);
      expect(error).toMatchObject({ errorId: 'invalid-input' });
      expect(session.level).toBe('exec');
    }));

  it('is not ended by the prompts after the earlier lines, however the output is cut into packets', () =>
    withSession(async (session) => {
      const result = await session.interact(createAndAuthenticate('CA-DEFAULT', ['crypto pki trustpoint CA-DEFAULT', 'enrollment terminal']).slice(0, 3));
      expect(result.stepsSent).toBe(3);
      expect(result.output).toContain('End with a blank line or the word "quit"');
      expect(parseAuthenticateOutput(result.output)).toMatchObject({ asked: true });
    }));
});
