/**
 * What `seq-echo evaluate` and `predict` do, given their parsed plans, and what they share with
 * `train` (train.ts): every call into seq-echo is in these two files. seq-echo (and with it tfjs, which takes about a second to load) is imported
 * when a command runs, so `--help` and usage errors answer at once.
 */
import type * as tf from '@tensorflow/tfjs';
import type * as SeqEcho from '../index';
import type { EvaluatePlan, PredictPlan } from './args';
import { escapeControl } from './escape';
import { usageErrorFrom } from './flags';
import type { ProgressStream } from './progress';
import { formatModelInfo, modelFamily } from './family';
import {
  evaluateTeacherForcingSave,
  isTeacherForcingSave,
  predictTeacherForcingSave,
} from './savedTeacher';
import { formatEchoTable, formatEvaluation } from './table';

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

/** Loads seq-echo (and tfjs). In the built CLI this is the package's own `dist/index.js`. */
export const loadLibrary = (): Promise<typeof SeqEcho> => import('../index');

/** Length of the fresh sequences evaluated and shown: the walkthrough's 25, or longer for big windows. */
export const freshLength = (nIn: number): number => Math.max(25, nIn + 4);

/** The seq-echo metadata a loaded model carries. */
function metadataOf(model: tf.LayersModel): SeqEcho.EchoModelMetadata {
  const stored = model.getUserDefinedMetadata() as
    { seqEcho?: SeqEcho.EchoModelMetadata } | undefined;
  if (stored?.seqEcho === undefined) throw new Error('the loaded model has no seq-echo metadata');
  return stored.seqEcho;
}

/** The loaded model in one line: its family (from its layers), task, input and batching. */
const describe = (model: tf.LayersModel, metadata: SeqEcho.EchoModelMetadata): string =>
  formatModelInfo(
    metadata,
    modelFamily({
      classes: model.layers.map((l) => l.getClassName()),
      inputs: model.inputs.length,
    }),
  );

/**
 * Writes lines to `out`, each with a line break. Every line is passed through
 * {@link escapeControl}: lines can hold text read from a saved model (its metadata, its path),
 * which must not reach the terminal as escape sequences.
 */
export const printer =
  (io: CliIo) =>
  (...lines: string[]): void => {
    io.stdout.write(lines.length === 0 ? '\n' : `${lines.map(escapeControl).join('\n')}\n`);
  };

/** The `evaluate` flag that sets each option of `evaluateEcho`. */
const EVALUATE_FLAGS = { sequences: '--sequences', seed: '--seed' };

/** seq-echo, on the backend a command asks for. */
async function libraryOn(backend: SeqEcho.BackendChoice): Promise<typeof SeqEcho> {
  const lib = await loadLibrary();
  await lib.selectBackend(backend);
  return lib;
}

/**
 * `seq-echo evaluate`: loads a saved model and prints its accuracy on fresh sequences, per
 * item and per window; for teacher-forcing models (saveTeacherForcing's), per item and per
 * whole sequence decoded greedily (savedTeacher.ts).
 *
 * @param plan - The parsed command line.
 * @param io - Where to write.
 * @throws UsageError (exit code 2) for a `--sequences` or `--seed` that `evaluateEcho` (or
 *   `evaluateTeacherForcing`) refuses; whatever else seq-echo throws (exit code 1), e.g. for a
 *   missing directory.
 */
export async function runEvaluate(plan: EvaluatePlan, io: CliIo): Promise<void> {
  if (await isTeacherForcingSave(plan.model)) {
    await evaluateTeacherForcingSave(await libraryOn(plan.backend), plan, printer(io));
    return;
  }
  await withSavedModel(plan, io, async (lib, model, metadata, print) => {
    let evaluation: SeqEcho.EchoEvaluation;
    try {
      evaluation = await lib.evaluateEcho(model, {
        sequences: plan.sequences,
        sequenceLength: freshLength(metadata.nIn),
        seed: plan.seed,
      });
    } catch (error) {
      throw usageErrorFrom(error, 'evaluateEcho', EVALUATE_FLAGS, 'evaluate');
    }
    print(`model: ${plan.model}`, `  ${describe(model, metadata)}`, '');
    print(...formatEvaluation(evaluation, plan.sequences, plan.seed));
  });
}

/**
 * `seq-echo predict`: loads a saved model and prints the Expected/Predicted table for the
 * sequence given; teacher-forcing models decode it greedily up to END (savedTeacher.ts).
 *
 * @param plan - The parsed command line.
 * @param io - Where to write.
 * @throws UsageError (exit code 2) for a sequence `predictEcho` (or `decodeGreedy`) refuses
 *   (ids out of the model's range, fewer than its window, more than maxLength); whatever else
 *   seq-echo throws (exit code 1).
 */
export async function runPredict(plan: PredictPlan, io: CliIo): Promise<void> {
  if (await isTeacherForcingSave(plan.model)) {
    await predictTeacherForcingSave(await libraryOn(plan.backend), plan, printer(io));
    return;
  }
  await withSavedModel(plan, io, (lib, model, metadata, print) => {
    let rows: SeqEcho.EchoPrediction[];
    try {
      rows = lib.predictEcho(model, plan.sequence);
    } catch (error) {
      throw usageErrorFrom(error, 'predictEcho', {}, 'predict');
    }
    print(`model: ${plan.model}`, `  ${describe(model, metadata)}`, '');
    print(...formatEchoTable(rows, metadata.nUnique, metadata.task));
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
  const lib = await libraryOn(plan.backend);
  const model = await lib.loadEchoModel(plan.model);
  try {
    await use(lib, model, metadataOf(model), printer(io));
  } finally {
    model.dispose();
  }
}
