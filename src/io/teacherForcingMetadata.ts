import type * as tf from '@tensorflow/tfjs';
import {
  assertInteger,
  assertNumber,
  assertOneOf,
  ECHO_TASKS,
  isRecord,
  showValue,
} from '../internal/assert';
import { RECURRENT_ACTIVATIONS, type RecurrentActivation } from '../models/common';
import type { EchoTask } from '../models/echoTask';
import type { TeacherForcingModels } from '../models/teacherForcing';
import { VERSION } from '../version';
import { checkFormat, checkVersions, TEACHER_FORCING_FORMAT } from './metadata';

/** The newest {@link TeacherForcingMetadata.formatVersion} this seq-echo reads and writes. */
export const TEACHER_FORCING_FORMAT_VERSION = 1;

/**
 * What `saveTeacherForcing` stores beside the training model's weights: in `seq-echo.json` in
 * a saved directory, and always in model.json's (or the tfjs artifacts')
 * `userDefinedMetadata.seqEcho`. The options of `buildTeacherForcing` that rebuild the three
 * models, and the versions.
 */
export interface TeacherForcingMetadata {
  /** Always `'seq-echo-teacher-forcing'` (an echo model's is `'seq-echo-model'`). */
  format: 'seq-echo-teacher-forcing';
  /** Version of this metadata's layout; `1`. A newer one is refused by older seq-echo. */
  formatVersion: number;
  /** The seq-echo version that saved the models, e.g. `'0.1.0'`. */
  libraryVersion: string;
  /** The longest input sequence, in items. */
  maxLength: number;
  /** Vocabulary size: items are integers in `[0, nUnique)`. */
  nUnique: number;
  /** LSTM units of the encoder and of the decoder. */
  units: number;
  /** What the decoder answers: `'echo'` or `'reverse'`, then END. */
  task: EchoTask;
  /** The LSTMs' gate activation. */
  recurrentActivation: RecurrentActivation;
  /** Adam's learning rate of the training model. */
  learningRate: number;
}

/** The weights of teacher-forcing models of these sizes (buildTeacherForcing's layers). */
export function teacherForcingWeightCount(nUnique: number, units: number): number {
  const vocab = nUnique + 1;
  const lstm = (inputs: number) => 4 * units * (inputs + units + 1);
  return lstm(nUnique) + lstm(vocab) + units * vocab + vocab;
}

/** The gate activation of the models' encoder LSTM, as buildTeacherForcing's option names it. */
function recurrentActivationOf(models: TeacherForcingModels): RecurrentActivation {
  const lstm = models.training.layers.find((layer) => layer.getClassName() === 'LSTM');
  const name = lstm?.getConfig().recurrentActivation;
  const found = RECURRENT_ACTIVATIONS.find((a) => a === name);
  if (found === undefined) {
    throw new Error(`internal error: the encoder LSTM's recurrentActivation is ${showValue(name)}`);
  }
  return found;
}

/** The metadata describing live teacher-forcing models. */
export function teacherForcingMetadataFor(models: TeacherForcingModels): TeacherForcingMetadata {
  const learningRate = models.training.optimizer.getConfig().learningRate;
  if (typeof learningRate !== 'number') {
    throw new Error('internal error: the training model has no learning rate');
  }
  return {
    format: TEACHER_FORCING_FORMAT,
    formatVersion: TEACHER_FORCING_FORMAT_VERSION,
    libraryVersion: VERSION,
    maxLength: models.maxLength,
    nUnique: models.nUnique,
    units: models.units,
    task: models.task,
    recurrentActivation: recurrentActivationOf(models),
    learningRate,
  };
}

/**
 * Checks stored teacher-forcing metadata and returns it typed; `where` names its source (a
 * file path, or the URL and key). Throws a `TypeError` for metadata that is not
 * saveTeacherForcing's (an echo model's is refused naming loadEchoModel) or a field of the
 * wrong kind, a `RangeError` for a value out of buildTeacherForcing's range, a newer format
 * version or another major library version.
 */
export function checkTeacherForcingMetadata(
  fn: string,
  where: string,
  value: unknown,
): TeacherForcingMetadata {
  if (!isRecord(value)) {
    throw new TypeError(
      `${fn}: ${where} must hold seq-echo metadata (an object with format '${TEACHER_FORCING_FORMAT}'), but received ${showValue(value)}`,
    );
  }
  const field = (name: string) => `${where}'s ${name}`;
  checkFormat(fn, field, value, TEACHER_FORCING_FORMAT, 'saveTeacherForcing');
  const versions = checkVersions(fn, field, value, TEACHER_FORCING_FORMAT_VERSION);
  const { maxLength, nUnique, units, task, recurrentActivation, learningRate } = value;
  // buildTeacherForcing's ranges, checked here so that the messages name the file.
  assertInteger(fn, field('maxLength'), maxLength, { min: 1, max: 10_000 });
  assertInteger(fn, field('nUnique'), nUnique, { min: 2, max: 1_000_000 });
  assertInteger(fn, field('units'), units, { min: 1, max: 100_000 });
  assertOneOf(fn, field('task'), task, ECHO_TASKS);
  assertOneOf(fn, field('recurrentActivation'), recurrentActivation, RECURRENT_ACTIVATIONS);
  assertNumber(fn, field('learningRate'), learningRate, { min: 0, max: 10, minExclusive: true });
  return {
    format: TEACHER_FORCING_FORMAT,
    ...versions,
    maxLength,
    nUnique,
    units,
    task,
    recurrentActivation,
    learningRate,
  };
}

/** tfjs's warning when it serialises a layer called with tensors in its arguments. */
const UNSERIALISABLE_CALL = /was passed non-serializable keyword arguments/;

/**
 * The training model's topology as tfjs serialises it (`model.toJSON(null, false)`), without
 * the warning tfjs logs each time: the decoder LSTM is called with the encoder's state as its
 * `initialState`, which tfjs's format cannot record. That is why the topology is kept for
 * reference and checks only, and loading rebuilds the models with buildTeacherForcing.
 * `toJSON` is synchronous, so no other code's warnings can fall in the silenced span.
 */
export function trainingTopology(training: tf.LayersModel): object {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && UNSERIALISABLE_CALL.test(args[0])) return;
    warn(...args);
  };
  try {
    return training.toJSON(null, false) as object; // a dict: returnString is false
  } finally {
    console.warn = warn;
  }
}
