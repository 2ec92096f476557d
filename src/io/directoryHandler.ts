import * as tf from '@tensorflow/tfjs';
import { isRecord, showValue } from '../internal/assert';
import { joinWeightData, weightBytes } from './artifacts';
import {
  MAX_JSON_DEPTH,
  MAX_METADATA_BYTES,
  MAX_MODEL_JSON_BYTES,
  MAX_WEIGHT_BYTES,
  MAX_WEIGHT_FILES,
  nestedDeeperThan,
} from './limits';
import { checkMetadata, FORMAT, METADATA_KEY } from './metadata';
import { errorCode, errorText, type NodeIo, type NodeStats } from './nodeIo';

/** tfjs's model file: topology, weights manifest, training config, user-defined metadata. */
export const MODEL_FILE = 'model.json';
/** The weights, as the little-endian binary tfjs writes. */
export const WEIGHTS_FILE = 'weights.bin';
/** seq-echo's metadata, also kept in model.json's `userDefinedMetadata.seqEcho`. */
export const METADATA_FILE = 'seq-echo.json';

/**
 * Names a save uses on its way: `NAME.TAG.tmp` while a file is written, and
 * `weights.TAG.bin`, the weights a committed model.json points to until the save gives them
 * their usual name. Only a save leaves them behind, when it fails; the next save removes them.
 */
const SAVE_LEFTOVER =
  /^(?:(?:model\.json|seq-echo\.json|weights\.bin)\.[0-9a-z]+\.tmp|weights\.[0-9a-z]+\.bin)$/;

const SAVED = `a directory saved by saveEchoModel, holding ${MODEL_FILE}, ${WEIGHTS_FILE} and ${METADATA_FILE}`;
const MODEL_JSON = "tfjs's model.json format: an object with modelTopology and weightsManifest";

/** `text`, cut to 200 characters for a message. */
const short = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** Runs a file system call, turning its failure into an `Error` naming `fn` and `file`. */
async function attempt<T>(
  fn: string,
  file: string,
  run: () => Promise<T>,
  missing?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (missing !== undefined && errorCode(error) === 'ENOENT') {
      throw new Error(`${fn}: ${file} does not exist; expected ${missing}`, { cause: error });
    }
    // Node's messages quote the path, which may be long: keep them short.
    throw new Error(`${fn}: could not access ${file}: ${short(errorText(error))}`, {
      cause: error,
    });
  }
}

