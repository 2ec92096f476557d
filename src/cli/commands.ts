/**
 * What `seq-echo train`, `evaluate` and `predict` do, given their parsed plans: every call into
 * seq-echo is here. seq-echo (and with it tfjs, which takes about a second to load) is imported
 * when a command runs, so `--help` and usage errors answer at once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type * as SeqEcho from '../index';
import { type EvaluatePlan, type PredictPlan, type TrainPlan, UsageError } from './args';
import { mulberry32 } from '../data/random';
import { learningCurveSvg } from './curve';
import { escapeControl } from './escape';
import { checkOutputPaths } from './outputs';
import { createProgress, type ProgressCheck, type ProgressStream } from './progress';
import { formatEchoTable, formatEvaluation, formatModelInfo } from './table';

/** Where a command writes, and how it hears of Ctrl-C. */
export interface CliIo {
  /** Results and progress (`process.stdout`); progress is redrawn in place when `isTTY`. */
  stdout: ProgressStream;
  /** Errors and usage (`process.stderr`). */
  stderr: { write(text: string): unknown };
  /** The directory relative paths start from (`process.cwd()`). */
  cwd: string;
  /**
   * Calls `handler` on the next interrupt (Ctrl-C, SIGINT) only; returns a function that stops
   * listening. Without it, training cannot be interrupted gracefully.
   */
  onInterrupt?: ((handler: () => void) => () => void) | undefined;
}

/** Fresh sequences in `train`'s final evaluation. */
const FINAL_SEQUENCES = 100;

/** Loads seq-echo (and tfjs). In the built CLI this is the package's own `dist/index.js`. */
const loadLibrary = (): Promise<typeof SeqEcho> => import('../index');

/** Length of the fresh sequences evaluated and shown: the walkthrough's 25, or longer for big windows. */
const freshLength = (nIn: number): number => Math.max(25, nIn + 4);

/** The seq-echo metadata a loaded model carries. */
function metadataOf(model: tf.LayersModel): SeqEcho.EchoModelMetadata {
  const stored = model.getUserDefinedMetadata() as
    { seqEcho?: SeqEcho.EchoModelMetadata } | undefined;
  if (stored?.seqEcho === undefined) throw new Error('the loaded model has no seq-echo metadata');
  return stored.seqEcho;
}

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
};

/**
 * A library function's refusal of an option as a {@link UsageError} (exit code 2) naming the
 * flag that set it, or `error` itself when it is something else. A refusal is a `TypeError` or
 * `RangeError` whose message starts `fn: options.` (seq-echo's form for a bad option).
 */
function usageErrorFrom(error: unknown, fn: string): unknown {
  if (!(error instanceof TypeError || error instanceof RangeError)) return error;
  const option = new RegExp(`^${fn}: options\\.(\\w+)`).exec(error.message)?.[1];
  if (option === undefined) return error;
  const flag = FLAG_OF[option];
  return new UsageError(flag === undefined ? error.message : `${flag}: ${error.message}`, 'train');
}

/**
 * Writes lines to `out`, each with a line break. Every line is passed through
 * {@link escapeControl}: lines can hold text read from a saved model (its metadata, its path),
 * which must not reach the terminal as escape sequences.
 */
const printer =
  (io: CliIo) =>
  (...lines: string[]): void => {
    io.stdout.write(lines.length === 0 ? '\n' : `${lines.map(escapeControl).join('\n')}\n`);
  };

/**
 * `seq-echo train`: selects the backend, builds the model, trains it with progress and
 * fresh-sequence checks (stopping at the target, or after the current epoch on Ctrl-C),
 * evaluates it on 100 new sequences, prints the Expected/Predicted table for one more,
 * saves the model and writes the learning curve.
 *
 * The checks run here, from `onEpochEnd`, rather than through `trainEcho`'s own
 * `targetAccuracy`, so that each is reported as it happens; they follow the same rule (every
 * `evaluateEvery` epochs and after the last, on `evaluationSequences` sequences of the
 * training length, from a stream seeded by the run's seed) and stop training by aborting its
 * signal.
 *
 * @param plan - The parsed command line.
 * @param io - Where to write.
 * @returns `'interrupted'` when Ctrl-C stopped training (the report is still complete), else
 *   `'done'`.
 * @throws UsageError (exit code 2) for an option value the library refuses before training (e.g.
 *   `--units 100000`, too many weights) or an output path that cannot be written; whatever
 *   else seq-echo throws (exit code 1), or Error when the curve cannot be written.
 */
