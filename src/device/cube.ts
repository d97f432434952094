/**
 * IOS XE knowledge for the CUBE side of a CUBE/CUCM TLS SIP trunk: the commands the CUBE workflow sends, and the
 * error its parsers throw. The parsers are in parsers/pem-export.ts, parsers/sip-ua-connections.ts and
 * parsers/cube-config.ts; the configuration a trunk needs is planned in workflow/cube/.
 */
import { bareIosWord } from './ios-string.js';

export class CubeParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CubeParseError';
  }
}

/** The commands the CUBE workflow sends. */
export const CUBE_COMMANDS = {
  connections: 'show sip-ua connections tcp tls detail',
  config: 'show running-config | section sip-ua|voice service voip|dial-peer',
  /** Config mode only: in exec mode IOS XE knows `pem` only as pkcs12 (dossier 2.8). */
  exportPem: (trustpoint: string): string => `crypto pki export ${bareIosWord(trustpoint, 'trustpoint name')} pem terminal`,
  verboseCertificates: (trustpoint: string): string => `show crypto pki certificates verbose ${bareIosWord(trustpoint, 'trustpoint name')}`,
} as const;
