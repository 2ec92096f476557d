import type * as tf from '@tensorflow/tfjs';
import type { GateActivation, PlanOp, WeightRef } from './fusedPlan';

/**
 * The fused engine's recognition of single layers: per tfjs layer class, a function that
 * checks the layer's settings and maps it to an op (see `planModel` in fusedPlan.ts, which
 * walks the graph and calls them). A setting outside the engine's vocabulary throws
 * {@link Unsupported} with a sentence naming it.
 */

/** A layer's `getConfig()`. */
export type Config = Record<string, unknown>;

/** The parts of tfjs's SymbolicTensor the recognizer reads (not all of them are typed). */
export interface Symbolic {
  id: number;
  shape: (number | null)[];
  sourceLayer: tf.layers.Layer;
  tensorIndex?: number;
  inputs?: Symbolic[];
  callArgs?: Config;
}

/** Why a model is outside the fused engine's vocabulary; `planModel` returns the message. */
export class Unsupported extends Error {}

export const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

type LstmOp = Extract<PlanOp, { op: 'lstm' }>;

/** One layer output the walk reached: its layer, inputs' slots, own slot and shape. */
export interface LayerVisit {
  model: tf.LayersModel;
  t: Symbolic;
  layer: tf.layers.Layer;
  config: Config;
  /** Slots of the layer's inputs, first input first; `x` is the first. */
  args: number[];
  x: number;
  out: number;
  steps: number | undefined;
  width: number;
}

/** What the walk builds up; recognisers add inputs, slots and stateful LSTMs to it. */
export interface PlanState {
  ops: PlanOp[];
  inputs: { slot: number; steps: number; width: number }[];
  slots: number;
  statefulLstms: number;
  /** The LSTM's outputs [sequence, h, c] share one op: visiting one visits them all. */
  lstmOps: Map<tf.layers.Layer, LstmOp>;
  /** LSTM ops reached through a state first, whose sequence output has not been visited yet. */
  unvisitedSequences: Set<LstmOp>;
}

/** Maps a layer to its op, or `undefined` when an op already made covers it. */
type Recognise = (v: LayerVisit, state: PlanState) => PlanOp | undefined;

/** A layer output's `[steps, width]` (`steps` undefined for a `[batch, width]` output). */
export function dims(t: Symbolic): { steps: number | undefined; width: number } {
  const shape = t.shape;
  if (shape.length === 3 && shape[1] != null && shape[2] != null) {
    return { steps: shape[1], width: shape[2] };
  }
  if (shape.length === 2 && shape[1] != null) return { steps: undefined, width: shape[1] };
  return unsupported(`a layer's output shape [${shape.join(', ')}] is not fixed`);
}

/** Keras's regularisers, constraints, dropout: none of them may be set. */
function assertPlain(name: string, config: Config, keys: readonly string[]): void {
  for (const key of keys) {
    const value = config[key];
    if (value != null && value !== 0 && value !== false) {
      unsupported(`its ${name} layer sets ${key}`);
    }
  }
}

const PLAIN_KEYS = [
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'kernelConstraint',
  'biasConstraint',
] as const;

const LSTM_PLAIN_KEYS = [
  ...PLAIN_KEYS,
  'recurrentRegularizer',
  'recurrentConstraint',
  'dropout',
  'recurrentDropout',
] as const;

/** Finds the index in `model.weights` of a layer's weight whose name ends with `suffix`. */
function weightRef(model: tf.LayersModel, layer: tf.layers.Layer, suffix: string): WeightRef {
  const variable = layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
  if (!variable) return unsupported(`its ${layer.getClassName()} layer has no ${suffix} weight`);
  const index = model.weights.indexOf(variable);
  if (index < 0) return unsupported(`a weight of its ${layer.getClassName()} layer is not its own`);
  return index;
}

function recogniseInput(v: LayerVisit, state: PlanState): PlanOp {
  const { model, t, out, steps, width } = v;
  const input = model.inputs.findIndex((s) => (s as unknown as Symbolic).id === t.id);
  if (input < 0 || steps === undefined) unsupported('an input is not a sequence');
  state.inputs[input] = { slot: out, steps: steps!, width };
  return { op: 'input', out, input, steps: steps!, width };
}

/** The LSTM settings the engine computes: its gate activation and whether it is stateful. */
function lstmSettings(config: Config, inputs: number): { gate: GateActivation; stateful: boolean } {
  assertPlain('LSTM', config, LSTM_PLAIN_KEYS);
  if (config.activation !== 'tanh') unsupported('an LSTM has a non-tanh activation');
  const gate = config.recurrentActivation;
  if (gate !== 'hardSigmoid' && gate !== 'sigmoid') {
    unsupported(`an LSTM's recurrentActivation is ${String(gate)}`);
  }
  if (config.useBias !== true) unsupported('an LSTM has no bias');
  if (config.goBackwards === true) unsupported('an LSTM reads its input backwards');
  if (config.unroll === true) unsupported('an LSTM is unrolled');
  if (inputs !== 1 && inputs !== 3) unsupported('an LSTM has unexpected inputs');
  const stateful = config.stateful === true;
  if (stateful && inputs === 3) unsupported('a stateful LSTM also takes an initial state');
  return { gate: gate as GateActivation, stateful };
}

