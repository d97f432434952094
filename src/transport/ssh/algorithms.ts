/**
 * Which SSH algorithms certagent offers. ssh2's modern defaults come first; after them, as OpenSSH's `+` lists
 * do, the legacy ones IOS XE 16.x still needs (it offers only diffie-hellman-group14-sha1 and
 * diffie-hellman-group-exchange-sha1 key exchange, and aes-cbc besides aes-ctr), so old and new routers are
 * reached without per-device tuning while a modern peer still negotiates a modern algorithm.
 */
import type { Algorithms, AlgorithmList, KexAlgorithm, CipherAlgorithm, MacAlgorithm, ServerHostKeyAlgorithm } from 'ssh2';

/** An inventory override (`ssh_algorithms`): each list replaces certagent's offer for that kind, in that order. */
export interface SshAlgorithms {
  readonly kex?: readonly string[];
  readonly cipher?: readonly string[];
  readonly hmac?: readonly string[];
  readonly serverHostKey?: readonly string[];
}

const LEGACY_KEX: KexAlgorithm[] = ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1'];
const LEGACY_CIPHER: CipherAlgorithm[] = ['aes128-cbc', 'aes192-cbc', 'aes256-cbc'];

/** SHA-1 key exchanges and the SHA-1 `ssh-rsa` signature: reached only this way, a device earns a warning. */
const WEAK_KEX = /sha1$/;
const WEAK_HOST_KEY = 'ssh-rsa';

/** What ssh2 is given: an override list as it stands, otherwise ssh2's defaults with the legacy ones appended. */
export function offeredAlgorithms(override: SshAlgorithms | undefined): Algorithms {
  const list = <T extends string>(given: readonly string[] | undefined, legacy: T[]): AlgorithmList<T> =>
    given !== undefined ? ([...given] as T[]) : { append: legacy, prepend: [], remove: [] };
  return {
    kex: list<KexAlgorithm>(override?.kex, LEGACY_KEX),
    cipher: list<CipherAlgorithm>(override?.cipher, LEGACY_CIPHER),
    ...(override?.hmac !== undefined && { hmac: [...override.hmac] as MacAlgorithm[] }),
    ...(override?.serverHostKey !== undefined && { serverHostKey: [...override.serverHostKey] as ServerHostKeyAlgorithm[] }),
  };
}

export interface Negotiated {
  readonly kex: string;
  readonly serverHostKey: string;
  readonly cipher: string;
  readonly hmac: string;
}

/** Plain words for a connection that could only be made with SHA-1 (empty when nothing weak was negotiated). */
export function weakAlgorithmWarning(negotiated: Negotiated | undefined): string | undefined {
  if (negotiated === undefined) return undefined;
  const weak: string[] = [];
  if (WEAK_KEX.test(negotiated.kex)) weak.push(`SHA-1 key exchange ${negotiated.kex}`);
  if (negotiated.serverHostKey === WEAK_HOST_KEY) weak.push('an ssh-rsa (SHA-1 signed) host key');
  if (weak.length === 0) return undefined;
  return `SSH reached only with ${weak.join(' and ')}: upgrade IOS XE (17.x offers SHA-2 algorithms) or add an ECDSA/RSA-SHA2 host key`;
}
