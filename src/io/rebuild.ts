import * as tf from '@tensorflow/tfjs';
import { type CheckedArtifacts, type JsonObject, jsonEqual } from './artifacts';
import { isRecord, showValue } from '../internal/assert';
import { short } from './fileAccess';
import { errorText } from './nodeIo';

/**
 * Why seq-echo rebuilds a loaded model itself: deserialising a topology runs every
 * initializer. tfjs's `Orthogonal` is a tensor QR (122 s for `buildEncoderDecoder()`'s two
 * LSTMs on the `cpu` backend, measured), and `unitForgetBias` leaves its initialiser's tensors
 * behind (see `buildInTidy` in `models/common.ts`; loading is async, so no tidy can catch
 * them). tfjs's strict loader skips initializers, but leaves the half-built model behind when
 * the weights do not fit. So the layers are built with `Zeros` for `Orthogonal` and
 * `unit_forget_bias` off, the weights checked and set, and the saved settings put back;
 * re-serialising checks that, and tfjs's own loader builds the model when it fails.
 */

const ORTHOGONAL = 'Orthogonal';

/** A serialised object in a Keras-style topology: `{ class_name, config }`. */
interface ClassConfig {
  class_name: string;
  config: JsonObject;
}

const isClassConfig = (value: unknown): value is ClassConfig =>
  isRecord(value) && typeof value.class_name === 'string' && isRecord(value.config);

const isInitializerKey = (key: string): boolean =>
  key.endsWith('_initializer') || key.endsWith('Initializer');

const isOrthogonal = (key: string, value: unknown): value is ClassConfig =>
  isInitializerKey(key) && isClassConfig(value) && value.class_name === ORTHOGONAL;

const isUnitForgetBias = (key: string, value: unknown): boolean =>
  (key === 'unit_forget_bias' || key === 'unitForgetBias') && value === true;

/**
 * A deep copy of a JSON value in which every `Orthogonal` initializer is `Zeros` and every
 * `unit_forget_bias` is `false`; `counter.count` counts the changes.
 */
function buildable(value: unknown, counter: { count: number }): unknown {
  if (Array.isArray(value)) return value.map((item) => buildable(item, counter));
  if (!isRecord(value)) return value;
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (isOrthogonal(key, item)) {
      counter.count++;
      copy[key] = { class_name: 'Zeros', config: {} };
    } else if (isUnitForgetBias(key, item)) {
      counter.count++;
      copy[key] = false;
    } else {
      copy[key] = buildable(item, counter);
    }
  }
  return copy;
}

/** `recurrent_initializer` -> `recurrentInitializer`. */
const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The arguments of `tf.initializers.orthogonal` from a serialised config. */
function orthogonalArgs(config: JsonObject): { gain?: number; seed?: number } {
  return {
    ...(typeof config.gain === 'number' ? { gain: config.gain } : {}),
    ...(typeof config.seed === 'number' ? { seed: config.seed } : {}),
  };
}

type Holder = Record<string, unknown>;
const asHolder = (value: unknown): Holder | undefined =>
  typeof value === 'object' && value !== null ? (value as Holder) : undefined;

/**
 * Walks a layer object and its serialised config side by side and puts back the `Orthogonal`
 * initializers and `unitForgetBias` settings that {@link buildable} changed: on the layer
 * itself (Dense, …) or on its cell (LSTM, GRU, SimpleRNN), through wrappers (`layer`:
 * TimeDistributed, Bidirectional's two copies), generic RNN cells and nested models. Whatever
 * it misses, the topology comparison afterwards catches.
 */
