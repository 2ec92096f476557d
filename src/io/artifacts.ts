import * as tf from '@tensorflow/tfjs';
import { isRecord, showValue } from '../internal/assert';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './limits';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Model artifacts with what loading needs, checked: topology, weight specs and one buffer. */
export interface CheckedArtifacts {
  /** The Keras-style topology, with a `model_config` wrapper (Keras files) removed. */
  modelTopology: JsonObject;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  trainingConfig: tf.io.TrainingConfig | undefined;
  userDefinedMetadata: JsonObject | undefined;
}

// Maps, not object literals: a dtype such as "toString" must not find Object.prototype's.
const BYTES = new Map<unknown, number>([
  ['float32', 4],
  ['int32', 4],
  ['bool', 1],
]);
const QUANTIZED_BYTES = new Map<unknown, number>([
  ['uint8', 1],
  ['uint16', 2],
  ['float16', 2],
]);

/**
 * How many bytes the weights listed in `specs` take, or a phrase saying why that cannot be
 * told (a malformed entry, or a dtype such as `string` that seq-echo's models never have).
 */
export function weightBytes(specs: readonly unknown[]): number | string {
  let total = 0;
  for (const [i, spec] of specs.entries()) {
    if (!isRecord(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape)) {
      return `weight entry ${i} is not { name, shape, dtype }`;
    }
    const shape: unknown[] = spec.shape;
    if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      return `weight ${showValue(spec.name)} has an invalid shape`;
    }
    const quantization = isRecord(spec.quantization) ? spec.quantization : undefined;
    const dtype = quantization ? quantization.dtype : spec.dtype;
    const sizes = quantization ? QUANTIZED_BYTES : BYTES;
    const bytes = sizes.get(dtype);
    if (bytes === undefined) {
      return `weight ${showValue(spec.name)} has dtype ${showValue(dtype)}; expected ${[...sizes.keys()].map(String).join(', ')}`;
    }
    total += (shape as number[]).reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}

/** The weight data as one `ArrayBuffer`, whether tfjs gave one buffer or shards. */
export function joinWeightData(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
}

/**
 * Checks artifacts from any IO handler: a JSON topology, weight specs and weight data of the
 * right size. `where` names the source in messages, `saver` the function that should have
 * saved it. Throws an `Error` otherwise.
 */
export function checkArtifacts(
  fn: string,
  where: string,
  artifacts: tf.io.ModelArtifacts,
  saver = 'saveEchoModel',
): CheckedArtifacts {
  const expected = `expected a model saved by ${saver} (or tf.LayersModel.save)`;
  let topology: unknown = artifacts.modelTopology;
  if (isRecord(topology) && isRecord(topology.model_config)) {
    topology = topology.model_config;
  }
  if (!isRecord(topology)) {
    throw new Error(`${fn}: ${where} has no JSON modelTopology; ${expected}`);
  }
  // The topology is walked recursively later (by seq-echo and by tfjs): refuse a nesting
  // that would overflow the stack, before any of that.
  for (const [name, value] of [
    ['modelTopology', artifacts.modelTopology],
    ['trainingConfig', artifacts.trainingConfig],
    ['userDefinedMetadata', artifacts.userDefinedMetadata],
  ] as const) {
    if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
      throw new Error(
        `${fn}: ${where}'s ${name} must nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep, but it nests them deeper; ${expected}`,
      );
    }
  }
  const { weightSpecs, weightData } = artifacts;
  if (!Array.isArray(weightSpecs) || weightData == null) {
    throw new Error(`${fn}: ${where} has no weights (weightSpecs and weight data); ${expected}`);
  }
  const bytes = weightBytes(weightSpecs);
  if (typeof bytes === 'string') {
    throw new Error(`${fn}: ${where} has a malformed weights manifest: ${bytes}; ${expected}`);
  }
  const data = joinWeightData(weightData);
  if (data.byteLength !== bytes) {
    throw new Error(
      `${fn}: the weight data of ${where} must take ${bytes} bytes (the ${weightSpecs.length} weights its manifest lists), but it has ${data.byteLength} bytes`,
    );
  }
  const nonFinite = firstNonFinite(weightSpecs, data);
  if (nonFinite !== undefined) {
    throw new Error(
      `${fn}: the weights of ${where} must be finite numbers, but weight ${showValue(nonFinite.name)} holds ${nonFinite.value} at index ${nonFinite.index}; ${expected}, with finite weights`,
    );
  }
  const metadata = artifacts.userDefinedMetadata as unknown;
  const training = artifacts.trainingConfig as unknown;
  return {
    modelTopology: topology,
    weightSpecs,
    weightData: data,
    trainingConfig: isRecord(training) ? (training as unknown as tf.io.TrainingConfig) : undefined,
    userDefinedMetadata: isRecord(metadata) ? metadata : undefined,
  };
}

/**
 * The first NaN or ±Infinity among the float32 weights of `data` laid out as `specs` say
 * (whose sizes are checked), with the weight's name and the index in it; `undefined` if none.
 * Quantized weights are integers, or float16 that tfjs dequantizes, and are not checked.
 */
function firstNonFinite(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): { name: string; index: number; value: number } | undefined {
  const view = new DataView(data);
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.quantization !== undefined) {
      offset += count * (QUANTIZED_BYTES.get(spec.quantization.dtype) ?? 0);
      continue;
    }
    if (spec.dtype === 'float32') {
      for (let i = 0; i < count; i++) {
        const value = view.getFloat32(offset + 4 * i, true);
        if (!Number.isFinite(value)) return { name: spec.name, index: i, value };
      }
    }
    offset += count * (BYTES.get(spec.dtype) ?? 0);
  }
  return undefined;
}

/** Order-insensitive deep equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]))
    );
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  // `undefined` members are absent from JSON.
  const keys = (o: JsonObject) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  return ka.length === keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
}
