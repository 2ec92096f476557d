import type * as tf from '@tensorflow/tfjs';
import { assertWithin, MAX_TENSOR_VALUES } from '../internal/limits';
import { planTraining, type TrainingPlan } from '../models/fusedPlan';
import { threadsFor } from './fused/threads/choose';
import { batchWorkingFloats, FusedTrainer, type FusedData } from './fused/trainer';

/** The engine a training run uses: a fused plan, or tfjs with the reason `'auto'` fell back. */
export interface EngineChoice {
  /** The fused engine's plan, or `undefined` for `model.fit`. */
  plan: TrainingPlan | undefined;
  /** Why `'auto'` fell back to tfjs; `undefined` when fused runs or `'tfjs'` was asked. */
  fallbackReason: string | undefined;
}

/**
 * Resolves the checked `options.engine` for `model`: `'fused'` throws when the fused engine
 * cannot compute the model (`subject` names it in the message: "a model", "models"), and a
 * fused run's working values for one batch of `rows` rows must stay within the tensor limit
 * (`shownBatch` is the batch size the message names).
 */
export function chooseEngine(
  fn: string,
  model: tf.LayersModel,
  engine: 'auto' | 'fused' | 'tfjs',
  batch: { size: number; rows: number; shown: unknown },
  subject: string,
): EngineChoice {
  if (engine === 'tfjs') return { plan: undefined, fallbackReason: undefined };
  const plan = planTraining(model);
  if (typeof plan === 'string') {
    if (engine === 'fused') {
      throw new RangeError(
        `${fn}: options.engine 'fused' needs ${subject} the fused engine computes, but ${plan}`,
      );
    }
    return { plan: undefined, fallbackReason: plan };
  }
  assertWithin(
    fn,
    'options.batchSize',
    batch.shown,
    batchWorkingFloats(plan, Math.min(batch.size, batch.rows)),
    MAX_TENSOR_VALUES,
    "the fused engine's working values for one batch",
  );
  return { plan, fallbackReason: undefined };
}

/** Fused trainers (with their Adam moments) per trained model, kept across calls. */
const trainers = new WeakMap<tf.LayersModel, FusedTrainer>();

/** Drops the fused trainer (weights and Adam moments) kept for `model`, if any. */
export function forgetTrainer(model: tf.LayersModel): void {
  trainers.get(model)?.forget();
  trainers.delete(model);
}

/** One fused epoch at a time, and a way to bring the model's weights up to date. */
export interface FusedEpochs {
  train: (
    data: FusedData,
    batchSize: number,
    stateful: boolean,
  ) => Promise<{
    loss: number;
    accuracy: number;
  }>;
  /** The threads the last epoch trained on (1 before the first). */
  threads: () => number;
  /** Writes the weights back into the model if an epoch changed them since the last sync. */
  sync: () => void;
  /** The trainer, which also predicts and decodes with the weights it trains. */
  runner: FusedTrainer;
}

/**
 * The fused trainer for `model` (kept from an earlier call when it fits the plan, with the
 * model's current weights read in: they may have changed by hand or by `model.fit`), with
 * its weights written back lazily: only when an epoch ran since the last sync.
 */
export function fusedEpochs(
  model: tf.LayersModel,
  plan: TrainingPlan,
  threads: number | 'auto',
): FusedEpochs {
  let trainer = trainers.get(model);
  if (!trainer?.fits(plan)) {
    trainer = new FusedTrainer(model, plan);
    trainers.set(model, trainer);
  } else {
    trainer.readWeights();
  }
  const fused = trainer;
  let dirty = false;
  let used = 1;
  return {
    train: async (data, batchSize, stateful) => {
      const rows = Math.min(batchSize, data.rows);
      const wanted = await threadsFor(rows, model.countParams(), threads);
      used = await fused.useThreads(wanted, rows);
      dirty = true;
      return fused.trainEpoch(data, batchSize, stateful);
    },
    threads: () => used,
    sync: () => {
      if (dirty) fused.writeBack();
      dirty = false;
    },
    runner: fused,
  };
}
