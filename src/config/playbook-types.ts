/** The desired state a playbook declares, after validation. Paths are absolute; secrets are references
 * (`PlaybookSpec`) or, once resolved, `Secret`s (`Playbook`). */
import type { ConfigIssue, Origin } from './issues.js';
import type { Secret, SecretRefAt } from './secret.js';

/** Which certificates of a chain or bundle: the server's own (`leaf`), the self-signed top (`root`), the CA
 * certificates between (`intermediates`), everything (`all`), or those whose subject CN is the given text. */
export type CertificateSelect = { readonly kind: 'leaf' | 'root' | 'intermediates' | 'all' } | { readonly kind: 'cn'; readonly cn: string };

export type ProbeProtocol = 'smtp-starttls' | 'smtps';

export type CertificateSource =
  | { readonly kind: 'pem_file'; readonly path: string }
  | { readonly kind: 'bundle_file'; readonly path: string; readonly select: CertificateSelect }
  | { readonly kind: 'pem'; readonly pem: string }
  | {
      readonly kind: 'probe';
      readonly url: string;
      readonly protocol: ProbeProtocol;
      readonly host: string;
      readonly port: number;
      readonly select: CertificateSelect;
    };

export interface TrustpointOptions {
  readonly enrollment: 'terminal';
  readonly revocationCheck: 'none' | 'crl' | 'ocsp';
  readonly chainValidation: 'stop' | 'continue';
}

export interface Fingerprint {
  readonly algorithm: 'md5' | 'sha1' | 'sha256';
  /** Upper-case hex without separators. */
  readonly hex: string;
}

/** What a playbook entry allows beyond the default: `take_over: true`, `pin_leaf: true`. */
export interface TrustpointConsent {
  /** Replace the trustpoint even when the router owns it (built in, or holding an identity). */
  readonly takeOver?: true;
  /** Accept a server's own (non-CA) certificate, pinned as a trust anchor. */
  readonly pinLeaf?: true;
}

export interface TrustpointSpec extends TrustpointConsent {
  readonly kind: 'trustpoint';
  readonly name: string;
  readonly options: TrustpointOptions;
  readonly fingerprint?: Fingerprint;
  readonly source: CertificateSource;
  readonly origin: Origin;
}

/** Several trustpoints from one chain, named `name_prefix` + each certificate's CN once the chain is known. */
export interface ChainSpec extends TrustpointConsent {
  readonly kind: 'chain';
  readonly namePrefix: string;
  readonly options: TrustpointOptions;
  readonly source: CertificateSource;
  readonly origin: Origin;
}

export type TrustpointEntry = TrustpointSpec | ChainSpec;

export type EemText = string | SecretRefAt;

export type EemEnvironmentEntry =
  | { readonly kind: 'text'; readonly value: EemText; readonly origin: Origin }
  | {
      readonly kind: 'server';
      readonly user?: EemText;
      readonly password?: SecretRefAt;
      readonly host: string;
      readonly origin: Origin;
    };

export type ResolvedEemEnvironmentEntry =
  | { readonly kind: 'text'; readonly value: string | Secret; readonly origin: Origin }
  | {
      readonly kind: 'server';
      readonly user?: string | Secret;
      readonly password?: Secret;
      readonly host: string;
      readonly origin: Origin;
    };

export type SyslogPriority = 'emergencies' | 'alerts' | 'critical' | 'errors' | 'warnings' | 'notifications' | 'informational' | 'debugging';

export type EemAction =
  | {
      readonly kind: 'mail';
      readonly label: string;
      readonly server: string;
      readonly to: string;
      readonly from: string;
      readonly cc?: string;
      readonly subject: string;
      readonly body: string;
      readonly secure: 'tls' | 'none';
      /** Absent means IOS's default, 25. */
      readonly port?: number;
      readonly origin: Origin;
    }
  | { readonly kind: 'syslog'; readonly label: string; readonly msg: string; readonly priority?: SyslogPriority; readonly origin: Origin }
  | { readonly kind: 'cli'; readonly label: string; readonly command: string; readonly origin: Origin }
  | { readonly kind: 'puts'; readonly label: string; readonly text: string; readonly origin: Origin };

export interface EemApplet {
  readonly name: string;
  readonly description?: string;
  readonly event: { readonly kind: 'none' };
  readonly actions: readonly EemAction[];
  readonly origin: Origin;
}

export interface EemSpec<Env> {
  readonly environment: Readonly<Record<string, Env>>;
  readonly applets: readonly EemApplet[];
}

export interface VerifySpec {
  readonly runApplet?: string;
  readonly expectMail: boolean;
  readonly waitForLogSeconds: number;
  readonly forbiddenLogPatterns: readonly RegExp[];
  /** Trustpoints whose certificates `show crypto pki certificates verbose TP` must show (checked with `cube:`). */
  readonly certificates?: readonly string[];
  /** TLS SIP trunks that must reach Established in `show sip-ua connections tcp tls detail` (with `cube:`). */
  readonly tlsTrunks?: readonly TlsTrunkCheck[];
}

export interface TlsTrunkCheck {
  readonly address: string;
  readonly port: number;
  /** How long to look for an Established connection before failing. */
  readonly waitSeconds: number;
  readonly origin: Origin;
}

export type CubeSrtp = 'off' | 'on' | 'fallback';

/** A `dial-peer voice TAG voip` towards CUCM over SIP TLS. */
export interface CubeDialPeer {
  readonly tag: number;
  readonly description?: string;
  readonly destinationPattern?: string;
  /** CUCM's IPv4 address. */
  readonly target: string;
  readonly port: number;
  /** `srtp` on the dial-peer; left alone when absent. */
  readonly srtp?: boolean;
  /** `voice-class sip options-keepalive`; left alone when absent. */
  readonly optionsKeepalive?: boolean;
  readonly origin: Origin;
}

/** The CUBE side of a CUBE/CUCM TLS SIP trunk (issue #7). */
export interface CubeSpec {
  /** Holds the CUBE's own certificate; becomes `crypto signaling default trustpoint`. Never re-authenticated. */
  readonly identityTrustpoint: string;
  /** Absolute; `{device}` is replaced by the inventory name. The CA and identity PEM files for CUCM go here. */
  readonly exportDir?: string;
  readonly sipUa: {
    readonly tlsVersion?: 'v1.2' | 'v1.3';
    readonly cnSanValidateServer: boolean;
    readonly remoteAddrs: readonly { readonly network: string; readonly mask: string; readonly trustpoint: string }[];
  };
  readonly voiceServiceVoip: { readonly srtp?: CubeSrtp; readonly urlSips: boolean; readonly sessionTransportTls: boolean };
  readonly dialPeers: readonly CubeDialPeer[];
  readonly origin: Origin;
}

export interface RotationSpec {
  readonly renewBeforeSeconds: number;
}

export interface IpHost {
  readonly name: string;
  readonly address: string;
}

interface PlaybookBase<Env> {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly ipHosts: readonly IpHost[];
  readonly trustpoints: readonly TrustpointEntry[];
  readonly eem?: EemSpec<Env>;
  readonly verify?: VerifySpec;
  readonly rotation?: RotationSpec;
  readonly cube?: CubeSpec;
  /** Problems that do not stop a rollout but deserve a look. */
  readonly warnings: readonly ConfigIssue[];
}

export type PlaybookSpec = PlaybookBase<EemEnvironmentEntry>;
export type Playbook = PlaybookBase<ResolvedEemEnvironmentEntry>;
