/**
 * What a fleet command needs once its input passed every check: the fleet runner (and with it SSH, NETCONF and
 * the retries), the run's outputs and logging, and fix's diagnosis. Loaded by one dynamic import, so a run
 * refused as bad input starts without any of it.
 */
export { runFleet } from '../fleet/in-process.js';
export { createRunOutput } from '../report/run-output.js';
export { consoleLevel } from '../report/logging.js';
export { diagnoseDevice, incurableFaults } from '../workflow/fix.js';
export { secretRedactor } from '../workflow/job.js';
