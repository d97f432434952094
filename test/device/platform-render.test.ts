import { describe, expect, it } from '@jest/globals';
import { ANY_PROMPT, DIALOG, findDeviceError, parsePromptLine, promptPatterns } from '../../src/device/platform.js';
import {
  authenticateDialog,
  eemEnvironmentLines,
  eemMailAppletLines,
  removeTrustpointDialog,
  RenderError,
  trustpointConfigLines,
} from '../../src/device/render/commands.js';
import { IosStringError, splitIosWords } from '../../src/device/ios-string.js';
import { parseAuthenticateOutput } from '../../src/device/parsers/authenticate.js';
import { splitCertificates } from '../../src/certs/pem.js';
import { loadCapture } from '../fixtures/load.js';

describe('prompts', () => {
  it('recognises exec, privileged and config prompts as whole lines', () => {
    expect(parsePromptLine('R1>')).toEqual({ hostname: 'R1', level: 'user-exec' });
    expect(parsePromptLine('R1#')).toEqual({ hostname: 'R1', level: 'exec' });
    expect(parsePromptLine('vg400(ca-trustpoint)#')).toEqual({ hostname: 'vg400', level: 'config', mode: 'ca-trustpoint' });
    expect(parsePromptLine(' certificate self-signed 01 nvram:IOS-Self-Sig#2.cer')).toBeUndefined();
  });

  it('anchors the device prompt on the last whole line, never inside output', () => {
    const p = promptPatterns('IOS-Self-Sig');
    expect(p.exec.test('crypto pki certificate chain X\n certificate self-signed 01 nvram:IOS-Self-Sig#2.cer')).toBe(false);
    expect(p.exec.test('nvram:IOS-Self-Sig#2.cer\nIOS-Self-Sig#')).toBe(true);
    expect(ANY_PROMPT.test(' certificate ca 01 nvram:CiscoLicensi#1CA.cer')).toBe(false);
    expect(p.exec.test('R1#\nIOS-Self-Sig#show run\nmore output')).toBe(false);
  });

  it('cuts long hostnames to 20 characters in config prompts (netmiko #1786)', () => {
    const p = promptPatterns('veryveryverylonghostname');
    expect(p.config.test('\nveryveryverylonghost(config)#')).toBe(true);
    expect(p.globalConfig.test('\nveryveryverylonghost(config)#')).toBe(true);
    expect(p.exec.test('\nveryveryverylonghostname#')).toBe(true);
    expect(p.config.test('\nveryveryverylonghostname(config)#')).toBe(false);
    expect(p.config.test('\nveryveryverylonghost(config-pki-hexmode)#')).toBe(true);
    expect(p.mode('ca-trustpoint').test('\nveryveryverylonghost(ca-trustpoint)#')).toBe(true);
    expect(p.mode('ca-trustpoint').test('\nveryveryverylonghost(config-applet)#')).toBe(false);
  });

  it('finds the dialog questions of the real transcripts at the end of the text', () => {
    const auth = loadCapture('transcript_crypto_pki_authenticate_pem_iosv_1.txt');
    const pasteAt = auth.indexOf('itself') + 'itself\n\n'.length;
    expect(DIALOG.pasteCertificate.test(auth.slice(0, pasteAt))).toBe(true);
    const askAt = auth.indexOf('[yes/no]: ') + '[yes/no]: '.length;
    expect(DIALOG.yesNo.test(auth.slice(0, askAt))).toBe(true);
    const removal = loadCapture('transcript_no_crypto_pki_trustpoint_c9300_17_2_1.txt');
    expect(DIALOG.yesNo.test(removal.slice(0, removal.indexOf('[yes/no]: ') + 10))).toBe(true);
    expect(DIALOG.password.test('R1>enable\nPassword: ')).toBe(true);
  });
});

