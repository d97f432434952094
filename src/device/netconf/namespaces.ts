/**
 * IOS XE YANG namespaces the agent speaks (YangModels/yang vendor/cisco/xe/17151, dossier section 5). Kept here,
 * apart from the lab's schema, so that the agent and the lab are each checked against the models, not each other.
 */
export const NATIVE_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-native';
/** Cisco-IOS-XE-crypto augments `/native/crypto` with `pki`: the namespace goes on `<pki>`. */
export const CRYPTO_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-crypto';
/** Cisco-IOS-XE-eem augments `/native/event` with `manager`. */
export const EEM_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-eem';
export const PKI_OPER_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-pki-oper';
/** `config-ios-cli-rpc` (17.9 and later). */
export const CLI_RPC_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc';
