import type * as tf from '@tensorflow/tfjs';
import { isRecord } from '../internal/assert';
import { buildTeacherForcing, type TeacherForcingModels } from '../models/teacherForcing';
import { checkArtifacts, type CheckedArtifacts } from './artifacts';
import { directoryHandler } from './directoryHandler';
import type { SavedKind } from './loadDirectory';
import { locationText, resolveLocation } from './location';
import { METADATA_KEY } from './metadata';
import { errorText } from './nodeIo';
import { setSavedWeights } from './rebuild';
import {
  checkTeacherForcingMetadata,
  type TeacherForcingMetadata,
  teacherForcingWeightCount,
  trainingTopology,
} from './teacherForcingMetadata';
import { rethrowNamed, urlHandler } from './urlHandler';

const SAVER = 'saveTeacherForcing';

/** Teacher-forcing models, saved by saveTeacherForcing. */
const TEACHER_FORCING: SavedKind = { saver: SAVER, checkMetadata: checkTeacherForcingMetadata };

/** What one call's files must be, ending a message. */
const ONE_SAVE = `expected the files of one ${SAVER} call`;

/** The model artifacts at `source`, read by the directory handler or tfjs's URL handler. */
async function readArtifacts(
  fn: string,
  source: unknown,
): Promise<{ where: string; artifacts: tf.io.ModelArtifacts }> {
  const location = await resolveLocation(fn, 'source', locationText(fn, 'source', source));
  if (location.kind === 'directory') {
    const handler = directoryHandler(fn, location.path, location.io, undefined, TEACHER_FORCING);
    return { where: location.path, artifacts: await handler.load!() };
  }
  const handler = urlHandler(fn, 'source', location.url, 'load');
  try {
    return { where: location.url, artifacts: await handler.load!() };
  } catch (error) {
    rethrowNamed(fn, 'load the models from', location.url, error);
  }
}

/** Refuses weights whose size the metadata's `nUnique` and `units` do not give, before a build. */
function checkWeightSize(
  fn: string,
  where: string,
  metadata: TeacherForcingMetadata,
  artifacts: CheckedArtifacts,
): void {
  const count = teacherForcingWeightCount(metadata.nUnique, metadata.units);
  const bytes = artifacts.weightData.byteLength;
  if (bytes !== 4 * count) {
    throw new Error(
      `${fn}: the seq-echo metadata of ${where} does not describe its weights: nUnique ${metadata.nUnique} and units ${metadata.units} make ${count} weights (${4 * count} bytes), but the weights take ${bytes} bytes; ${ONE_SAVE}`,
    );
  }
}

/**
 * Each layer of a serialised model in a line: its class, name, input shape, units and
 * activations, which the metadata decides (initializers and seeds do not matter once the
 * weights are set).
 */
function layerLines(topology: unknown): string[] {
  const config = isRecord(topology) && isRecord(topology.config) ? topology.config : {};
  const layers: unknown[] = Array.isArray(config.layers) ? (config.layers as unknown[]) : [];
  return layers.map((layer) => {
    if (!isRecord(layer) || !isRecord(layer.config)) return 'a malformed layer';
    const c = layer.config;
    const parts = [c.batch_input_shape, c.units, c.activation, c.recurrent_activation];
    return `${String(layer.class_name)} ${String(c.name)} ${JSON.stringify(parts)}`;
  });
}

/** Refuses a saved topology whose layers the metadata's options do not build. */
function checkTopology(
  fn: string,
  where: string,
  artifacts: CheckedArtifacts,
  training: tf.LayersModel,
): void {
  const saved = layerLines(artifacts.modelTopology);
  const built = layerLines(trainingTopology(training));
  for (let at = 0; at < Math.max(saved.length, built.length); at++) {
    if (saved[at] === built[at]) continue;
    throw new Error(
      `${fn}: the seq-echo metadata of ${where} does not describe its model: layer ${at + 1} is saved as ${saved[at] ?? 'missing'} but the metadata builds ${built[at] ?? 'none'}; ${ONE_SAVE}`,
    );
  }
}

