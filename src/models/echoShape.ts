import type * as tf from '@tensorflow/tfjs';
import type { Framing } from '../data/toSupervised';
import { showValue } from '../internal/assert';
import { readEchoTask, TASK_KEY, type EchoRepresentation, type EchoTask } from './echoTask';

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
  /** How items are fed and read: one-hot rows, or one scaled number (`'linear'`). */
  representation: EchoRepresentation;
  /** `'padded'` when the model masks its input (a `Masking` layer), else `'complete'`. */
  framing: Framing;
  /** What the model answers: the window's oldest `nOut` items, or them reversed. */
  task: EchoTask;
}

/** Whether `value` looks like a `tf.LayersModel` (inputs, outputs, layers and predict). */
export function isLayersModel(value: unknown): value is tf.LayersModel {
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
 * Reads `nIn`, `nOut`, `nUnique`, batching, representation, framing and task from a model, and
 * checks that it fits an echo task: one input and one output, `nOut <= nIn`, a fixed batch size
 * when stateful, and either one-hot shapes (`[batch, nIn, nUnique]` in, `[batch, nOut, nUnique]`
 * out) or, for a model a factory marked `'linear'`, one feature per step (`[batch, nIn, 1]` in,
 * `[batch, nOut, 1]` out). The task and representation come from what the factories record in
 * the model's `userDefinedMetadata` (see `echoTask.ts`); a model without it is a one-hot echo
 * model. A `Masking` layer means padded framing. Throws otherwise, naming `fn`.
 */
export function readEchoShape(fn: string, model: unknown): EchoShape {
  if (!isLayersModel(model)) {
    throw new TypeError(`${fn}: model must be a tf.LayersModel, but received ${showValue(model)}`);
  }
  const spec = readEchoTask(model);
  if (spec === 'invalid') {
    throw new TypeError(
      `${fn}: model's userDefinedMetadata.${TASK_KEY} must be { task: 'echo' | 'reverse', representation: 'one-hot' | 'linear', nUnique: integer >= 2 } (as seq-echo's factories record it), but received ${showValue((model.getUserDefinedMetadata() as Record<string, unknown>)[TASK_KEY])}`,
    );
  }
  const linear = spec?.representation === 'linear';
  const layout = linear
    ? 'one input [batch, nIn, 1] and one output [batch, nOut, 1] (a linear model)'
    : 'one input [batch, nIn, nUnique] and one output [batch, nOut, nUnique]';
  const unfit = (what: string): never => {
    throw new RangeError(`${fn}: model must have ${layout} with nOut <= nIn, but ${what}`);
  };
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    unfit(`it has ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const input = model.inputs[0]!.shape;
  const output = model.outputs[0]!.shape;
  const shapes = `its input is ${shapeText(input)} and its output ${shapeText(output)}`;
  if (input.length !== 3 || output.length !== 3) unfit(shapes);
  const [batch, nIn, width] = input;
  const [, nOut, outWidth] = output;
  const nUnique = linear ? spec.nUnique : width;
  if (
    typeof nIn !== 'number' ||
    typeof nOut !== 'number' ||
    typeof nUnique !== 'number' ||
    nOut > nIn ||
    (linear ? width !== 1 || outWidth !== 1 : nUnique !== outWidth || nUnique < 2)
  ) {
    unfit(shapes);
  }
  if (spec !== undefined && !linear && spec.nUnique !== nUnique) {
    unfit(`${shapes}, while its userDefinedMetadata.${TASK_KEY} says nUnique ${spec.nUnique}`);
  }
  const stateful = model.layers.some(
    (layer) => (layer as { stateful?: unknown }).stateful === true,
  );
  if (stateful && typeof batch !== 'number') {
    unfit(`it is stateful with a free batch dimension (${shapes})`);
  }
  const masked = model.layers.some((layer) => layer.getClassName() === 'Masking');
  if (masked && linear) {
    unfit('it masks its input: padded framing needs the one-hot representation');
  }
  return {
    nIn: nIn as number,
    nOut: nOut as number,
    nUnique: nUnique as number,
    stateful,
    batchSize: typeof batch === 'number' ? batch : null,
    representation: linear ? 'linear' : 'one-hot',
    framing: masked ? 'padded' : 'complete',
    task: spec?.task ?? 'echo',
  };
}