describe('error patterns', () => {
  it('classifies the parser errors of a real session (dossier 1.4)', () => {
    expect(findDeviceError("                   ^\n% Invalid input detected at '^' marker.\n")?.pattern.id).toBe('invalid-input');
    expect(findDeviceError('% Incomplete command.\n')?.pattern.id).toBe('incomplete');
    expect(findDeviceError('% Ambiguous command:  "a"')?.text).toBe('% Ambiguous command:  "a"');
    expect(findDeviceError('% Please delete your existing CA certificate first.')?.pattern.id).toBe('ca-already-present');
    expect(findDeviceError("% Certificate Authority (trustpoint) 'myCA' is unknown")?.pattern.id).toBe('trustpoint-unknown');
  });

  it('classifies the 26.x rejection transcript', () => {
    expect(findDeviceError(loadCapture('transcript_crypto_pki_authenticate_fingerprint_required_26x_1.txt'))?.pattern.id).toBe('fingerprint-required');
    expect(findDeviceError('Trustpoint CA certificate is rejected. Abort.\n% Error in saving certificate: status = FAIL')?.pattern.id).toBe(
      'certificate-rejected',
    );
  });

  it('does not take syslog lines or successful dialogs for errors', () => {
    expect(findDeviceError(loadCapture('eem_mail_failure_syslog_connect_iosv_2.txt'))).toBeUndefined();
    expect(findDeviceError(loadCapture('transcript_crypto_pki_authenticate_pem_iosv_1.txt'))).toBeUndefined();
    expect(findDeviceError(loadCapture('transcript_crypto_pki_authenticate_fingerprint_pinned_26x_1.txt'))).toBeUndefined();
  });
});

describe('renderings', () => {
  it('renders a terminal trustpoint with a normalised fingerprint pin', () => {
    expect(trustpointConfigLines({ name: 'CA-GTS-1C3', fingerprint: '4e5658ea 99300a9a 5aff2eb9 c8114485', chainValidation: 'stop' })).toEqual([
      'crypto pki trustpoint CA-GTS-1C3',
      'enrollment terminal',
      'fingerprint 4E5658EA99300A9A5AFF2EB9C8114485',
      'revocation-check none',
      'chain-validation stop',
      'exit',
    ]);
    expect(() => trustpointConfigLines({ name: 'X', fingerprint: 'ABC' })).toThrow(RenderError);
    expect(() => trustpointConfigLines({ name: 'bad name' })).toThrow(IosStringError);
  });

  it('renders the authenticate dialog whose paste ends with a blank line, and reads the device fingerprints', () => {
    const transcript = loadCapture('transcript_crypto_pki_authenticate_pem_iosv_1.txt');
    const [block] = splitCertificates(transcript, 'IOSv transcript');
    const seen: string[] = [];
    const steps = authenticateDialog('CERT_TP', block?.der ?? new Uint8Array(), (s) => {
      seen.push(s.md5 ?? '', s.sha1 ?? '');
      return s.md5 === '0813A2CDA3577F5BB8444C8F093BDB2E';
    });
    expect(steps[0]?.send).toBe('crypto pki authenticate CERT_TP');
    const paste = steps[1]?.send;
    expect(typeof paste === 'string' && paste.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    const answer = steps[2]?.send;
    expect(typeof answer === 'function' ? answer(transcript.slice(0, transcript.indexOf('[yes/no]: ') + 10)) : '').toBe('yes');
    expect(seen).toEqual(['0813A2CDA3577F5BB8444C8F093BDB2E', '50CB1BE1F8A16D5C0DB3BC72E6D422B082D7F7CD']);
  });

  it('reads how an authenticate dialog ended', () => {
    expect(parseAuthenticateOutput(loadCapture('transcript_crypto_pki_authenticate_pem_iosv_1.txt'))).toMatchObject({
      asked: true,
      accepted: true,
      imported: true,
    });
    expect(parseAuthenticateOutput(loadCapture('transcript_crypto_pki_authenticate_fingerprint_pinned_26x_1.txt'))).toMatchObject({
      asked: false,
      validatedByDevice: true,
      accepted: true,
    });
  });

  it('renders removal, EEM environment and the mail applet with IOS quoting', () => {
    expect(removeTrustpointDialog('CA-OLD').map((s) => s.send)).toEqual(['no crypto pki trustpoint CA-OLD', 'yes']);
    expect(eemEnvironmentLines({ _email_server: 'alerts:pw@smtp.example.net' })).toEqual([
      'event manager environment _email_server alerts:pw@smtp.example.net',
    ]);
    const lines = eemMailAppletLines({
      name: 'SendSecureEmailEEM',
      server: '$_email_server',
      to: '$_email_to',
      from: '$_email_from',
      subject: 'certagent test',
      body: 'mail from R1',
      tlsPort: 587,
    });
    expect(lines).toEqual([
      'event manager applet SendSecureEmailEEM',
      'event none',
      'action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" subject "certagent test" body "mail from R1" secure tls port 587',
      'exit',
    ]);
    expect(splitIosWords(lines[2] ?? '')).toContain('certagent test');
    expect(() => eemMailAppletLines({ name: 'A', server: 's', to: 't', from: 'f', subject: 'say "hi"', body: '' })).toThrow(/double quote/);
  });
});