/** The models the metadata describes, built; buildTeacherForcing's refusals name `where`. */
function build(fn: string, where: string, metadata: TeacherForcingMetadata) {
  const { maxLength, nUnique, units, task, recurrentActivation, learningRate } = metadata;
  try {
    return buildTeacherForcing({
      maxLength,
      nUnique,
      units,
      task,
      recurrentActivation,
      learningRate,
    });
  } catch (error) {
    throw new Error(
      `${fn}: the seq-echo metadata of ${where} describes models that cannot be built: ${errorText(error)}`,
      { cause: error },
    );
  }
}

/**
 * Loads teacher-forcing models saved by {@link saveTeacherForcing}: builds them with
 * {@link buildTeacherForcing} from the saved options and sets the saved weights, bit for bit,
 * so that {@link decodeGreedy}, {@link decodeGreedyBatch} and {@link evaluateTeacherForcing}
 * answer exactly what the saved models did. {@link trainTeacherForcing} trains them on, with
 * the saved learning rate; Adam's moments start afresh, since they are not saved.
 *
 * `source` is what was given to {@link saveTeacherForcing}: a directory path or `file://` URL
 * in Node (or the path of the directory's `model.json`), or a TensorFlow.js URL. Everything is
 * checked as {@link loadEchoModel} checks it, before a tensor is made: each file before it is
 * read, the weights' size and finiteness, the metadata, and that the metadata's options build
 * the saved layers with the saved weights' shapes. A directory holding an echo model is refused
 * naming {@link loadEchoModel}. Free the models with their `dispose()`.
 *
 * @param source - A directory path or `file://` URL (Node), or a TensorFlow.js URL.
 * @returns The three models, as {@link buildTeacherForcing} returns them; the training model's
 *   `getUserDefinedMetadata()` holds the metadata under `seqEcho` (see
 *   {@link TeacherForcingMetadata}).
 * @throws TypeError / RangeError for a `source` that is not a non-empty string or `URL`, or
 *   that nothing here loads from; TypeError for metadata that is not saveTeacherForcing's (an
 *   echo model's included); RangeError for a newer `formatVersion`, another major
 *   `libraryVersion` or an option out of buildTeacherForcing's range; Error, naming the file,
 *   for anything missing, malformed, too large or inconsistent. No tensor is left behind.
 *
 * @example
 * ```ts
 * import { mkdtemp, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildTeacherForcing, decodeGreedy, loadTeacherForcing } from 'seq-echo';
 * import { saveTeacherForcing, trainTeacherForcing } from 'seq-echo';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'seq-echo-'));
 * const models = buildTeacherForcing({ maxLength: 4, nUnique: 10, units: 8, seed: 1 });
 * await trainTeacherForcing(models, { epochs: 2, samplesPerEpoch: 64, seed: 2 });
 * await saveTeacherForcing(models, dir);
 *
 * const loaded = await loadTeacherForcing(dir);
 * console.log(loaded.maxLength, loaded.nUnique, loaded.units); // 4 10 8
 * const same = JSON.stringify(decodeGreedy(loaded, [3, 1, 4])) === JSON.stringify(decodeGreedy(models, [3, 1, 4]));
 * console.log(same); // true
 * const { history } = await trainTeacherForcing(loaded, { epochs: 1, samplesPerEpoch: 64, seed: 3 });
 * console.log(history.loss.length); // 1
 * models.dispose();
 * loaded.dispose();
 * await rm(dir, { recursive: true });
 * ```
 */
export async function loadTeacherForcing(source: string | URL): Promise<TeacherForcingModels> {
  const fn = 'loadTeacherForcing';
  const { where, artifacts } = await readArtifacts(fn, source);
  const checked = checkArtifacts(fn, where, artifacts, SAVER);
  const metadata = checkTeacherForcingMetadata(
    fn,
    `${where}'s userDefinedMetadata.${METADATA_KEY}`,
    checked.userDefinedMetadata?.[METADATA_KEY],
  );
  checkWeightSize(fn, where, metadata, checked);
  const models = build(fn, where, metadata);
  try {
    checkTopology(fn, where, checked, models.training);
    setSavedWeights(fn, where, models.training, checked);
    models.training.setUserDefinedMetadata({
      ...(checked.userDefinedMetadata ?? {}),
      [METADATA_KEY]: { ...metadata },
    });
  } catch (error) {
    models.dispose();
    throw error;
  }
  return models;
}
