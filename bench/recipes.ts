/**
 * The benchmark's recipes: the walkthrough's two, and seq-echo's fast presets for the same
 * tasks. The walkthrough's are trainable through seq-echo's `trainEcho` and as the naive tfjs
 * port the figures in the design notes were measured on (nested-array one-hot, one
 * `model.fit` per epoch). Both train the same model built by the same factory, so any
 * difference is the training path.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  generateSequence,
  oneHotEncode,
  presets,
  toSupervised,
  trainEcho,
  type EchoPreset,
  type RecurrentActivation,
  type TrainEchoOptions,
} from '../src/index';
import { setFlagsFromString } from 'node:v8';
import { createKernels, preferKernels, type KernelKind } from '../src/training/fused/kernels';
import { matMulFlops } from '../src/training/fused/flops';

// SEQ_ECHO_BENCH_FMA=1 (inherited by every worker): turn on Node 20's relaxed SIMD, so the
// fused engine runs its fused multiply-add build, as Chromium does by default.
if (process.env.SEQ_ECHO_BENCH_FMA === '1') {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** The kernels the fused engine runs in this process (`'auto'`: what the runtime supports). */
export const autoKernels = (): KernelKind => createKernels([]).kind;

/**
 * The matrix-product operations of `run` as the fused engine's kernels count them (see
 * src/training/fused/flops.ts); 0 when nothing ran on them (the tfjs engine).
 */
export async function countFlops(run: () => Promise<unknown>): Promise<number> {
  const before = matMulFlops();
  await run();
  return matMulFlops() - before;
}

/** GFLOP/s of `flops` operations in `ms` milliseconds, for a table cell ('' when unknown). */
export const gflopsCell = (flops: number | undefined, ms: number | undefined): string =>
  flops && ms ? (flops / (ms * 1e6)).toFixed(2) : '';

/** A recipe: one of the walkthrough's tasks, trained by one of seq-echo's presets. */
export interface Recipe {
  name: RecipeName;
  title: string;
  nIn: number;
  nOut: number;
  /** The batch size the naive port fits with (the model's own). */
  batchSize: number;
  /** The model, seeded; `model` overrides factory options (the PyTorch peer's variants). */
  build: (seed: number, model?: ModelOverrides) => tf.LayersModel;
  /** trainEcho's options apart from epochs, seed and stopping (the bench controls those). */
  train: Omit<TrainEchoOptions, 'epochs'>;
  /** The most epochs the bench trains while looking for 99%. */
  maxEpochs: number;
  /** Epochs between the bench's 99% checks, and per timed run. */
  checkEvery: number;
  epochsPerRun: number;
  /** Whether the naive port (the walkthrough's own loop) can run it. */
  walkthrough: boolean;
  /**
   * For a preset that stops early: its own trainEcho options, targetAccuracy included, so the
   * bench can time a whole run with its checks (and the time in them) as a user gets it.
   */
  stopping?: Readonly<TrainEchoOptions>;
}

/** Factory options a benchmark may change on a recipe's model (bench/peer.ts does). */
export interface ModelOverrides {
  units?: number;
  recurrentActivation?: RecurrentActivation;
}

/** The recipes' names: the walkthrough's A and B, and the fast presets for the same tasks. */
export type RecipeName = 'A' | 'B' | 'A-fast' | 'B-fast';

/** The preset's trainEcho options without the ones the bench sets itself. */
function trainOptions(preset: EchoPreset<unknown>): Omit<TrainEchoOptions, 'epochs'> {
  const rest: Partial<TrainEchoOptions> = { ...preset.train };
  delete rest.epochs;
  delete rest.targetAccuracy;
  delete rest.evaluateEvery;
  return rest;
}

export const RECIPES: Record<RecipeName, Recipe> = {
  A: {
    name: 'A',
    title: 'A whole echo (LSTM 20, batch 7)',
    batchSize: 7,
    nIn: 5,
    nOut: 5,
    build: (seed, model) => buildSeq2Seq({ ...presets.walkthroughWhole.model, ...model, seed }),
    train: trainOptions(presets.walkthroughWhole),
    maxEpochs: 1000,
    checkEvery: 25,
    epochsPerRun: 20,
    walkthrough: true,
  },
  B: {
    name: 'B',
    title: 'B partial echo (LSTM 150, batch 21)',
    batchSize: 21,
    nIn: 5,
    nOut: 2,
    build: (seed, model) =>
      buildEncoderDecoder({ ...presets.walkthroughPartial.model, ...model, seed }),
    train: trainOptions(presets.walkthroughPartial),
    maxEpochs: 10_000,
    checkEvery: 100,
    epochsPerRun: 5,
    walkthrough: true,
  },
  'A-fast': {
    name: 'A-fast',
    title: 'A, presets.fastWhole',
    batchSize: 7,
    nIn: 5,
    nOut: 5,
    build: (seed, model) => buildSeq2Seq({ ...presets.fastWhole.model, ...model, seed }),
    train: trainOptions(presets.fastWhole),
    maxEpochs: presets.fastWhole.train.epochs,
    checkEvery: 5,
    epochsPerRun: 20,
    walkthrough: false,
    stopping: presets.fastWhole.train,
  },
  'B-fast': {
    name: 'B-fast',
    title: 'B, presets.fastPartial (96 windows/epoch)',
    batchSize: 32,
    nIn: 5,
    nOut: 2,
    build: (seed, model) => buildEncoderDecoder({ ...presets.fastPartial.model, ...model, seed }),
    train: trainOptions(presets.fastPartial),
    maxEpochs: presets.fastPartial.train.epochs,
    checkEvery: 10,
    epochsPerRun: 3,
    walkthrough: false,
    stopping: presets.fastPartial.train,
  },
};

/**
 * How a recipe is trained: the naive port, or `trainEcho` with its `tfjs` engine (one
 * `model.fit` per epoch) or its `fused` engine (whatever the backend), on its WebAssembly SIMD
 * kernels (`fused`) or, for comparison, its plain JavaScript ones (`fused-js`).
 */
export type Impl = 'naive' | 'tfjs' | 'fused' | 'fused-js';

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
  if (impl === 'naive') {
    await trainNaive(model, recipe, epochs, seed);
    return;
  }
  preferKernels(impl === 'fused-js' ? 'js' : 'auto');
  const engine = impl === 'fused-js' ? 'fused' : impl;
  await trainEcho(model, { ...recipe.train, epochs, seed, engine });
}
