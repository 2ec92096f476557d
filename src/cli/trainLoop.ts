/**
 * What `seq-echo train` does the same way for every family: train with progress, checking
 * fresh sequences every few epochs and stopping at the target or on Ctrl-C; say how it ended;
 * draw the learning curve. What differs by family (building, checking the settings, the
 * training function, the final table) is a {@link Trainee}: train.ts has the echo families'
 * (`trainEcho`), trainTeacher.ts teacher forcing's (`trainTeacherForcing`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { LearningRateSchedule, RandomSource } from '../index';
import { mulberry32 } from '../data/random';
import type { CliIo } from './commands';
import { learningCurveSvg } from './curve';
import { modelFamily } from './family';
import { cliFamilyName } from './modelArgs';
import type { TrainPlan } from './plan';
import { createProgress, type ProgressCheck, type ProgressSnapshot } from './progress';

/** What a training function's run gives back, as far as the CLI reads it. */
export interface TrainRun {
  /** Epochs trained. */
  epochs: number;
  /** Milliseconds, checks included. */
  elapsedMs: number;
  /** Loss and training accuracy of every epoch. */
  history: { loss: number[]; accuracy: number[] };
}

/** One family's part of `train`: its model, built, and how to train, check and show it. */
export interface Trainee {
  /** Has the training function check every setting (it stops at once on an aborted signal). */
  checkSettings(): Promise<void>;
  /** The lines saying what is about to be trained, read from the built model. */
  describe(backend: string): string[];
  /** Trains, calling `onEpochEnd` after each epoch, until the epochs run out or `signal` aborts. */
  train(
    signal: AbortSignal,
    onEpochEnd: (log: ProgressSnapshot) => Promise<void>,
  ): Promise<TrainRun>;
  /** A check on fresh sequences during training, drawn from `random`. */
  check(random: RandomSource): Promise<Omit<ProgressCheck, 'epoch'>>;
  /** The final evaluation on new sequences and the Expected/Predicted table. */
  results(): Promise<string[]>;
  /** Saves the model in `dir`; returns where it went. */
  save(dir: string): Promise<string>;
  /** Frees the model(s). */
  dispose(): void;
}

/** The `train` flag that sets each option of the factories and the training functions. */
export const FLAG_OF: Readonly<Record<string, string>> = {
  nIn: '--n-in',
  nOut: '--n-out',
  nUnique: '--n-unique',
  units: '--units',
  batchSize: '--batch-size',
  stateful: '--[no-]stateful',
  learningRate: '--learning-rate',
  seed: '--seed',
  epochs: '--epochs',
  sequenceLength: '--sequence-length',
  targetAccuracy: '--target',
  evaluateEvery: '--evaluate-every',
};

/** `[7,5,100]`, `[batch,5,100]`: a shape as `train` prints it. */
export const shapeText = (s: readonly (number | null)[]): string =>
  `[${s.map((d) => d ?? 'batch').join(',')}]`;

/** The first line: what was asked for, and the backend. */
export function headerLine(plan: TrainPlan, factory: string, backend: string): string {
  if (plan.recipe === undefined) {
    const name = cliFamilyName(plan.family);
    return `seq-echo train: model ${name} (familyPresets.${plan.family}, ${factory}), backend ${backend}`;
  }
  const model = plan.recipe === 'whole' ? 'model A' : 'model B';
  return `seq-echo train: recipe ${plan.recipe} (${model}, ${factory}), preset ${plan.preset ?? ''}, backend ${backend}`;
}

/** The Adam learning rate a compiled model's optimizer has, and its schedule if any. */
export function adamText(model: tf.LayersModel, schedule?: LearningRateSchedule): string {
  const optimizer = (model as { optimizer?: tf.Optimizer }).optimizer;
  const rate = Number(optimizer?.getConfig().learningRate);
  return `Adam ${rate}${schedule === undefined ? '' : ` on a ${schedule.kind} schedule`}`;
}

/** The family of a built model in words (family.ts), from its layers. */
export const familyOf = (model: tf.LayersModel): string =>
  modelFamily({ classes: model.layers.map((l) => l.getClassName()), inputs: model.inputs.length });

