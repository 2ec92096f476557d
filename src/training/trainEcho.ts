import type * as tf from '@tensorflow/tfjs';
import { drawSequence } from '../data/generateSequence';
import { deriveSeed, mulberry32 } from '../data/random';
import { TRAIN_ECHO_DEFAULTS as D } from './defaults';
import { assertInteger, message, optionKeys, showValue } from '../internal/assert';
import { MAX_SEQUENCE_LENGTH } from '../internal/limits';
import { holdModels } from '../internal/modelLock';
import { readEchoShape, type EchoShape } from '../models/echoShape';
import type { TrainingPlan } from '../models/fusedPlan';
import { encodeWindows } from '../tensors/oneHotWindows';
import { checkWindows, frameEcho } from './checkWindows';
import { cheapChecksOn, gateOpen } from './earlyStop';
import { chooseEngine, forgetTrainer, fusedEpochs, type EngineChoice } from './engine';
import { evaluateDuringTraining, type EchoEvaluation } from './evaluateEcho';
import { echoData } from './fused/echoData';
import { resolveSchedule, scheduleOptimizer, type RateAt } from './schedule';
import { clipOptimizer } from './clipOptimizer';
import {
  checkLoopOptions,
  checkTrainingOptions,
  lastValue,
  runEpochs,
  type CheckOutcome,
  type EpochLoopResult,
  type LoopOptions,
  type TrainingLoopOptions,
  type TrainingLoopResult,
} from './loop';

/** What {@link TrainEchoOptions.onEpochEnd} receives after every epoch. */
export interface EpochLog {
  /** Epochs completed so far, counting from 1. */
  epoch: number;
  /** The most epochs this run will train (`options.epochs`). */
  epochs: number;
  /** Milliseconds since training started, including evaluations so far. */
  elapsedMs: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Mean training accuracy (per echoed item) over the epoch's batches. */
  accuracy: number;
}

/** A fresh-sequence check made during training (see `targetAccuracy`). */
export interface EpochEvaluation extends EchoEvaluation {
  /** The epoch after which it was made. */
  epoch: number;
  /**
   * `true` when the check tested all `evaluationSequences` sequences. `false` when it stopped
   * early because the wrong items it had already seen made the target out of reach over all
   * of them (even if every remaining item were right): its `accuracy`, `sequenceAccuracy` and
   * `windows` are then those of the sequences it tested, and the target was not reached.
   */
  complete: boolean;
}

/** Options of {@link trainEcho}. */
export interface TrainEchoOptions extends TrainingLoopOptions<EpochLog> {
  /** How many epochs at most; each epoch is one fresh random sequence. Required, `>= 1`. */
  epochs: number;
  /**
   * Length of each epoch's random sequence; it gives `sequenceLength - nIn + 1` windows
   * (`sequenceLength` for a masking model, which frames padded windows), which a stateful
   * model's batch size must divide. Default `25` (21 windows for `nIn = 5`).
   */
  sequenceLength?: number | undefined;
  /**
   * Seed for the training sequences and the evaluation sequences, so a run can be repeated.
   * The two are drawn from separate streams derived from it, and neither matches
   * `generateSequence`/`evaluateEcho` with the same seed, so you can test on `evaluateEcho`
   * with any seed. (Initial weights are seeded by the model factory's own `seed`.)
   * Default: none.
   */
  seed?: number | undefined;
  /**
   * Batch size for a model with a free batch dimension. A stateful model always trains with
   * the batch size it was built with, and giving a different one is an error. Default `32`.
   */
  batchSize?: number | undefined;
  /**
   * Stop as soon as a check on fresh sequences reaches this per-item accuracy, in `(0, 1]`.
   * Checks are due every `evaluateEvery` epochs and after the last epoch, on
   * `evaluationSequences` sequences: a quick check (420 windows by default) that can stop a
   * little early, so measure the final model with {@link evaluateEcho} on more sequences.
   *
   * Checks are kept cheap in two ways that never declare the target reached on fewer than
   * all `evaluationSequences` sequences (with a `seed`, each check sees the same sequences
   * whether or not earlier ones ran, so training stops where full checks every
   * `evaluateEvery` epochs would, or later when the gate skips a check that would have passed):
   * - a due check is skipped while the best training accuracy of the epochs since the last
   *   due check is below `1 - 4 * (1 - targetAccuracy)` (0.96 for a target of 0.99), since
   *   the model is then clearly short of the target (the check after the last epoch always
   *   runs). Models with padded framing (`masking: true`) skip no check: their training
   *   accuracy counts the padded steps, so it stays below the threshold however well they echo;
   * - a check stops as soon as the wrong items it has seen put the target out of reach over
   *   all `evaluationSequences` sequences (see {@link EpochEvaluation.complete}), so only a
   *   check that reaches the target tests them all.
   *
   * The result's {@link TrainingLoopResult.checkMs} says how long the checks took. Default:
   * none (run all epochs).
   */
  targetAccuracy?: number | undefined;
  /**
   * Epochs between checks when `targetAccuracy` is set (a due check may be skipped while
   * training accuracy is clearly below target: see `targetAccuracy`). Default `10`.
   */
  evaluateEvery?: number | undefined;
  /**
   * Fresh sequences per check when `targetAccuracy` is set; the target counts as reached only
   * when all of them together reach it. Default `20`.
   */
  evaluationSequences?: number | undefined;
}

