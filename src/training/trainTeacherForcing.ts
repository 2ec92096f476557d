import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mulberry32 } from '../data/random';
import { assertInteger, optionKeys } from '../internal/assert';
import { assertWithin, MAX_TENSOR_VALUES } from '../internal/limits';
import { holdModels } from '../internal/modelLock';
import { assertTeacherForcingModels, type TeacherForcingModels } from '../models/teacherForcing';
import { teacherForcingIds, teacherForcingTensors } from '../tensors/teacherForcingTensors';
import { chooseEngine, fusedEpochs, type EngineChoice, type FusedEpochs } from './engine';
import { resolveSchedule, scheduleOptimizer, type RateAt } from './schedule';
import { clipOptimizer } from './clipOptimizer';
import {
  drawSamples,
  evaluateDuringTraining,
  resolveLengths,
  type LengthRange,
  type TeacherForcingEvaluation,
} from './evaluateTeacherForcing';
import type { FusedData } from './fused/trainer';
import {
  checkLoopOptions,
  checkTrainingOptions,
  lastValue,
  runEpochs,
  type EpochLoopResult,
  type LoopOptions,
  type TrainingLoopOptions,
  type TrainingLoopResult,
} from './loop';

/** What {@link TrainTeacherForcingOptions.onEpochEnd} receives after every epoch. */
export interface TeacherForcingEpochLog {
  /** Epochs completed so far, counting from 1. */
  epoch: number;
  /** The most epochs this run will train (`options.epochs`). */
  epochs: number;
  /** Milliseconds since training started, including evaluations so far. */
  elapsedMs: number;
  /** Mean training loss over the epoch's batches (padding steps count as 0). */
  loss: number;
  /**
   * Mean training accuracy over the epoch's batches, with teacher forcing: per sample, the
   * fraction of real decoder steps (items and END; padding excluded) whose argmax is right.
   */
  accuracy: number;
}

/** A fresh-sample evaluation made during training (see `targetAccuracy`). */
export interface TeacherForcingEpochEvaluation extends TeacherForcingEvaluation {
  /** The epoch after which it was made. */
  epoch: number;
}

/** Options of {@link trainTeacherForcing}. */
export interface TrainTeacherForcingOptions extends TrainingLoopOptions<TeacherForcingEpochLog> {
  /** How many epochs at most; each epoch is `samplesPerEpoch` fresh random sequences. Required. */
  epochs: number;
  /** Fresh random sequences per epoch, fitted once each. Default `1024`. */
  samplesPerEpoch?: number | undefined;
  /** Samples per weight update. Default `64`. */
  batchSize?: number | undefined;
  /** Shortest training sequence. Default `1`. */
  minLength?: number | undefined;
  /** Longest training sequence, at most the models' `maxLength`. Default the models' `maxLength`. */
  maxLength?: number | undefined;
  /**
   * Seed for the training samples and the evaluation samples (separate streams derived from
   * it). Initial weights are seeded by {@link buildTeacherForcing}'s own `seed`. Default: none.
   */
  seed?: number | undefined;
  /**
   * Stop as soon as an evaluation reaches this exact-sequence accuracy (greedy decoding of
   * fresh samples, {@link TeacherForcingEvaluation.sequenceAccuracy}), in `(0, 1]`.
   * Default: none (run all epochs).
   */
  targetAccuracy?: number | undefined;
  /** Epochs between evaluations when `targetAccuracy` is set. Default `1`. */
  evaluateEvery?: number | undefined;
  /** Fresh samples per evaluation when `targetAccuracy` is set. Default `256`. */
  evaluationSamples?: number | undefined;
}

/** Every key of {@link TrainTeacherForcingOptions}, for the unknown-key check. */
const TRAIN_TEACHER_FORCING_KEYS = optionKeys<TrainTeacherForcingOptions>()([
  'epochs',
  'samplesPerEpoch',
  'batchSize',
  'minLength',
  'maxLength',
  'seed',
  'targetAccuracy',
  'evaluateEvery',
  'evaluationSamples',
  'onEpochEnd',
  'signal',
  'verbose',
  'engine',
  'threads',
  'learningRateSchedule',
  'clipNorm',
  'clipValue',
]);

/** Result of {@link trainTeacherForcing}: its checks are {@link TeacherForcingEpochEvaluation}s. */
export type TrainTeacherForcingResult = TrainingLoopResult<TeacherForcingEpochEvaluation>;

