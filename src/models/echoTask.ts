import type * as tf from '@tensorflow/tfjs';
import { ECHO_TASKS, isRecord } from '../internal/assert';

/**
 * What a model is trained to answer for each window:
 * - `'echo'`: the window's oldest `nOut` items, oldest first (the walkthrough);
 * - `'reverse'`: the same items in reverse order (newest of them first).
 */
export type EchoTask = 'echo' | 'reverse';

/**
 * How integers are fed to and read from a model:
 * - `'one-hot'`: a row of width `nUnique` per item, a softmax over the vocabulary per output
 *   item (the walkthrough);
 * - `'linear'`: one number per item, the integer scaled to `[0, 1]` (`id / (nUnique - 1)`),
 *   a regression output per item read back by rescaling and rounding.
 */
export type EchoRepresentation = 'one-hot' | 'linear';

/** What seq-echo keeps on a model about its task, beyond what its shapes say. */
export interface EchoTaskSpec {
  task: EchoTask;
  representation: EchoRepresentation;
  /** The vocabulary size; needed for `'linear'`, whose shapes do not show it. */
  nUnique: number;
}

/**
 * The key in a model's tfjs `userDefinedMetadata` under which the factories record the
 * {@link EchoTaskSpec}. tfjs saves and loads `userDefinedMetadata` with the model, so a loaded
 * model keeps its task.
 */
export const TASK_KEY = 'seqEchoTask';

/** Records `spec` on `model` (merged into its `userDefinedMetadata`). */
export function setEchoTask(model: tf.LayersModel, spec: EchoTaskSpec): void {
  const current = model.getUserDefinedMetadata() as unknown;
  model.setUserDefinedMetadata({
    ...(isRecord(current) ? current : {}),
    [TASK_KEY]: { ...spec },
  });
}

/**
 * The task spec recorded on `model`, or `undefined` when there is none (models not made by a
 * seq-echo factory: they are one-hot echo models). A malformed record is `'invalid'`.
 */
export function readEchoTask(model: tf.LayersModel): EchoTaskSpec | 'invalid' | undefined {
  const metadata = model.getUserDefinedMetadata() as unknown;
  if (!isRecord(metadata) || !(TASK_KEY in metadata)) return undefined;
  const spec = metadata[TASK_KEY];
  if (
    !isRecord(spec) ||
    !(ECHO_TASKS as readonly unknown[]).includes(spec.task) ||
    (spec.representation !== 'one-hot' && spec.representation !== 'linear') ||
    typeof spec.nUnique !== 'number' ||
    !Number.isInteger(spec.nUnique) ||
    spec.nUnique < 2
  ) {
    return 'invalid';
  }
  return {
    task: spec.task as EchoTask,
    representation: spec.representation,
    nUnique: spec.nUnique,
  };
}
