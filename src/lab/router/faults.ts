/**
 * Faults a lab router can be told to show, per device. The agent's tests and benchmarks depend on them:
 * each one reproduces a way real devices and networks fail.
 */
import type { LoginBanners } from './login.js';
import type { ProfileName } from './profiles/profile.js';

export interface FaultPlan {
  /** Delay before a command's output starts (ms), as a loaded route processor adds. */
  readonly commandLatencyMs?: number;
  /** Delay per output line (ms), as a slow vty adds. */
  readonly lineLatencyMs?: number;
  /** The TCP connection is closed before the SSH banner (as a vty ACL or a full vty pool does). */
  readonly refuseConnections?: boolean;
  /** Every password is rejected, the right one too (as an AAA server that lost the account). */
  readonly rejectPasswords?: boolean;
  /** The session drops when a command line starting with this text is entered. */
  readonly dropAtCommand?: string;
  /** The session drops after this many bytes of output. */
  readonly dropAfterBytes?: number;
  /** After a command line starting with this text, the router prints its output but never the prompt again. */
  readonly hangAtCommand?: string;
  /** `crypto pki authenticate` refuses the certificate (the 26.x rejection text) for these trustpoints, or all when true. */
  readonly rejectCertificate?: boolean | readonly string[];
  /** `write memory` / `copy running-config startup-config` fail with the real NVRAM error. */
  readonly failWriteMemory?: boolean;
  /** Answering `no` at the certificate question prints nothing before the prompt: IOS's reply is in no capture
   * (dossier: `% Certificate not accepted` or similar, unverified), so the agent must not depend on its wording. */
  readonly quietDecline?: boolean;
  /** `show running-config` prints a log message into the middle of every certificate's hex (see garble.ts). */
  readonly garbleHex?: boolean;
  /** Every output reaches the client in random packets of 1..N bytes, a little apart (lines, CRLF, prompts split anywhere). */
  readonly chunkMaxBytes?: number;
  /** About one line start in N of the output gets a syslog line printed before it (`terminal monitor`, no `logging synchronous`). */
  readonly syslogEveryLines?: number;
  /** Banners shown at login, each one instead of the configured `banner` of its kind; `login` is sent before SSH
   * authentication. */
  readonly banners?: LoginBanners;
  /** AAA in-band login: SSH takes the connection with `none` (or an empty keyboard-interactive), then the shell
   * asks `Username:` / `Password:` as IOS does with some TACACS+ setups. */
  readonly inBandLogin?: boolean;
  /** `crypto pki authenticate` refuses unpinned CAs although `show version` names a 17.x release (a release whose
   * behaviour the agent cannot know in advance). */
  readonly requireFingerprintPin?: boolean;
  /** Config-mode commands are refused with `Command authorization failed.` (TACACS+ command authorization). */
  readonly denyConfigCommands?: boolean;
  /** The IOS XE release this router plays (read when it starts; later changes have no effect). */
  readonly profile?: ProfileName;
}

export const NO_FAULTS: FaultPlan = Object.freeze({});
