import type * as tf from '@tensorflow/tfjs';
import { drawSequence } from '../data/generateSequence';
import { deriveSeed, mulberry32 } from '../data/random';
import { assertBoolean, assertInteger, showValue, message } from '../internal/assert';
import { assertWithin, MAX_SEQUENCE_LENGTH, MAX_TENSOR_VALUES } from '../internal/limits';
import { yieldToEventLoop } from '../internal/yieldToEventLoop';
import { readEchoShape, type EchoShape } from '../models/echoShape';
import { encodeWindows } from '../tensors/oneHotWindows';
import { planTraining, type TrainingPlan } from '../models/fusedPlan';
import { echoData } from './fused/echoData';
import { batchWorkingFloats, FusedTrainer } from './fused/trainer';
import { evaluateDuringTraining, type EchoEvaluation } from './evaluateEcho';
import { checkWindows, frameEcho } from './checkWindows';
import { checkLoopOptions, lastValue } from './loop';
import { assertKnownKeys, optionKeys } from '../internal/assert';
import { holdModels } from '../internal/modelLock';
import { cheapChecksOn, gateOpen } from './earlyStop';

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
export interface TrainEchoOptions {
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
   *   runs);
   * - a check stops as soon as the wrong items it has seen put the target out of reach over
   *   all `evaluationSequences` sequences (see {@link EpochEvaluation.complete}), so only a
   *   check that reaches the target tests them all.
   *
   * {@link TrainEchoResult.checkMs} says how long the checks took. Default: none (run all
   * epochs).
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
  /** Called after every epoch; training waits for a returned promise. */
  onEpochEnd?: ((log: EpochLog) => void | Promise<void>) | undefined;
  /**
   * Aborting it stops training after the current epoch, or during an evaluation on the way
   * (between two of its sequences; that evaluation is dropped); the model stays usable.
   */
  signal?: AbortSignal | undefined;
  /** Print a progress line ten times over the run, and the evaluations. Default `false`. */
  verbose?: boolean | undefined;
  /**
   * How to compute each training step:
   * - `'fused'`: seq-echo's own forward and backward pass, in WebAssembly SIMD (plain
   *   JavaScript where the runtime lacks it), for every model seq-echo's factories build and
   *   any model made of the same layers (`Masking`, `LSTM`, `RepeatVector`, `Dense`,
   *   `TimeDistributed(Dense)`, `Reshape`, `Flatten`, `Softmax`, `Concatenate` and the
   *   attention layers), compiled with categorical cross-entropy or mean squared error and Adam. It
   *   computes what `model.fit` computes (tested to agree to float32 precision) without tfjs's
   *   per-op overhead, whatever the tfjs backend: see the README's performance section for how
   *   much faster. Its Adam moments are its own, kept per model across `trainEcho` calls. It reads
   *   the model's weights when the run starts and writes them back before each `onEpochEnd`,
   *   each evaluation and at the end, so weights changed by hand during a run are overwritten.
   * - `'tfjs'`: `model.fit`, one call per epoch, on the current tfjs backend.
   * - `'auto'`: `'fused'` when the model qualifies, otherwise `'tfjs'`.
   *
   * Default `'auto'`.
   */
  engine?: 'auto' | 'fused' | 'tfjs' | undefined;
}

/** Every key of {@link TrainEchoOptions}, for the unknown-key check. */
const TRAIN_ECHO_KEYS = optionKeys<TrainEchoOptions>()([
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
]);

/** Result of {@link trainEcho}. */
export interface TrainEchoResult {
  /** Epochs actually trained. */
  epochs: number;
  /** Loss and accuracy of every epoch trained, in order. */
  history: {
    /** Mean training loss of each epoch trained, in order (as {@link EpochLog.loss}). */
    loss: number[];
    /** Mean training accuracy of each epoch trained, in order (as {@link EpochLog.accuracy}). */
    accuracy: number[];
  };
  /**
   * Fresh-sequence checks made on the way (only with `targetAccuracy`), including those that
   * stopped early (`complete: false`); due checks the training-accuracy gate skipped are not
   * listed.
   */
  evaluations: EpochEvaluation[];
  /**
   * Wall-clock milliseconds spent in fresh-sequence checks (part of `elapsedMs`); `0` without
   * `targetAccuracy`. `elapsedMs - checkMs` is about the time spent training.
   */
  checkMs: number;
  /** `true` when training ended before `epochs`, by `targetAccuracy` or `signal`. */
  stoppedEarly: boolean;
  /** Why training ended. */
  stopReason: 'epochs' | 'targetAccuracy' | 'aborted';
  /** Wall-clock milliseconds the run took, evaluations included. */
  elapsedMs: number;
  /** Which engine trained: seq-echo's fused kernels, or tfjs's `model.fit`. */
  engine: 'fused' | 'tfjs';
  /**
   * With `engine: 'tfjs'` under `options.engine: 'auto'`: why the fused engine could not
   * train this model (a sentence). `undefined` when the fused engine ran or `'tfjs'` was asked.
   */
  fallbackReason: string | undefined;
}

