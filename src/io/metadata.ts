import type * as tf from '@tensorflow/tfjs';
import { isRecord, showValue } from '../internal/assert';
import type { EchoShape } from '../models/echoShape';
import type { EchoRepresentation, EchoTask } from '../models/echoTask';
import { echoArchitecture, type EchoArchitecture } from '../models/echoArchitecture';
import { VERSION } from '../version';

/** The value of {@link EchoModelMetadata.format}: marks a model saved by seq-echo. */
export const FORMAT: EchoModelMetadata['format'] = 'seq-echo-model';

/** The newest {@link EchoModelMetadata.formatVersion} this version of seq-echo reads and writes. */
export const FORMAT_VERSION = 1;

/** The key of the seq-echo metadata in a model's tfjs `userDefinedMetadata`. */
export const METADATA_KEY = 'seqEcho';

export type { EchoArchitecture } from '../models/echoArchitecture';

/**
 * What seq-echo stores beside a saved model: in `seq-echo.json` in a saved directory, and
 * always in the model's tfjs `userDefinedMetadata` under the key `seqEcho`.
 */
export interface EchoModelMetadata {
  /** Always `'seq-echo-model'`. */
  format: 'seq-echo-model';
  /** Version of this metadata's layout; `1`. A newer one is refused by older seq-echo. */
  formatVersion: number;
  /** The seq-echo version that saved the model, e.g. `'0.1.0'`. */
  libraryVersion: string;
  /** Time steps per input window. */
  nIn: number;
  /** Items echoed per window (output time steps). */
  nOut: number;
  /** Vocabulary size: integers in `[0, nUnique)`. */
  nUnique: number;
  /** The layer stack; see {@link EchoArchitecture}. */
  architecture: EchoArchitecture;
  /**
   * How integers are fed to the model: `'one-hot'` rows of width `nUnique`, or `'linear'`
   * scaled values (one per step).
   */
  representation: EchoRepresentation;
  /**
   * What the model answers: `'echo'` or `'reverse'`. Models saved before seq-echo recorded
   * it are `'echo'`.
   */
  task: EchoTask;
  /** Whether the model's LSTMs carry state from batch to batch. */
  stateful: boolean;
  /** The fixed batch size; `null` when the batch dimension is free (stateless models). */
  batchSize: number | null;
}

/** The metadata describing `model`, whose echo shape is `shape`. */
export function metadataFor(model: tf.LayersModel, shape: EchoShape): EchoModelMetadata {
  return {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    libraryVersion: VERSION,
    nIn: shape.nIn,
    nOut: shape.nOut,
    nUnique: shape.nUnique,
    architecture: echoArchitecture(model),
    representation: shape.representation,
    task: shape.task,
    stateful: shape.stateful,
    batchSize: shape.batchSize,
  };
}

