/** The lab as a library: simulated IOS XE routers plus a TLS mail server, and the files to drive them with certagent. */
export { startLab, labHostnames, labEnvironment, LabPortInUseError, DEFAULT_LAB_DEVICES, DEFAULT_HOSTNAME_PREFIX } from './lab.js';
export type { Lab, LabOptions, LabCredentials, LabDevice, LabFiles, LabLatency } from './lab.js';
export type { LabMailChain } from './mail-chain-store.js';
export { MAIL_SERVER_NAME } from './mail-chain-store.js';
export { LAB_ENV, renderEnvFile, parseEnvFile } from './env-file.js';
export { parseFaultSpec, faultPlans, faultTargets, FAULT_HELP } from './fault-spec.js';
export type { FaultSpec } from './fault-spec.js';
export { renderLabInventory } from './inventory-text.js';
export type { LabInventoryDevice, LabInventoryOptions } from './inventory-text.js';
export { LabRouter, type FaultPlan } from './router/index.js';
export { LabMailServer, type StoredMessage } from './mail/mail-server.js';