export async function runTrain(plan: TrainPlan, io: CliIo): Promise<'done' | 'interrupted'> {
  const print = printer(io);
  // Before anything slow: a path that cannot be written would lose the trained model.
  await checkOutputPaths(plan.save, plan.curve);
  const lib = await loadLibrary();
  const backend = await lib.selectBackend(plan.backend);
  const { recipe, train, target } = plan;
  const buildStarted = performance.now();
  let model: tf.LayersModel;
  try {
    model = recipe === 'whole' ? lib.buildSeq2Seq(plan.model) : lib.buildEncoderDecoder(plan.model);
  } catch (error) {
    // The factories check every option before building: a value out of their range.
    throw usageErrorFrom(error, recipe === 'whole' ? 'buildSeq2Seq' : 'buildEncoderDecoder');
  }
  try {
    const buildMs = performance.now() - buildStarted;
    const shape = (s: readonly (number | null)[]): string =>
      `[${s.map((d) => d ?? 'batch').join(',')}]`;
    const stateful = plan.model.stateful ?? true;
    const units = plan.model.units ?? (recipe === 'whole' ? 20 : 150);
    const windows = train.sequenceLength - (plan.model.nIn ?? 5) + 1;
    print(
      `seq-echo train: recipe ${recipe} (${recipe === 'whole' ? 'model A, buildSeq2Seq' : 'model B, buildEncoderDecoder'}), ` +
        `preset ${plan.preset}, backend ${backend}`,
      `model:    ${recipe === 'whole' ? `LSTM(${units})` : `LSTM(${units}) encoder-decoder`}, ` +
        `input ${shape(model.inputs[0]!.shape)} -> output ${shape(model.outputs[0]!.shape)}, ` +
        `${stateful ? 'stateful' : `stateless, batches of ${train.batchSize ?? 32}`}, ` +
        `Adam ${plan.model.learningRate ?? 0.001} (built in ${(buildMs / 1000).toFixed(1)} s)`,
      `training: ${target === undefined ? '' : 'up to '}${train.epochs} epochs of ${train.sequenceLength} ` +
        `integers (${windows} windows), seed ${train.seed}`,
    );
    if (target !== undefined) {
      print(
        `target:   ${target} accuracy on ${train.evaluationSequences} fresh sequences, ` +
          `checked every ${train.evaluateEvery} epochs`,
      );
    }
    print();

    const progress = createProgress(io.stdout);
    const controller = new AbortController();
    const checkRandom = mulberry32(Math.imul(train.seed, 0x9e3779b1) ^ 0x5eed);
    const checks: ProgressCheck[] = [];
    let stop: { reason: 'target'; check: ProgressCheck } | { reason: 'interrupt' } | undefined;
    const stopListening = io.onInterrupt?.(() => {
      if (stop !== undefined) return;
      stop = { reason: 'interrupt' };
      controller.abort();
      progress.note('interrupted: stopping after this epoch (Ctrl-C again to quit at once)');
    });
    let result: SeqEcho.TrainEchoResult;
    let epochsEnded = 0;
    try {
      result = await lib.trainEcho(model, {
        epochs: train.epochs,
        seed: train.seed,
        sequenceLength: train.sequenceLength,
        batchSize: train.batchSize,
        signal: controller.signal,
        onEpochEnd: async (log) => {
          epochsEnded = log.epoch;
          progress.update(log);
          const due = log.epoch % train.evaluateEvery === 0 || log.epoch === log.epochs;
          if (target === undefined || !due || controller.signal.aborted) return;
          const evaluation = await lib.evaluateEcho(model, {
            sequences: train.evaluationSequences,
            sequenceLength: train.sequenceLength,
            random: checkRandom,
          });
          const check = {
            epoch: log.epoch,
            accuracy: evaluation.accuracy,
            windows: evaluation.windows,
          };
          checks.push(check);
          progress.check(check);
          if (check.accuracy >= target) {
            stop = { reason: 'target', check };
            controller.abort();
          }
        },
      });
    } catch (error) {
      // trainEcho checks its options before the first epoch: a value out of its range.
      throw epochsEnded === 0 ? usageErrorFrom(error, 'trainEcho') : error;
    } finally {
      progress.finish();
      stopListening?.();
    }

    const { epochs, elapsedMs } = result;
    const lastCheck = checks[checks.length - 1];
    if (stop?.reason === 'target') {
      print(
        `stopped after epoch ${epochs} of ${train.epochs}: accuracy ${stop.check.accuracy.toFixed(4)} ` +
          `on fresh sequences reached the target ${target}`,
      );
    } else if (stop?.reason === 'interrupt') {
      print(`interrupted after epoch ${epochs} of ${train.epochs}`);
    } else if (target !== undefined) {
      print(
        `trained all ${epochs} epochs without reaching the target ${target}` +
          (lastCheck ? ` (last check: ${lastCheck.accuracy.toFixed(4)})` : ''),
      );
    } else {
      print(`trained all ${epochs} epochs`);
    }
    print(
      `training time: ${(elapsedMs / 1000).toFixed(1)} s (${(elapsedMs / Math.max(1, epochs)).toFixed(1)} ms/epoch)`,
      '',
    );

    const nIn = plan.model.nIn ?? 5;
    const evaluationSeed = train.seed + 1;
    const evaluation = await lib.evaluateEcho(model, {
      sequences: FINAL_SEQUENCES,
      sequenceLength: freshLength(nIn),
      seed: evaluationSeed,
    });
    print(...formatEvaluation(evaluation, FINAL_SEQUENCES, evaluationSeed), '');

    const tableSeed = train.seed + 2;
    const nUnique = plan.model.nUnique ?? 100;
    const sequence = lib.generateSequence(freshLength(nIn), { nUnique, seed: tableSeed });
    print(
      `one new random sequence (seed ${tableSeed}):`,
      ...formatEchoTable(lib.predictEcho(model, sequence), nUnique),
      '',
    );

    if (plan.save === undefined) {
      print('model not saved (add --save DIR to keep it)');
    } else {
      const saved = await lib.saveEchoModel(model, plan.save);
      print(`model saved to ${saved.location}`);
    }
    if (plan.curve !== undefined) {
      const svg = learningCurveSvg({
        loss: result.history.loss,
        accuracy: result.history.accuracy,
        checks,
        target,
        subtitle:
          `recipe ${recipe}, preset ${plan.preset}, seed ${train.seed}: ` +
          `${epochs} epoch${epochs === 1 ? '' : 's'}, ${(elapsedMs / 1000).toFixed(1)} s`,
      });
      try {
        await mkdir(dirname(plan.curve), { recursive: true });
        await writeFile(plan.curve, svg);
      } catch (error) {
        throw new Error(
          `could not write the learning curve to ${plan.curve}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      print(`learning curve: ${plan.curve}`);
    }
    return stop?.reason === 'interrupt' ? 'interrupted' : 'done';
  } finally {
    model.dispose();
  }
}

/**
 * `seq-echo evaluate`: loads a saved model and prints its accuracy on fresh sequences, per
 * item and per window.
 *
 * @param plan - The parsed command line.
 * @param io - Where to write.
 * @throws Whatever seq-echo throws (exit code 1), e.g. for a missing directory.
 */
export async function runEvaluate(plan: EvaluatePlan, io: CliIo): Promise<void> {
  await withSavedModel(plan, io, async (lib, model, metadata, print) => {
    print(`model: ${plan.model}`, `  ${formatModelInfo(metadata)}`, '');
    const evaluation = await lib.evaluateEcho(model, {
      sequences: plan.sequences,
      sequenceLength: freshLength(metadata.nIn),
      seed: plan.seed,
    });
    print(...formatEvaluation(evaluation, plan.sequences, plan.seed));
  });
}

/**
 * `seq-echo predict`: loads a saved model and prints the Expected/Predicted table for the
 * sequence given.
 *
 * @param plan - The parsed command line.
 * @param io - Where to write.
 * @throws UsageError (exit code 2) for ids out of the model's range or a sequence shorter than
 *   its window; whatever seq-echo throws (exit code 1).
 */
export async function runPredict(plan: PredictPlan, io: CliIo): Promise<void> {
  await withSavedModel(plan, io, (lib, model, metadata, print) => {
    const { nIn, nUnique } = metadata;
    const outside = plan.sequence.find((id) => id >= nUnique);
    if (outside !== undefined) {
      throw new UsageError(
        `the sequence's ids must be in [0, ${nUnique - 1}] for this model (nUnique ${nUnique}), but received ${outside}`,
        'predict',
      );
    }
    if (plan.sequence.length < nIn) {
      throw new UsageError(
        `the sequence must have at least ${nIn} ids (the model's window, nIn), but it has ${plan.sequence.length}`,
        'predict',
      );
    }
    print(`model: ${plan.model}`, `  ${formatModelInfo(metadata)}`, '');
    print(...formatEchoTable(lib.predictEcho(model, plan.sequence), nUnique));
    return Promise.resolve();
  });
}

/**
 * Loads the library and the saved model a command names (on the backend it asks for), runs
 * `use` on it, and disposes the model afterwards, whatever happens.
 */
async function withSavedModel(
  plan: { model: string; backend: SeqEcho.BackendChoice },
  io: CliIo,
  use: (
    lib: typeof SeqEcho,
    model: tf.LayersModel,
    metadata: SeqEcho.EchoModelMetadata,
    print: (...lines: string[]) => void,
  ) => Promise<void>,
): Promise<void> {
  const lib = await loadLibrary();
  await lib.selectBackend(plan.backend);
  const model = await lib.loadEchoModel(plan.model);
  try {
    await use(lib, model, metadataOf(model), printer(io));
  } finally {
    model.dispose();
  }
}