/** Why training stopped early, if it did. */
type Stop = { reason: 'target'; check: ProgressCheck } | { reason: 'interrupt' } | undefined;

/** What training produced. */
export interface Trained {
  result: TrainRun;
  checks: ProgressCheck[];
  stop: Stop;
}

/**
 * Trains with progress, running the fresh-sequence checks from `onEpochEnd` rather than
 * through the training function's own `targetAccuracy`, so that each is reported as it
 * happens. They follow the same rule (every `evaluateEvery` epochs and after the last, from a
 * stream seeded by the run's seed) and stop training by aborting its signal, as Ctrl-C does.
 */
export async function trainWithChecks(
  trainee: Trainee,
  plan: TrainPlan,
  io: CliIo,
): Promise<Trained> {
  const { train, target } = plan;
  const progress = createProgress(io.stdout);
  const controller = new AbortController();
  const checkRandom = mulberry32(Math.imul(train.seed, 0x9e3779b1) ^ 0x5eed);
  const checks: ProgressCheck[] = [];
  let stop: Stop;
  const stopListening = io.onInterrupt?.(() => {
    if (stop !== undefined) return;
    stop = { reason: 'interrupt' };
    controller.abort();
    progress.note('interrupted: stopping after this epoch (Ctrl-C again to quit at once)');
  });
  try {
    const result = await trainee.train(controller.signal, async (log) => {
      progress.update(log);
      const due = log.epoch % train.evaluateEvery === 0 || log.epoch === log.epochs;
      if (target === undefined || !due || controller.signal.aborted) return;
      const check = { epoch: log.epoch, ...(await trainee.check(checkRandom)) };
      checks.push(check);
      progress.check(check);
      if (check.accuracy >= target) {
        stop = { reason: 'target', check };
        controller.abort();
      }
    });
    return { result, checks, stop };
  } finally {
    progress.finish();
    stopListening?.();
  }
}

/** The lines saying how training ended and how long it took. */
export function outcomeLines(plan: TrainPlan, { result, checks, stop }: Trained): string[] {
  const { epochs, elapsedMs } = result;
  const { target } = plan;
  const most = plan.train.epochs;
  const lastCheck = checks[checks.length - 1];
  let how: string;
  if (stop?.reason === 'target') {
    how =
      `stopped after epoch ${epochs} of ${most}: accuracy ${stop.check.accuracy.toFixed(4)} ` +
      `on fresh sequences reached the target ${target}`;
  } else if (stop?.reason === 'interrupt') {
    how = `interrupted after epoch ${epochs} of ${most}`;
  } else if (target !== undefined) {
    how =
      `trained all ${epochs} epochs without reaching the target ${target}` +
      (lastCheck ? ` (last check: ${lastCheck.accuracy.toFixed(4)})` : '');
  } else {
    how = `trained all ${epochs} epochs`;
  }
  return [
    how,
    `training time: ${(elapsedMs / 1000).toFixed(1)} s (${(elapsedMs / Math.max(1, epochs)).toFixed(1)} ms/epoch)`,
    '',
  ];
}

/** How the plan chose its model, for the curve's subtitle: `recipe whole, preset fast` or `model attention`. */
export function chosenBy(plan: TrainPlan, familyName: string): string {
  return plan.recipe === undefined
    ? `model ${familyName}`
    : `recipe ${plan.recipe}, preset ${plan.preset ?? ''}`;
}

/** Writes the learning curve's SVG to `path`. */
export async function writeCurve(
  path: string,
  plan: TrainPlan,
  { result, checks }: Trained,
  familyName: string,
): Promise<void> {
  const { epochs, elapsedMs } = result;
  const svg = learningCurveSvg({
    loss: result.history.loss,
    accuracy: result.history.accuracy,
    checks,
    target: plan.target,
    subtitle:
      `${chosenBy(plan, familyName)}, seed ${plan.train.seed}: ` +
      `${epochs} epoch${epochs === 1 ? '' : 's'}, ${(elapsedMs / 1000).toFixed(1)} s`,
  });
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, svg);
  } catch (error) {
    throw new Error(
      `could not write the learning curve to ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
