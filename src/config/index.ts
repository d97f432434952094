/** certagent's configuration: inventories (certagent or Ansible YAML) and playbooks, validated with every
 * problem named by file and path, and secrets that cannot leak into logs. */
export { loadInventory, loadPlaybook, locateIssues, readPlaybook, processSecretSources, terminalPrompt } from './loader.js';
export type { LoadOptions, PlaybookLoadOptions } from './loader.js';
export { selectDevices, DEFAULT_SSH_PORT, DEFAULT_NETCONF_PORT, QUEUE_NAME } from './inventory.js';
export type { Device, DeviceCredentials, Inventory, Platform, PrivateKeyRef, Transport } from './inventory.js';
export { describePath } from './jump-hosts.js';
export type { JumpHost } from './jump-hosts.js';
export type { SshAlgorithmsConfig } from './ssh-algorithms.js';
export { resolveCredentials } from './credentials.js';
export type { ResolvedCredentials, ResolvedJumpHost } from './credentials.js';
export { Secret, SecretResolver, describeRef } from './secret.js';
export type { SecretRef, SecretRefAt, SecretSources } from './secret.js';
export { ConfigError, formatIssue, formatPath } from './issues.js';
export type { ConfigIssue, Origin, PathSegment } from './issues.js';
export { checkCliText, checkEemLimits, checkVariables, environmentValue, renderServerString, CSCWE75439_HELP } from './eem-checks.js';
export { expandChain, selectCertificates, describeSelect } from './chain.js';
export type { SelectableCertificate } from './chain.js';
export { trustpointNameProblem, trustpointNameFromCommonName, TRUSTPOINT_NAME_MAX } from './trustpoint-name.js';
export { parseDuration } from './duration.js';
export { builtInTrustpoint, builtInRefusal } from './protected-trustpoints.js';
export { MAX_CERTIFICATES_PER_SOURCE, MAX_FILE_BYTES, MAX_HOSTS_PER_PATTERN, MAX_YAML_ALIASES } from './limits.js';
export { targetKey, normalizeHost } from './targets.js';
export { DEFAULT_FORBIDDEN_LOG_PATTERN, DEFAULT_WAIT_FOR_LOG_SECONDS, parseFingerprint, parseProbeUrl } from './playbook.js';
export { renderLabPlaybook, LAB_PLAYBOOK_DEFAULTS } from './lab-playbook.js';
export type { LabPlaybookOptions } from './lab-playbook.js';
export type * from './playbook-types.js';