function restoreLayer(target: unknown, config: JsonObject): void {
  const layer = asHolder(target);
  if (layer === undefined) return;
  for (const [key, value] of Object.entries(config)) {
    if (isOrthogonal(key, value) || isUnitForgetBias(key, value)) {
      const property = camel(key);
      const holder = [layer, asHolder(layer.cell)].find(
        (h) => h !== undefined && Object.prototype.hasOwnProperty.call(h, property),
      );
      if (holder) {
        holder[property] = isClassConfig(value)
          ? tf.initializers.orthogonal(orthogonalArgs(value.config))
          : true;
      }
    } else if (key === 'layer' && isClassConfig(value)) {
      for (const inner of [layer.layer, layer.forwardLayer, layer.backwardLayer]) {
        restoreLayer(inner, value.config);
      }
    } else if (key === 'cell' && isClassConfig(value)) {
      restoreLayer(layer.cell, value.config);
    } else if (key === 'cells' && Array.isArray(value) && Array.isArray(layer.cells)) {
      const cells = layer.cells as unknown[];
      (value as unknown[]).forEach((cell, i) => {
        if (isClassConfig(cell)) restoreLayer(cells[i], cell.config);
      });
    } else if (key === 'layers' && Array.isArray(value) && Array.isArray(layer.layers)) {
      const layers = layer.layers as unknown[];
      for (const entry of value as unknown[]) {
        if (!isClassConfig(entry)) continue;
        const inner = layers.find((l) => asHolder(l)?.name === entry.config.name);
        restoreLayer(inner, entry.config);
      }
    }
  }
}

/**
 * The first layer or model class the topology names that tfjs does not have registered, if
 * any: checked up front because tfjs builds a model layer by layer and, when it meets an
 * unknown class, leaves the layers built so far (and their tensors) behind.
 */
