/** Saving the running config at the end of a device run, SSH CLI and NETCONF alike (NETCONF saves through its CLI session). */
import { saveSucceeded, WRITE_MEMORY } from '../device/index.js';
import { saveTimeoutMs } from '../transport/timeouts.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import { WorkflowError } from './errors.js';

/** `write memory`, given the long wait a save may need; the step fails unless the device confirms `[OK]`. */
export async function writeMemory(session: IosXeSession, device: string): Promise<void> {
  const saved = await session.send(WRITE_MEMORY, { timeoutMs: saveTimeoutMs(session.commandTimeoutMs) });
  if (!saveSucceeded(saved)) {
    throw new WorkflowError(device, 'write memory', `${device}: 'write memory' did not confirm [OK]`, 'check NVRAM space and the device log', saved.trim());
  }
}