/** Every key of {@link TrainEchoOptions}, for the unknown-key check. */
export const TRAIN_ECHO_KEYS = optionKeys<TrainEchoOptions>()([
  'epochs',
  'sequenceLength',
  'seed',
  'batchSize',
  'targetAccuracy',
  'evaluateEvery',
  'evaluationSequences',
  'onEpochEnd',
  'signal',
  'verbose',
  'engine',
  'threads',
  'learningRateSchedule',
  'clipNorm',
  'clipValue',
]);

/**
 * Result of {@link trainEcho}: its checks are {@link EpochEvaluation}s, and `evaluations`
 * does not list the due checks the training-accuracy gate skipped (see
 * {@link TrainEchoOptions.targetAccuracy}).
 */
export type TrainEchoResult = TrainingLoopResult<EpochEvaluation>;

interface ResolvedTrainOptions extends LoopOptions, EngineChoice {
  shape: EchoShape;
  epochs: number;
  sequenceLength: number;
  seed: number | undefined;
  batchSize: number;
  evaluationSequences: number;
  rateAt: RateAt | undefined;
}

function resolveTrainOptions(model: tf.LayersModel, options: unknown): ResolvedTrainOptions {
  const fn = 'trainEcho';
  const shape = readEchoShape(fn, model);
  checkTrainingOptions(fn, options, TRAIN_ECHO_KEYS);
  const { epochs, seed, batchSize, sequenceLength = D.sequenceLength } = options;
  const { evaluationSequences = D.evaluationSequences } = options;
  assertInteger(fn, 'options.sequenceLength', sequenceLength, { min: 1, max: MAX_SEQUENCE_LENGTH });
  const windows = checkWindows(fn, 'options.sequenceLength', sequenceLength, sequenceLength, shape);
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  if (batchSize !== undefined) assertInteger(fn, 'options.batchSize', batchSize, { min: 1 });
  const loop = checkLoopOptions(fn, options, D.evaluateEvery);
  assertInteger(fn, 'options.evaluationSequences', evaluationSequences, { min: 1, max: 1_000_000 });
  const rateAt = resolveSchedule(fn, model, options.learningRateSchedule);
  const fitBatch = shape.stateful
    ? statefulBatch(fn, shape, batchSize, sequenceLength, windows)
    : (batchSize ?? D.batchSize);
  const batch = { size: fitBatch, rows: windows, shown: batchSize ?? fitBatch };
  return {
    shape,
    epochs,
    sequenceLength,
    seed,
    batchSize: fitBatch,
    ...loop,
    evaluationSequences,
    rateAt,
    ...chooseEngine(fn, model, loop.engine, batch, 'a model'),
  };
}

/**
 * The batch size of a stateful model, which it was built with: `batchSize` must be it (or
 * omitted), and it must divide the windows of every epoch's sequence.
 */
