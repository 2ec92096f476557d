import * as tf from '@tensorflow/tfjs';
import { sinusoids } from './sinusoids';

export { sinusoids } from './sinusoids';

/**
 * The custom tfjs layers of {@link buildAttention}'s models. None of them is registered with
 * tfjs's serialization map when this module is imported (seq-echo changes no tfjs global state
 * on import): {@link registerAttentionLayers} does it, and `buildAttention` and `loadEchoModel`
 * call it.
 */

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Shape = (number | null)[];
type ConfigDict = tf.serialization.ConfigDict;

const asShapes = (inputShape: Shape | Shape[]): Shape[] =>
  Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];

const firstTensor = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor =>
  Array.isArray(inputs) ? inputs[0]! : inputs;

/** Arguments of {@link PositionEncoding}. */
export interface PositionEncodingArgs extends LayerArgs {
  /** Features added per step; even. */
  dim: number;
  /** Longest wavelength of the sinusoids, in steps. */
  maxWavelength: number;
}

/** {@link sinusoids} of positions `0 .. steps - 1` for each of `batch` windows: `[batch, steps, dim]`. */
function positionTable(batch: number, steps: number, dim: number, maxWavelength: number) {
  return tf.tile(tf.tensor3d(sinusoids(steps, dim, maxWavelength), [1, steps, dim]), [batch, 1, 1]);
}

/**
 * Appends {@link sinusoids} of each step's position to its features:
 * `[batch, steps, features] -> [batch, steps, features + dim]`. No weights.
 */
export class PositionEncoding extends tf.layers.Layer {
  static className = 'SeqEchoPositionEncoding';
  readonly dim: number;
  readonly maxWavelength: number;

  constructor(args: PositionEncodingArgs) {
    super(args);
    this.dim = args.dim;
    this.maxWavelength = args.maxWavelength;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [shape] = asShapes(inputShape);
    const [batch = null, steps = null, features = null] = shape ?? [];
    return [batch, steps, features === null ? null : features + this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = firstTensor(inputs) as tf.Tensor3D;
      const [batch, steps] = x.shape;
      return tf.concat([x, positionTable(batch, steps, this.dim, this.maxWavelength)], 2);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dim: this.dim, maxWavelength: this.maxWavelength };
  }
}

/** Arguments of {@link PositionQueries}. */
export interface PositionQueriesArgs extends LayerArgs {
  /** Output steps: positions `0 .. steps - 1`. */
  steps: number;
  /** Features per step; even. */
  dim: number;
  /** Longest wavelength of the sinusoids, in steps (the encoder's, so the two can align). */
  maxWavelength: number;
}

/**
 * The decoder's starting point: {@link sinusoids} of the output positions `0 .. steps - 1`,
 * one row per output step, repeated for every window of the batch:
 * `[batch, ...] -> [batch, steps, dim]` (the input only gives the batch size). No weights.
 */
export class PositionQueries extends tf.layers.Layer {
  static className = 'SeqEchoPositionQueries';
  readonly steps: number;
  readonly dim: number;
  readonly maxWavelength: number;

  constructor(args: PositionQueriesArgs) {
    super(args);
    this.steps = args.steps;
    this.dim = args.dim;
    this.maxWavelength = args.maxWavelength;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [shape] = asShapes(inputShape);
    return [shape?.[0] ?? null, this.steps, this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const batch = firstTensor(inputs).shape[0];
      return positionTable(batch, this.steps, this.dim, this.maxWavelength);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      steps: this.steps,
      dim: this.dim,
      maxWavelength: this.maxWavelength,
    };
  }
}

/** Arguments of {@link DotAttention}. */
export interface DotAttentionArgs extends LayerArgs {
  /** Divide the scores by `sqrt(features)` (Vaswani et al.); Luong's dot score does not. */
  scaled?: boolean;
}

/**
 * Luong's dot-product attention. Inputs `[queries [batch, m, d], memory [batch, n, d]]`;
 * for every query, the weights `softmax_i(query . memory_i)` over the `n` memory steps, and
 * the output is the weighted sum of the memory: `[batch, m, d]`. No weights of its own.
 */
export class DotAttention extends tf.layers.Layer {
  static className = 'SeqEchoDotAttention';
  readonly scaled: boolean;

  constructor(args: DotAttentionArgs = {}) {
    super(args);
    this.scaled = args.scaled ?? false;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [query = [], memory = []] = asShapes(inputShape);
    return [query[0] ?? null, query[1] ?? null, memory[2] ?? null];
  }

  /** The attention weights `[batch, m, n]` of `queries` over `memory` (rows sum to 1). */
  attentionWeights(queries: tf.Tensor, memory: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      let scores = tf.matMul(queries, memory, false, true);
      if (this.scaled) scores = tf.div(scores, Math.sqrt(memory.shape[2]!));
      return tf.softmax(scores) as tf.Tensor3D;
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [queries, memory] = inputs as tf.Tensor[];
      const weights = this.attentionWeights(queries!, memory!);
      return tf.matMul(weights, memory as tf.Tensor3D);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), scaled: this.scaled };
  }
}

/** Every custom layer class of the attention models. */
export const ATTENTION_LAYER_CLASSES = [PositionEncoding, PositionQueries, DotAttention] as const;

/**
 * Registers the attention models' custom layers with tfjs's serialization map, so that tfjs
 * can rebuild a saved attention model. Idempotent: a class already registered under its name
 * is left alone. Internal: called by `buildAttention` and `loadEchoModel`.
 */
export function registerAttentionLayers(): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of ATTENTION_LAYER_CLASSES) {
    if (!(cls.className in known)) tf.serialization.registerClass(cls);
  }
}
