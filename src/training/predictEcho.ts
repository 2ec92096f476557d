import type * as tf from '@tensorflow/tfjs';
import { assertSequence } from '../internal/assert';
import { readEchoShape } from '../models/echoShape';
import { windowPredictor } from './predictWindows';
import { checkWindows, frameEcho, PAD_ID } from './checkWindows';
import { assertNotTraining } from '../internal/modelLock';

/** One window of {@link predictEcho}'s answer. */
export interface EchoPrediction {
  /**
   * The `nIn` integers the model read, oldest first. In a masking model's padded windows the
   * missing front items are `-1`.
   */
  input: number[];
  /**
   * What a perfect answer is: the oldest `nOut` integers of `input` (reversed for a model
   * built with `task: 'reverse'`); `-1` where they are padding.
   */
  expected: number[];
  /**
   * What the model predicted (the argmax at each output step, or a linear model's value
   * rescaled and rounded); `-1` where `expected` is padding.
   */
  predicted: number[];
}

/**
 * Frames `sequence` into windows the way training does and asks the model to echo each one
 * (or reverse it, for a model built with `task: 'reverse'`; padded windows for a model that
 * masks its input, one per item; rescaled values for a `'linear'` model).
 *
 * Unlike the walkthrough's plain `predict`, this resets a stateful model's state before and
 * after, so calling it twice gives the same answer; and it accepts any number of windows
 * whatever fixed batch size a stateful model was built with (it pads the last batch and drops
 * the padding). `nIn`, `nOut` and `nUnique` are read from the model.
 *
 * A model that {@link trainEcho} is training is refused (the state reset would land in the
 * middle of training), except from that call's `onEpochEnd`, between epochs.
 *
 * @param model - A model from {@link buildSeq2Seq}, {@link buildEncoderDecoder} or any model
 *   with input `[batch, nIn, nUnique]` and output `[batch, nOut, nUnique]`.
 * @param sequence - Integers in `[0, nUnique)`, at least `nIn` of them.
 * @returns One `{ input, expected, predicted }` per window, in order.
 * @throws TypeError / RangeError for a model that does not fit an echo task or a bad sequence,
 *   before any tensor is made; RangeError for a model being trained.
 *
 * @example
 * ```ts
 * import { buildSeq2Seq, disposeEchoModel, generateSequence, predictEcho } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ seed: 1 });
 * const rows = predictEcho(model, generateSequence(25, { seed: 2 }));
 * console.log(rows.length); // 21
 * for (const { input, expected, predicted } of rows.slice(0, 2)) {
 *   console.log(`${input} => Expected: ${expected}  Predicted: ${predicted}`);
 * }
 * disposeEchoModel(model);
 * ```
 */
export function predictEcho(model: tf.LayersModel, sequence: readonly number[]): EchoPrediction[] {
  const fn = 'predictEcho';
  const shape = readEchoShape(fn, model);
  assertSequence(fn, 'sequence', sequence, shape.nUnique);
  checkWindows(fn, 'sequence', `an array of length ${sequence.length}`, sequence.length, shape);
  assertNotTraining(fn, 'model', model);
  const { X, y } = frameEcho(sequence, shape);
  const predicted = windowPredictor(model, shape).predictSync(X);
  return X.map((input, r) => {
    const expected = y[r] ?? [];
    // What a model outputs for padding is not an answer: report padding there too.
    const answer = (predicted[r] ?? []).map((id, k) => (expected[k] === PAD_ID ? PAD_ID : id));
    return { input, expected, predicted: answer };
  });
}