interface ResolvedTrainOptions {
  shape: EchoShape;
  epochs: number;
  sequenceLength: number;
  seed: number | undefined;
  batchSize: number;
  targetAccuracy: number | undefined;
  evaluateEvery: number;
  evaluationSequences: number;
  onEpochEnd: TrainEchoOptions['onEpochEnd'];
  signal: AbortSignal | undefined;
  verbose: boolean;
  fused: TrainingPlan | undefined;
  fallbackReason: string | undefined;
}

function resolveTrainOptions(model: tf.LayersModel, options: unknown): ResolvedTrainOptions {
  const fn = 'trainEcho';
  const shape = readEchoShape(fn, model);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(message(fn, 'options', 'an options object with epochs', options));
  }
  assertKnownKeys(fn, 'options', options, TRAIN_ECHO_KEYS);
  const {
    epochs,
    sequenceLength = 25,
    seed,
    batchSize,
    targetAccuracy,
    evaluateEvery = 10,
    evaluationSequences = 20,
    onEpochEnd,
    signal,
    verbose = false,
    engine = 'auto',
  } = options as { [K in keyof TrainEchoOptions]?: unknown };
  assertInteger(fn, 'options.epochs', epochs, { min: 1, max: 1e9 });
  assertInteger(fn, 'options.sequenceLength', sequenceLength, { min: 1, max: MAX_SEQUENCE_LENGTH });
  const windows = checkWindows(fn, 'options.sequenceLength', sequenceLength, sequenceLength, shape);
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  if (batchSize !== undefined) assertInteger(fn, 'options.batchSize', batchSize, { min: 1 });
  const loop = checkLoopOptions(fn, { targetAccuracy, evaluateEvery, onEpochEnd, signal });
  assertInteger(fn, 'options.evaluationSequences', evaluationSequences, { min: 1, max: 1_000_000 });
  assertBoolean(fn, 'options.verbose', verbose);
  if (engine !== 'auto' && engine !== 'fused' && engine !== 'tfjs') {
    throw new RangeError(message(fn, 'options.engine', "'auto', 'fused' or 'tfjs'", engine));
  }
  if ((model as { optimizer?: unknown }).optimizer == null) {
    throw new TypeError(
      `${fn}: model must be compiled (model.compile) before training, but received a model without an optimizer`,
    );
  }

  let fitBatch = batchSize ?? 32;
  if (shape.stateful) {
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
    fitBatch = fixed;
  }
  let fused: TrainingPlan | undefined;
  let fallbackReason: string | undefined;
  if (engine !== 'tfjs') {
    const recognized = planTraining(model);
    if (typeof recognized !== 'string') {
      fused = recognized;
      assertWithin(
        fn,
        'options.batchSize',
        batchSize ?? fitBatch,
        batchWorkingFloats(fused, Math.min(fitBatch, windows)),
        MAX_TENSOR_VALUES,
        "the fused engine's working values for one batch",
      );
    } else if (engine === 'fused') {
      throw new RangeError(
        `${fn}: options.engine 'fused' needs a model the fused engine computes, but ${recognized}`,
      );
    } else fallbackReason = recognized;
  }
  return {
    shape,
    epochs,
    sequenceLength,
    seed,
    batchSize: fitBatch,
    ...loop,
    evaluationSequences,
    onEpochEnd: onEpochEnd as TrainEchoOptions['onEpochEnd'],
    verbose,
    fused,
    fallbackReason,
  };
}

/** One epoch's training on framed windows of ids, and a way to bring the model up to date. */
interface Engine {
  step: (X: number[][], y: number[][]) => Promise<{ loss: number; accuracy: number }>;
  /** Makes the model's weights current (the fused engine writes them back lazily). */
  sync: () => void;
}

/** The tfjs engine: one `model.fit` per epoch, no shuffling, state reset after it. */
function fitEngine(model: tf.LayersModel, o: ResolvedTrainOptions): Engine {
  const { shape } = o;
  return {
    step: async (windowsX, windowsY) => {
      const X = encodeWindows(windowsX, shape.nIn, shape);
      const y = encodeWindows(windowsY, shape.nOut, shape);
      try {
        const fitted = await model.fit(X, y, { epochs: 1, batchSize: o.batchSize, shuffle: false });
        return { loss: lastValue(fitted, 'loss'), accuracy: lastValue(fitted, 'acc', 'accuracy') };
      } finally {
        X.dispose();
        y.dispose();
        if (shape.stateful) model.resetStates();
      }
    },
    sync: () => undefined,
  };
}

/** Fused trainers (with their Adam moments) per model, kept across trainEcho calls. */
const trainers = new WeakMap<tf.LayersModel, FusedTrainer>();

