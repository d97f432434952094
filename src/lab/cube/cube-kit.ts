/**
 * What `certagent lab --cube N` adds beside the plain routers: N CUBEs, each with an enrolled SIP TLS identity,
 * and one simulated CUCM cluster they all trunk to (as CUBEs of a site trunk to one cluster): its CallManager
 * certificate as a file for the playbook, and its CallManager-trust store as a folder. The folder is read at
 * every TLS handshake, so what `certagent lab cucm-trust` (or a user) puts there counts from the next look at
 * the trunk, with no restart and no signal. Everything lives in the lab's state folder and survives restarts.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFacts } from '../../certs/types.js';
import { parseCertificates } from '../../certs/x509.js';
import { createChain } from '../mail/chain-factory.js';
import type { LabRouter } from '../router/lab-router.js';
import { attachCucm } from '../router/voice/index.js';
import { generateCallManagerPem } from './callmanager.js';
import { stagedCubeConfig } from './staged-config.js';

export const CUBE_HOSTNAME_PREFIX = 'lab-cube';
/** The publisher's address of playbooks/cube-cucm-tls.yaml; TEST-NET-like private space no lab host routes. */
export const CUCM_ADDRESS = '10.72.86.74';
export const CUCM_PORT = 5061;
export const CUCM_SERVER_NAME = 'cucm-pub.lab.example';
export const CUBE_IDENTITY_TRUSTPOINT = 'sip-trunk-cert';
const VOICE_ROOT = 'Lab Voice Root';
/** Certificates closer than this to their end are re-issued at start, as an operator would renew them. */
const RENEW_MS = 86_400_000;

export interface CubeLabFiles {
  /** The CallManager certificate the CUCM presents (what CCM-cert-02 must hold). */
  readonly callManagerFile: string;
  /** CUCM's CallManager-trust: PEM files of the certificates it accepts from CUBEs. */
  readonly trustDir: string;
}

export interface CubeKit {
  readonly files: CubeLabFiles;
  /** The config a CUBE boots with before anything is saved: its enrolled identity trustpoint. */
  stagedConfig(name: string): string;
  /** Puts the simulated CUCM behind CUCM_ADDRESS:CUCM_PORT for this router's SIP TLS transport. */
  attach(router: LabRouter): void;
}

export function cubeLabFiles(stateDir: string): CubeLabFiles {
  return { callManagerFile: join(stateDir, 'cucm', 'CallManager-pub.pem'), trustDir: join(stateDir, 'cucm', 'CallManager-trust') };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** The stored certificates of a PEM file, or undefined when it is missing, unreadable or about to expire. */
async function storedPem(path: string, now: Date): Promise<string | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const certs = parseCertificates(text, path);
    return certs.length > 0 && certs.every((c) => c.notAfter.getTime() - now.getTime() > RENEW_MS) ? text : undefined;
  } catch {
    // Missing or damaged: the lab issues a new one, as it would for a first start.
    return undefined;
  }
}

/** The CUBE's identity certificate then its issuing CA, kept in the state folder. */
async function cubeIdentity(dir: string, name: string, now: Date): Promise<{ identityPem: string; caPem: string }> {
  const path = join(dir, `${name}-identity.pem`);
  let text = await storedPem(path, now);
  if (text === undefined) {
    const chain = await createChain({ serverName: `${name}.lab.example`, rootName: VOICE_ROOT, leafKey: 'rsa', now });
    text = `${chain.leafPem}${chain.intermediatePems[0] ?? chain.rootPem}`;
    await writeAtomically(path, text);
  }
  const [identity, ca] = parseCertificates(text, path);
  if (!identity || !ca) throw new Error(`${path}: expected the CUBE's certificate and its CA; delete the file and the lab issues new ones`);
  return { identityPem: identity.pem, caPem: ca.pem };
}

/** The trust store's certificates, re-read only when the folder's listing or a file's time changed. */
class TrustFolder {
  #stamp = '';
  #certs: readonly CertificateFacts[] = [];

  constructor(private readonly dir: string) {}

  current(): readonly CertificateFacts[] {
    let names: string[];
    try {
      names = readdirSync(this.dir)
        .filter((n) => n.endsWith('.pem'))
        .sort();
    } catch {
      return [];
    }
    const stamp = names.map((n) => `${n}@${statSync(join(this.dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0}`).join('|');
    if (stamp !== this.#stamp) {
      // A file CUCM could not parse is refused at upload; here it is simply not trusted.
      this.#certs = names.flatMap((n) => {
        try {
          return parseCertificates(readFileSync(join(this.dir, n), 'utf8'), n);
        } catch {
          return [];
        }
      });
      this.#stamp = stamp;
    }
    return this.#certs;
  }
}

export async function prepareCubeKit(stateDir: string, names: readonly string[], now = new Date()): Promise<CubeKit> {
  const files = cubeLabFiles(stateDir);
  const identityDir = join(stateDir, 'cube');
  await mkdir(identityDir, { recursive: true });
  await mkdir(files.trustDir, { recursive: true });
  let callManagerPem = await storedPem(files.callManagerFile, now);
  if (callManagerPem === undefined) {
    callManagerPem = await generateCallManagerPem(CUCM_SERVER_NAME, now);
    await writeAtomically(files.callManagerFile, callManagerPem);
  }
  const [certificate] = parseCertificates(callManagerPem, files.callManagerFile);
  if (!certificate) throw new Error(`${files.callManagerFile}: no certificate`);
  const configs = new Map<string, string>();
  for (const name of names) {
    const { identityPem, caPem } = await cubeIdentity(identityDir, name, now);
    configs.set(name, stagedCubeConfig(CUBE_IDENTITY_TRUSTPOINT, identityPem, caPem));
  }
  const trust = new TrustFolder(files.trustDir);
  const cucm = {
    certificate,
    get trusts(): readonly CertificateFacts[] {
      return trust.current();
    },
  };
  return {
    files,
    stagedConfig(name) {
      const config = configs.get(name);
      if (config === undefined) throw new Error(`prepareCubeKit: no identity prepared for ${name}`);
      return config;
    },
    attach(router) {
      attachCucm(router.state, CUCM_ADDRESS, CUCM_PORT, cucm);
    },
  };
}
