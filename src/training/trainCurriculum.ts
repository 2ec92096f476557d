import type * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';
import {
  assertFunction,
  assertInteger,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  message,
  optionKeys,
} from '../internal/assert';
import { MAX_SEQUENCE_LENGTH } from '../internal/limits';
import { isLayersModel } from '../models/echoShape';
import { disposeEchoModel } from './disposeEchoModel';
import {
  trainEcho,
  TRAIN_ECHO_KEYS,
  type TrainEchoOptions,
  type TrainEchoResult,
} from './trainEcho';

/** One stage of a curriculum: the window its model reads and how long it trains. */
export interface CurriculumStage {
  /** Input steps per window at this stage, `>= 1`. */
  nIn: number;
  /** Answer steps per window at this stage, in `[1, nIn]`. Default `nIn`. */
  nOut?: number | undefined;
  /** Epochs at most at this stage, `>= 1`. */
  epochs: number;
  /**
   * Move to the next stage as soon as a check on fresh sequences reaches this accuracy, in
   * `(0, 1]`. Default: the options' `targetAccuracy` (none: train all `epochs`).
   */
  targetAccuracy?: number | undefined;
  /** Length of each epoch's sequence at this stage. Default: the options' `sequenceLength`. */
  sequenceLength?: number | undefined;
}

/** Options of {@link trainCurriculum}: {@link trainEcho}'s, with the epochs given per stage. */
export interface TrainCurriculumOptions extends Omit<TrainEchoOptions, 'epochs'> {
  /** The stages, in order (usually of growing `nIn`); at least one. */
  stages: readonly CurriculumStage[];
}

/** One stage's window and its {@link trainEcho} result. */
export interface CurriculumStageResult extends TrainEchoResult {
  /** The stage's input steps. */
  nIn: number;
  /** The stage's answer steps. */
  nOut: number;
}

/** Result of {@link trainCurriculum}. */
export interface TrainCurriculumResult {
  /** The last stage's model, trained; the caller's to dispose (the earlier ones are disposed). */
  model: tf.LayersModel;
  /** Every stage trained, in order; fewer than `stages` when `signal` aborted the run. */
  stages: CurriculumStageResult[];
  /** Epochs trained over all stages. */
  epochs: number;
  /** Wall-clock milliseconds of the whole run, checks and model building included. */
  elapsedMs: number;
}

const FN = 'trainCurriculum';

const STAGE_KEYS = optionKeys<CurriculumStage>()([
  'nIn',
  'nOut',
  'epochs',
  'targetAccuracy',
  'sequenceLength',
]);

/** Every key of {@link TrainCurriculumOptions}: trainEcho's but `epochs`, and `stages`. */
const OPTION_KEYS = [...TRAIN_ECHO_KEYS.filter((key) => key !== 'epochs'), 'stages'];

/** Checks the stages (the rest of the options are `trainEcho`'s to check, before training). */
function checkStages(options: unknown): readonly CurriculumStage[] {
  assertOptions(FN, 'options', options);
  if (options === undefined)
    throw new TypeError(message(FN, 'options', 'an options object', options));
  assertKnownKeys(FN, 'options', options, OPTION_KEYS);
  const { stages } = options as { stages?: unknown };
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new TypeError(message(FN, 'options.stages', 'a non-empty array of stages', stages));
  }
  stages.forEach((stage: unknown, i) => {
    const at = `options.stages[${i}]`;
    if (typeof stage !== 'object' || stage === null || Array.isArray(stage)) {
      throw new TypeError(message(FN, at, 'a stage object', stage));
    }
    assertKnownKeys(FN, at, stage, STAGE_KEYS);
    const s = stage as Partial<Record<keyof CurriculumStage, unknown>>;
    assertInteger(FN, `${at}.nIn`, s.nIn, { min: 1, max: MAX_SEQUENCE_LENGTH });
    if (s.nOut !== undefined) assertInteger(FN, `${at}.nOut`, s.nOut, { min: 1, max: s.nIn });
    assertInteger(FN, `${at}.epochs`, s.epochs, { min: 1 });
    if (s.targetAccuracy !== undefined) {
      assertNumber(FN, `${at}.targetAccuracy`, s.targetAccuracy, {
        min: 0,
        max: 1,
        minExclusive: true,
      });
    }
    if (s.sequenceLength !== undefined) {
      assertInteger(FN, `${at}.sequenceLength`, s.sequenceLength, {
        min: 1,
        max: MAX_SEQUENCE_LENGTH,
      });
    }
  });
  return stages as readonly CurriculumStage[];
}

