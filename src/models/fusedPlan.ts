import type * as tf from '@tensorflow/tfjs';
import type { RecurrentActivation } from './common';
import { readEchoTask } from './echoTask';
import {
  dims,
  RECOGNISERS,
  Unsupported,
  unsupported,
  type Config,
  type PlanState,
  type Symbolic,
} from './fusedPlanLayers';

/**
 * Recognition for the fused engine: walks a tfjs model's layer graph and maps every layer (by
 * its class's recogniser, in fusedPlanLayers.ts) to an op the engine computes exactly as tfjs
 * does, with its weights named. A model outside
 * this vocabulary gets a sentence saying why, and trains with `model.fit` instead.
 *
 * Values are numbered slots; each op reads slots and writes its own. Slots hold
 * `[batch, steps, width]` sequences or `[batch, width]` vectors.
 */

/** How an LSTM's input, forget and output gates squash (see `RecurrentActivation`). */
export type GateActivation = RecurrentActivation;

/** A weight, by its index in `model.weights` (and `model.getWeights()`). */
export type WeightRef = number;

/** The ops of a plan, in an order where every op's inputs come before it. */
export type PlanOp =
  | { op: 'input'; out: number; input: number; steps: number; width: number }
  | { op: 'masking'; out: number; x: number; maskValue: number }
  | {
      op: 'lstm';
      x: number;
      /** Slots of the outputs: the sequence (or last output), and the final h and c if returned. */
      out: number;
      outH: number | undefined;
      outC: number | undefined;
      /** Slots of h and c to start from (another LSTM's final state), when given. */
      initial: readonly [number, number] | undefined;
      units: number;
      returnSequences: boolean;
      stateful: boolean;
      gate: GateActivation;
      /** Which of the model's stateful LSTMs this is (its carried state's index). */
      stateIndex: number;
      weights: { kernel: WeightRef; recurrent: WeightRef; bias: WeightRef };
    }
  | { op: 'repeat'; out: number; x: number; n: number }
  | {
      op: 'dense';
      out: number;
      x: number;
      units: number;
      activation: 'linear' | 'softmax';
      weights: { kernel: WeightRef; bias: WeightRef | undefined };
    }
  | { op: 'reshape'; out: number; x: number; steps: number | undefined; width: number }
  | { op: 'softmax'; out: number; x: number }
  | { op: 'positionEncoding'; out: number; x: number; dim: number; maxWavelength: number }
  | {
      op: 'positionQueries';
      out: number;
      x: number;
      steps: number;
      dim: number;
      maxWavelength: number;
    }
  | { op: 'dotAttention'; out: number; queries: number; memory: number; scaled: boolean }
  | { op: 'concat'; out: number; xs: readonly number[] };

/** What is measured against the targets, as tfjs computes it for the model's compile settings. */
export interface PlanLoss {
  loss: 'categoricalCrossentropy' | 'meanSquaredError';
  /**
   * The accuracy tfjs reports: `'categorical'` (argmax match, all-zero targets count as id 0),
   * `'rounded'` (seq-echo's linear `acc`), `'masked'` (teacher forcing's, ignoring all-zero
   * target rows) or `'none'`.
   */
  metric: 'categorical' | 'rounded' | 'masked' | 'none';
  /** For `'rounded'`: the vocabulary size whose `nUnique - 1` scales the values. */
  nUnique: number;
}

/** A recognised model: its ops, slots, inputs and output. */
export interface ModelPlan {
  ops: readonly PlanOp[];
  slots: number;
  /** Per model input: its slot, steps and width. */
  inputs: readonly { slot: number; steps: number; width: number }[];
  output: number;
  /** The output's `[steps, width]` (`steps` undefined for a `[batch, width]` output). */
  outputShape: { steps: number | undefined; width: number };
  /** How many LSTMs keep state across batches. */
  statefulLstms: number;
  /** Whether the output ends in a softmax (so categorical cross-entropy can fuse with it). */
  softmaxOutput: boolean;
}

/** A recognised trainable model: its plan, loss and Adam settings. */
export interface TrainingPlan extends ModelPlan, PlanLoss {
  adam: { learningRate: number; beta1: number; beta2: number; epsilon: number };
}

/**
 * Maps a model's layer graph to a plan the fused engine runs, or says why it cannot: a
 * sentence naming the first layer or setting outside the engine's vocabulary (one input per
 * model input, `Masking`, `LSTM` (tanh, hard-sigmoid or sigmoid gates, stacked, stateful,
 * returning sequences or its last output, started from another LSTM's state), `RepeatVector`,
 * `Dense` and `TimeDistributed(Dense)` with linear or softmax activation, `Reshape`,
 * `Flatten`, `Softmax`, `Concatenate` on the last axis, and the attention layers of
 * `buildAttention`).
 */
export function planModel(model: tf.LayersModel): ModelPlan | string {
  try {
    return buildPlan(model);
  } catch (error) {
    if (error instanceof Unsupported) return error.message;
    throw error;
  }
}

