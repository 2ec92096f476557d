import type * as tf from '@tensorflow/tfjs';
import { readEchoShape } from '../models/echoShape';
import { type EchoModelMetadata, METADATA_KEY, metadataFor } from './metadata';
import { checkSaveOptions, openSaveTarget } from './saveTarget';
import { rethrowNamed } from './urlHandler';

/** Options of {@link saveEchoModel}. */
export interface SaveEchoModelOptions {
  /**
   * Save into a directory even when it holds files and no seq-echo model, replacing its
   * `model.json`, `weights.bin` and `seq-echo.json` (other files are left alone). Default
   * `false`: such a directory is refused. Ignored for TensorFlow.js URLs.
   */
  overwrite?: boolean | undefined;
}

/** What {@link saveEchoModel} resolves to. */
export interface SaveEchoModelResult {
  /** Where the model went: the absolute directory path, or the URL as given. */
  location: string;
  /** The seq-echo metadata saved with the model. */
  metadata: EchoModelMetadata;
  /** tfjs's account of what was written: the date, and the topology and weight sizes in bytes. */
  modelArtifactsInfo: tf.io.ModelArtifactsInfo;
}

/**
 * The model's loss, metrics and optimizer settings in tfjs's `trainingConfig` form (what
 * `model.save(…, { includeOptimizer: true })` writes, without the optimizer's weights), or
 * `undefined` for a model that is not compiled.
 */
function trainingConfigOf(model: tf.LayersModel): tf.io.TrainingConfig | undefined {
  if ((model as { optimizer?: unknown }).optimizer == null) return undefined;
  try {
    // Protected in tfjs's typings; the method model.save uses for includeOptimizer.
    const config = (
      model as unknown as { getTrainingConfig(): tf.io.TrainingConfig }
    ).getTrainingConfig();
    return JSON.parse(JSON.stringify(config)) as tf.io.TrainingConfig;
  } catch {
    return undefined;
  }
}

/**
 * Saves an echo model: its topology, weights and training settings in tfjs's format, plus
 * seq-echo's metadata (`nIn`, `nOut`, `nUnique`, architecture, batching, seq-echo's version),
 * so that {@link loadEchoModel} gives back a model that predicts exactly what this one does.
 *
 * Where it goes depends on `destination`:
 *
 * - a directory path, or a `file://` URL (Node): the directory is created if needed and gets
 *   `model.json` (tfjs's format), `weights.bin` and `seq-echo.json` (the metadata, also kept
 *   in `model.json`'s `userDefinedMetadata.seqEcho`). The save is atomic: if it fails or the
 *   process dies at any step, the directory still loads as the model it held before or as
 *   the new one, never a mix. Saves to one directory in one process run one at a time, in
 *   the order they were called, however the path is spelled; separate processes are not
 *   coordinated. A directory that holds files but no seq-echo model is refused unless
 *   `options.overwrite` is `true`.
 * - a TensorFlow.js URL, `indexeddb://name`, `localstorage://name`, `downloads://name` (in a
 *   browser) or `http(s)://…`: tfjs's own IO handler for it, with the metadata in the model
 *   artifacts' `userDefinedMetadata.seqEcho`.
 *
 * The optimizer's settings (loss, metrics, Adam's learning rate) are saved, not its state:
 * training a loaded model starts with fresh Adam moments. The model is not changed, and no
 * tensor is left behind.
 *
 * @param model - A model from {@link buildSeq2Seq}, {@link buildEncoderDecoder} or any model
 *   with input `[batch, nIn, nUnique]` and output `[batch, nOut, nUnique]`.
 * @param destination - A directory path or `file://` URL (Node), or a TensorFlow.js URL.
 * @param options - `overwrite` (default `false`): save into a directory that holds files but
 *   no seq-echo model, replacing its `model.json`, `weights.bin` and `seq-echo.json` and
 *   leaving its other files alone.
 * @returns Where it went, the metadata saved and tfjs's sizes: see {@link SaveEchoModelResult}.
 * @throws TypeError / RangeError for a model that does not fit an echo task, or a destination
 *   that is not a non-empty string or `URL`, no TensorFlow.js IO handler accepts, or that is a
 *   directory where Node's file system is missing (a browser), or `options` that are not an
 *   object with a boolean `overwrite`: before anything is written. Error when writing fails
 *   (naming the path or URL), e.g. when the path is a file, or when the directory holds files
 *   and no seq-echo model and `overwrite` is not `true`; the directory then loads as before.
 *
 * @example
 * ```ts
 * import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildSeq2Seq, disposeEchoModel, saveEchoModel } from 'seq-echo';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'seq-echo-'));
 * const model = buildSeq2Seq({ seed: 1 });
 * const { metadata } = await saveEchoModel(model, join(dir, 'echo-a'));
 * console.log(metadata.architecture, metadata.nIn, metadata.nOut, metadata.nUnique); // seq2seq 5 5 100
 * console.log((await readdir(join(dir, 'echo-a'))).sort()); // [ 'model.json', 'seq-echo.json', 'weights.bin' ]
 *
 * // A directory of other files is refused, unless told to overwrite.
 * const mine = join(dir, 'mine');
 * await mkdir(mine);
 * await writeFile(join(mine, 'notes.txt'), 'mine');
 * const refused = await saveEchoModel(model, mine).catch((error: Error) => error.message);
 * console.log(String(refused).includes('one saved by saveEchoModel')); // true
 * await saveEchoModel(model, mine, { overwrite: true });
 * console.log((await readdir(mine)).sort()); // [ 'model.json', 'notes.txt', 'seq-echo.json', 'weights.bin' ]
 * disposeEchoModel(model);
 * await rm(dir, { recursive: true });
 * ```
 */
export async function saveEchoModel(
  model: tf.LayersModel,
  destination: string | URL,
  options: SaveEchoModelOptions = {},
): Promise<SaveEchoModelResult> {
  const fn = 'saveEchoModel';
  const overwrite = checkSaveOptions(fn, options);
  const shape = readEchoShape(fn, model);
  const { target, where } = await openSaveTarget(fn, destination, overwrite);
  const metadata = metadataFor(model, shape);
  const trainingConfig = trainingConfigOf(model);
  let saved: tf.io.SaveResult;
  try {
    saved = await model.save(
      {
        save: (artifacts) =>
          target.save!({
            ...artifacts,
            ...(trainingConfig ? { trainingConfig } : {}),
            userDefinedMetadata: {
              ...(artifacts.userDefinedMetadata ?? {}),
              [METADATA_KEY]: { ...metadata },
            },
          }),
      },
      { includeOptimizer: false },
    );
  } catch (error) {
    rethrowNamed(fn, 'save the model to', where, error);
  }
  return { location: where, metadata, modelArtifactsInfo: saved.modelArtifactsInfo };
}
