/**
 * The logic that keeps `trainEcho`'s early stopping cheap without changing when it stops:
 * a gate on training accuracy that skips fresh-sequence checks while training is clearly
 * below target, and a sequential check that gives up as soon as the target can no longer be
 * reached. Internal; pure functions, so the rules are unit-tested on their own.
 */

/**
 * How far below `target` (in units of the error `1 - target` allows) the best training
 * accuracy since the last check may be while the check still runs: with target 0.99 the gate
 * opens at a training accuracy of 0.96.
 */
export const GATE_ERROR_FACTOR = 4;

/**
 * The training accuracy at which the gate opens for `target`: `1 - 4 * (1 - target)`, so
 * 0.96 for a target of 0.99 and 0.6 for 0.9 (a target of 0.75 or lower always checks).
 */
export function gateThreshold(target: number): number {
  return 1 - GATE_ERROR_FACTOR * (1 - target);
}

/**
 * Whether a scheduled check should run: when `force` (the last epoch), or when the best of
 * the epochs' training accuracies since the last scheduled check reaches
 * {@link gateThreshold}. A NaN accuracy (a metric the engine could not read) opens the gate,
 * so a model without a training accuracy is still checked.
 */
export function gateOpen(
  trainingAccuracies: readonly number[],
  target: number,
  force: boolean,
): boolean {
  if (force || trainingAccuracies.length === 0) return true;
  const threshold = gateThreshold(target);
  return trainingAccuracies.some((a) => Number.isNaN(a) || a >= threshold);
}

/**
 * Whether a check of `sequences` sequences, `itemsPerSequence` scored items each, can still
 * reach `target` after `done` sequences with `rightItems` right: the accuracy it would end on
 * if every remaining item were right, computed as the full check computes its own. `false`
 * means the full check's accuracy is certain to be below target, so stopping the check here
 * decides exactly what the full check would.
 */
export function canStillReach(
  target: number,
  rightItems: number,
  done: number,
  sequences: number,
  itemsPerSequence: number,
): boolean {
  const total = itemsPerSequence * sequences;
  const best = rightItems + itemsPerSequence * (sequences - done);
  return best / total >= target;
}

/** Whether `trainEcho` uses the gate and the sequential check (the bench turns them off). */
let cheapChecks = true;

/**
 * Turns the gate and the sequential check on (the default) or off, for the benchmark that
 * compares them with full checks every `evaluateEvery` epochs. Internal: not exported by the
 * package.
 */
export function useCheapChecks(on: boolean): void {
  cheapChecks = on;
}

/** Whether the gate and the sequential check are on (see {@link useCheapChecks}). */
export function cheapChecksOn(): boolean {
  return cheapChecks;
}
