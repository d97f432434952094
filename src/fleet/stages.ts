/**
 * How a fleet run is cut into stages: an optional canary (the first N devices alone; any failure stops the run),
 * then waves of `waveSize` devices, each started only when the one before has finished, or one wave with the
 * rest. Stages are index ranges into the device list, so planning costs nothing per device. Pure.
 */

export interface Stage {
  readonly kind: 'canary' | 'wave';
  /** 1-based, per kind: canary 1, wave 1, wave 2, ... */
  readonly number: number;
  /** Index of the first device, inclusive. */
  readonly start: number;
  /** Index after the last device. */
  readonly end: number;
}

export interface StageOptions {
  /** Devices in the canary stage (0 or undefined: none). */
  readonly canary?: number;
  /** Devices per wave after the canary (undefined: one wave with every remaining device). */
  readonly waveSize?: number;
}

export function planStages(total: number, options: StageOptions = {}): Stage[] {
  const stages: Stage[] = [];
  const canary = Math.min(Math.max(0, Math.floor(options.canary ?? 0)), total);
  if (canary > 0) stages.push({ kind: 'canary', number: 1, start: 0, end: canary });
  const size = options.waveSize === undefined ? Math.max(1, total - canary) : Math.max(1, Math.floor(options.waveSize));
  let number = 1;
  for (let start = canary; start < total; start += size) stages.push({ kind: 'wave', number: number++, start, end: Math.min(total, start + size) });
  return stages;
}

export function describeStage(stage: Stage): string {
  const count = stage.end - stage.start;
  return `${stage.kind} ${stage.kind === 'wave' ? `${stage.number} ` : ''}(${count} device${count === 1 ? '' : 's'})`;
}
