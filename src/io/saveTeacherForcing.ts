import * as tf from '@tensorflow/tfjs';
import { assertTeacherForcingModels, type TeacherForcingModels } from '../models/teacherForcing';
import { METADATA_KEY } from './metadata';
import type { SaveEchoModelOptions } from './saveEchoModel';
import {
  type TeacherForcingMetadata,
  teacherForcingMetadataFor,
  trainingTopology,
} from './teacherForcingMetadata';
import { checkSaveOptions, openSaveTarget } from './saveTarget';
import { rethrowNamed } from './urlHandler';

/** What {@link saveTeacherForcing} resolves to. */
export interface SaveTeacherForcingResult {
  /** Where the models went: the absolute directory path, or the URL as given. */
  location: string;
  /** The seq-echo metadata saved with them: buildTeacherForcing's options and the versions. */
  metadata: TeacherForcingMetadata;
  /** tfjs's account of what was written: the date, and the topology and weight sizes in bytes. */
  modelArtifactsInfo: tf.io.ModelArtifactsInfo;
}

/**
 * What `model.save` would hand an IO handler for the training model (its weights by their
 * original names, without the optimizer's), with the metadata in `userDefinedMetadata.seqEcho`
 * and the topology serialised without tfjs's warning (see {@link trainingTopology}).
 */
async function artifactsOf(
  training: tf.LayersModel,
  metadata: TeacherForcingMetadata,
): Promise<tf.io.ModelArtifacts> {
  const named = training.weights.map((weight) => ({
    name: weight.originalName,
    tensor: weight.read(),
  }));
  const { data, specs } = await tf.io.encodeWeights(named);
  return {
    modelTopology: trainingTopology(training),
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    userDefinedMetadata: {
      // tfjs types it as always set; it is undefined until set.
      ...(training.getUserDefinedMetadata() as object | undefined),
      [METADATA_KEY]: { ...metadata },
    },
    weightData: data,
    weightSpecs: specs,
  };
}

/**
 * Saves teacher-forcing models from {@link buildTeacherForcing}: the training model's topology
 * and weights in tfjs's format (the encoder and the one-step decoder share those weights), plus
 * seq-echo's metadata, the options that rebuild all three (`maxLength`, `nUnique`, `units`,
 * `task`, `recurrentActivation`, `learningRate`) and seq-echo's version, so that
 * {@link loadTeacherForcing} gives back models that decode exactly what these do.
 *
 * `destination` is what {@link saveEchoModel} takes, with the same guarantees: a directory
 * path or `file://` URL in Node (`model.json`, `weights.bin` and `seq-echo.json`, written
 * atomically, one save at a time per directory; a directory that holds files but no seq-echo
 * save is refused unless `options.overwrite` is `true`), or a TensorFlow.js URL
 * (`indexeddb://`, `localstorage://`, `downloads://`, `http(s)://`) with the metadata in the
 * artifacts' `userDefinedMetadata.seqEcho`.
 *
 * `model.json`'s topology is tfjs's serialisation of the training model, for reference: tfjs's
 * format cannot record that the decoder starts from the encoder's state, so
 * `tf.loadLayersModel` would not rebuild these models; {@link loadTeacherForcing} rebuilds them
 * from the metadata. Adam's state is not saved: training loaded models starts with fresh moments. The models are
 * not changed, and no tensor is left behind. Save after {@link trainTeacherForcing}'s promise
 * settles: while it trains on the fused engine, the models' weights lag behind its own.
 *
 * @param models - The object {@link buildTeacherForcing} returned, not disposed.
 * @param destination - A directory path or `file://` URL (Node), or a TensorFlow.js URL.
 * @param options - `overwrite` (default `false`): save into a directory that holds files but
 *   no seq-echo save, replacing its `model.json`, `weights.bin` and `seq-echo.json`.
 * @returns Where they went, the metadata and tfjs's sizes: see {@link SaveTeacherForcingResult}.
 * @throws TypeError / RangeError for `models` that are not buildTeacherForcing's live models,
 *   a destination that is not a non-empty string or `URL` or that nothing here saves to, or
 *   bad `options`: before anything is written. Error when writing fails (naming the path or
 *   URL), e.g. into a file, or a directory of other files without `overwrite`.
 *
 * @example
 * ```ts
 * import { mkdtemp, readdir, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildTeacherForcing, saveTeacherForcing } from 'seq-echo';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'seq-echo-'));
 * const models = buildTeacherForcing({ maxLength: 4, nUnique: 10, units: 8, seed: 1 });
 * const { metadata } = await saveTeacherForcing(models, join(dir, 'tf'));
 * console.log(metadata.format, metadata.maxLength, metadata.nUnique, metadata.units); // seq-echo-teacher-forcing 4 10 8
 * console.log((await readdir(join(dir, 'tf'))).sort()); // [ 'model.json', 'seq-echo.json', 'weights.bin' ]
 * models.dispose();
 * await rm(dir, { recursive: true });
 * ```
 */
export async function saveTeacherForcing(
  models: TeacherForcingModels,
  destination: string | URL,
  options: SaveEchoModelOptions = {},
): Promise<SaveTeacherForcingResult> {
  const fn = 'saveTeacherForcing';
  assertTeacherForcingModels(fn, models);
  const overwrite = checkSaveOptions(fn, options);
  const { target, where } = await openSaveTarget(fn, destination, overwrite);
  const metadata = teacherForcingMetadataFor(models);
  let saved: tf.io.SaveResult;
  try {
    saved = await target.save!(await artifactsOf(models.training, metadata));
  } catch (error) {
    rethrowNamed(fn, 'save the models to', where, error);
  }
  return { location: where, metadata, modelArtifactsInfo: saved.modelArtifactsInfo };
}
