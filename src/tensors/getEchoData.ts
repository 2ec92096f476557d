import type * as tf from '@tensorflow/tfjs';
import { drawSequence, randomSource, type GenerateSequenceOptions } from '../data/generateSequence';
import { checkFraming, frameWindows } from '../data/toSupervised';
import { assertInteger, assertOptions, assertKnownKeys, optionKeys } from '../internal/assert';
import { assertWithin, MAX_SEQUENCE_LENGTH, MAX_TENSOR_VALUES } from '../internal/limits';
import { oneHotWindows } from './oneHotWindows';

/** Options of {@link getEchoData}. */
export interface EchoDataOptions extends GenerateSequenceOptions {
  /**
   * How many random integers to draw; gives `length - nIn + 1` samples. At most 2^24, and `X`
   * may hold at most 2^28 values. Default `25`.
   */
  length?: number | undefined;
}

/** Every key of {@link EchoDataOptions}, for the unknown-key check. */
const ECHO_DATA_KEYS = optionKeys<EchoDataOptions>()(['length', 'nUnique', 'seed', 'random']);

/** A batch of echo training data, ready for `model.fit`. */
export interface EchoData {
  /** Inputs, `[samples, nIn, nUnique]`, one-hot float32. The caller disposes it. */
  X: tf.Tensor3D;
  /** Targets, `[samples, nOut, nUnique]`, one-hot float32. The caller disposes it. */
  y: tf.Tensor3D;
  /** The random integers the samples were framed from. */
  sequence: number[];
}

/**
 * Draws a random sequence, one-hot encodes it and frames it: the walkthrough's `get_data`.
 * Same framing as {@link toSupervised}, built straight into tensors from the integer ids.
 *
 * @param nIn - Window length; an integer in `[1, length]`.
 * @param nOut - Items to echo; an integer in `[1, nIn]`.
 * @param options - `length` (default 25) plus the options of {@link generateSequence}.
 * @returns `{ X, y, sequence }`; dispose `X` and `y` when done (or use `tf.tidy`).
 * @throws RangeError / TypeError as {@link generateSequence} and {@link toSupervised} do,
 *   before any tensor is made.
 *
 * @example
 * ```ts
 * import { getEchoData } from 'seq-echo';
 *
 * const { X, y, sequence } = getEchoData(5, 2, { seed: 1 });
 * console.log(sequence.length, X.shape, y.shape); // 25 [21, 5, 100] [21, 2, 100]
 * X.dispose();
 * y.dispose();
 * ```
 */
export function getEchoData(nIn: number, nOut: number, options: EchoDataOptions = {}): EchoData {
  const fn = 'getEchoData';
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, ECHO_DATA_KEYS);
  const { length = 25, nUnique = 100 } = options;
  assertInteger(fn, 'options.length', length, { min: 1, max: MAX_SEQUENCE_LENGTH });
  assertInteger(fn, 'options.nUnique', nUnique, { min: 2, max: 2 ** 24 });
  const rows = checkFraming(fn, length, nIn, nOut);
  assertWithin(
    fn,
    'options.length',
    length,
    rows * nIn * nUnique,
    MAX_TENSOR_VALUES,
    'the values of X (windows x nIn x nUnique)',
  );
  const draw = randomSource(fn, options);
  const sequence = drawSequence(fn, length, nUnique, draw);
  const windows = frameWindows(sequence, nIn, nOut);
  return {
    X: oneHotWindows(windows.X, nIn, nUnique),
    y: oneHotWindows(windows.y, nOut, nUnique),
    sequence,
  };
}
