import type * as tf from '@tensorflow/tfjs';
import { isRecord, showValue } from '../internal/assert';
import { registerAttentionLayers } from '../models/attention/layers';
import { compileEcho } from '../models/common';
import { readEchoShape } from '../models/echoShape';
import { checkArtifacts } from './artifacts';
import { directoryHandler } from './directoryHandler';
import { locationText, resolveLocation } from './location';
import {
  checkMetadata,
  type EchoModelMetadata,
  METADATA_KEY,
  metadataFor,
  metadataMismatches,
} from './metadata';
import { errorText } from './nodeIo';
import { discardModel, rebuildModel } from './rebuild';
import { rethrowNamed, urlHandler } from './urlHandler';

/** Adam's learning rate when the saved training config has none: the factories' default. */
const DEFAULT_LEARNING_RATE = 0.001;

/**
 * Adam's learning rate from a saved tfjs training config (`learningRate` as tfjs writes it,
 * `learning_rate` as Keras does), or the default when there is none or the optimizer was not
 * Adam. Throws a `RangeError` for one that is not a number in (0, 10].
 */
function savedLearningRate(
  fn: string,
  where: string,
  training: tf.io.TrainingConfig | undefined,
): number {
  const optimizer: unknown = training?.optimizer_config;
  if (!isRecord(optimizer) || optimizer.class_name !== 'Adam') return DEFAULT_LEARNING_RATE;
  const config = isRecord(optimizer.config) ? optimizer.config : {};
  const rate = config.learningRate ?? config.learning_rate;
  if (rate === undefined) return DEFAULT_LEARNING_RATE;
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 10)) {
    throw new RangeError(
      `${fn}: ${where}'s trainingConfig.optimizer_config.config.learningRate must be a number in (0, 10], but received ${showValue(rate)}`,
    );
  }
  return rate;
}

/** Checks the rebuilt model against its metadata and compiles it; disposes it on failure. */
function finish(
  fn: string,
  where: string,
  model: tf.LayersModel,
  metadata: EchoModelMetadata,
  learningRate: number,
): tf.LayersModel {
  try {
    let actual: EchoModelMetadata;
    try {
      actual = metadataFor(model, readEchoShape(fn, model));
    } catch (error) {
      throw new Error(
        `${fn}: the model of ${where} does not fit an echo task: ${errorText(error)}`,
        { cause: error },
      );
    }
    const mismatches = metadataMismatches(metadata, actual);
    if (mismatches.length > 0) {
      throw new Error(
        `${fn}: the seq-echo metadata of ${where} does not describe its model (${mismatches.join('; ')}); expected the files of one saveEchoModel call`,
      );
    }
    compileEcho(model, {
      learningRate,
      representation: metadata.representation,
      nUnique: metadata.nUnique,
    });
    return model;
  } catch (error) {
    discardModel(model);
    throw error;
  }
}

/**
 * Loads a model saved by {@link saveEchoModel}: the same topology and weights bit for bit (so
 * it predicts exactly what the saved model did), fresh LSTM state, compiled like the
 * factories' models with the saved Adam learning rate (0.001 if none). {@link trainEcho}
 * continues training it; Adam's moments start afresh, since they are not saved.
 *
 * `source` is what was given to {@link saveEchoModel}: a directory path or `file://` URL in
 * Node (or the path of the directory's `model.json`), or a TensorFlow.js URL such as
 * `indexeddb://name` or `http(s)://…/model.json`. Everything is checked before a tensor is
 * made: each file before it is read (a regular file inside the directory, within its size
 * limit), the weights' size and finiteness, the layer classes and the seq-echo metadata; the
 * README's "Guarantees" lists the limits. Free the model with {@link disposeEchoModel}.
 *
 * @param source - A directory path or `file://` URL (Node), or a TensorFlow.js URL.
 * @returns The compiled `tf.LayersModel`; its `getUserDefinedMetadata()` holds the metadata
 *   under `seqEcho` (see {@link EchoModelMetadata}).
 * @throws TypeError / RangeError for a `source` that is not a non-empty string or `URL`, or
 *   that nothing here loads from (no TensorFlow.js IO handler accepts it, or it is a directory
 *   and Node's file system is missing); TypeError for metadata that is not seq-echo's;
 *   RangeError for a newer `formatVersion`, another major `libraryVersion` or an invalid saved
 *   learning rate; Error, naming the file, for anything missing, malformed, too large or
 *   inconsistent with the model. No tensor is left behind.
 *
 * @example
 * ```ts
 * import { mkdtemp, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildSeq2Seq, disposeEchoModel, generateSequence, loadEchoModel } from 'seq-echo';
 * import { predictEcho, saveEchoModel, trainEcho } from 'seq-echo';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'seq-echo-'));
 * const model = buildSeq2Seq({ seed: 1 });
 * await trainEcho(model, { epochs: 5, seed: 2 });
 * await saveEchoModel(model, dir);
 *
 * const loaded = await loadEchoModel(dir);
 * const sequence = generateSequence(25, { seed: 3 });
 * const same = JSON.stringify(predictEcho(loaded, sequence)) === JSON.stringify(predictEcho(model, sequence));
 * console.log(same); // true
 * const { history } = await trainEcho(loaded, { epochs: 5, seed: 4 });
 * console.log(history.loss.length); // 5
 * disposeEchoModel(model);
 * disposeEchoModel(loaded);
 * await rm(dir, { recursive: true });
 * ```
 */
export async function loadEchoModel(source: string | URL): Promise<tf.LayersModel> {
  const fn = 'loadEchoModel';
  const text = locationText(fn, 'source', source);
  const location = await resolveLocation(fn, 'source', text);
  let artifacts: tf.io.ModelArtifacts;
  let where: string;
  if (location.kind === 'directory') {
    where = location.path;
    artifacts = await directoryHandler(fn, where, location.io).load!();
  } else {
    where = location.url;
    const handler = urlHandler(fn, 'source', where, 'load');
    try {
      artifacts = await handler.load!();
    } catch (error) {
      rethrowNamed(fn, 'load the model from', where, error);
    }
  }
  const checked = checkArtifacts(fn, where, artifacts);
  const metadata = checkMetadata(
    fn,
    `${where}'s userDefinedMetadata.${METADATA_KEY}`,
    checked.userDefinedMetadata?.[METADATA_KEY],
  );
  const learningRate = savedLearningRate(fn, where, checked.trainingConfig);
  registerAttentionLayers(); // so attention models load even if buildAttention never ran
  const model = await rebuildModel(fn, where, checked);
  return finish(fn, where, model, metadata, learningRate);
}
