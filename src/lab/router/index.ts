/** The lab router's public API: start routers, reach them over SSH, change their faults, stop them. */
export { LabRouter, type LabRouterOptions, type LabUser } from './lab-router.js';
export { defaultFeatures } from './features.js';
export { SyslogBuffer, syslogTimestamp } from './syslog.js';
export { NO_FAULTS, type FaultPlan } from './faults.js';
export type { RouterState } from './state.js';
export type { Feature, CommandSpec, CommandContext, ModeSpec, ModeFrame, SessionIo, ConfigBlock, RenderSlot } from './feature.js';
export { RENDER_SLOTS } from './feature.js';
