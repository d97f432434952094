/** What differs between the IOS XE releases the lab plays: the SSH stack, `show version`, PKI strictness. Data only. */
import type { Algorithms } from 'ssh2';

export type ProfileName = 'iosxe-16.9' | 'iosxe-17' | 'iosxe-26';

export interface RouterProfile {
  readonly name: ProfileName;
  /** What the router's SSH server offers. */
  readonly sshAlgorithms: Algorithms;
  /** The host key the router generates: IOS XE 16.x has only RSA keys (`crypto key generate rsa modulus 2048`). */
  readonly hostKey: { readonly type: 'ed25519' } | { readonly type: 'rsa'; readonly bits: number };
  /** `show version`, for this hostname and uptime. */
  showVersion(hostname: string, upMs: number): string;
  /** `crypto pki authenticate` refuses a CA unless the trustpoint pins its fingerprint (26.x). */
  readonly requiresFingerprintPin: boolean;
}
