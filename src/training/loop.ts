import type * as tf from '@tensorflow/tfjs';
import { assertAbortSignal, assertFunction, assertInteger, assertNumber } from '../internal/assert';

/**
 * Reads a metric from a one-epoch `History`: the first of `keys` it holds (tfjs logs accuracy
 * as `acc`, Keras as `accuracy`), or `NaN`.
 */
export function lastValue(history: tf.History, ...keys: string[]): number {
  for (const key of keys) {
    const values = history.history[key];
    const last = values?.[values.length - 1];
    if (typeof last === 'number') return last;
  }
  return Number.NaN;
}

/** The loop options {@link checkLoopOptions} checked, typed (the callback stays the caller's). */
export interface LoopOptions {
  targetAccuracy: number | undefined;
  evaluateEvery: number;
  signal: AbortSignal | undefined;
}

/**
 * Checks the options every training loop shares (trainEcho, trainTeacherForcing): the target
 * accuracy in `(0, 1]`, the epochs between its checks, the per-epoch callback and the abort
 * signal. Throws naming `fn` and the option; returns them typed.
 */
export function checkLoopOptions(
  fn: string,
  options: {
    targetAccuracy: unknown;
    evaluateEvery: unknown;
    onEpochEnd: unknown;
    signal: unknown;
  },
): LoopOptions {
  const { targetAccuracy, evaluateEvery, onEpochEnd, signal } = options;
  if (targetAccuracy !== undefined) {
    assertNumber(fn, 'options.targetAccuracy', targetAccuracy, {
      min: 0,
      max: 1,
      minExclusive: true,
    });
  }
  assertInteger(fn, 'options.evaluateEvery', evaluateEvery, { min: 1 });
  if (onEpochEnd !== undefined) assertFunction(fn, 'options.onEpochEnd', onEpochEnd);
  if (signal !== undefined) assertAbortSignal(fn, 'options.signal', signal);
  return { targetAccuracy, evaluateEvery, signal };
}