/** {@link TrainTeacherForcingOptions} checked and defaulted. */
interface ResolvedOptions extends LoopOptions, EngineChoice {
  /** The learning rate at each optimizer step, when scheduled. */
  rateAt: RateAt | undefined;
  epochs: number;
  samplesPerEpoch: number;
  batchSize: number;
  lengths: LengthRange;
  seed: number | undefined;
  evaluationSamples: number;
}

/** Checks `trainTeacherForcing`'s models and options, before any weight changes. */
function resolveOptions(
  fn: string,
  models: TeacherForcingModels,
  options: unknown,
): ResolvedOptions {
  assertTeacherForcingModels(fn, models);
  checkTrainingOptions(fn, options, TRAIN_TEACHER_FORCING_KEYS);
  const { epochs, samplesPerEpoch = 1024, batchSize = 64, minLength, maxLength, seed } = options;
  const { evaluationSamples = 256 } = options;
  assertInteger(fn, 'options.samplesPerEpoch', samplesPerEpoch, { min: 1, max: 1_000_000 });
  assertWithin(
    fn,
    'options.samplesPerEpoch',
    samplesPerEpoch,
    samplesPerEpoch * (models.maxLength + 1) * (models.nUnique + 1),
    MAX_TENSOR_VALUES,
    "an epoch's one-hot values (samplesPerEpoch x (maxLength + 1) x (nUnique + 1))",
  );
  assertInteger(fn, 'options.batchSize', batchSize, { min: 1, max: 1_000_000 });
  const lengths = resolveLengths(fn, models, minLength, maxLength);
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  const loop = checkLoopOptions(fn, options, 1);
  assertInteger(fn, 'options.evaluationSamples', evaluationSamples, { min: 1, max: 1_000_000 });
  const rateAt = resolveSchedule(fn, models.training, options.learningRateSchedule);
  const batch = { size: batchSize, rows: samplesPerEpoch, shown: batchSize };
  return {
    ...loop,
    rateAt,
    ...chooseEngine(fn, models.training, loop.engine, batch, 'models'),
    epochs,
    samplesPerEpoch,
    batchSize,
    lengths,
    seed,
    evaluationSamples,
  };
}

/**
 * Trains teacher-forcing models: every epoch draws `samplesPerEpoch` fresh random sequences of
 * random lengths in `[minLength, maxLength]`, frames them ({@link frameTeacherForcing}: the
 * decoder reads the target shifted right by START), and fits `models.training` on them once,
 * without shuffling: on the fused engine by default, with `model.fit` for `engine: 'tfjs'`.
 * With `targetAccuracy`, it decodes fresh samples greedily every `evaluateEvery` epochs and
 * stops once the exact-sequence accuracy reaches it. It yields to the event loop about every
 * 50 ms, so `signal` and timers run.
 *
 * Every tensor it makes is disposed; the only ones that stay are Adam's moments of the tfjs
 * engine, made on its first training step and freed by `models.dispose()`.
 *
 * While it runs, the models are its own: a second `trainTeacherForcing` on them is refused
 * with a RangeError naming the function.
 *
 * @param models - From {@link buildTeacherForcing}.
 * @param options - See {@link TrainTeacherForcingOptions}; `epochs` is required.
 * @returns `{ epochs, history, evaluations, stoppedEarly, stopReason, elapsedMs, checkMs, engine,
 *   fallbackReason, threads }`.
 * @throws TypeError / RangeError for disposed or foreign models or bad options, before any
 *   weight changes; RangeError when another call already trains the models.
 *
 * @example
 * ```ts
 * import { buildTeacherForcing, trainTeacherForcing } from 'seq-echo';
 *
 * const models = buildTeacherForcing({ maxLength: 4, nUnique: 10, units: 16, seed: 1 });
 * const result = await trainTeacherForcing(models, { epochs: 2, samplesPerEpoch: 64, seed: 2 });
 * console.log(result.epochs, result.history.loss.length); // 2 2
 * models.dispose();
 * ```
 */
