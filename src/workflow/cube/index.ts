/** The CUBE step of a device run: the CUBE side of a CUBE/CUCM TLS SIP trunk (issue #7). */
export { desiredCube, planCubeChanges, cubeResidue, checkExportedIdentity, identityFromChain, exportFiles } from './plan.js';
export type { CertificateCheck, CubeChange, DesiredCube, ExportedIdentity, ExportFile } from './plan.js';
export { CUBE_FACTS_COMMAND, CubeIdentityError, TrunkNotEstablishedError, applyCube, cubeChangeRecords, prepareCube, rollbackCube, verifyCube } from './run.js';
export type { CubePrepareOptions, CubeRun, CubeVerifyOptions } from './run.js';
export { CubeSpecError, cubeConfigLines, planCubeBlocks, validateCubeSpec } from './trunk-config.js';
export type { CubeBlock, CubeBlockTarget, CubeTrunkSpec, DialPeerSpec } from './trunk-config.js';
