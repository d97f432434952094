import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabRouter } from '../../src/lab/router/index.js';
import { DeviceCommandError, EnableError, IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { splitCertificates } from '../../src/certs/pem.js';
import {
  authenticateDialog,
  eemEnvironmentLines,
  eemMailAppletLines,
  parseAuthenticateOutput,
  parsePkiConfig,
  parseShowCryptoPkiCertificates,
  parseShowCryptoPkiTrustpoints,
  parseShowCryptoPkiTrustpointsStatus,
  SHOW,
  parseShowVersion,
  parseEemConfig,
  removeTrustpointDialog,
  saveSucceeded,
  trustpointConfigLines,
  WRITE_MEMORY,
} from '../../src/device/index.js';
import { ENABLE_SECRET, OPERATOR, optionsFor, startLab, tempDir } from './lab.js';

// A real root from Debian's ca-certificates; the dossier recomputed its MD5 as IOS prints it (FN74221).
const ISRG_ROOT_X1 = splitCertificates(readFileSync('/etc/ssl/certs/ISRG_Root_X1.pem', 'utf8'), 'ISRG_Root_X1.pem')[0]?.der ?? Buffer.alloc(0);
const md5 = (der: Uint8Array): string => createHash('md5').update(der).digest('hex').toUpperCase();

describe('IosXeSession against the lab router over SSH', () => {
  let router: LabRouter;
  let session: IosXeSession;

  beforeAll(async () => {
    router = await startLab('R1');
    session = await IosXeSession.open(optionsFor(router));
  });
  afterAll(async () => {
    await session.close();
    await router.stop();
  });

  it('finds the prompt and prepares the terminal (length and width in one write) in one round trip', () => {
    expect(session.hostname).toBe('R1');
    expect(session.level).toBe('exec');
    expect(session.roundTrips).toBe(1);
    expect(session.hostKeyFingerprint).toBe(router.hostKeyFingerprint);
  });

  it('returns command output without echo or prompt, readable by the agent parser', async () => {
    const output = await session.send('show version');
    expect(output.startsWith('Cisco IOS XE Software')).toBe(true);
    expect(output).not.toMatch(/R1#\s*$/);
    expect(parseShowVersion(output).hostname).toBe('R1');
  });

  it.each([
    ['show crypto pki bogus', 'invalid-input', "% Invalid input detected at '^' marker."],
    ['show crypto', 'incomplete', '% Incomplete command.'],
    ['show c', 'ambiguous', '% Ambiguous command:  "show c"'],
  ])('turns %s into a typed DeviceCommandError', async (command, id, text) => {
    const error = await session.send(command).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceCommandError);
    expect(error).toMatchObject({ device: 'lab-r1', command, errorId: id, deviceSays: text });
    expect((error as DeviceCommandError).advice.length).toBeGreaterThan(10);
    // The session stays usable after a device error.
    expect(await session.send('show clock')).toMatch(/\d{2}:\d{2}:\d{2}/);
  });

  it('applies config line by line and returns to privileged EXEC', async () => {
    await session.sendConfig(trustpointConfigLines({ name: 'CA-LINE', chainValidation: 'stop' }));
    expect(session.level).toBe('exec');
    const config = parsePkiConfig(await session.send('show running-config | section crypto pki'));
    expect(config.trustpoints.find((t) => t.name === 'CA-LINE')).toMatchObject({ enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' });
  });

  it('names the failing config line and leaves config mode', async () => {
    const error = await session.sendConfig(['crypto pki trustpoint CA-BAD', 'enrollment nonsense', 'revocation-check none']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceCommandError);
    expect(error).toMatchObject({ command: 'enrollment nonsense', errorId: 'invalid-input' });
    expect(session.level).toBe('exec');
  });

  it('sends a config block in one write and still attributes errors to their line', async () => {
    const before = session.roundTrips;
    const lines = [...trustpointConfigLines({ name: 'CA-BULK' }), ...eemEnvironmentLines({ _email_to: 'noc@example.net' })];
    const result = await session.sendConfig(lines, { bulk: true });
    expect(result.outputs).toHaveLength(lines.length);
    expect(session.roundTrips - before).toBe(3); // configure terminal, the block, end
    expect(parsePkiConfig(await session.send('show running-config | section crypto pki')).trustpoints.map((t) => t.name)).toContain('CA-BULK');
    expect(parseEemConfig(await session.send(SHOW.eemConfig)).environment.get('_email_to')).toBe('noc@example.net');
    const error = await session.sendConfig(['crypto pki trustpoint CA-BULK2', 'revocation-check bogus', 'exit'], { bulk: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ command: 'revocation-check bogus', errorId: 'invalid-input' });
    expect(session.level).toBe('exec');
  });

  it('stays in config mode after a block when asked, so the next block needs no configure terminal and no end before it', async () => {
    const before = session.roundTrips;
    await session.sendConfig(trustpointConfigLines({ name: 'CA-STAY' }), { bulk: true, stayInConfigMode: true });
    expect(session.level).toBe('config');
    await session.sendConfig(eemEnvironmentLines({ _email_from: 'r1@example.net' }), { bulk: true, stayInConfigMode: true });
    expect(session.roundTrips - before).toBe(3); // configure terminal, the first block, the second block
    const error = await session
      .sendConfig(['crypto pki trustpoint CA-STAY2', 'revocation-check bogus', 'exit'], { bulk: true, stayInConfigMode: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ command: 'revocation-check bogus', errorId: 'invalid-input' });
    expect(session.level).toBe('exec');
    expect(parsePkiConfig(await session.send('show running-config | section crypto pki')).trustpoints.map((t) => t.name)).toContain('CA-STAY');
    expect(parseEemConfig(await session.send(SHOW.eemConfig)).environment.get('_email_from')).toBe('r1@example.net');
  });

  it('runs the authenticate dialog: pastes the PEM, exposes the device fingerprints, answers yes', async () => {
    await session.sendConfig(trustpointConfigLines({ name: 'CA-ISRG' }));
    const seen: string[] = [];
    const result = await session.interact([
      { send: 'configure terminal', expect: [] },
      ...authenticateDialog('CA-ISRG', ISRG_ROOT_X1, (s) => {
        seen.push(s.md5 ?? 'none');
        return s.md5 === md5(ISRG_ROOT_X1);
      }),
      { send: 'end', expect: [] },
    ]);
    expect(seen).toEqual(['0CD2F9E0DA1773E9ED864DA5E370E74E']);
    expect(parseAuthenticateOutput(result.output)).toMatchObject({ asked: true, accepted: true, imported: true });
    const [cert] = parseShowCryptoPkiCertificates(await session.send(SHOW.certificates('CA-ISRG')));
    expect(cert).toMatchObject({ kind: 'ca', fingerprintMd5: md5(ISRG_ROOT_X1), associatedTrustpoints: ['CA-ISRG'] });
    const status = parseShowCryptoPkiTrustpointsStatus(await session.send(SHOW.trustpointStatus('CA-ISRG')));
    expect(status[0]).toMatchObject({ name: 'CA-ISRG', issuingCaAuthenticated: true, issuingCa: { fingerprintMd5: md5(ISRG_ROOT_X1) } });
    const chain = parsePkiConfig(await session.send(SHOW.pkiConfig)).chains.find((c) => c.trustpoint === 'CA-ISRG');
    expect(chain?.certificates[0]?.der.equals(Buffer.from(ISRG_ROOT_X1))).toBe(true);
  });

  it('ends the dialog at the prompt when a pinned fingerprint removes the question', async () => {
    await session.sendConfig(trustpointConfigLines({ name: 'CA-PINNED', fingerprint: md5(ISRG_ROOT_X1) }));
    let asked = false;
    const result = await session.interact([
      { send: 'configure terminal', expect: [] },
      ...authenticateDialog('CA-PINNED', ISRG_ROOT_X1, () => {
        asked = true;
        return true;
      }),
    ]);
    await session.send('end');
    expect(asked).toBe(false);
    expect(result.stepsSent).toBe(3);
    expect(parseAuthenticateOutput(result.output)).toMatchObject({ asked: false, validatedByDevice: true, accepted: true });
  });

  it('raises the device error when the CA is already there', async () => {
    const error = await session
      .interact([{ send: 'configure terminal', expect: [] }, ...authenticateDialog('CA-ISRG', ISRG_ROOT_X1, () => true)])
      .catch((e: unknown) => e);
    await session.send('end');
    expect(error).toBeInstanceOf(DeviceCommandError);
    expect(error).toMatchObject({ errorId: 'ca-already-present' });
  });

  it('raises the 26.x rejection as a typed error and leaves nothing installed', async () => {
    await session.sendConfig(trustpointConfigLines({ name: 'CA-REJECTED' }));
    router.setFaults({ rejectCertificate: ['CA-REJECTED'] });
    try {
      const error = await session
        .interact([{ send: 'configure terminal', expect: [] }, ...authenticateDialog('CA-REJECTED', ISRG_ROOT_X1, () => true)])
        .catch((e: unknown) => e);
      expect(session.level).toBe('config');
      await session.ensureExec();
      expect(session.level).toBe('exec');
      expect(error).toBeInstanceOf(DeviceCommandError);
      expect(['fingerprint-required', 'certificate-rejected']).toContain((error as DeviceCommandError).errorId);
      expect(parseShowCryptoPkiCertificates(await session.send('show crypto pki certificates CA-REJECTED'))).toEqual([]);
    } finally {
      router.setFaults({});
    }
  });

  it('removes a trustpoint through its confirmation', async () => {
    await session.interact([{ send: 'configure terminal', expect: [] }, ...removeTrustpointDialog('CA-ISRG'), { send: 'end', expect: [] }]);
    const names = parseShowCryptoPkiTrustpoints(await session.send('show crypto pki trustpoints')).map((t) => t.name);
    expect(names).not.toContain('CA-ISRG');
    expect(names).toContain('CA-LINE');
  });

  it('configures the EEM mail applet and reads it back with the agent parser', async () => {
    await session.sendConfig([
      ...eemEnvironmentLines({ _email_server: 'alerts:Smtp-Pw@smtp.example.net', _email_from: 'alerts@example.net' }),
      ...eemMailAppletLines({
        name: 'CertagentMail',
        server: '$_email_server',
        to: '$_email_to',
        from: '$_email_from',
        subject: 'certagent test',
        body: 'sent by certagent',
        tlsPort: 587,
      }),
    ]);
    const eem = parseEemConfig(await session.send(SHOW.eemConfig));
    expect(eem.environment.get('_email_server')).toBe('alerts:Smtp-Pw@smtp.example.net');
    const applet = eem.applets.find((a) => a.name === 'CertagentMail');
    expect(applet?.event).toBe('none');
    expect(applet?.actions[0]?.mail).toEqual({
      server: '$_email_server',
      to: '$_email_to',
      from: '$_email_from',
      subject: 'certagent test',
      body: 'sent by certagent',
      secure: 'tls',
      port: 587,
    });
  });

  it('saves with write memory, and reports the NVRAM error', async () => {
    expect(saveSucceeded(await session.send(WRITE_MEMORY))).toBe(true);
    router.setFaults({ failWriteMemory: true });
    try {
      await expect(session.send(WRITE_MEMORY)).rejects.toMatchObject({ errorId: 'error', deviceSays: expect.stringContaining('nvram') });
    } finally {
      router.setFaults({});
    }
  });
});

describe('enable and transcripts', () => {
  let router: LabRouter;
  beforeAll(async () => {
    router = await startLab('Edge-Router-With-A-Long-Name');
  });
  afterAll(async () => {
    await router.stop();
  });

  it('enters privileged EXEC from user EXEC and works with a 20-character config prompt', async () => {
    const session = await IosXeSession.open(optionsFor(router, { credentials: OPERATOR, enableSecret: ENABLE_SECRET }));
    try {
      expect(session.level).toBe('exec');
      await session.sendConfig(trustpointConfigLines({ name: 'CA-LONG' }));
      expect(await session.send('show running-config | include trustpoint CA-LONG')).toContain('crypto pki trustpoint CA-LONG');
    } finally {
      await session.close();
    }
  });

  it('fails clearly without an enable secret or with a wrong one', async () => {
    await expect(IosXeSession.open(optionsFor(router, { credentials: OPERATOR }))).rejects.toBeInstanceOf(EnableError);
    const wrong = await IosXeSession.open(optionsFor(router, { credentials: OPERATOR, enableSecret: 'not-the-secret' })).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(EnableError);
    expect((wrong as Error).message).toContain('refused');
    expect((wrong as Error).message).not.toContain('not-the-secret');
  });

  it('writes a transcript with every secret redacted', async () => {
    const file = join(tempDir(), 'r1.transcript');
    const smtpPassword = 'Smtp-Pa55word';
    const session = await IosXeSession.open(
      optionsFor(router, { credentials: OPERATOR, enableSecret: ENABLE_SECRET, transcriptFile: file, secrets: ['Marked-Secret-Value'] }),
    );
    await session.sendConfig(eemEnvironmentLines({ _email_server: `alerts:${smtpPassword}@smtp.example.net`, _email_from: 'Marked-Secret-Value' }));
    const env = await session.send('show running-config | include _email');
    expect(env).toContain(smtpPassword); // the caller gets the real output; only logs are redacted
    await session.close();
    const transcript = readFileSync(file, 'utf8');
    expect(transcript).toContain('show running-config | include _email');
    expect(transcript).toContain('alerts:<redacted>@smtp.example.net');
    for (const secret of [smtpPassword, ENABLE_SECRET, OPERATOR.password, 'Marked-Secret-Value']) expect(transcript).not.toContain(secret);
  });
});
