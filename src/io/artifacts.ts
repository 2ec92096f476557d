import * as tf from '@tensorflow/tfjs';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a JSON object (not null, not an array). */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Model artifacts with what loading needs, checked: topology, weight specs and one buffer. */
export interface CheckedArtifacts {
  /** The Keras-style topology, with a `model_config` wrapper (Keras files) removed. */
  modelTopology: JsonObject;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  trainingConfig: tf.io.TrainingConfig | undefined;
  userDefinedMetadata: JsonObject | undefined;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/**
 * How many bytes the weights listed in `specs` take, or a phrase saying why that cannot be
 * told (a malformed entry, or a dtype such as `string` that seq-echo's models never have).
 */
export function weightBytes(specs: readonly unknown[]): number | string {
  let total = 0;
  for (const [i, spec] of specs.entries()) {
    if (!isJsonObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape)) {
      return `weight entry ${i} is not { name, shape, dtype }`;
    }
    const shape: unknown[] = spec.shape;
    if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      return `weight ${spec.name} has an invalid shape`;
    }
    const quantization = isJsonObject(spec.quantization) ? spec.quantization : undefined;
    const dtype = quantization ? quantization.dtype : spec.dtype;
    const bytes = (quantization ? QUANTIZED_BYTES : BYTES)[String(dtype)];
    if (bytes === undefined) return `weight ${spec.name} has unsupported dtype ${String(dtype)}`;
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
 * right size. `where` names the source in messages. Throws an `Error` otherwise.
 */
export function checkArtifacts(
  fn: string,
  where: string,
  artifacts: tf.io.ModelArtifacts,
): CheckedArtifacts {
  const expected = 'expected a model saved by saveEchoModel (or tf.LayersModel.save)';
  let topology: unknown = artifacts.modelTopology;
  if (isJsonObject(topology) && isJsonObject(topology.model_config)) {
    topology = topology.model_config;
  }
  if (!isJsonObject(topology)) {
    throw new Error(`${fn}: ${where} has no JSON modelTopology; ${expected}`);
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
  const metadata = artifacts.userDefinedMetadata as unknown;
  const training = artifacts.trainingConfig as unknown;
  return {
    modelTopology: topology,
    weightSpecs,
    weightData: data,
    trainingConfig: isJsonObject(training)
      ? (training as unknown as tf.io.TrainingConfig)
      : undefined,
    userDefinedMetadata: isJsonObject(metadata) ? metadata : undefined,
  };
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
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  // `undefined` members are absent from JSON.
  const keys = (o: JsonObject) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  return ka.length === keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
}