/** What kind of file `stats` describes, for messages about files that are not regular. */
function fileKind(stats: NodeStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Reads a regular file without ever blocking on it or reading more than it should: opened
 * non-blocking (a FIFO does not wait for a writer), checked with `fstat` to be a regular file
 * of at most `limit` bytes (exactly `size` bytes when given), then read for exactly that many
 * bytes. `shown` names the file in messages, `expected` says what it should be.
 */
async function readRegularFile(
  fn: string,
  io: NodeIo,
  file: string,
  shown: string,
  expected: string,
  limit: number,
  size?: number,
): Promise<Uint8Array> {
  const { fs } = io;
  const flags = (fs.constants?.O_RDONLY ?? 0) | (fs.constants?.O_NONBLOCK ?? 0);
  const handle = await attempt(fn, shown, () => fs.open(file, flags), expected);
  try {
    const stats = await attempt(fn, shown, () => handle.stat());
    if (!stats.isFile()) {
      throw new Error(
        `${fn}: ${shown} must be a regular file (${expected}), but it is ${fileKind(stats)}`,
      );
    }
    if (size !== undefined && stats.size !== size) {
      throw new Error(
        `${fn}: ${shown} must hold the ${size} bytes it held a moment before, but it holds ${stats.size} bytes: it changed while being read`,
      );
    }
    if (stats.size > limit) {
      throw new Error(
        `${fn}: ${shown} must hold at most ${limit.toLocaleString('en-US')} bytes (${expected}), but it holds ${stats.size.toLocaleString('en-US')} bytes`,
      );
    }
    const data = new Uint8Array(stats.size);
    let offset = 0;
    while (offset < data.byteLength) {
      const { bytesRead } = await attempt(fn, shown, () =>
        handle.read(data, offset, data.byteLength - offset, offset),
      );
      if (bytesRead === 0) {
        throw new Error(
          `${fn}: ${shown} must hold ${data.byteLength} bytes, but it ended after ${offset}: it changed while being read`,
        );
      }
      offset += bytesRead;
    }
    return data;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Reads (as {@link readRegularFile}) and parses a JSON file, refusing deep nesting. */
async function readJson(
  fn: string,
  io: NodeIo,
  file: string,
  shown: string,
  expected: string,
  limit: number,
): Promise<unknown> {
  const bytes = await readRegularFile(fn, io, file, shown, expected, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (error) {
    throw new Error(
      `${fn}: ${shown} is not valid JSON (${errorText(error)}); expected ${expected}`,
      {
        cause: error,
      },
    );
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new Error(
      `${fn}: ${shown} must nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep (${expected}), but it nests them deeper`,
    );
  }
  return value;
}

/** Whether `inner` is `outer` or a path inside it (both absolute and resolved). */
function within(io: NodeIo, outer: string, inner: string): boolean {
  const relative = io.path.relative(outer, inner);
  return (
    relative !== '..' && !relative.startsWith(`..${io.path.sep}`) && !io.path.isAbsolute(relative)
  );
}

/** A list of at most three names for a message, each shortened, and how many more there are. */
function someNames(names: readonly string[], quote = true): string {
  const shown = names.slice(0, 3).map((name) => (quote ? showValue(name) : short(name)));
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/** The tail of each directory's queue of saves, by the directory's real path. */
const saveQueues = new Map<string, Promise<unknown>>();
/** The tail of the chain that resolves each save's queue key, in the order saves are made. */
let keyChain: Promise<unknown> = Promise.resolve();

/** Runs `run` after every save already queued for `key` has settled. */
async function serialised<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = saveQueues.get(key) ?? Promise.resolve();
  const current = previous.then(run, run);
  const tail = current.catch(() => undefined);
  saveQueues.set(key, tail);
  try {
    return await current;
  } finally {
    if (saveQueues.get(key) === tail) saveQueues.delete(key);
  }
}

/**
 * The real path of `directory` (symbolic links resolved), or, while it does not exist yet,
 * that of its nearest existing ancestor joined with the rest: two spellings of one directory
 * get the same key. Falls back to `directory` itself.
 */
async function queueKey(io: NodeIo, directory: string): Promise<string> {
  const { fs, path } = io;
  const rest: string[] = [];
  let current = directory;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...rest);
    } catch (error) {
      const parent = path.dirname(current);
      if (errorCode(error) !== 'ENOENT' || parent === current) return directory;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** Whether a JSON value is seq-echo metadata, or a model.json holding it. */
const isSeqEchoJson = (value: unknown): boolean =>
  isRecord(value) &&
  (value.format === FORMAT ||
    (isRecord(value.userDefinedMetadata) &&
      isRecord(value.userDefinedMetadata[METADATA_KEY]) &&
      value.userDefinedMetadata[METADATA_KEY].format === FORMAT));

/**
 * Whether a directory holding `entries` may be saved into without `overwrite`: it is empty,
 * holds only what a failed save leaves, or its model.json or seq-echo.json is seq-echo's.
 */
async function isSeqEchoDirectory(
  fn: string,
  io: NodeIo,
  directory: string,
  entries: readonly string[],
): Promise<boolean> {
  if (entries.every((name) => SAVE_LEFTOVER.test(name))) return true;
  for (const name of [MODEL_FILE, METADATA_FILE]) {
    if (!entries.includes(name)) continue;
    const file = io.path.join(directory, name);
    try {
      const limit = name === MODEL_FILE ? MAX_MODEL_JSON_BYTES : MAX_METADATA_BYTES;
      if (isSeqEchoJson(await readJson(fn, io, file, file, 'JSON', limit))) return true;
    } catch {
      // Unreadable, not JSON, not regular: not evidence of a seq-echo model.
    }
  }
  return false;
}

/** Creates `file` (it must not exist), writes `content` and flushes it to the disk. */
async function writeDurably(
  fn: string,
  io: NodeIo,
  file: string,
  shown: string,
  content: Uint8Array | string,
): Promise<void> {
  const handle = await attempt(fn, shown, () => io.fs.open(file, 'wx'));
  try {
    await attempt(fn, shown, () => handle.writeFile(content));
    await attempt(fn, shown, () => handle.sync());
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await attempt(fn, shown, () => handle.close());
}

/** Flushes a directory's entries (renames) to the disk; Windows cannot and needs not. */
async function syncDirectory(fn: string, io: NodeIo, directory: string): Promise<void> {
  const platform = (globalThis as { process?: { platform?: unknown } }).process?.platform;
  if (platform === 'win32') return;
  const handle = await attempt(fn, directory, () => io.fs.open(directory, 'r'));
  try {
    await attempt(fn, directory, () => handle.sync());
  } finally {
    await handle.close().catch(() => undefined);
  }
}

let saveCount = 0;

/**
 * Saves the three files so that the directory loads, after a failure or a crash at any step,
 * as either the model it held before or the new one:
 *
 * 1. `weights.TAG.bin` (new name), `seq-echo.json` (loading takes model.json's copy of the
 *    metadata, so this file may run ahead) and a model.json pointing to `weights.TAG.bin`,
 *    each written to a new file and flushed, then renamed into place; the rename of model.json
 *    commits the new model whole.
 * 2. `weights.bin` gets the new weights (nothing points to it now), then a model.json pointing
 *    to it is renamed into place, and `weights.TAG.bin` and any other leftover are removed.
 *
 * Saves to one directory run one at a time, in order (see {@link serialised}).
 */
async function saveDirectory(
  fn: string,
  directory: string,
  io: NodeIo,
  artifacts: tf.io.ModelArtifacts,
  overwrite: boolean,
): Promise<tf.io.SaveResult> {
  const metadata = artifacts.userDefinedMetadata?.[METADATA_KEY];
  if (metadata === undefined) {
    throw new Error(`${fn}: internal error: the artifacts carry no seq-echo metadata`);
  }
  // Keys are resolved one save at a time, so that saves join their directory's queue in the
  // order they were made (realpath calls can finish out of order).
  const queued = keyChain
    .then(() => queueKey(io, directory))
    .then((key) => ({
      done: serialised(key, () => writeModel(fn, directory, io, artifacts, metadata, overwrite)),
    }));
  keyChain = queued.catch(() => undefined);
  await (
    await queued
  ).done;
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** The body of {@link saveDirectory}, run when the directory's earlier saves are done. */
async function writeModel(
  fn: string,
  directory: string,
  io: NodeIo,
  artifacts: tf.io.ModelArtifacts,
  metadata: unknown,
  overwrite: boolean,
): Promise<void> {
  const { fs, path } = io;
  const existing = await fs.stat(directory).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new Error(`${fn}: could not access ${directory}: ${errorText(error)}`, { cause: error });
  });
  if (existing !== undefined && !existing.isDirectory()) {
    throw new Error(
      `${fn}: destination ${directory} must be a directory (or a path where one can be made), but it is a file`,
    );
  }
  await attempt(fn, directory, () => fs.mkdir(directory, { recursive: true }));
  const real = await attempt(fn, directory, () => fs.realpath(directory));
  const entries = await attempt(fn, directory, () => fs.readdir(real));
  if (!overwrite && !(await isSeqEchoDirectory(fn, io, real, entries))) {
    throw new Error(
      `${fn}: destination ${directory} must be an empty directory or one saved by saveEchoModel, but it holds ${someNames(entries)} and no seq-echo model; pass { overwrite: true } to replace its ${MODEL_FILE}, ${WEIGHTS_FILE} and ${METADATA_FILE} anyway`,
    );
  }

  const modelJson = (weightsPath: string): string =>
    JSON.stringify({
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? 'seq-echo',
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
    } satisfies tf.io.ModelJSON);
  const weights = new Uint8Array(
    artifacts.weightData ? joinWeightData(artifacts.weightData) : new ArrayBuffer(0),
  );
  const tag = `${Date.now().toString(36)}${(saveCount++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const versioned = `weights.${tag}.bin`;
  const temporary = (name: string) => `${name}.${tag}.tmp`;
  const at = (name: string) => path.join(real, name);
  const shown = (name: string) => path.join(directory, name);
  /** Files this save made that nothing points to: removed if the save fails. */
  const own = new Set<string>();
  let committed = false;
  const write = async (name: string, content: Uint8Array | string) => {
    own.add(name);
    await writeDurably(fn, io, at(name), shown(name), content);
  };
  const rename = async (from: string, to: string) => {
    await attempt(fn, shown(to), () => fs.rename(at(from), at(to)));
    own.delete(from);
  };
  try {
    // 1. The new model, whole, under new names; model.json's rename commits it.
    await write(versioned, weights);
    await write(temporary(METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
    await write(temporary(MODEL_FILE), modelJson(versioned));
    await rename(temporary(METADATA_FILE), METADATA_FILE);
    await syncDirectory(fn, io, real);
    await rename(temporary(MODEL_FILE), MODEL_FILE);
    own.delete(versioned); // model.json points to it now
    committed = true;
    await syncDirectory(fn, io, real);
    // 2. The usual names again: weights.bin, then a model.json pointing to it.
    await write(temporary(WEIGHTS_FILE), weights);
    await rename(temporary(WEIGHTS_FILE), WEIGHTS_FILE);
    await write(temporary(MODEL_FILE), modelJson(WEIGHTS_FILE));
    await rename(temporary(MODEL_FILE), MODEL_FILE);
    await syncDirectory(fn, io, real);
  } catch (error) {
    await Promise.all(
      [...own].map((name) => fs.rm(at(name), { force: true }).catch(() => undefined)),
    );
    if (!committed) throw error;
    throw new Error(
      `${errorText(error)}; the new model is saved nonetheless (its ${MODEL_FILE} points to ${versioned} until the next save)`,
      { cause: error },
    );
  }
  // The model is saved; what is left is tidying (the next save retries it if this fails).
  try {
    for (const name of await fs.readdir(real)) {
      if (SAVE_LEFTOVER.test(name)) await fs.rm(at(name), { force: true });
    }
  } catch {
    // Leftovers never affect loading.
  }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** The group list of a parsed model.json's weightsManifest, or `undefined` if malformed. */
function manifestGroups(value: unknown): { paths: string[]; weights: unknown[] }[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const groups = value as unknown[];
  const valid = groups.every(
    (group) =>
      isRecord(group) &&
      Array.isArray(group.paths) &&
      (group.paths as unknown[]).every((p) => typeof p === 'string') &&
      Array.isArray(group.weights),
  );
  return valid ? (groups as { paths: string[]; weights: unknown[] }[]) : undefined;
}

/** A weights file the manifest lists: its path for messages, its real path, its size. */
interface WeightFile {
  shown: string;
  real: string;
  size: number;
}

/** Reads a saved directory (or its model.json) back into checked-size model artifacts. */
async function loadDirectory(
  fn: string,
  location: string,
  io: NodeIo,
): Promise<tf.io.ModelArtifacts> {
  const { fs, path } = io;
  const stats = await attempt(fn, location, () => fs.stat(location), SAVED);
  let directory = location;
  let modelFile = path.join(location, MODEL_FILE);
  if (stats.isFile() && location.toLowerCase().endsWith('.json')) {
    directory = path.dirname(location);
    modelFile = location;
  } else if (!stats.isDirectory()) {
    throw new Error(
      `${fn}: ${location} is not a directory; expected ${SAVED} (or the path of its ${MODEL_FILE})`,
    );
  }
  // Every file is read by its real path, which must lie inside the directory's real path: a
  // symbolic link cannot lead the loader out of the directory.
  const realDirectory = await attempt(fn, directory, () => fs.realpath(directory), SAVED);
  const resolveInside = async (file: string, shown: string, expected: string) => {
    const real = await attempt(fn, shown, () => fs.realpath(file), expected);
    if (!within(io, realDirectory, real) || real === realDirectory) {
      throw new Error(
        `${fn}: ${shown} must be a file inside ${directory} (${expected}), but it is a symbolic link that leads out of it`,
      );
    }
    return real;
  };

  const modelJson = await readJson(
    fn,
    io,
    await resolveInside(modelFile, modelFile, MODEL_JSON),
    modelFile,
    MODEL_JSON,
    MAX_MODEL_JSON_BYTES,
  );
  if (!isRecord(modelJson) || !isRecord(modelJson.modelTopology)) {
    throw new Error(`${fn}: ${modelFile} has no modelTopology object; expected ${MODEL_JSON}`);
  }
  const groups = manifestGroups(modelJson.weightsManifest);
  if (groups === undefined) {
    throw new Error(
      `${fn}: ${modelFile} has no valid weightsManifest (a list of { paths, weights }); expected ${MODEL_JSON}`,
    );
  }

  // seq-echo.json must be seq-echo's metadata; model.json's copy, when it has one, is the one
  // used: model.json is the file a save replaces last, so it is the one that is never stale.
  const metadataFile = path.join(directory, METADATA_FILE);
  const metadataExpected = `the seq-echo metadata of ${SAVED}`;
  const stored = await readJson(
    fn,
    io,
    await resolveInside(metadataFile, metadataFile, metadataExpected),
    metadataFile,
    metadataExpected,
    MAX_METADATA_BYTES,
  );
  checkMetadata(fn, metadataFile, stored);
  const userDefined = isRecord(modelJson.userDefinedMetadata) ? modelJson.userDefinedMetadata : {};
  const metadata = userDefined[METADATA_KEY] ?? stored;

  const specs = groups.flatMap((group) => group.weights);
  const expectedBytes = weightBytes(specs);
  if (typeof expectedBytes === 'string') {
    throw new Error(`${fn}: ${modelFile} has a malformed weightsManifest: ${expectedBytes}`);
  }
  if (expectedBytes > MAX_WEIGHT_BYTES) {
    throw new Error(
      `${fn}: ${modelFile}'s weightsManifest must list at most ${MAX_WEIGHT_BYTES.toLocaleString('en-US')} bytes of weights, but lists ${expectedBytes.toLocaleString('en-US')}`,
    );
  }
  // The list first, without touching the file system: inside the directory, no repeats, no
  // more files than the weights need (each holds at least one byte; tfjs writes 4 MB shards).
  const listed = groups.flatMap((group) => group.paths);
  const resolved = new Set<string>();
  for (const relative of listed) {
    const file = path.resolve(directory, relative);
    if (!within(io, directory, file) || file === directory) {
      throw new Error(
        `${fn}: ${modelFile}'s weightsManifest must list weight files inside ${directory}, but lists ${showValue(relative)}`,
      );
    }
    if (resolved.has(file)) {
      throw new Error(
        `${fn}: ${modelFile}'s weightsManifest must list each weight file once, but lists ${showValue(relative)} more than once`,
      );
    }
    resolved.add(file);
  }
  const mostFiles = Math.min(MAX_WEIGHT_FILES, Math.max(1, expectedBytes));
  if (listed.length > mostFiles) {
    throw new Error(
      `${fn}: ${modelFile}'s weightsManifest must list at most ${mostFiles} weight files (for ${expectedBytes} bytes of weights), but lists ${listed.length}`,
    );
  }
  // Then each file, one at a time, by its real path: a regular file inside the directory.
  const files: WeightFile[] = [];
  for (const file of resolved) {
    const shown = short(file);
    const expected = `a weights file (${modelFile} lists it)`;
    const real = await resolveInside(file, shown, expected);
    if (files.some((f) => f.real === real)) {
      throw new Error(
        `${fn}: ${modelFile}'s weightsManifest must list each weight file once, but ${shown} is another name for a file it lists`,
      );
    }
    // stat, not open: opening a FIFO could wait for a writer.
    const fileStats = await attempt(fn, shown, () => fs.stat(real), expected);
    if (!fileStats.isFile()) {
      throw new Error(
        `${fn}: ${shown} must be a regular file (${expected}), but it is ${fileKind(fileStats)}`,
      );
    }
    files.push({ shown, real, size: fileStats.size });
  }
  const actualBytes = files.reduce((sum, file) => sum + file.size, 0);
  const empty = files.length > 1 ? files.find((file) => file.size === 0) : undefined;
  if (actualBytes !== expectedBytes || empty !== undefined) {
    const names = someNames(
      files.map((file) => file.shown),
      false,
    );
    const holds = files.length === 1 ? 'it holds' : 'they hold';
    throw new Error(
      empty !== undefined
        ? `${fn}: each weight file must hold some of the weights, but ${empty.shown} is empty`
        : `${fn}: ${names} must hold ${expectedBytes} bytes (the ${specs.length} weights ${modelFile}'s weightsManifest lists), but ${holds} ${actualBytes} bytes`,
    );
  }
  const weightData = new Uint8Array(actualBytes);
  let offset = 0;
  for (const file of files) {
    const expected = `a weights file (${modelFile} lists it)`;
    const shard = await readRegularFile(
      fn,
      io,
      file.real,
      file.shown,
      expected,
      file.size,
      file.size,
    );
    weightData.set(shard, offset);
    offset += shard.byteLength;
  }

  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer,
    userDefinedMetadata: {
      ...userDefined,
      [METADATA_KEY]: metadata,
    } as NonNullable<tf.io.ModelArtifacts['userDefinedMetadata']>,
  };
  if (typeof modelJson.format === 'string') artifacts.format = modelJson.format;
  if (typeof modelJson.generatedBy === 'string') artifacts.generatedBy = modelJson.generatedBy;
  if (isRecord(modelJson.trainingConfig)) {
    artifacts.trainingConfig = modelJson.trainingConfig as unknown as tf.io.TrainingConfig;
  }
  return artifacts;
}

/** How {@link directoryHandler}'s `save` treats a directory that is not a seq-echo model. */
export interface DirectorySaveOptions {
  /** Replace model.json, weights.bin and seq-echo.json even in a foreign directory. */
  overwrite: boolean;
}

/**
 * A tfjs IO handler for a directory in Node: `save` writes model.json (topology, weights
 * manifest, training config, user-defined metadata), weights.bin and seq-echo.json, so that
 * the directory loads as the old model or the new one whatever fails, one save at a time per
 * directory; `load` reads them back, checking each file before reading it, the weight data's
 * size and the seq-echo metadata, and throws an `Error` naming `fn` and the file otherwise.
 * `directory` is absolute; for `load` it may also be the path of a model.json.
 */
export function directoryHandler(
  fn: string,
  directory: string,
  io: NodeIo,
  options: DirectorySaveOptions = { overwrite: false },
): tf.io.IOHandler {
  return {
    save: (artifacts) => saveDirectory(fn, directory, io, artifacts, options.overwrite),
    load: () => loadDirectory(fn, directory, io),
  };
}
