import type * as tf from '@tensorflow/tfjs';
import { describe } from '../internal/assert';

/** What an echo task needs to know about a model, read from its input and output shapes. */
export interface EchoShape {
  /** Time steps per input window. */
  nIn: number;
  /** Items echoed per window (output time steps). */
  nOut: number;
  /** Vocabulary size (one-hot width of input and output). */
  nUnique: number;
  /** Whether any layer keeps state across batches. */
  stateful: boolean;
  /** The fixed batch size of a stateful model; `null` when the batch dimension is free. */
  batchSize: number | null;
}

function isLayersModel(value: unknown): value is tf.LayersModel {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { inputs?: unknown }).inputs) &&
    Array.isArray((value as { outputs?: unknown }).outputs) &&
    Array.isArray((value as { layers?: unknown }).layers) &&
    typeof (value as { predict?: unknown }).predict === 'function'
  );
}

const shapeText = (shape: readonly (number | null)[]): string =>
  `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;

/**
 * Reads `nIn`, `nOut`, `nUnique` and batching from a model, and checks that it fits an echo
 * task: one input `[batch, nIn, nUnique]`, one output `[batch, nOut, nUnique]`, `nOut <= nIn`,
 * and a fixed batch size when stateful. Throws otherwise, naming `fn`.
 */
export function readEchoShape(fn: string, model: unknown): EchoShape {
  if (!isLayersModel(model)) {
    throw new TypeError(`${fn}: model must be a tf.LayersModel, but received ${describe(model)}`);
  }
  const unfit = (what: string): never => {
    throw new RangeError(
      `${fn}: model must have one input [batch, nIn, nUnique] and one output [batch, nOut, nUnique] with nOut <= nIn, but ${what}`,
    );
  };
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    unfit(`it has ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const input = model.inputs[0]!.shape;
  const output = model.outputs[0]!.shape;
  const shapes = `its input is ${shapeText(input)} and its output ${shapeText(output)}`;
  if (input.length !== 3 || output.length !== 3) unfit(shapes);
  const [batch, nIn, nUnique] = input;
  const [, nOut, outWidth] = output;
  if (
    typeof nIn !== 'number' ||
    typeof nOut !== 'number' ||
    typeof nUnique !== 'number' ||
    nUnique !== outWidth ||
    nUnique < 2 ||
    nOut > nIn
  ) {
    unfit(shapes);
  }
  const stateful = model.layers.some(
    (layer) => (layer as { stateful?: unknown }).stateful === true,
  );
  if (stateful && typeof batch !== 'number') {
    unfit(`it is stateful with a free batch dimension (${shapes})`);
  }
  return {
    nIn: nIn as number,
    nOut: nOut as number,
    nUnique: nUnique as number,
    stateful,
    batchSize: typeof batch === 'number' ? batch : null,
  };
}