function buildPlan(model: tf.LayersModel): ModelPlan {
  if (model.outputs.length !== 1) unsupported(`it has ${model.outputs.length} outputs, not one`);
  for (const layer of model.layers) {
    if (!RECOGNISERS.has(layer.getClassName())) {
      unsupported(`its ${layer.getClassName()} layer is not one the fused engine computes`);
    }
  }
  const state: PlanState = {
    ops: [],
    inputs: [],
    slots: 0,
    statefulLstms: 0,
    lstmOps: new Map(),
    unvisitedSequences: new Set(),
  };
  const outputTensor = model.outputs[0] as unknown as Symbolic;
  const output = visit(model, state, new Map(), outputTensor);
  const { ops, inputs, slots, statefulLstms } = state;
  if (Object.keys(inputs).length !== model.inputs.length) {
    unsupported('an input of the model does not reach its output');
  }
  const last =
    ops.find((o) => o.out === output) ??
    unsupported("its output is an LSTM's state, not a layer's output");
  const softmaxOutput =
    last.op === 'softmax' || (last.op === 'dense' && last.activation === 'softmax');
  return {
    ops,
    slots,
    inputs,
    output,
    outputShape: dims(outputTensor),
    statefulLstms,
    softmaxOutput,
  };
}

/**
 * Gives the layer output `t` a slot, after its inputs', and adds its layer's op (inputs'
 * first, so ops run in order). `slotOf` maps the tensors visited to their slots.
 */
function visit(
  model: tf.LayersModel,
  state: PlanState,
  slotOf: Map<number, number>,
  t: Symbolic,
): number {
  const known = slotOf.get(t.id);
  if (known !== undefined) return known;
  const layer = t.sourceLayer;
  const name = layer.getClassName();
  const args = (t.inputs ?? []).map((input) => visit(model, state, slotOf, input));
  const out = state.slots++;
  slotOf.set(t.id, out);
  const { steps, width } = dims(t);
  const recognise = RECOGNISERS.get(name);
  if (!recognise) return unsupported(`its ${name} layer is not one the fused engine computes`);
  const config = layer.getConfig() as Config;
  const op = recognise({ model, t, layer, config, args, x: args[0]!, out, steps, width }, state);
  if (op) state.ops.push(op);
  return out;
}

/** Which accuracy the model was compiled with, as the fused engine reports it. */
function planMetric(
  model: tf.LayersModel,
  loss: PlanLoss['loss'],
): { metric: PlanLoss['metric'] } | { why: string } {
  const names = (model as unknown as { metricsNames?: string[] }).metricsNames ?? ['loss'];
  const metrics = names.slice(1);
  if (metrics.length === 0) return { metric: 'none' };
  if (metrics.length > 1) return { why: `it reports ${metrics.length} metrics, not one` };
  const metric = metrics[0];
  if (metric === 'maskedAccuracy' && loss === 'categoricalCrossentropy')
    return { metric: 'masked' };
  if (metric === 'acc' || metric === 'accuracy') {
    if (loss === 'categoricalCrossentropy') return { metric: 'categorical' };
    if (readEchoTask(model) !== undefined) return { metric: 'rounded' };
  }
  return { why: `its metric ${String(metric)} is not one the fused engine computes` };
}

/**
 * Recognises a model the fused engine can train exactly as tfjs would: a graph
 * {@link planModel} maps, categorical cross-entropy on a softmax output or mean squared
 * error, Adam, every weight trainable. Returns why not, as a sentence, otherwise.
 */
export function planTraining(model: tf.LayersModel): TrainingPlan | string {
  const plan = planModel(model);
  if (typeof plan === 'string') return plan;
  const loss = model.loss;
  if (loss !== 'categoricalCrossentropy' && loss !== 'meanSquaredError') {
    return `its loss is ${JSON.stringify(loss)}, not 'categoricalCrossentropy' or 'meanSquaredError'`;
  }
  if (loss === 'categoricalCrossentropy' && !plan.softmaxOutput) {
    return 'its categorical cross-entropy does not follow a softmax';
  }
  const metric = planMetric(model, loss);
  if ('why' in metric) return metric.why;
  const optimizer = (model as { optimizer?: tf.Optimizer }).optimizer;
  if (optimizer?.getClassName() !== 'Adam') {
    return `its optimizer is ${optimizer ? optimizer.getClassName() : 'missing'}, not Adam (the only one the fused engine runs)`;
  }
  const o = optimizer.getConfig() as Config;
  const adam = {
    learningRate: Number(o.learningRate),
    beta1: Number(o.beta1),
    beta2: Number(o.beta2),
    epsilon: Number(o.epsilon),
  };
  if (!Object.values(adam).every(Number.isFinite)) return 'its Adam settings could not be read';
  if (model.trainableWeights.length !== model.weights.length) return 'some weights are frozen';
  const nUnique = readEchoTask(model);
  return {
    ...plan,
    loss,
    metric: metric.metric,
    nUnique: typeof nUnique === 'object' ? nUnique.nUnique : 0,
    adam,
  };
}
