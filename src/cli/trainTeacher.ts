/**
 * `seq-echo train --model teacher-forcing`: teacher forcing's part of `train` (a
 * {@link Trainee}): built by `buildTeacherForcing`, trained by `trainTeacherForcing`, checked
 * by `evaluateTeacherForcing` (exact sequences, greedily decoded) and shown by `decodeGreedy`,
 * each answer up to END, and saved by `saveTeacherForcing` (`--save`).
 */
import type * as SeqEcho from '../index';
import { mulberry32 } from '../data/random';
import { usageErrorFrom } from './flags';
import type { TeacherForcingTrainPlan } from './plan';
import { formatDecodedTable, formatPercent, type DecodedRow } from './table';
import { adamText, familyOf, FLAG_OF, headerLine, shapeText, type Trainee } from './trainLoop';

/** Fresh samples in the final evaluation. */
const FINAL_SAMPLES = 500;
/** Sequences in the final table. */
const TABLE_ROWS = 8;

/** What the checks count: whole sequences, each right only when decoded exactly. */
const UNIT = 'sequences (exact)';

/** Builds the models; a value `buildTeacherForcing` refuses is a usage error naming its flag. */
function build(lib: typeof SeqEcho, plan: TeacherForcingTrainPlan) {
  const started = performance.now();
  try {
    const models = lib.buildTeacherForcing(plan.model);
    return { models, buildMs: performance.now() - started };
  } catch (error) {
    throw usageErrorFrom(error, 'buildTeacherForcing', FLAG_OF, 'train');
  }
}

/** The lines saying what is about to be trained, read from the built models. */
function planLines(
  plan: TeacherForcingTrainPlan,
  { models, buildMs }: ReturnType<typeof build>,
  backend: string,
): string[] {
  const { train, target } = plan;
  const { training } = models;
  const inputs = training.inputs.map((i) => shapeText(i.shape)).join(' + ');
  const lines = [
    headerLine(plan, 'buildTeacherForcing', backend),
    `model:    ${familyOf(training)}, ${models.task}: LSTM(${models.units}) encoder and ` +
      `decoder, 1 to ${models.maxLength} items in [0, ${models.nUnique}) then END; ` +
      `input ${inputs} -> output ${shapeText(training.outputs[0]!.shape)}, ` +
      `${training.countParams()} weights, ${adamText(training)} ` +
      `(built in ${(buildMs / 1000).toFixed(1)} s)`,
    `training: ${target === undefined ? '' : 'up to '}${train.epochs} epochs of ` +
      `${train.samplesPerEpoch} fresh samples in batches of ${train.batchSize}, seed ${train.seed}`,
  ];
  if (target !== undefined) {
    lines.push(
      `target:   ${target} of ${train.evaluationSamples} fresh sequences decoded exactly, ` +
        `checked every ${train.evaluateEvery} epoch${train.evaluateEvery === 1 ? '' : 's'}`,
    );
  }
  return [...lines, ''];
}

/** The final evaluation, and a table of fresh sequences decoded greedily up to END. */
function results(
  lib: typeof SeqEcho,
  plan: TeacherForcingTrainPlan,
  models: SeqEcho.TeacherForcingModels,
): string[] {
  const evaluationSeed = plan.train.seed + 1;
  const e = lib.evaluateTeacherForcing(models, { samples: FINAL_SAMPLES, seed: evaluationSeed });
  const tableSeed = plan.train.seed + 2;
  const random = mulberry32(tableSeed);
  const limit = models.maxLength + 1; // decodeGreedy's default step limit
  const rows: DecodedRow[] = [];
  for (let i = 0; i < TABLE_ROWS; i++) {
    const length = 1 + Math.floor(random() * models.maxLength);
    const input = lib.generateSequence(length, { nUnique: models.nUnique, random });
    const predicted = lib.decodeGreedy(models, input);
    const expected = models.task === 'reverse' ? [...input].reverse() : input;
    rows.push({ input, expected, predicted, ended: predicted.length < limit });
  }
  return [
    `evaluation on ${FINAL_SAMPLES} fresh sequences (seed ${evaluationSeed}), decoded greedily:`,
    `  per-item accuracy:   ${formatPercent(e.accuracy)}`,
    `  exact sequences:     ${formatPercent(e.sequenceAccuracy)}`,
    `  right length:        ${formatPercent(e.lengthAccuracy)}`,
    '',
    `${TABLE_ROWS} new random sequences (seed ${tableSeed}):`,
    ...formatDecodedTable(rows, models.task),
    '',
  ];
}

/**
 * Teacher forcing's part of `train`: the models built from the plan, trained with
 * `trainTeacherForcing`, whose accuracy is the fraction of fresh sequences decoded exactly
 * (what its own `targetAccuracy` measures).
 *
 * @param lib - seq-echo.
 * @param plan - The parsed command line.
 * @returns The trainee.
 * @throws UsageError for a value `buildTeacherForcing` refuses.
 */
export function teacherForcingTrainee(lib: typeof SeqEcho, plan: TeacherForcingTrainPlan): Trainee {
  const built = build(lib, plan);
  const { models } = built;
  const { train } = plan;
  const options: SeqEcho.TrainTeacherForcingOptions = {
    epochs: train.epochs,
    seed: train.seed,
    samplesPerEpoch: train.samplesPerEpoch,
    batchSize: train.batchSize,
  };
  return {
    checkSettings: async () => {
      try {
        await lib.trainTeacherForcing(models, {
          ...options,
          targetAccuracy: plan.target,
          evaluateEvery: train.evaluateEvery,
          evaluationSamples: train.evaluationSamples,
          signal: AbortSignal.abort(),
        });
      } catch (error) {
        throw usageErrorFrom(error, 'trainTeacherForcing', FLAG_OF, 'train');
      }
    },
    describe: (backend) => planLines(plan, built, backend),
    train: (signal, onEpochEnd) =>
      lib.trainTeacherForcing(models, { ...options, signal, onEpochEnd }),
    check: (random) => {
      const e = lib.evaluateTeacherForcing(models, { samples: train.evaluationSamples, random });
      return Promise.resolve({ accuracy: e.sequenceAccuracy, windows: e.samples, unit: UNIT });
    },
    results: () => Promise.resolve(results(lib, plan, models)),
    save: async (dir) => (await lib.saveTeacherForcing(models, dir)).location,
    dispose: () => {
      models.dispose();
    },
  };
}