/** The major version of a `major.minor.patch` version string, or `undefined`. */
export function majorVersion(version: string): number | undefined {
  const match = /^(\d+)\.\d+\.\d+/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/**
 * Checks stored seq-echo metadata and returns it typed. `where` names its source (a file
 * path, or the URL and key) in the messages. Throws a `TypeError` for metadata that is not
 * seq-echo's or has a field of the wrong kind, a `RangeError` for a format version newer
 * than this seq-echo reads, a library of another major version, or a size out of range.
 */
export function checkMetadata(fn: string, where: string, value: unknown): EchoModelMetadata {
  const saved = 'a model saved by saveEchoModel';
  if (!isRecord(value)) {
    throw new TypeError(
      `${fn}: ${where} must hold seq-echo metadata (an object with format '${FORMAT}'), but received ${showValue(value)}`,
    );
  }
  const field = (name: string) => `${where}'s ${name}`;
  if (value.format !== FORMAT) {
    throw new TypeError(
      `${fn}: ${field('format')} must be '${FORMAT}' (${saved}), but received ${showValue(value.format)}`,
    );
  }
  const { formatVersion, libraryVersion } = value;
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion)) {
    throw new TypeError(
      `${fn}: ${field('formatVersion')} must be an integer, but received ${showValue(formatVersion)}`,
    );
  }
  if (formatVersion < 1 || formatVersion > FORMAT_VERSION) {
    throw new RangeError(
      `${fn}: ${field('formatVersion')} must be an integer in [1, ${FORMAT_VERSION}] (seq-echo ${VERSION} reads format versions up to ${FORMAT_VERSION}; a newer seq-echo saved this model, so upgrade seq-echo to load it), but received ${formatVersion}`,
    );
  }
  const major = typeof libraryVersion === 'string' ? majorVersion(libraryVersion) : undefined;
  if (typeof libraryVersion !== 'string' || major === undefined) {
    throw new TypeError(
      `${fn}: ${field('libraryVersion')} must be a version string such as '${VERSION}', but received ${showValue(libraryVersion)}`,
    );
  }
  const ownMajor = majorVersion(VERSION);
  if (major !== ownMajor) {
    throw new RangeError(
      `${fn}: ${field('libraryVersion')} must have the major version of this seq-echo (${VERSION}, major ${ownMajor}), but received ${showValue(libraryVersion)}: models saved by another major version are not read`,
    );
  }
  const integer = (name: 'nIn' | 'nOut' | 'nUnique', min: number): number => {
    const v = value[name];
    if (typeof v !== 'number') {
      throw new TypeError(
        `${fn}: ${field(name)} must be an integer >= ${min}, but received ${showValue(v)}`,
      );
    }
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${fn}: ${field(name)} must be an integer >= ${min}, but received ${showValue(v)}`,
      );
    }
    return v;
  };
  const nIn = integer('nIn', 1);
  const nOut = integer('nOut', 1);
  const nUnique = integer('nUnique', 2);
  const { architecture, representation, stateful, batchSize, task = 'echo' } = value;
  if (architecture !== 'seq2seq' && architecture !== 'encoderDecoder' && architecture !== 'other') {
    throw new TypeError(
      `${fn}: ${field('architecture')} must be 'seq2seq', 'encoderDecoder' or 'other', but received ${showValue(architecture)}`,
    );
  }
  if (representation !== 'one-hot' && representation !== 'linear') {
    throw new TypeError(
      `${fn}: ${field('representation')} must be 'one-hot' or 'linear', but received ${showValue(representation)}`,
    );
  }
  if (task !== 'echo' && task !== 'reverse') {
    throw new TypeError(
      `${fn}: ${field('task')} must be 'echo' or 'reverse', but received ${showValue(task)}`,
    );
  }
  if (typeof stateful !== 'boolean') {
    throw new TypeError(
      `${fn}: ${field('stateful')} must be a boolean, but received ${showValue(stateful)}`,
    );
  }
  if (
    batchSize !== null &&
    (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)
  ) {
    throw new TypeError(
      `${fn}: ${field('batchSize')} must be an integer >= 1 or null, but received ${showValue(batchSize)}`,
    );
  }
  return {
    format: FORMAT,
    formatVersion,
    libraryVersion,
    nIn,
    nOut,
    nUnique,
    architecture,
    representation,
    task,
    stateful,
    batchSize,
  };
}

/**
 * The fields on which `metadata` and the model it came with disagree, as `name: metadata x,
 * model y` phrases; empty when they agree.
 */
export function metadataMismatches(
  metadata: EchoModelMetadata,
  actual: EchoModelMetadata,
): string[] {
  const keys = [
    'nIn',
    'nOut',
    'nUnique',
    'architecture',
    'representation',
    'task',
    'stateful',
    'batchSize',
  ] as const;
  return keys
    .filter((key) => metadata[key] !== actual[key])
    .map((key) => `${key}: metadata ${String(metadata[key])}, model ${String(actual[key])}`);
}
