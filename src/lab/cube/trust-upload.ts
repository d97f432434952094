/**
 * "Uploading" certificates to the simulated CUCM's CallManager-trust (`certagent lab cucm-trust`): what an
 * administrator does in CUCM's OS Administration, Certificate Management, Upload Certificate. Every file is read
 * and checked before any is stored, so a bad file changes nothing; each certificate is stored under its CN and
 * SHA1, so two CUBEs' `sip-trunk-cert.pem` never overwrite each other.
 */
import { access, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateFacts } from '../../certs/types.js';
import { parseCertificates } from '../../certs/x509.js';
import { cubeLabFiles } from './cube-kit.js';
import { errorMessage } from '../../shared/error-message.js';

export interface TrustUpload {
  readonly file: string;
  readonly commonName: string;
  readonly sha1: string;
  /** False when CallManager-trust already held it. */
  readonly added: boolean;
}

/** A file that cannot be uploaded, or a state folder without lab CUBEs: nothing was stored. */
export class CucmTrustInputError extends Error {
  override readonly name = 'CucmTrustInputError';
}

function storedName(cert: CertificateFacts): string {
  const cn = (cert.commonName ?? 'certificate').replace(/[^A-Za-z0-9.-]+/g, '_');
  return `${cn}-${cert.sha1.slice(0, 12).toLowerCase()}.pem`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function uploadToCucmTrust(stateDir: string, files: readonly string[]): Promise<TrustUpload[]> {
  const { trustDir } = cubeLabFiles(stateDir);
  if (!(await exists(trustDir))) {
    throw new CucmTrustInputError(`${stateDir} holds no simulated CUCM (no ${trustDir}): start the lab with --cube N --state-dir ${stateDir} first`);
  }
  if (files.length === 0) throw new CucmTrustInputError('name the PEM files to upload (the CA and identity files a CUBE rollout wrote)');
  const read: { file: string; cert: CertificateFacts }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CucmTrustInputError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}); nothing was uploaded`);
    }
    let certs: CertificateFacts[];
    try {
      certs = parseCertificates(text, file);
    } catch (error) {
      // The parser names the file already.
      throw new CucmTrustInputError(`${errorMessage(error)}; nothing was uploaded`);
    }
    if (certs.length === 0) throw new CucmTrustInputError(`${file}: holds no PEM certificate; nothing was uploaded`);
    read.push(...certs.map((cert) => ({ file, cert })));
  }
  const uploads: TrustUpload[] = [];
  for (const { file, cert } of read) {
    const path = join(trustDir, storedName(cert));
    const added = !(await exists(path));
    if (added) {
      await writeFile(`${path}.tmp`, cert.pem);
      await rename(`${path}.tmp`, path);
    }
    uploads.push({ file, commonName: cert.commonName ?? '(no CN)', sha1: cert.sha1, added });
  }
  return uploads;
}
