/** IOS XE knowledge for the agent: platform patterns, show-output parsers and command renderings. Pure: no I/O. */
export * from './platform.js';
export * from './text.js';
export * from './ios-string.js';
export * from './eem-types.js';
export * from './parsers/certificates.js';
export * from './parsers/trustpoints.js';
export * from './parsers/banners.js';
export * from './parsers/pki-config.js';
export * from './parsers/authenticate.js';
export * from './parsers/eem-config.js';
export * from './parsers/logging.js';
export * from './parsers/version.js';
export * from './render/commands.js';
export * from './cube.js';
export * from './parsers/pem-export.js';
export * from './parsers/sip-ua-connections.js';
export * from './parsers/cube-config.js';
