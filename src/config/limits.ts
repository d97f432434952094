/**
 * The sizes certagent accepts, so a typo or a hostile file ends in a clear error, not in an exhausted memory: each
 * limit is far above a real fleet's needs and is stated in the error that enforces it.
 */

/** Bytes of one inventory, playbook, certificate or secret file. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Hosts one Ansible host pattern (`r[001:999]`) may expand to. */
export const MAX_HOSTS_PER_PATTERN = 10_000;

/** Certificates one PEM file, bundle or probe may hold. */
export const MAX_CERTIFICATES_PER_SOURCE = 100;

/** YAML aliases one document may use: enough for shared anchors, far too few for a "billion laughs" bomb. */
export const MAX_YAML_ALIASES = 100;
