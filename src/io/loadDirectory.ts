import type * as tf from '@tensorflow/tfjs';
import { isRecord, showValue } from '../internal/assert';
import { weightBytes } from './artifacts';
import {
  assertRegular,
  attempt,
  METADATA_FILE,
  MODEL_FILE,
  readJson,
  readRegularFile,
  short,
  someNames,
  WEIGHTS_FILE,
  within,
} from './fileAccess';
import {
  MAX_METADATA_BYTES,
  MAX_MODEL_JSON_BYTES,
  MAX_WEIGHT_BYTES,
  MAX_WEIGHT_FILES,
} from './limits';
import { checkMetadata, METADATA_KEY } from './metadata';
import type { NodeIo } from './nodeIo';

/** What a directory should be, for messages: one `saver` wrote. */
const savedBy = (saver: string): string =>
  `a directory saved by ${saver}, holding ${MODEL_FILE}, ${WEIGHTS_FILE} and ${METADATA_FILE}`;

/**
 * What kind of save a load expects: the function that writes it (for messages) and the check
 * of its seq-echo metadata, which throws naming `fn` and `where` for anything else.
 */
export interface SavedKind {
  saver: string;
  checkMetadata(fn: string, where: string, value: unknown): unknown;
}

/** An echo model, saved by saveEchoModel. */
export const ECHO_MODEL: SavedKind = { saver: 'saveEchoModel', checkMetadata };
const MODEL_JSON = "tfjs's model.json format: an object with modelTopology and weightsManifest";

/** What one load reads from: the caller, the directory (as given and real) and its model.json. */
interface Source {
  fn: string;
  io: NodeIo;
  /** What the directory should be, for messages. */
  saved: string;
  directory: string;
  realDirectory: string;
  modelFile: string;
}

/** One group of a model.json's weightsManifest. */
interface ManifestGroup {
  paths: string[];
  weights: unknown[];
}

/** A weights file the manifest lists: its path for messages, its real path, its size. */
interface WeightFile {
  shown: string;
  real: string;
  size: number;
}

/** What a weight file should be, for messages. */
const weightFileExpected = (modelFile: string): string => `a weights file (${modelFile} lists it)`;

/** The directory and model.json that `location` (either of them) names. */
async function locate(fn: string, location: string, io: NodeIo, saved: string): Promise<Source> {
  const { fs, path } = io;
  const stats = await attempt(fn, location, () => fs.stat(location), saved);
  let directory = location;
  let modelFile = path.join(location, MODEL_FILE);
  if (stats.isFile() && location.toLowerCase().endsWith('.json')) {
    directory = path.dirname(location);
    modelFile = location;
  } else if (!stats.isDirectory()) {
    throw new Error(
      `${fn}: ${location} is not a directory; expected ${saved} (or the path of its ${MODEL_FILE})`,
    );
  }
  const realDirectory = await attempt(fn, directory, () => fs.realpath(directory), saved);
  return { fn, io, saved, directory, realDirectory, modelFile };
}

/**
 * The real path of `file`, which must lie inside the directory's real path: every file is read
 * by it, so that a symbolic link cannot lead the loader out of the directory.
 */
async function resolveInside(
  { fn, io, directory, realDirectory }: Source,
  file: string,
  shown: string,
  expected: string,
): Promise<string> {
  const real = await attempt(fn, shown, () => io.fs.realpath(file), expected);
  if (!within(io, realDirectory, real) || real === realDirectory) {
    throw new Error(
      `${fn}: ${shown} must be a file inside ${directory} (${expected}), but it is a symbolic link that leads out of it`,
    );
  }
  return real;
}

/** Reads and parses a JSON file of the directory, by its real path. */
async function readJsonInside(
  source: Source,
  file: string,
  expected: string,
  limit: number,
): Promise<unknown> {
  const { fn, io } = source;
  const real = await resolveInside(source, file, file, expected);
  return readJson({ fn, io, file: real, shown: file }, expected, limit);
}

/** The group list of a parsed model.json's weightsManifest, or `undefined` if malformed. */
function manifestGroups(value: unknown): ManifestGroup[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const groups = value as unknown[];
  const valid = groups.every(
    (group) =>
      isRecord(group) &&
      Array.isArray(group.paths) &&
      (group.paths as unknown[]).every((p) => typeof p === 'string') &&
      Array.isArray(group.weights),
  );
  return valid ? (groups as ManifestGroup[]) : undefined;
}

/** model.json, checked to hold a topology and a well-formed weights manifest. */
async function readModelJson(source: Source) {
  const { fn, modelFile } = source;
  const json = await readJsonInside(source, modelFile, MODEL_JSON, MAX_MODEL_JSON_BYTES);
  if (!isRecord(json) || !isRecord(json.modelTopology)) {
    throw new Error(`${fn}: ${modelFile} has no modelTopology object; expected ${MODEL_JSON}`);
  }
  const groups = manifestGroups(json.weightsManifest);
  if (groups === undefined) {
    throw new Error(
      `${fn}: ${modelFile} has no valid weightsManifest (a list of { paths, weights }); expected ${MODEL_JSON}`,
    );
  }
  return { json, topology: json.modelTopology, groups };
}

/**
 * The weights the manifest lists, their size, and the weight files' paths, checked without
 * touching the file system: at most {@link MAX_WEIGHT_BYTES}, files inside the directory, no
 * repeats, no more files than the weights need (each holds at least one byte; tfjs writes 4 MB
 * shards).
 */
