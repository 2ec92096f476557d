/**
 * The two walkthrough recipes, each trainable two ways: through seq-echo's `trainEcho`, and as
 * the naive tfjs port the figures in the design notes were measured on (nested-array one-hot,
 * one `model.fit` per epoch). Both train the same model built by the same factory, so any
 * difference is the training path.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  generateSequence,
  oneHotEncode,
  toSupervised,
  trainEcho,
} from '../src/index';

/** The walkthrough's two recipes. */
export interface Recipe {
  name: 'A' | 'B';
  title: string;
  nIn: number;
  nOut: number;
  batchSize: number;
  /** The walkthrough's epoch count. */
  epochs: number;
  build: (seed: number) => tf.LayersModel;
}

export const RECIPES: Record<'A' | 'B', Recipe> = {
  A: {
    name: 'A',
    title: 'A whole echo (LSTM 20, batch 7)',
    nIn: 5,
    nOut: 5,
    batchSize: 7,
    epochs: 500,
    build: (seed) => buildSeq2Seq({ seed }),
  },
  B: {
    name: 'B',
    title: 'B partial echo (LSTM 150, batch 21)',
    nIn: 5,
    nOut: 2,
    batchSize: 21,
    epochs: 5000,
    build: (seed) => buildEncoderDecoder({ seed }),
  },
};

/**
 * How a recipe is trained: the naive port, or `trainEcho` with its `tfjs` engine (one
 * `model.fit` per epoch) or its `fused` engine (plain JavaScript, whatever the backend).
 */
export type Impl = 'naive' | 'tfjs' | 'fused';

/**
 * The naive port: the walkthrough's loop written directly against tfjs, with nested arrays
 * for the one-hot data. Returns the losses.
 */
export async function trainNaive(
  model: tf.LayersModel,
  recipe: Recipe,
  epochs: number,
  seed: number,
): Promise<void> {
  for (let epoch = 0; epoch < epochs; epoch++) {
    const sequence = generateSequence(25, { seed: seed + epoch });
    const { X, y } = toSupervised(oneHotEncode(sequence), recipe.nIn, recipe.nOut);
    const xs = tf.tensor3d(X);
    const ys = tf.tensor3d(y);
    await model.fit(xs, ys, { epochs: 1, batchSize: recipe.batchSize, shuffle: false });
    model.resetStates();
    xs.dispose();
    ys.dispose();
  }
}

/** Trains `epochs` epochs with the chosen implementation. */
export async function train(
  impl: Impl,
  model: tf.LayersModel,
  recipe: Recipe,
  epochs: number,
  seed: number,
): Promise<void> {
  if (impl === 'naive') await trainNaive(model, recipe, epochs, seed);
  else await trainEcho(model, { epochs, seed, engine: impl });
}
