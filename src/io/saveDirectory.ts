import * as tf from '@tensorflow/tfjs';
import { isRecord } from '../internal/assert';
import { joinWeightData } from './artifacts';
import {
  attempt,
  type FileAt,
  METADATA_FILE,
  MODEL_FILE,
  readJson,
  someNames,
  syncDirectory,
  WEIGHTS_FILE,
  writeDurably,
} from './fileAccess';
import { MAX_METADATA_BYTES, MAX_MODEL_JSON_BYTES } from './limits';
import { METADATA_KEY, savedKind } from './metadata';
import { errorCode, errorText, type NodeIo } from './nodeIo';
import { queueSave } from './saveQueue';

/**
 * Names a save uses on its way: `NAME.TAG.tmp` while a file is written, and
 * `weights.TAG.bin`, the weights a committed model.json points to until the save gives them
 * their usual name. Only a save leaves them behind, when it fails; the next save removes them.
 */
const SAVE_LEFTOVER =
  /^(?:(?:model\.json|seq-echo\.json|weights\.bin)\.[0-9a-z]+\.tmp|weights\.[0-9a-z]+\.bin)$/;

/**
 * Whether a JSON value is seq-echo metadata (of an echo model or of teacher-forcing models), or
 * a model.json holding it.
 */
const isSeqEchoJson = (value: unknown): boolean =>
  isRecord(value) &&
  (savedKind(value.format) !== undefined ||
    (isRecord(value.userDefinedMetadata) &&
      isRecord(value.userDefinedMetadata[METADATA_KEY]) &&
      savedKind(value.userDefinedMetadata[METADATA_KEY].format) !== undefined));

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
      if (isSeqEchoJson(await readJson({ fn, io, file, shown: file }, 'JSON', limit))) return true;
    } catch {
      // Unreadable, not JSON, not regular: not evidence of a seq-echo model.
    }
  }
  return false;
}

/**
 * Makes `directory` if needed and returns its real path; refuses a file, and, without
 * `overwrite`, a directory that holds files but no seq-echo model.
 */
async function prepareDestination(
  fn: string,
  io: NodeIo,
  directory: string,
  overwrite: boolean,
): Promise<string> {
  const { fs } = io;
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
      `${fn}: destination ${directory} must be an empty directory or one saved by saveEchoModel or saveTeacherForcing, but it holds ${someNames(entries)} and no seq-echo model; pass { overwrite: true } to replace its ${MODEL_FILE}, ${WEIGHTS_FILE} and ${METADATA_FILE} anyway`,
    );
  }
  return real;
}

/** model.json's text for `artifacts`, its weights manifest naming `weightsPath`. */
function modelJsonText(artifacts: tf.io.ModelArtifacts, weightsPath: string): string {
  return JSON.stringify({
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? 'seq-echo',
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
  } satisfies tf.io.ModelJSON);
}

let saveCount = 0;

/**
 * Writes the three files into the directory `dir` (its `file` the real path, `shown` the
 * path as given) so that it loads, after a failure or a crash at any step, as either the
 * model it held before or the new one:
 *
 * 1. `weights.TAG.bin` (new name), `seq-echo.json` (loading takes model.json's copy of the
 *    metadata, so this file may run ahead) and a model.json pointing to `weights.TAG.bin`,
 *    each written to a new file and flushed, then renamed into place; the rename of model.json
 *    commits the new model whole.
 * 2. `weights.bin` gets the new weights (nothing points to it now), then a model.json pointing
 *    to it is renamed into place.
 */
async function writeFiles(
  dir: FileAt,
  artifacts: tf.io.ModelArtifacts,
  metadata: unknown,
): Promise<void> {
  const { fn, io } = dir;
  const weights = new Uint8Array(
    artifacts.weightData ? joinWeightData(artifacts.weightData) : new ArrayBuffer(0),
  );
  const tag = `${Date.now().toString(36)}${(saveCount++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const versioned = `weights.${tag}.bin`;
  const temporary = (name: string) => `${name}.${tag}.tmp`;
  const at = (name: string) => io.path.join(dir.file, name);
  const shown = (name: string) => io.path.join(dir.shown, name);
  /** Files this save made that nothing points to: removed if the save fails. */
  const own = new Set<string>();
  let committed = false;
  const write = async (name: string, content: Uint8Array | string) => {
    own.add(name);
    await writeDurably({ fn, io, file: at(name), shown: shown(name) }, content);
  };
  const rename = async (from: string, to: string) => {
    await attempt(fn, shown(to), () => io.fs.rename(at(from), at(to)));
    own.delete(from);
  };
  try {
    // 1. The new model, whole, under new names; model.json's rename commits it.
    await write(versioned, weights);
    await write(temporary(METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
    await write(temporary(MODEL_FILE), modelJsonText(artifacts, versioned));
    await rename(temporary(METADATA_FILE), METADATA_FILE);
    await syncDirectory(fn, io, dir.file);
    await rename(temporary(MODEL_FILE), MODEL_FILE);
    own.delete(versioned); // model.json points to it now
    committed = true;
    await syncDirectory(fn, io, dir.file);
    // 2. The usual names again: weights.bin, then a model.json pointing to it.
    await write(temporary(WEIGHTS_FILE), weights);
    await rename(temporary(WEIGHTS_FILE), WEIGHTS_FILE);
    await write(temporary(MODEL_FILE), modelJsonText(artifacts, WEIGHTS_FILE));
    await rename(temporary(MODEL_FILE), MODEL_FILE);
    await syncDirectory(fn, io, dir.file);
  } catch (error) {
    await Promise.all(
      [...own].map((name) => io.fs.rm(at(name), { force: true }).catch(() => undefined)),
    );
    if (!committed) throw error;
    throw new Error(
      `${errorText(error)}; the new model is saved nonetheless (its ${MODEL_FILE} points to ${versioned} until the next save)`,
      { cause: error },
    );
  }
}

/** Removes what failed saves left in `directory`; best effort, as leftovers never affect loading. */
async function removeLeftovers(io: NodeIo, directory: string): Promise<void> {
  try {
    for (const name of await io.fs.readdir(directory)) {
      if (SAVE_LEFTOVER.test(name)) await io.fs.rm(io.path.join(directory, name), { force: true });
    }
  } catch {
    // The next save tries again.
  }
}

/**
 * Saves `artifacts` into `directory` as {@link writeFiles} says, then removes any leftovers
 * of failed saves. Saves to one directory run one at a time, in order (see {@link queueSave}).
 */
export async function saveDirectory(
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
  await queueSave(io, directory, async () => {
    const real = await prepareDestination(fn, io, directory, overwrite);
    await writeFiles({ fn, io, file: real, shown: directory }, artifacts, metadata);
    await removeLeftovers(io, real);
  });
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}
