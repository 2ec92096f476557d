import type * as tf from '@tensorflow/tfjs';
import { drawSequence, randomSource } from '../data/generateSequence';
import type { RandomSource } from '../data/random';
import { assertInteger, assertOptions } from '../internal/assert';
import { MAX_SEQUENCE_LENGTH } from '../internal/limits';
import { readEchoShape, type EchoShape } from '../models/echoShape';
import { windowPredictor } from './predictWindows';
import { checkWindows, frameEcho, PAD_ID } from './checkWindows';
import { assertNotTraining } from './modelLock';

/** Options of {@link evaluateEcho}. */
export interface EvaluateEchoOptions {
  /** How many fresh random sequences to test on. Default `100`. */
  sequences?: number | undefined;
  /**
   * Length of each sequence (it gives `sequenceLength - nIn + 1` windows, or `sequenceLength`
   * for a masking model). Default `25`.
   */
  sequenceLength?: number | undefined;
  /** Seed for the test sequences; any integer. Default: none (`Math.random`). */
  seed?: number | undefined;
  /** Your own source of uniform numbers in `[0, 1)` instead of `seed`. */
  random?: RandomSource | undefined;
}

/** Result of {@link evaluateEcho}. */
export interface EchoEvaluation {
  /**
   * Fraction of echoed items predicted right, over every window of every sequence (padding of
   * a masking model's padded windows is not counted).
   */
  accuracy: number;
  /** Fraction of windows whose whole echo is right. */
  sequenceAccuracy: number;
  /**
   * How many windows were tested (for a masking model with `nOut < nIn`, the padded windows
   * whose whole target is padding are not).
   */
  windows: number;
}

/**
 * Measures how well a model echoes fresh random sequences: per echoed item (`accuracy`) and
 * per whole window (`sequenceAccuracy`). Each sequence is predicted as training sees it, its
 * windows in order from reset state; a stateful model's state is reset before and after each
 * sequence, so evaluating never changes what the model does next. Weights are not touched.
 *
 * A model that {@link trainEcho} is training is refused (its state resets would land in the
 * middle of training), except from that call's `onEpochEnd`, between epochs; the refusal is
 * also checked before every sequence, so an evaluation that training overtakes stops.
 *
 * @param model - A model whose shapes fit an echo task (see {@link predictEcho}).
 * @param options - See {@link EvaluateEchoOptions}.
 * @returns `{ accuracy, sequenceAccuracy, windows }`.
 * @throws TypeError / RangeError for a model that does not fit or bad options, before any
 *   tensor is made; RangeError for a model being trained.
 *
 * @example
 * ```ts
 * import { buildSeq2Seq, evaluateEcho } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ seed: 1 });
 * const { accuracy, windows } = await evaluateEcho(model, { sequences: 10, seed: 3 });
 * // 10 sequences of 21 windows; an untrained model only guesses:
 * console.log(windows, accuracy < 0.2); // 210 true
 * model.dispose();
 * ```
 */
export async function evaluateEcho(
  model: tf.LayersModel,
  options: EvaluateEchoOptions = {},
): Promise<EchoEvaluation> {
  const fn = 'evaluateEcho';
  const shape = readEchoShape(fn, model);
  assertOptions(fn, 'options', options);
  const { sequences = 100, sequenceLength = 25 } = options;
  assertInteger(fn, 'options.sequences', sequences, { min: 1, max: 1_000_000 });
  assertInteger(fn, 'options.sequenceLength', sequenceLength, { min: 1, max: MAX_SEQUENCE_LENGTH });
  checkWindows(fn, 'options.sequenceLength', sequenceLength, sequenceLength, shape);
  const draw = randomSource(fn, options);
  return evaluateChecked({ fn, model, shape, sequences, sequenceLength, draw, guard: true });
}

/**
 * {@link evaluateEcho} for `trainEcho`'s own checks, on checked options: it evaluates the
 * model that call is training (no refusal).
 */
export async function evaluateDuringTraining(
  model: tf.LayersModel,
  shape: EchoShape,
  options: { sequences: number; sequenceLength: number; random: RandomSource },
): Promise<EchoEvaluation> {
  const { sequences, sequenceLength, random: draw } = options;
  const run = { fn: 'trainEcho', model, shape, sequences, sequenceLength, draw };
  return evaluateChecked({ ...run, guard: false });
}

/**
 * The evaluation on checked options. With `guard`, it refuses a model being trained, before
 * every sequence.
 */
async function evaluateChecked(run: {
  fn: string;
  model: tf.LayersModel;
  shape: EchoShape;
  sequences: number;
  sequenceLength: number;
  draw: RandomSource;
  guard: boolean;
}): Promise<EchoEvaluation> {
  const { fn, model, shape, sequences, sequenceLength, draw, guard } = run;
  if (guard) assertNotTraining(fn, 'model', model);
  const predictor = windowPredictor(model, shape);

  let items = 0;
  let rightItems = 0;
  let windows = 0;
  let rightWindows = 0;
  for (let s = 0; s < sequences; s++) {
    if (guard) assertNotTraining(fn, 'model', model);
    const sequence = drawSequence(fn, sequenceLength, shape.nUnique, draw);
    const { X, y } = frameEcho(sequence, shape);
    const predicted = await predictor.predict(X);
    y.forEach((expected, r) => {
      const got = predicted[r] ?? [];
      // Padding (padded framing) is neither an item to echo nor a chance to be wrong.
      // A padded window whose whole target is padding (nOut < nIn) is not scored at all.
      const real = expected.filter((id) => id !== PAD_ID).length;
      if (real === 0) return;
      const right = expected.filter((id, k) => id !== PAD_ID && got[k] === id).length;
      items += real;
      rightItems += right;
      windows += 1;
      if (right === real) rightWindows += 1;
    });
  }
  return { accuracy: rightItems / items, sequenceAccuracy: rightWindows / windows, windows };
}