/** Throws unless `next` has `previous`'s weights, shape for shape. */
function assertSameWeights(
  previous: tf.LayersModel,
  next: tf.LayersModel,
  window: { nIn: number; nOut: number },
): void {
  const before = previous.weights;
  const after = next.weights;
  const differs = after.findIndex((w, i) => w.shape.join() !== before[i]?.shape.join());
  if (after.length === before.length && differs < 0) return;
  const what =
    after.length === before.length
      ? `weight ${after[differs]!.originalName} is [${after[differs]!.shape.join(', ')}] where the previous stage's is [${before[differs]!.shape.join(', ')}]`
      : `it has ${after.length} weights where the previous stage's has ${before.length}`;
  throw new RangeError(
    `${FN}: build must return models whose weights do not depend on the window (as buildSeq2Seq's and buildEncoderDecoder's do), but for ${JSON.stringify(window)} ${what}`,
  );
}

/**
 * Trains on a curriculum over the window: a model per stage, built by `build` for the
 * stage's `nIn` and `nOut`, starts from the previous stage's weights and trains with
 * {@link trainEcho} for the stage's `epochs` or until its `targetAccuracy`, then the next
 * stage takes over. Short windows are learned first and their weights carry over, since the
 * LSTM and output weights of {@link buildSeq2Seq} and {@link buildEncoderDecoder} models do
 * not depend on the window's length. A stage that misses its target still hands its weights
 * on; each stage's result says how it ended. Adam's moments start afresh with each stage's
 * model (it is compiled anew).
 *
 * Every other option is {@link trainEcho}'s and applies to every stage: with a `seed`, stage
 * `i` trains on a seed derived from it and `i`; `onEpochEnd` counts each stage's epochs from
 * 1; `signal` ends the current stage and the run. The stages are checked before any model is
 * built, and the other options by `trainEcho` before the first stage trains (the model built
 * for it is then disposed). Only the last model is returned; the others are disposed.
 *
 * @example
 * ```ts
 * import { buildEncoderDecoder, disposeEchoModel, trainCurriculum } from 'seq-echo';
 *
 * // Reverse windows of 3, then 4 items: the 4-item stage starts from the 3-item weights.
 * const { model, stages } = await trainCurriculum(
 *   ({ nIn, nOut }) =>
 *     buildEncoderDecoder({ nIn, nOut, nUnique: 10, task: 'reverse', stateful: false, seed: 1 }),
 *   { stages: [{ nIn: 3, epochs: 4 }, { nIn: 4, epochs: 2 }], sequenceLength: 40, seed: 1 },
 * );
 * console.log(stages.map((s) => [s.nIn, s.epochs])); // [ [ 3, 4 ], [ 4, 2 ] ]
 * console.log(model.inputs[0]?.shape); // [null, 4, 10]
 * disposeEchoModel(model);
 * ```
 */
export async function trainCurriculum(
  build: (window: { nIn: number; nOut: number }) => tf.LayersModel,
  options: TrainCurriculumOptions,
): Promise<TrainCurriculumResult> {
  assertFunction(FN, 'build', build);
  const stages = checkStages(options);
  const { seed } = options;
  const shared: Omit<TrainCurriculumOptions, 'stages' | 'seed'> & { stages?: unknown } = {
    ...options,
  };
  delete shared.stages;
  delete (shared as { seed?: unknown }).seed;
  const started = performance.now();
  const results: CurriculumStageResult[] = [];
  let model: tf.LayersModel | undefined;
  for (const [i, stage] of stages.entries()) {
    if (i > 0 && options.signal?.aborted) break;
    const window = { nIn: stage.nIn, nOut: stage.nOut ?? stage.nIn };
    let next: tf.LayersModel | undefined;
    try {
      const built = build(window);
      if (!isLayersModel(built)) {
        throw new TypeError(
          message(FN, `build(${JSON.stringify(window)})`, 'a tf.LayersModel', built),
        );
      }
      next = built;
      if (model !== undefined) {
        assertSameWeights(model, next, window);
        next.setWeights(model.getWeights());
      }
      const target = stage.targetAccuracy ?? shared.targetAccuracy;
      const sequenceLength = stage.sequenceLength ?? shared.sequenceLength;
      const result = await trainEcho(next, {
        ...shared,
        epochs: stage.epochs,
        ...(target === undefined ? {} : { targetAccuracy: target }),
        ...(sequenceLength === undefined ? {} : { sequenceLength }),
        ...(seed === undefined ? {} : { seed: deriveSeed(seed, i) }),
      });
      results.push({ ...result, ...window });
    } catch (error) {
      if (next !== undefined) disposeEchoModel(next);
      if (model !== undefined) disposeEchoModel(model);
      throw error;
    }
    if (model !== undefined) disposeEchoModel(model);
    model = next;
  }
  return {
    model: model!,
    stages: results,
    epochs: results.reduce((sum, r) => sum + r.epochs, 0),
    elapsedMs: performance.now() - started,
  };
}
