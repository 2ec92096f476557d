import type * as tf from '@tensorflow/tfjs';
import { drawSequence, randomSource } from '../data/generateSequence';
import type { RandomSource } from '../data/random';
import {
  assertAbortSignal,
  assertInteger,
  assertKnownKeys,
  assertOptions,
  optionKeys,
} from '../internal/assert';
import { MAX_SEQUENCE_LENGTH } from '../internal/limits';
import { yielder } from '../internal/yieldToEventLoop';
import { readEchoShape, type EchoShape } from '../models/echoShape';
import { windowPredictor } from './predictWindows';
import { checkWindows, frameEcho, PAD_ID } from './checkWindows';
import { assertNotTraining } from '../internal/modelLock';
import { canStillReach } from './earlyStop';

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
  /**
   * Aborting it stops the evaluation between two sequences: the promise rejects with a
   * `DOMException` named `'AbortError'` (an already aborted signal rejects before any
   * sequence). The evaluation yields to the event loop about every 50 ms, so an abort from a
   * timer or a click lands promptly. Default: none.
   */
  signal?: AbortSignal | undefined;
}

/** Every key of {@link EvaluateEchoOptions}, for the unknown-key check. */
const EVALUATE_ECHO_KEYS = optionKeys<EvaluateEchoOptions>()([
  'sequences',
  'sequenceLength',
  'seed',
  'random',
  'signal',
]);

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
   * Per answer step (`nOut` of them, in the order the model answers: the oldest item first
   * for an echo, the newest first for a reverse model), the fraction of windows whose item at
   * that step is right (padding not counted; 0 for a step that was always padding). A model
   * that learned part of the task shows it here: some steps near 1, the rest near chance
   * (`1 / nUnique`).
   */
  positionAccuracy: number[];
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
 * @returns `{ accuracy, sequenceAccuracy, positionAccuracy, windows }`.
 * @throws TypeError / RangeError for a model that does not fit or bad options, before any
 *   tensor is made; RangeError for a model being trained; a `DOMException` named
 *   `'AbortError'` when `options.signal` aborts.
 *
 * @example
 * ```ts
 * import { buildSeq2Seq, disposeEchoModel, evaluateEcho } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ seed: 1 });
 * const { accuracy, windows } = await evaluateEcho(model, { sequences: 10, seed: 3 });
 * // 10 sequences of 21 windows; an untrained model only guesses:
 * console.log(windows, accuracy < 0.2); // 210 true
 * disposeEchoModel(model);
 * ```
 *
 * @example
 * Stopping a long evaluation (say, from a Stop button):
 * ```ts
 * import { buildSeq2Seq, disposeEchoModel, evaluateEcho } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ seed: 1 });
 * const controller = new AbortController();
 * const evaluation = evaluateEcho(model, { sequences: 100_000, signal: controller.signal });
 * controller.abort();
 * const outcome = await evaluation.catch((error: DOMException) => error.name);
 * console.log(outcome); // AbortError
 * disposeEchoModel(model);
 * ```
 */
export async function evaluateEcho(
  model: tf.LayersModel,
  options: EvaluateEchoOptions = {},
): Promise<EchoEvaluation> {
  const fn = 'evaluateEcho';
  const shape = readEchoShape(fn, model);
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, EVALUATE_ECHO_KEYS);
  const { sequences = 100, sequenceLength = 25, signal } = options;
  assertInteger(fn, 'options.sequences', sequences, { min: 1, max: 1_000_000 });
  assertInteger(fn, 'options.sequenceLength', sequenceLength, { min: 1, max: MAX_SEQUENCE_LENGTH });
  checkWindows(fn, 'options.sequenceLength', sequenceLength, sequenceLength, shape);
  const draw = randomSource(fn, options);
  if (signal !== undefined) assertAbortSignal(fn, 'options.signal', signal);
  const run = { fn, model, shape, sequences, sequenceLength, draw, signal, guard: true };
  const result = await evaluateChecked(run);
  if (typeof result === 'number') {
    throw new DOMException(
      `${fn}: options.signal aborted the evaluation after ${result} of ${sequences} sequences`,
      'AbortError',
    );
  }
  const { accuracy, sequenceAccuracy, positionAccuracy, windows } = result;
  return { accuracy, sequenceAccuracy, positionAccuracy, windows };
}

/**
 * {@link evaluateEcho} for `trainEcho`'s own checks, on checked options: it evaluates the
 * model that call is training (no refusal), and returns `undefined` when `signal` aborts.
 * With `stopBelow` it is a sequential check: it stops after the first sequence after which
 * even all-right remaining sequences could not bring the accuracy to `stopBelow`, and then
 * reports `complete: false` with the accuracy of the windows it tested.
 */
export async function evaluateDuringTraining(
  model: tf.LayersModel,
  shape: EchoShape,
  options: {
    sequences: number;
    sequenceLength: number;
    random: RandomSource;
    stopBelow: number | undefined;
  },
  signal: AbortSignal | undefined,
): Promise<(EchoEvaluation & { complete: boolean }) | undefined> {
  const { sequences, sequenceLength, random: draw, stopBelow } = options;
  const run = { fn: 'trainEcho', model, shape, sequences, sequenceLength, draw, signal, stopBelow };
  const result = await evaluateChecked({ ...run, guard: false });
  return typeof result === 'number' ? undefined : result;
}

/**
 * The evaluation on checked options. Before every sequence it stops when `signal` has aborted
 * (returning how many sequences it finished) and, with `guard`, refuses a model being trained.
 */
async function evaluateChecked(run: {
  fn: string;
  model: tf.LayersModel;
  shape: EchoShape;
  sequences: number;
  sequenceLength: number;
  draw: RandomSource;
  signal: AbortSignal | undefined;
  guard: boolean;
  stopBelow?: number | undefined;
}): Promise<(EchoEvaluation & { complete: boolean }) | number> {
  const { fn, model, shape, sequences, sequenceLength, draw, signal, guard, stopBelow } = run;
  if (signal?.aborted) return 0;
  if (guard) assertNotTraining(fn, 'model', model);
  const predictor = windowPredictor(model, shape);
  const pause = yielder();

  let items = 0;
  let rightItems = 0;
  let windows = 0;
  let rightWindows = 0;
  let itemsPerSequence = 0;
  // Per answer step: real items, and those predicted right.
  const stepItems = new Array<number>(shape.nOut).fill(0);
  const stepRight = new Array<number>(shape.nOut).fill(0);
  const result = (complete: boolean) => ({
    accuracy: rightItems / items,
    sequenceAccuracy: rightWindows / windows,
    positionAccuracy: stepRight.map((right, k) => (stepItems[k]! > 0 ? right / stepItems[k]! : 0)),
    windows,
    complete,
  });
  for (let s = 0; s < sequences; s++) {
    if (s > 0) await pause(); // timers, abort signals and a page's input run between sequences
    if (signal?.aborted) return s;
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
      let right = 0;
      expected.forEach((id, k) => {
        if (id === PAD_ID) return;
        stepItems[k]! += 1;
        if (got[k] !== id) return;
        stepRight[k]! += 1;
        right += 1;
      });
      items += real;
      rightItems += right;
      windows += 1;
      if (right === real) rightWindows += 1;
    });
    // Every sequence frames into the same windows, so scores the same number of items.
    if (s === 0) itemsPerSequence = items;
    if (
      stopBelow !== undefined &&
      s + 1 < sequences &&
      !canStillReach(stopBelow, rightItems, s + 1, sequences, itemsPerSequence)
    ) {
      return result(false);
    }
  }
  return result(true);
}