/** Drops the fused trainer (weights and Adam moments) kept for `model`, if any. Internal. */
export function forgetFusedTrainer(model: tf.LayersModel): void {
  trainers.delete(model);
}

/** How long the fused engine computes before it yields to the event loop, in ms. */
const YIELD_EVERY_MS = 50;

/** The fused engine: its own kernels' steps, weights written back into the model lazily. */
function fusedEngine(model: tf.LayersModel, o: ResolvedTrainOptions, spec: TrainingPlan): Engine {
  let trainer = trainers.get(model);
  if (!trainer?.fits(spec)) {
    trainer = new FusedTrainer(model, spec);
    trainers.set(model, trainer);
  } else {
    trainer.readWeights();
  }
  const fused = trainer;
  let dirty = false;
  let lastYield = performance.now();
  return {
    step: async (windowsX, windowsY) => {
      const data = echoData(o.shape, windowsX, windowsY);
      const result = fused.trainEpoch(data, o.batchSize, o.shape.stateful);
      dirty = true;
      // Let timers, abort signals and a page's rendering run between epochs.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      return result;
    },
    sync: () => {
      if (dirty) fused.writeBack();
      dirty = false;
    },
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
 *   fallbackReason }`.
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
    return await trainHeld(model, { ...o, onEpochEnd: hold.pauseDuring(o.onEpochEnd) });
  } finally {
    hold.release();
  }
}

/** {@link trainEcho} on resolved options, while it holds the model. */
async function trainHeld(model: tf.LayersModel, o: ResolvedTrainOptions): Promise<TrainEchoResult> {
  const { shape } = o;
  const dataRandom = o.seed === undefined ? Math.random : mulberry32(deriveSeed(o.seed, 1));
  // Each check draws from its own stream (by epoch), so a check sees the same sequences
  // whether or not earlier checks were skipped or stopped early.
  const evalSeed = o.seed === undefined ? undefined : deriveSeed(o.seed, 2);
  const evalRandom = (epoch: number) =>
    evalSeed === undefined ? Math.random : mulberry32(deriveSeed(evalSeed, epoch));
  const history = { loss: [] as number[], accuracy: [] as number[] };
  const evaluations: EpochEvaluation[] = [];
  const logEvery = Math.max(1, Math.ceil(o.epochs / 10));
  let stopReason: TrainEchoResult['stopReason'] = 'epochs';
  const started = performance.now();
  let checkMs = 0;
  const cheap = cheapChecksOn();
  // Training accuracies since the last due check, for the gate.
  let sinceCheck: number[] = [];
  const { step, sync } = o.fused ? fusedEngine(model, o, o.fused) : fitEngine(model, o);
  // Every run starts from reset state, as every epoch does.
  if (shape.stateful) model.resetStates();

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    if (o.signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    const sequence = drawSequence('trainEcho', o.sequenceLength, shape.nUnique, dataRandom);
    const windows = frameEcho(sequence, shape);
    const { loss, accuracy } = await step(windows.X, windows.y);
    const log: EpochLog = {
      epoch,
      epochs: o.epochs,
      elapsedMs: performance.now() - started,
      loss,
      accuracy,
    };
    history.loss.push(log.loss);
    history.accuracy.push(log.accuracy);
    if (o.verbose && (epoch % logEvery === 0 || epoch === 1 || epoch === o.epochs)) {
      console.log(
        `trainEcho: epoch ${epoch}/${o.epochs} loss ${log.loss.toFixed(4)} accuracy ${log.accuracy.toFixed(4)}`,
      );
    }
    if (o.onEpochEnd) {
      sync();
      await o.onEpochEnd(log);
    }

    sinceCheck.push(accuracy);
    const target = o.targetAccuracy;
    if (target !== undefined && (epoch % o.evaluateEvery === 0 || epoch === o.epochs)) {
      const gated = cheap && !gateOpen(sinceCheck, target, epoch === o.epochs);
      sinceCheck = [];
      if (gated) continue;
      const checkStarted = performance.now();
      sync();
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
      checkMs += performance.now() - checkStarted;
      if (evaluation === undefined) {
        stopReason = 'aborted';
        break;
      }
      evaluations.push({ epoch, ...evaluation });
      if (o.verbose) {
        console.log(
          `trainEcho: epoch ${epoch} fresh-sequence accuracy ${evaluation.accuracy.toFixed(4)} (${evaluation.windows} windows${evaluation.complete ? '' : ', stopped: target out of reach'})`,
        );
      }
      if (evaluation.complete && evaluation.accuracy >= target) {
        stopReason = 'targetAccuracy';
        break;
      }
    }
  }
  sync();
  const epochs = history.loss.length;
  return {
    epochs,
    history,
    evaluations,
    stoppedEarly: epochs < o.epochs,
    stopReason,
    elapsedMs: performance.now() - started,
    checkMs,
    engine: o.fused ? 'fused' : 'tfjs',
    fallbackReason: o.fallbackReason,
  };
}
