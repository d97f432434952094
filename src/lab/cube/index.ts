/** CUBEs in the lab: enrolled SIP TLS identities, one simulated CUCM, its trust store and the playbook for them. */
export { CUBE_HOSTNAME_PREFIX, CUBE_IDENTITY_TRUSTPOINT, CUCM_ADDRESS, CUCM_PORT, CUCM_SERVER_NAME, cubeLabFiles, prepareCubeKit } from './cube-kit.js';
export type { CubeKit, CubeLabFiles } from './cube-kit.js';
export { CucmTrustInputError, uploadToCucmTrust } from './trust-upload.js';
export type { TrustUpload } from './trust-upload.js';
export { renderLabCubePlaybook } from './playbook-text.js';