function statefulBatch(
  fn: string,
  shape: EchoShape,
  batchSize: number | undefined,
  sequenceLength: number,
  windows: number,
): number {
  const fixed = shape.batchSize as number;
  if (batchSize !== undefined && batchSize !== fixed) {
    throw new RangeError(
      message(
        fn,
        'options.batchSize',
        `the stateful model's own batch size ${fixed} (or omitted)`,
        batchSize,
      ),
    );
  }
  if (windows % fixed !== 0) {
    throw new RangeError(
      `${fn}: options.sequenceLength must give a number of windows (${shape.framing === 'padded' ? 'sequenceLength, one per item: the model masks padded windows' : 'sequenceLength - nIn + 1'}) that the stateful model's batch size ${fixed} divides, but received ${showValue(sequenceLength)}, which gives ${windows} windows`,
    );
  }
  return fixed;
}

/** One epoch's training on framed windows of ids, and a way to bring the model up to date. */
interface Engine {
  step: (X: number[][], y: number[][]) => Promise<{ loss: number; accuracy: number }>;
  /** Makes the model's weights current (the fused engine writes them back lazily). */
  sync: () => void;
  /** Ends the run: the optimizer's learning rate is the compiled one again. */
  finish: () => void;
  /** The threads the last epoch trained on. */
  threads: () => number;
}

/** The tfjs engine: one `model.fit` per epoch, no shuffling, state reset after it. */
function fitEngine(model: tf.LayersModel, o: ResolvedTrainOptions): Engine {
  const { shape } = o;
  const { callbacks, restore } = scheduleOptimizer(model, o.rateAt);
  const unclip = clipOptimizer(model, o.clip);
  return {
    step: async (windowsX, windowsY) => {
      const X = encodeWindows(windowsX, shape.nIn, shape);
      const y = encodeWindows(windowsY, shape.nOut, shape);
      try {
        const fitted = await model.fit(X, y, {
          epochs: 1,
          batchSize: o.batchSize,
          shuffle: false,
          ...(callbacks && { callbacks }),
        });
        return { loss: lastValue(fitted, 'loss'), accuracy: lastValue(fitted, 'acc', 'accuracy') };
      } finally {
        X.dispose();
        y.dispose();
        if (shape.stateful) model.resetStates();
      }
    },
    sync: () => undefined,
    finish: () => {
      restore();
      unclip();
    },
    threads: () => 1,
  };
}

/** Drops the fused trainer (weights and Adam moments) kept for `model`, if any. Internal. */
export function forgetFusedTrainer(model: tf.LayersModel): void {
  forgetTrainer(model);
}

/** The fused engine: its own kernels' steps, weights written back into the model lazily. */
function fusedEngine(model: tf.LayersModel, o: ResolvedTrainOptions, plan: TrainingPlan): Engine {
  const fused = fusedEpochs(model, plan, o.threads);
  const { rateAt } = o;
  const compiled = plan.adam.learningRate;
  fused.runner.learningRateAt = rateAt && ((step) => rateAt(compiled, step));
  fused.runner.clip = o.clip;
  return {
    step: (windowsX, windowsY) =>
      fused.train(echoData(o.shape, windowsX, windowsY), o.batchSize, o.shape.stateful),
    sync: fused.sync,
    finish: () => {
      fused.runner.learningRateAt = undefined;
      fused.runner.clip = undefined;
    },
    threads: fused.threads,
  };
}