function checkManifest({ fn, io, directory, modelFile }: Source, groups: ManifestGroup[]) {
  const specs = groups.flatMap((group) => group.weights);
  const bytes = weightBytes(specs);
  if (typeof bytes === 'string') {
    throw new Error(`${fn}: ${modelFile} has a malformed weightsManifest: ${bytes}`);
  }
  const manifest = `${modelFile}'s weightsManifest`;
  if (bytes > MAX_WEIGHT_BYTES) {
    throw new Error(
      `${fn}: ${manifest} must list at most ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} bytes of weights, but lists ${bytes.toLocaleString('en-US')}`,
    );
  }
  const listed = groups.flatMap((group) => group.paths);
  const paths = new Set<string>();
  for (const relative of listed) {
    const file = io.path.resolve(directory, relative);
    if (!within(io, directory, file) || file === directory) {
      throw new Error(
        `${fn}: ${manifest} must list weight files inside ${directory}, but lists ${showValue(relative)}`,
      );
    }
    if (paths.has(file)) {
      throw new Error(
        `${fn}: ${manifest} must list each weight file once, but lists ${showValue(relative)} more than once`,
      );
    }
    paths.add(file);
  }
  const mostFiles = Math.min(MAX_WEIGHT_FILES, Math.max(1, bytes));
  if (listed.length > mostFiles) {
    throw new Error(
      `${fn}: ${manifest} must list at most ${mostFiles} weight files (for ${bytes} bytes of weights), but lists ${listed.length}`,
    );
  }
  return { specs, bytes, paths };
}

/**
 * Each weight file, one at a time, by its real path: a regular file inside the directory,
 * not another name for one already listed. Checked with stat, not open: opening a FIFO could
 * wait for a writer.
 */
async function statWeightFiles(source: Source, paths: Set<string>): Promise<WeightFile[]> {
  const { fn, io, modelFile } = source;
  const expected = weightFileExpected(modelFile);
  const files: WeightFile[] = [];
  for (const file of paths) {
    const shown = short(file);
    const real = await resolveInside(source, file, shown, expected);
    if (files.some((f) => f.real === real)) {
      throw new Error(
        `${fn}: ${modelFile}'s weightsManifest must list each weight file once, but ${shown} is another name for a file it lists`,
      );
    }
    const stats = await attempt(fn, shown, () => io.fs.stat(real), expected);
    assertRegular(fn, shown, expected, stats);
    files.push({ shown, real, size: stats.size });
  }
  return files;
}

/** The weight files' bytes in one buffer; refused unless they add up to the manifest's `bytes`. */
async function readWeights(
  { fn, io, modelFile }: Source,
  files: WeightFile[],
  bytes: number,
  count: number,
): Promise<ArrayBuffer> {
  const actual = files.reduce((sum, file) => sum + file.size, 0);
  const empty = files.length > 1 ? files.find((file) => file.size === 0) : undefined;
  if (empty !== undefined) {
    throw new Error(
      `${fn}: each weight file must hold some of the weights, but ${empty.shown} is empty`,
    );
  }
  if (actual !== bytes) {
    const names = someNames(
      files.map((file) => file.shown),
      false,
    );
    const holds = files.length === 1 ? 'it holds' : 'they hold';
    throw new Error(
      `${fn}: ${names} must hold ${bytes} bytes (the ${count} weights ${modelFile}'s weightsManifest lists), but ${holds} ${actual} bytes`,
    );
  }
  const expected = weightFileExpected(modelFile);
  const data = new Uint8Array(actual);
  let offset = 0;
  for (const { real, shown, size } of files) {
    const shard = await readRegularFile({ fn, io, file: real, shown }, expected, size, size);
    data.set(shard, offset);
    offset += shard.byteLength;
  }
  return data.buffer;
}

/**
 * Reads a saved directory (or its model.json) back into model artifacts, checking each file
 * before reading it. seq-echo.json must be seq-echo's metadata of the `kind` expected (an echo
 * model by default), but model.json's copy, when it
 * has one, is the one used: model.json is the file a save replaces last, so it is never stale.
 */
export async function loadDirectory(
  fn: string,
  location: string,
  io: NodeIo,
  kind: SavedKind = ECHO_MODEL,
): Promise<tf.io.ModelArtifacts> {
  const source = await locate(fn, location, io, savedBy(kind.saver));
  const { json, topology, groups } = await readModelJson(source);
  const metadataFile = io.path.join(source.directory, METADATA_FILE);
  const metadataExpected = `the seq-echo metadata of ${source.saved}`;
  const stored = await readJsonInside(source, metadataFile, metadataExpected, MAX_METADATA_BYTES);
  kind.checkMetadata(fn, metadataFile, stored);
  const userDefined = isRecord(json.userDefinedMetadata) ? json.userDefinedMetadata : {};

  const { specs, bytes, paths } = checkManifest(source, groups);
  const files = await statWeightFiles(source, paths);
  const weightData = await readWeights(source, files, bytes, specs.length);

  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: topology,
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData,
    userDefinedMetadata: {
      ...userDefined,
      [METADATA_KEY]: userDefined[METADATA_KEY] ?? stored,
    } as NonNullable<tf.io.ModelArtifacts['userDefinedMetadata']>,
  };
  if (typeof json.format === 'string') artifacts.format = json.format;
  if (typeof json.generatedBy === 'string') artifacts.generatedBy = json.generatedBy;
  if (isRecord(json.trainingConfig)) {
    artifacts.trainingConfig = json.trainingConfig as unknown as tf.io.TrainingConfig;
  }
  return artifacts;
}