export async function trainTeacherForcing(
  models: TeacherForcingModels,
  options: TrainTeacherForcingOptions,
): Promise<TrainTeacherForcingResult> {
  const fn = 'trainTeacherForcing';
  const o = resolveOptions(fn, models, options);
  // From here to the end the models are this call's: a second training run is refused.
  const { training, encoder, decoder } = models;
  const hold = holdModels(fn, 'models', [models, training, encoder, decoder]);
  // The schedule: on the fused engine by its own step count, on tfjs by the optimizer's.
  const { rateAt, plan } = o;
  const { callbacks, restore } = scheduleOptimizer(training, plan ? undefined : rateAt);
  const unclip = clipOptimizer(training, plan ? undefined : o.clip);
  let fused: FusedEpochs | undefined;
  try {
    fused = plan ? fusedEpochs(training, plan, o.threads) : undefined;
    const compiled = plan?.adam.learningRate ?? 0;
    if (fused) {
      fused.runner.learningRateAt = rateAt && ((step) => rateAt(compiled, step));
      fused.runner.clip = o.clip;
    }
    const run = await trainHeld(fn, models, o, fused, callbacks);
    const { fallbackReason } = o;
    const threads = fused?.threads() ?? 1;
    return { ...run, engine: plan ? 'fused' : 'tfjs', fallbackReason, threads };
  } finally {
    if (fused) {
      fused.runner.learningRateAt = undefined;
      fused.runner.clip = undefined;
    }
    restore();
    unclip();
    hold.release();
  }
}

/** {@link trainTeacherForcing}'s epochs on resolved options, while it holds the models. */
function trainHeld(
  fn: string,
  models: TeacherForcingModels,
  o: ResolvedOptions,
  fused: FusedEpochs | undefined,
  callbacks: tf.CustomCallbackArgs | undefined,
): Promise<EpochLoopResult<TeacherForcingEvaluation>> {
  const dataRandom = o.seed === undefined ? Math.random : mulberry32(deriveSeed(o.seed, 1));
  const evalRandom = o.seed === undefined ? Math.random : mulberry32(deriveSeed(o.seed, 2));
  return runEpochs({
    fn,
    epochs: o.epochs,
    loop: o,
    train: async () => {
      const samples = drawSamples(fn, o.samplesPerEpoch, o.lengths, models.nUnique, dataRandom);
      return fused
        ? fused.train(teacherForcingData(models, samples), o.batchSize, false)
        : fitEpoch(models, samples, o.batchSize, callbacks);
    },
    sync: () => fused?.sync(),
    check: async (_epoch, target) => {
      const { evaluationSamples: samples, lengths, signal } = o;
      const runner = fused?.runner;
      const evaluation = await evaluateDuringTraining(
        fn,
        models,
        samples,
        lengths,
        evalRandom,
        signal,
        runner,
      );
      if (evaluation === undefined) return undefined;
      const { sequenceAccuracy, accuracy } = evaluation;
      return {
        evaluation,
        reached: sequenceAccuracy >= target,
        summary: `fresh-sample sequence accuracy ${sequenceAccuracy.toFixed(4)} (item accuracy ${accuracy.toFixed(4)}, ${samples} samples)`,
      };
    },
  });
}

/** The fused engine's rows for a batch of checked sequences: ids, `-1` for all-zero rows. */
function teacherForcingData(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
): FusedData {
  const ids = teacherForcingIds(models, sequences);
  return {
    rows: sequences.length,
    feeds: [
      { kind: 'ids', ids: ids.encoderInput, width: models.nUnique },
      { kind: 'ids', ids: ids.decoderInput, width: models.nUnique + 1 },
    ],
    target: { kind: 'ids', ids: ids.decoderTarget },
  };
}

/**
 * One epoch through `models.training.fit`, no shuffling, with the schedule's `callbacks` if
 * any; its tensors disposed.
 */
async function fitEpoch(
  models: TeacherForcingModels,
  samples: readonly (readonly number[])[],
  batchSize: number,
  callbacks: tf.CustomCallbackArgs | undefined,
): Promise<{ loss: number; accuracy: number }> {
  const t = teacherForcingTensors(models, samples);
  try {
    const fitted = await models.training.fit([t.encoderInput, t.decoderInput], t.decoderTarget, {
      epochs: 1,
      batchSize,
      shuffle: false,
      ...(callbacks && { callbacks }),
    });
    return {
      loss: lastValue(fitted, 'loss'),
      accuracy: lastValue(fitted, 'maskedAccuracy', 'masked_accuracy'),
    };
  } finally {
    tf.dispose([t.encoderInput, t.decoderInput, t.decoderTarget]);
  }
}
