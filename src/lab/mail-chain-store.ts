/**
 * The lab mail server's certificate chain, kept in the state folder: routers that trusted it before a lab
 * restart must still trust it after. Each rotation is a new generation with a new root and intermediate
 * (`Lab Root R<n>`), as a provider moving to another CA.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createChain, type GeneratedChain } from './mail/chain-factory.js';

export const MAIL_SERVER_NAME = 'smtp.lab.example';

/** A generated chain with one intermediate; its leaf key is the only private part, stored with mode 0600. */
export interface LabMailChain extends GeneratedChain {
  /** 1 for the first chain, +1 per rotation; names the root (`Lab Root R1`). */
  readonly generation: number;
  /** Leaf, intermediate, root: the file a playbook makes trustpoints from. */
  readonly bundlePem: string;
}

export async function generateMailChain(generation: number): Promise<LabMailChain> {
  const chain = await createChain({ serverName: MAIL_SERVER_NAME, rootName: `Lab Root R${generation}`, leafKey: 'ecdsa', intermediates: 1 });
  return {
    generation,
    leafPem: chain.leafPem,
    leafKeyPem: chain.leafKeyPem,
    intermediatePems: chain.intermediatePems,
    rootPem: chain.rootPem,
    servedChainPem: chain.servedChainPem,
    bundlePem: [chain.leafPem, ...chain.intermediatePems, chain.rootPem].join(''),
    names: chain.names,
  };
}

/** Writes a file only its owner can read, through a temporary file so a crash never leaves half of it. */
export async function writePrivate(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

function isChain(value: unknown): value is LabMailChain {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const pem = (x: unknown): boolean => typeof x === 'string' && x.includes('-----BEGIN');
  return (
    typeof v['generation'] === 'number' &&
    pem(v['leafPem']) &&
    pem(v['leafKeyPem']) &&
    pem(v['rootPem']) &&
    pem(v['servedChainPem']) &&
    pem(v['bundlePem']) &&
    Array.isArray(v['intermediatePems']) &&
    typeof v['names'] === 'object'
  );
}

/** The stored chain, or undefined when the folder has none yet. */
export async function loadMailChain(path: string): Promise<LabMailChain | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isChain(value)) {
    throw new Error(`Lab mail chain ${path} is not a chain the lab wrote; delete it and the lab generates a new one (routers must then trust the new chain)`);
  }
  return value;
}

export async function saveMailChain(path: string, chain: LabMailChain): Promise<void> {
  await writePrivate(path, `${JSON.stringify(chain, null, 2)}\n`);
}
