/**
 * The certificates of the TLS scenarios, made fresh at each start (ECDSA leaves: quick; CA keys are cached per
 * name by the chain factory). Every trusted scenario is issued under `Lab TLS Root`, the one root the device is
 * given to trust (device-trust.pem): the factory keeps one key per CA name, so each scenario's intermediate
 * verifies under it, as certificates of a CA that re-issued its root with the same key do. The CAs' keys are
 * ECDSA (as GTS Root R4's): no diagnosis depends on the key type, and RSA key generation would make the lab's
 * start seconds slower.
 */
import { createChain } from '../mail/chain-factory.js';
import { SCENARIO_DOMAIN, type ScenarioIdentity } from './catalogue.js';

export const TRUSTED_ROOT_NAME = 'Lab TLS Root';
const PRIVATE_ROOT_NAME = 'Lab Private Root';

/** What one TLS server presents: leaf first then what it sends of the chain, and the leaf's key. */
export interface ServedIdentity {
  readonly chainPem: string;
  readonly keyPem: string;
}

export interface ScenarioCertificates {
  /** Served to clients that send no SNI, or one the server has nothing for. */
  readonly fallback: ServedIdentity;
  /** By SNI name: what clients asking for that name get. */
  readonly byName: ReadonlyMap<string, ServedIdentity>;
}

async function trusted(cn: string, dns: readonly string[], ip: readonly string[], expired: boolean, sendIntermediate: boolean): Promise<ServedIdentity> {
  const chain = await createChain({ serverName: cn, rootName: TRUSTED_ROOT_NAME, caKey: 'ecdsa', leafNames: { dns, ip }, expiredLeaf: expired });
  return { chainPem: sendIntermediate ? chain.servedChainPem : chain.leafPem, keyPem: chain.leafKeyPem };
}

export async function scenarioCertificates(identity: ScenarioIdentity): Promise<ScenarioCertificates> {
  switch (identity.kind) {
    case 'trusted':
      return {
        fallback: await trusted(identity.cn, identity.dns, identity.ip, identity.expired ?? false, identity.sendIntermediate ?? true),
        byName: new Map(),
      };
    case 'self-signed': {
      const chain = await createChain({ serverName: identity.cn, selfSignedLeaf: true });
      return { fallback: { chainPem: chain.leafPem, keyPem: chain.leafKeyPem }, byName: new Map() };
    }
    case 'private-ca': {
      const chain = await createChain({ serverName: identity.cn, rootName: PRIVATE_ROOT_NAME, caKey: 'ecdsa' });
      return { fallback: { chainPem: `${chain.servedChainPem}${chain.rootPem}`, keyPem: chain.leafKeyPem }, byName: new Map() };
    }
    case 'sni': {
      const served = await trusted(identity.served, [identity.served], ['127.0.0.1'], false, true);
      return { fallback: await trusted(identity.fallback, [identity.fallback], ['127.0.0.1'], false, true), byName: new Map([[identity.served, served]]) };
    }
  }
}

/** The root a device that "trusts the lab's public CA" holds: what probe's --trust is given. */
export async function trustedRootPem(): Promise<string> {
  return (await createChain({ serverName: `anchor.${SCENARIO_DOMAIN}`, rootName: TRUSTED_ROOT_NAME, caKey: 'ecdsa' })).rootPem;
}