/**
 * Trains an echo model the walkthrough's way: every epoch draws a fresh random sequence,
 * frames it to the model's `nIn`/`nOut` (read from its shapes), fits it once with the model's
 * batch size and no shuffling, then resets the LSTM state. Optionally stops early on a target
 * accuracy measured on fresh sequences, or when `signal` aborts.
 *
 * Every tensor it makes is disposed: `tf.memory().numTensors` is the same before and after.
 *
 * While it runs, the model is its own: a second `trainEcho` on it (any engine), a
 * {@link predictEcho} or {@link evaluateEcho} (except from `onEpochEnd`, between epochs) and
 * {@link disposeEchoModel} are refused with a RangeError naming the function.
 *
 * @param model - A compiled model from {@link buildSeq2Seq}, {@link buildEncoderDecoder} or any
 *   model with input `[batch, nIn, nUnique]` and output `[batch, nOut, nUnique]`.
 * @param options - See {@link TrainEchoOptions}; `epochs` is required.
 * @returns `{ epochs, history, evaluations, stoppedEarly, stopReason, elapsedMs, checkMs, engine,
 *   fallbackReason, threads }`.
 * @throws TypeError / RangeError for bad options or a model that does not fit, before any
 *   weight changes: including a `sequenceLength` whose window count the stateful batch size
 *   does not divide. RangeError when another call already trains the model.
 *
 * @example
 * ```ts
 * import { buildSeq2Seq, disposeEchoModel, trainEcho } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ seed: 1 });
 * const result = await trainEcho(model, {
 *   epochs: 3,
 *   seed: 2,
 *   onEpochEnd: ({ epoch, loss }) => console.log(epoch, loss.toFixed(3)),
 * });
 * console.log(result.epochs, result.history.loss.length); // 3 3
 * disposeEchoModel(model);
 * ```
 */
export async function trainEcho(
  model: tf.LayersModel,
  options: TrainEchoOptions,
): Promise<TrainEchoResult> {
  const o = resolveTrainOptions(model, options);
  // From here to the end the model is trainEcho's: a second training run, a prediction in
  // the middle of an epoch or a dispose is refused (see modelLock.ts).
  const hold = holdModels('trainEcho', 'model', [model]);
  try {
    const engine = o.plan ? fusedEngine(model, o, o.plan) : fitEngine(model, o);
    const held = { ...o, onEpochEnd: hold.pauseDuring(o.onEpochEnd) };
    const run = await trainHeld(model, held, engine);
    const { fallbackReason } = o;
    return { ...run, engine: o.plan ? 'fused' : 'tfjs', fallbackReason, threads: engine.threads() };
  } finally {
    hold.release();
  }
}

/** {@link trainEcho}'s epochs on resolved options, while it holds the model. */
async function trainHeld(
  model: tf.LayersModel,
  o: ResolvedTrainOptions,
  { step, sync, finish }: Engine,
): Promise<EpochLoopResult<EchoEvaluation & { complete: boolean }>> {
  const { shape } = o;
  const dataRandom = o.seed === undefined ? Math.random : mulberry32(deriveSeed(o.seed, 1));
  // Each check draws from its own stream (by epoch), so a check sees the same sequences
  // whether or not earlier checks were skipped or stopped early.
  const evalSeed = o.seed === undefined ? undefined : deriveSeed(o.seed, 2);
  const evalRandom = (epoch: number) =>
    evalSeed === undefined ? Math.random : mulberry32(deriveSeed(evalSeed, epoch));
  const cheap = cheapChecksOn();
  // Every run starts from reset state, as every epoch does.
  if (shape.stateful) model.resetStates();
  const check = async (
    epoch: number,
    target: number,
  ): Promise<CheckOutcome<EchoEvaluation & { complete: boolean }> | undefined> => {
    const evaluation = await evaluateDuringTraining(
      model,
      shape,
      {
        sequences: o.evaluationSequences,
        sequenceLength: o.sequenceLength,
        random: evalRandom(epoch),
        stopBelow: cheap ? target : undefined,
      },
      o.signal,
    );
    if (evaluation === undefined) return undefined;
    const { accuracy, windows, complete } = evaluation;
    return {
      evaluation,
      reached: complete && accuracy >= target,
      summary: `fresh-sequence accuracy ${accuracy.toFixed(4)} (${windows} windows${complete ? '' : ', stopped: target out of reach'})`,
    };
  };
  try {
    return await runEpochs({
      fn: 'trainEcho',
      epochs: o.epochs,
      loop: o,
      train: () => {
        const sequence = drawSequence('trainEcho', o.sequenceLength, shape.nUnique, dataRandom);
        const windows = frameEcho(sequence, shape);
        return step(windows.X, windows.y);
      },
      sync,
      // Padded windows' training accuracy counts their padded steps (0.92 at best for 5 of 5),
      // so the gate would hold every check back until the last epoch.
      gate: cheap && shape.framing !== 'padded' ? gateOpen : undefined,
      check,
    });
  } finally {
    finish();
  }
}
