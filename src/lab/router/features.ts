/**
 * The features every lab router runs unless told otherwise. A feature adds itself with one entry here;
 * its state is created by the factory its state.ts exports (createPkiState, createEemState), see router-state.ts.
 */
import type { Feature } from './feature.js';
import { eemFeature } from './eem/index.js';
import { pkiFeature } from './pki/index.js';
import { voiceFeature } from './voice/index.js';

const DEFAULT_FEATURES: readonly Feature[] = Object.freeze([pkiFeature, eemFeature, voiceFeature]);

/** The same array every call: routers sharing it share one command registry (1000 routers per process). */
export function defaultFeatures(): readonly Feature[] {
  return DEFAULT_FEATURES;
}
