import type * as tf from '@tensorflow/tfjs';
import { ECHO_TASKS, isRecord, message, showValue } from '../internal/assert';
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

/** The `format` of teacher-forcing models saved by `saveTeacherForcing`. */
export const TEACHER_FORCING_FORMAT = 'seq-echo-teacher-forcing';

/**
 * What a saved `format` is, for a message refusing it where the other kind was expected: the
 * saving function and the loading one, or `undefined` for a format seq-echo does not write.
 */
export function savedKind(format: unknown): { saver: string; loader: string } | undefined {
  if (format === FORMAT) return { saver: 'saveEchoModel', loader: 'loadEchoModel' };
  if (format === TEACHER_FORCING_FORMAT) {
    return { saver: 'saveTeacherForcing', loader: 'loadTeacherForcing' };
  }
  return undefined;
}

/**
 * Checks the `format` field: `expected`, written by `saver`. The other seq-echo format is
 * refused with the function that loads it. Throws a `TypeError` otherwise.
 */
export function checkFormat(
  fn: string,
  field: (name: string) => string,
  value: Record<string, unknown>,
  expected: string,
  saver: string,
): void {
  if (value.format === expected) return;
  const other = savedKind(value.format);
  const hint =
    other === undefined ? '' : `: it was saved by ${other.saver}; load it with ${other.loader}`;
  throw new TypeError(
    `${fn}: ${field('format')} must be '${expected}' (a model saved by ${saver}), but received ${showValue(value.format)}${hint}`,
  );
}

/**
 * The format version and the saving library's version, checked; `field` names a field and
 * `newest` is the newest format version this seq-echo reads.
 */
export function checkVersions(
  fn: string,
  field: (name: string) => string,
  value: Record<string, unknown>,
  newest = FORMAT_VERSION,
) {
  const { formatVersion, libraryVersion } = value;
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion)) {
    throw new TypeError(message(fn, field('formatVersion'), 'an integer', formatVersion));
  }
  if (formatVersion < 1 || formatVersion > newest) {
    throw new RangeError(
      `${fn}: ${field('formatVersion')} must be an integer in [1, ${newest}] (seq-echo ${VERSION} reads format versions up to ${newest}; a newer seq-echo saved this model, so upgrade seq-echo to load it), but received ${formatVersion}`,
    );
  }
  const major = typeof libraryVersion === 'string' ? majorVersion(libraryVersion) : undefined;
  if (typeof libraryVersion !== 'string' || major === undefined) {
    const expected = `a version string such as '${VERSION}'`;
    throw new TypeError(message(fn, field('libraryVersion'), expected, libraryVersion));
  }
  const ownMajor = majorVersion(VERSION);
  if (major !== ownMajor) {
    throw new RangeError(
      `${fn}: ${field('libraryVersion')} must have the major version of this seq-echo (${VERSION}, major ${ownMajor}), but received ${showValue(libraryVersion)}: models saved by another major version are not read`,
    );
  }
  return { formatVersion, libraryVersion };
}

/**
 * What a metadata field must be. A value `valid` refuses is a `RangeError` when it is of the
 * field's kind (`ofKind`: a number for an integer field, a string for a named choice), else a
 * `TypeError`, as for every argument seq-echo checks.
 */
interface FieldRule<T> {
  expected: string;
  valid: (value: unknown) => value is T;
  ofKind: (value: unknown) => boolean;
}

const isNumber = (value: unknown) => typeof value === 'number';

const isIntegerFrom = (min: number) => (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min;

const integerFrom = (min: number): FieldRule<number> => ({
  expected: `an integer >= ${min}`,
  valid: (value): value is number => isIntegerFrom(min)(value),
  ofKind: isNumber,
});

const oneOf = <T extends string>(...allowed: T[]): FieldRule<T> => ({
  expected: `${allowed
    .slice(0, -1)
    .map((a) => `'${a}'`)
    .join(', ')} or '${allowed.at(-1)!}'`,
  valid: (value): value is T => (allowed as unknown[]).includes(value),
  ofKind: (value) => typeof value === 'string',
});

const BOOLEAN: FieldRule<boolean> = {
  expected: 'a boolean',
  valid: (value): value is boolean => typeof value === 'boolean',
  ofKind: () => false,
};

const BATCH_SIZE: FieldRule<number | null> = {
  expected: 'an integer >= 1 or null',
  valid: (value): value is number | null => value === null || isIntegerFrom(1)(value),
  ofKind: isNumber,
};

/**
 * Checks stored seq-echo metadata and returns it typed. `where` names its source (a file
 * path, or the URL and key) in the messages. Throws a `TypeError` for metadata that is not
 * seq-echo's or has a field of the wrong kind, a `RangeError` for a field of the right kind
 * with a value out of range: a format version newer than this seq-echo reads, a library of
 * another major version, a size below its minimum, a name it does not know.
 */
export function checkMetadata(fn: string, where: string, value: unknown): EchoModelMetadata {
  if (!isRecord(value)) {
    throw new TypeError(
      `${fn}: ${where} must hold seq-echo metadata (an object with format '${FORMAT}'), but received ${showValue(value)}`,
    );
  }
  const field = (name: string) => `${where}'s ${name}`;
  const check = <T>(name: keyof EchoModelMetadata, rule: FieldRule<T>, v = value[name]): T => {
    if (rule.valid(v)) return v;
    const kind = rule.ofKind(v) ? RangeError : TypeError;
    throw new kind(message(fn, field(name), rule.expected, v));
  };
  // Checked in this order (the first wrong field is the one reported). Models saved before
  // seq-echo recorded the task are echo models.
  return {
    format: FORMAT,
    ...(checkFormat(fn, field, value, FORMAT, 'saveEchoModel'), checkVersions(fn, field, value)),
    nIn: check('nIn', integerFrom(1)),
    nOut: check('nOut', integerFrom(1)),
    nUnique: check('nUnique', integerFrom(2)),
    architecture: check('architecture', oneOf('seq2seq', 'encoderDecoder', 'other')),
    representation: check('representation', oneOf('one-hot', 'linear')),
    task: check('task', oneOf(...ECHO_TASKS), value.task === undefined ? 'echo' : value.task),
    stateful: check('stateful', BOOLEAN),
    batchSize: check('batchSize', BATCH_SIZE),
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
