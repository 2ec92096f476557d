/**
 * `seq-echo train`, given its parsed plan: build, check the settings, train with progress and
 * fresh-sequence checks, report, save and draw the curve. What the CLI prints about the model
 * (its family, window, units, batching, learning rate) is read from the model the factory
 * built, so the factories' defaults are written down in one place only: the factories. This
 * file has the echo families (`trainEcho`); trainTeacher.ts has teacher forcing, trainLoop.ts
 * what they share.
 */
import type * as tf from '@tensorflow/tfjs';
import type * as SeqEcho from '../index';
import { familyPresets } from '../familyPresets';
import { readEchoShape, type EchoShape } from '../models/echoShape';
import { type CliIo, freshLength, loadLibrary, printer } from './commands';
import { usageErrorFrom } from './flags';
import { cliFamilyName } from './modelArgs';
import { checkOutputPaths } from './outputs';
import type { EchoTrainPlan, TrainPlan } from './plan';
import { formatEchoTable, formatEvaluation } from './table';
import { teacherForcingTrainee } from './trainTeacher';
import {
  adamText,
  familyOf,
  FLAG_OF,
  headerLine,
  outcomeLines,
  shapeText,
  type Trainee,
  trainWithChecks,
  writeCurve,
} from './trainLoop';

/** Fresh sequences in `train`'s final evaluation. */
const FINAL_SEQUENCES = 100;

/** Builds an echo family's model; a value the factory refuses is a usage error naming its flag. */
function buildEcho(lib: typeof SeqEcho, plan: EchoTrainPlan) {
  const started = performance.now();
  const fn = familyPresets[plan.family].factory;
  const factory = lib[fn] as (options: object) => tf.LayersModel;
  let model: tf.LayersModel;
  try {
    model = factory(plan.model);
  } catch (error) {
    throw usageErrorFrom(error, fn, FLAG_OF, 'train');
  }
  return { model, fn, buildMs: performance.now() - started, shape: readEchoShape('train', model) };
}

/** The lines saying what is about to be trained. */
function echoPlanLines(
  plan: EchoTrainPlan,
  built: ReturnType<typeof buildEcho>,
  backend: string,
): string[] {
  const { train, target } = plan;
  const { model, shape } = built;
  const lstm = model.layers.find((layer) => layer.getClassName() === 'LSTM');
  const units = lstm === undefined ? '' : `LSTM(${Number(lstm.getConfig().units)}), `;
  const task = shape.task === 'reverse' ? ', reverse' : '';
  const linear = shape.representation === 'linear' ? ', linear' : '';
  // Padded framing (a masked model): every item ends a window.
  const windows = train.sequenceLength - (shape.framing === 'padded' ? 0 : shape.nIn - 1);
  const lines = [
    headerLine(plan, built.fn, backend),
    `model:    ${familyOf(model)}${task}${linear}: ${units}` +
      `input ${shapeText(model.inputs[0]!.shape)} -> output ${shapeText(model.outputs[0]!.shape)}, ` +
      `${model.countParams()} weights, ` +
      `${shape.stateful ? 'stateful' : `stateless, batches of ${train.batchSize}`}, ` +
      `${adamText(model, train.learningRateSchedule)} (built in ${(built.buildMs / 1000).toFixed(1)} s)`,
    `training: ${target === undefined ? '' : 'up to '}${train.epochs} epochs of ${train.sequenceLength} ` +
      `integers (${windows} windows), seed ${train.seed}`,
  ];
  if (target !== undefined) {
    lines.push(
      `target:   ${target} accuracy on ${train.evaluationSequences} fresh sequences, ` +
        `checked every ${train.evaluateEvery} epochs`,
    );
  }
  return [...lines, ''];
}

/** `trainEcho`'s options for the plan (without callbacks and signal). */
function trainOptions(plan: EchoTrainPlan, shape: EchoShape): SeqEcho.TrainEchoOptions {
  const { train } = plan;
  return {
    epochs: train.epochs,
    seed: train.seed,
    sequenceLength: train.sequenceLength,
    // A stateful model trains with the batch it was built with.
    batchSize: shape.stateful ? undefined : train.batchSize,
    learningRateSchedule: train.learningRateSchedule,
  };
}