function unknownLayerClass(topology: JsonObject): string | undefined {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const layerKeys = new Set(['layers', 'layer', 'cell', 'cells']);
  const visit = (value: unknown, isLayer: boolean): string | undefined => {
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        const found = visit(item, isLayer);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (!isRecord(value)) return undefined;
    if (
      isLayer &&
      typeof value.class_name === 'string' &&
      // An own property: `in` would let "toString" or "__proto__" pass as known classes.
      !Object.prototype.hasOwnProperty.call(known, value.class_name)
    ) {
      return value.class_name;
    }
    for (const [key, item] of Object.entries(value)) {
      const found = visit(item, layerKeys.has(key));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(topology, true);
}

/** Whether the model serialises to `topology` (its class and config; not the tfjs version). */
function serialisesTo(model: tf.LayersModel, topology: JsonObject): boolean {
  const json = model.toJSON(null, false);
  return (
    isRecord(json) &&
    json.class_name === topology.class_name &&
    jsonEqual(json.config, topology.config)
  );
}

/** `layer/cell/kernel` -> `layer/kernel`, as tfjs matches weights saved by Keras 2.2+. */
const withoutCell = (name: string): string => {
  const tokens = name.split('/');
  return [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/');
};

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/**
 * Pairs each of the model's weights with its manifest entry (by name, as tfjs does), checking
 * shapes and dtypes, and returns the manifest names in the model's weight order. Throws an
 * `Error` listing the first mismatches.
 */
function matchWeights(
  fn: string,
  where: string,
  model: tf.LayersModel,
  specs: readonly tf.io.WeightsManifestEntry[],
): string[] {
  const entries = specs.filter((spec) => spec.group !== 'optimizer');
  const byName = new Map(entries.map((spec) => [spec.name, spec]));
  const byShortName = new Map(entries.map((spec) => [withoutCell(spec.name), spec]));
  const problems: string[] = [];
  const used = new Set<string>();
  const names = model.weights.map((weight) => {
    const spec = byName.get(weight.originalName) ?? byShortName.get(weight.originalName);
    if (spec === undefined) {
      problems.push(`the model's weight ${weight.originalName} is not listed`);
      return '';
    }
    if (used.has(spec.name)) problems.push(`${spec.name} is listed for two weights`);
    used.add(spec.name);
    if (spec.shape.join() !== weight.shape.join()) {
      problems.push(
        `${spec.name} is listed as ${shapeText(spec.shape)} but the model's is ${shapeText(weight.shape)}`,
      );
    }
    if (spec.dtype !== weight.dtype) {
      problems.push(`${spec.name} is listed as ${spec.dtype} but the model's is ${weight.dtype}`);
    }
    return spec.name;
  });
  for (const spec of entries) {
    if (!used.has(spec.name)) problems.push(`${spec.name} belongs to no weight of the model`);
  }
  if (problems.length > 0) {
    // Each problem quotes names from the file: keep them short.
    const shown = problems.slice(0, 3).map(short).join('; ');
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new Error(
      `${fn}: the weights manifest of ${where} does not fit its modelTopology: ${shown}${more}`,
    );
  }
  return names;
}

/** Decodes the weights and sets them on the model; disposes every decoded tensor. */
function setWeights(model: tf.LayersModel, names: string[], artifacts: CheckedArtifacts): void {
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    model.setWeights(names.map((name) => decoded[name]!));
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/**
 * Sets the weights of checked artifacts on `model`, each matched by name to the model's
 * weight, checking shapes and dtypes first: throws an `Error` naming `fn` and `where` when
 * they do not fit, before any weight changes. Every decoded tensor is disposed.
 */
export function setSavedWeights(
  fn: string,
  where: string,
  model: tf.LayersModel,
  artifacts: CheckedArtifacts,
): void {
  setWeights(model, matchWeights(fn, where, model, artifacts.weightSpecs), artifacts);
}

/** tfjs's own loader, which skips initializers when it is given the weights (strict mode). */
async function loadWithTfjs(artifacts: CheckedArtifacts): Promise<tf.LayersModel> {
  const { modelTopology, weightSpecs, weightData } = artifacts;
  return tf.loadLayersModel({
    load: () => Promise.resolve({ modelTopology, weightSpecs, weightData }),
  });
}

/**
 * Builds a `tf.LayersModel` from checked artifacts, with their weights and user-defined
 * metadata, without running tfjs's `Orthogonal` initializer or leaking an LSTM's bias
 * initialisation (see the top of this file). Not compiled. Throws an `Error` naming `fn` and
 * `where` when the topology names a layer class tfjs does not know, tfjs cannot build it, or
 * the weights do not fit it; nothing is left behind.
 */
export async function rebuildModel(
  fn: string,
  where: string,
  artifacts: CheckedArtifacts,
): Promise<tf.LayersModel> {
  const unknown = unknownLayerClass(artifacts.modelTopology);
  if (unknown !== undefined) {
    throw new Error(
      `${fn}: the model of ${where} uses the layer class ${showValue(unknown)}, which TensorFlow.js does not know here; register a custom layer with tf.serialization.registerClass before loading`,
    );
  }
  const counter = { count: 0 };
  const skeleton = buildable(artifacts.modelTopology, counter) as JsonObject;
  const rebuildError = (error: unknown) =>
    new Error(`${fn}: could not rebuild the model of ${where}: ${errorText(error)}`, {
      cause: error,
    });
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel({ load: () => Promise.resolve({ modelTopology: skeleton }) });
  } catch (error) {
    throw rebuildError(error);
  }
  let restored = true;
  try {
    setWeights(model, matchWeights(fn, where, model, artifacts.weightSpecs), artifacts);
    if (counter.count > 0) {
      const { config } = artifacts.modelTopology;
      restoreLayer(model, isRecord(config) ? config : {});
      restored = serialisesTo(model, artifacts.modelTopology);
    }
  } catch (error) {
    discardModel(model);
    throw error;
  }
  if (!restored) {
    // An initializer in a place restoreLayer does not know: let tfjs build the model instead.
    // The weights fit the topology (checked above), so its loader does not fail half-way.
    discardModel(model);
    try {
      model = await loadWithTfjs(artifacts);
    } catch (error) {
      throw rebuildError(error);
    }
  }
  try {
    if (artifacts.userDefinedMetadata) model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
  } catch (error) {
    discardModel(model);
    throw rebuildError(error);
  }
  return model;
}

/**
 * Disposes a model this module made and is giving up on: its weights, and the LSTM state
 * tensors of its stateful layers, which tfjs's `model.dispose()` leaves behind.
 */
export function discardModel(model: tf.LayersModel): void {
  const states = model.layers
    .filter((layer) => (layer as { stateful?: unknown }).stateful === true)
    .flatMap((layer) => (layer as unknown as { states?: (tf.Tensor | null)[] }).states ?? [])
    .filter((state): state is tf.Tensor => state != null && !state.isDisposed);
  tf.dispose(states);
  model.dispose();
}