function recogniseLstm(v: LayerVisit, state: PlanState): PlanOp | undefined {
  const { model, layer, config, args, x, out } = v;
  const index = v.t.tensorIndex ?? 0;
  const existing = state.lstmOps.get(layer);
  if (existing) {
    if (index === 1) existing.outH = out;
    else if (index === 2) existing.outC = out;
    else if (state.unvisitedSequences.delete(existing)) existing.out = out;
    else unsupported('an LSTM layer is applied more than once');
    return undefined;
  }
  const { gate, stateful } = lstmSettings(config, args.length);
  const op: LstmOp = {
    op: 'lstm',
    x,
    out,
    outH: undefined,
    outC: undefined,
    initial: args.length === 3 ? [args[1]!, args[2]!] : undefined,
    units: Number(config.units),
    returnSequences: config.returnSequences === true,
    stateful,
    gate,
    stateIndex: stateful ? state.statefulLstms++ : -1,
    weights: {
      kernel: weightRef(model, layer, 'kernel'),
      recurrent: weightRef(model, layer, 'recurrent_kernel'),
      bias: weightRef(model, layer, 'bias'),
    },
  };
  state.lstmOps.set(layer, op);
  if (index !== 0) {
    // Reached through h or c first: the sequence output gets a slot of its own until (and
    // unless) a later visit reaches it and gives it the slot its consumers read.
    op.out = state.slots++;
    state.unvisitedSequences.add(op);
    if (index === 1) op.outH = out;
    else op.outC = out;
  }
  return op;
}

/** A `Dense` layer, or the `Dense` a `TimeDistributed` layer wraps (its weights are the wrapper's). */
function recogniseDense(v: LayerVisit): PlanOp {
  const { model, layer, out, x } = v;
  let config = v.config;
  if (layer.getClassName() === 'TimeDistributed') {
    const wrapped = config.layer as { className?: string; config?: Config } | undefined;
    if (wrapped?.className !== 'Dense') {
      unsupported('a TimeDistributed layer wraps something other than Dense');
    }
    config = wrapped!.config ?? {};
  }
  assertPlain('Dense', config, PLAIN_KEYS);
  const activation = config.activation;
  if (activation !== 'linear' && activation !== 'softmax') {
    unsupported(`a Dense layer's activation is ${String(activation)}`);
  }
  return {
    op: 'dense',
    out,
    x,
    units: Number(config.units),
    activation: activation as 'linear' | 'softmax',
    weights: {
      kernel: weightRef(model, layer, 'kernel'),
      bias: config.useBias === false ? undefined : weightRef(model, layer, 'bias'),
    },
  };
}

/** A layer that only renames the shape of its input (a copy-free view). */
const reshape = ({ out, x, steps, width }: LayerVisit): PlanOp => ({
  op: 'reshape',
  out,
  x,
  steps,
  width,
});

function recogniseSoftmax({ config, out, x, steps }: LayerVisit): PlanOp {
  if (config.axis !== -1 && config.axis !== (steps === undefined ? 1 : 2)) {
    unsupported('a Softmax layer is not over the last axis');
  }
  return { op: 'softmax', out, x };
}

function recogniseActivation(v: LayerVisit): PlanOp {
  const { config, out, x } = v;
  if (config.activation === 'softmax') return { op: 'softmax', out, x };
  if (config.activation === 'linear') return reshape(v);
  return unsupported(`an Activation layer is ${String(config.activation)}`);
}

function recogniseConcatenate({ config, out, args }: LayerVisit): PlanOp {
  if (config.axis !== -1 && config.axis !== 2) {
    unsupported('a Concatenate layer is not over the last axis');
  }
  return { op: 'concat', out, xs: args };
}

/**
 * Per layer class the engine computes, its recogniser. `TimeDistributed` is recognised only
 * around a `Dense`; the `SeqEcho*` classes are `buildAttention`'s layers.
 */
export const RECOGNISERS: ReadonlyMap<string, Recognise> = new Map<string, Recognise>([
  ['InputLayer', recogniseInput],
  [
    'Masking',
    ({ config, out, x }) => ({ op: 'masking', out, x, maskValue: Number(config.maskValue ?? 0) }),
  ],
  ['LSTM', recogniseLstm],
  ['RepeatVector', ({ config, out, x }) => ({ op: 'repeat', out, x, n: Number(config.n) })],
  ['Dense', recogniseDense],
  ['TimeDistributed', recogniseDense],
  ['Reshape', reshape],
  ['Flatten', reshape],
  ['Softmax', recogniseSoftmax],
  ['Activation', recogniseActivation],
  ['Concatenate', recogniseConcatenate],
  [
    'SeqEchoPositionEncoding',
    ({ config, out, x }) => ({
      op: 'positionEncoding',
      out,
      x,
      dim: Number(config.dim),
      maxWavelength: Number(config.maxWavelength),
    }),
  ],
  [
    'SeqEchoPositionQueries',
    ({ config, out, x }) => ({
      op: 'positionQueries',
      out,
      x,
      steps: Number(config.steps),
      dim: Number(config.dim),
      maxWavelength: Number(config.maxWavelength),
    }),
  ],
  [
    'SeqEchoDotAttention',
    ({ config, out, args }) => ({
      op: 'dotAttention',
      out,
      queries: args[0]!,
      memory: args[1]!,
      scaled: config.scaled === true,
    }),
  ],
]);
