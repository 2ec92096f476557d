/**
 * `seq-echo train`, given its parsed plan: build, check the settings, train with progress and
 * fresh-sequence checks, report, save and draw the curve. What the CLI prints about the model
 * (its window, units, batching, learning rate) is read from the model the factory built, so
 * the factories' defaults are written down in one place only: the factories.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type * as SeqEcho from '../index';
import type { TrainPlan } from './args';
import { type CliIo, freshLength, loadLibrary, printer } from './commands';
import { mulberry32 } from '../data/random';
import { learningCurveSvg } from './curve';
import { usageErrorFrom } from './flags';
import { checkOutputPaths } from './outputs';
import { createProgress, type ProgressCheck } from './progress';
import { formatEchoTable, formatEvaluation } from './table';

/** Fresh sequences in `train`'s final evaluation. */
const FINAL_SEQUENCES = 100;

/** The `train` flag that sets each option of the factories and `trainEcho`. */
const FLAG_OF: Readonly<Record<string, string>> = {
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

/** What `train` says about the model it built, read from the model. */
interface Built {
  model: tf.LayersModel;
  buildMs: number;
  nIn: number;
  nUnique: number;
  units: number;
  stateful: boolean;
  learningRate: number;
}

/** Builds the plan's model; a value the factory refuses is a usage error naming its flag. */
function build(lib: typeof SeqEcho, plan: TrainPlan): Built {
  const started = performance.now();
  const fn = plan.recipe === 'whole' ? 'buildSeq2Seq' : 'buildEncoderDecoder';
  let model: tf.LayersModel;
  try {
    model = lib[fn](plan.model);
  } catch (error) {
    throw usageErrorFrom(error, fn, FLAG_OF, 'train');
  }
  const [batch, nIn, nUnique] = model.inputs[0]!.shape;
  const lstm = model.layers.find((layer) => layer.getClassName() === 'LSTM');
  const optimizer = (model as { optimizer?: tf.Optimizer }).optimizer;
  return {
    model,
    buildMs: performance.now() - started,
    nIn: nIn ?? 0,
    nUnique: nUnique ?? 0,
    units: Number(lstm?.getConfig().units),
    // The factories fix the batch dimension exactly when the model is stateful.
    stateful: batch !== null,
    learningRate: Number(optimizer?.getConfig().learningRate),
  };
}

/** `trainEcho`'s options for the plan (without callbacks and signal). */
function trainOptions(plan: TrainPlan, built: Built): SeqEcho.TrainEchoOptions {
  const { train } = plan;
  return {
    epochs: train.epochs,
    seed: train.seed,
    sequenceLength: train.sequenceLength,
    // A stateful model trains with the batch it was built with.
    batchSize: built.stateful ? undefined : train.batchSize,
  };
}

/**
 * Lets `trainEcho` check every setting before anything is printed: it checks its options
 * before the first epoch, and stops right there when its signal is already aborted. The
 * target and check schedule go along, though the CLI runs the checks itself, so that they are
 * checked by the same rules. A refusal is a usage error naming its flag.
 */
async function checkSettings(lib: typeof SeqEcho, plan: TrainPlan, built: Built): Promise<void> {
  try {
    await lib.trainEcho(built.model, {
      ...trainOptions(plan, built),
      targetAccuracy: plan.target,
      evaluateEvery: plan.train.evaluateEvery,
      evaluationSequences: plan.train.evaluationSequences,
      signal: AbortSignal.abort(),
    });
  } catch (error) {
    throw usageErrorFrom(error, 'trainEcho', FLAG_OF, 'train');
  }
}

/** The lines saying what is about to be trained. */
function planLines(plan: TrainPlan, built: Built, backend: string): string[] {
  const { recipe, train, target } = plan;
  const { model, units } = built;
  const shape = (s: readonly (number | null)[]): string =>
    `[${s.map((d) => d ?? 'batch').join(',')}]`;
  const whole = recipe === 'whole';
  const windows = train.sequenceLength - built.nIn + 1;
  const lines = [
    `seq-echo train: recipe ${recipe} (${whole ? 'model A, buildSeq2Seq' : 'model B, buildEncoderDecoder'}), ` +
      `preset ${plan.preset}, backend ${backend}`,
    `model:    ${whole ? `LSTM(${units})` : `LSTM(${units}) encoder-decoder`}, ` +
      `input ${shape(model.inputs[0]!.shape)} -> output ${shape(model.outputs[0]!.shape)}, ` +
      `${built.stateful ? 'stateful' : `stateless, batches of ${train.batchSize}`}, ` +
      `Adam ${built.learningRate} (built in ${(built.buildMs / 1000).toFixed(1)} s)`,
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

/** Why training stopped early, if it did. */
type Stop = { reason: 'target'; check: ProgressCheck } | { reason: 'interrupt' } | undefined;

/** What training produced. */
interface Trained {
  result: SeqEcho.TrainEchoResult;
  checks: ProgressCheck[];
  stop: Stop;
}

/**
 * Trains with progress, running the fresh-sequence checks from `onEpochEnd` rather than
 * through `trainEcho`'s own `targetAccuracy`, so that each is reported as it happens. They
 * follow the same rule (every `evaluateEvery` epochs and after the last, on
 * `evaluationSequences` sequences of the training length, from a stream seeded by the run's
 * seed) and stop training by aborting its signal, as Ctrl-C does.
 */
async function trainWithChecks(
  lib: typeof SeqEcho,
  plan: TrainPlan,
  built: Built,
  io: CliIo,
): Promise<Trained> {
  const { train, target } = plan;
  const { model } = built;
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
    const result = await lib.trainEcho(model, {
      ...trainOptions(plan, built),
      signal: controller.signal,
      onEpochEnd: async (log) => {
        progress.update(log);
        const due = log.epoch % train.evaluateEvery === 0 || log.epoch === log.epochs;
        if (target === undefined || !due || controller.signal.aborted) return;
        const { accuracy, windows } = await lib.evaluateEcho(model, {
          sequences: train.evaluationSequences,
          sequenceLength: train.sequenceLength,
          random: checkRandom,
        });
        const check = { epoch: log.epoch, accuracy, windows };
        checks.push(check);
        progress.check(check);
        if (check.accuracy >= target) {
          stop = { reason: 'target', check };
          controller.abort();
        }
      },
    });
    return { result, checks, stop };
  } finally {
    progress.finish();
    stopListening?.();
  }
}

/** The lines saying how training ended and how long it took. */
function outcomeLines(plan: TrainPlan, { result, checks, stop }: Trained): string[] {
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

/** The final evaluation on new sequences, and the Expected/Predicted table for one more. */
async function resultLines(lib: typeof SeqEcho, plan: TrainPlan, built: Built) {
  const { model, nIn, nUnique } = built;
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
    ...formatEchoTable(lib.predictEcho(model, sequence), nUnique),
    '',
  ];
}

/** Writes the learning curve's SVG to `path`. */
async function writeCurve(path: string, plan: TrainPlan, { result, checks }: Trained) {
  const { epochs, elapsedMs } = result;
  const svg = learningCurveSvg({
    loss: result.history.loss,
    accuracy: result.history.accuracy,
    checks,
    target: plan.target,
    subtitle:
      `recipe ${plan.recipe}, preset ${plan.preset}, seed ${plan.train.seed}: ` +
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

/**
 * `seq-echo train`: selects the backend, builds the model, has `trainEcho` check the
 * settings, trains it with progress and fresh-sequence checks (stopping at the target, or
 * after the current epoch on Ctrl-C), evaluates it on 100 new sequences, prints the
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
  const built = build(lib, plan);
  try {
    await checkSettings(lib, plan, built);
    print(...planLines(plan, built, backend));
    const trained = await trainWithChecks(lib, plan, built, io);
    print(...outcomeLines(plan, trained));
    print(...(await resultLines(lib, plan, built)));
    if (plan.save === undefined) {
      print('model not saved (add --save DIR to keep it)');
    } else {
      const saved = await lib.saveEchoModel(built.model, plan.save);
      print(`model saved to ${saved.location}`);
    }
    if (plan.curve !== undefined) {
      await writeCurve(plan.curve, plan, trained);
      print(`learning curve: ${plan.curve}`);
    }
    return trained.stop?.reason === 'interrupt' ? 'interrupted' : 'done';
  } finally {
    built.model.dispose();
  }
}