/** The final evaluation on new sequences, and the Expected/Predicted table for one more. */
async function echoResults(lib: typeof SeqEcho, plan: EchoTrainPlan, model: tf.LayersModel) {
  const { nIn, nUnique, task } = readEchoShape('train', model);
  const evaluationSeed = plan.train.seed + 1;
  const evaluation = await lib.evaluateEcho(model, {
    sequences: FINAL_SEQUENCES,
    sequenceLength: freshLength(nIn),
    seed: evaluationSeed,
  });
  const tableSeed = plan.train.seed + 2;
  const sequence = lib.generateSequence(freshLength(nIn), { nUnique, seed: tableSeed });
  return [
    ...formatEvaluation(evaluation, FINAL_SEQUENCES, evaluationSeed),
    '',
    `one new random sequence (seed ${tableSeed}):`,
    ...formatEchoTable(lib.predictEcho(model, sequence), nUnique, task),
    '',
  ];
}

/** An echo family's model, trained with `trainEcho` and checked with `evaluateEcho`. */
function echoTrainee(lib: typeof SeqEcho, plan: EchoTrainPlan): Trainee {
  const built = buildEcho(lib, plan);
  const { model, shape } = built;
  const { train } = plan;
  return {
    // trainEcho checks its options before the first epoch and stops there on an aborted
    // signal. The target and check schedule go along, though the CLI runs the checks itself,
    // so that they are checked by the same rules.
    checkSettings: async () => {
      try {
        await lib.trainEcho(model, {
          ...trainOptions(plan, shape),
          targetAccuracy: plan.target,
          evaluateEvery: train.evaluateEvery,
          evaluationSequences: train.evaluationSequences,
          signal: AbortSignal.abort(),
        });
      } catch (error) {
        throw usageErrorFrom(error, 'trainEcho', FLAG_OF, 'train');
      }
    },
    describe: (backend) => echoPlanLines(plan, built, backend),
    train: (signal, onEpochEnd) =>
      lib.trainEcho(model, { ...trainOptions(plan, shape), signal, onEpochEnd }),
    check: (random) =>
      lib.evaluateEcho(model, {
        sequences: train.evaluationSequences,
        sequenceLength: train.sequenceLength,
        random,
      }),
    results: () => echoResults(lib, plan, model),
    save: async (dir) => (await lib.saveEchoModel(model, dir)).location,
    dispose: () => {
      lib.disposeEchoModel(model);
    },
  };
}

/**
 * `seq-echo train`: selects the backend, builds the family's model, has its training
 * function check the settings, trains it with progress and fresh-sequence checks (stopping at
 * the target, or after the current epoch on Ctrl-C), evaluates it on new sequences, prints the
 * Expected/Predicted table for one more, saves the model and writes the learning curve.
 *
 * @param plan - The parsed command line.
 * @param io - Where to write.
 * @returns `'interrupted'` when Ctrl-C stopped training (the report is still complete), else
 *   `'done'`.
 * @throws UsageError (exit code 2) for a value the library refuses before training (e.g.
 *   `--units 0`, or `--units 100000`: too many weights) or an output path that cannot be
 *   written; whatever else seq-echo throws (exit code 1), or Error when the curve cannot be
 *   written.
 */
export async function runTrain(plan: TrainPlan, io: CliIo): Promise<'done' | 'interrupted'> {
  const print = printer(io);
  // Before anything slow: a path that cannot be written would lose the trained model.
  await checkOutputPaths(plan.save, plan.curve);
  const lib = await loadLibrary();
  const backend = await lib.selectBackend(plan.backend);
  const trainee =
    plan.family === 'teacherForcing' ? teacherForcingTrainee(lib, plan) : echoTrainee(lib, plan);
  try {
    await trainee.checkSettings();
    print(...trainee.describe(backend));
    const trained = await trainWithChecks(trainee, plan, io);
    print(...outcomeLines(plan, trained));
    print(...(await trainee.results()));
    if (plan.save === undefined) {
      print('model not saved (add --save DIR to keep it)');
    } else {
      print(`model saved to ${await trainee.save(plan.save)}`);
    }
    if (plan.curve !== undefined) {
      await writeCurve(plan.curve, plan, trained, cliFamilyName(plan.family));
      print(`learning curve: ${plan.curve}`);
    }
    return trained.stop?.reason === 'interrupt' ? 'interrupted' : 'done';
  } finally {
    trainee.dispose();
  }
}
