import type * as tf from '@tensorflow/tfjs';
import type { RecurrentActivation } from './common';
import { readEchoTask } from './echoTask';

/**
 * Recognition for the fused engine: reads a tfjs model's layer graph and maps every layer to
 * an op the engine computes exactly as tfjs does, with its weights named. A model outside
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

type Config = Record<string, unknown>;

/** The parts of tfjs's SymbolicTensor the recognizer reads (not all of them are typed). */
interface Symbolic {
  id: number;
  shape: (number | null)[];
  sourceLayer: tf.layers.Layer;
  tensorIndex?: number;
  inputs?: Symbolic[];
  callArgs?: Config;
}

class Unsupported extends Error {}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

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

/** Finds the index in `model.weights` of a layer's weight whose name ends with `suffix`. */
function weightRef(model: tf.LayersModel, layer: tf.layers.Layer, suffix: string): WeightRef {
  const variable = layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
  if (!variable) return unsupported(`its ${layer.getClassName()} layer has no ${suffix} weight`);
  const index = model.weights.indexOf(variable);
  if (index < 0) return unsupported(`a weight of its ${layer.getClassName()} layer is not its own`);
  return index;
}

const LAYER_CLASSES = new Set([
  'InputLayer',
  'Masking',
  'LSTM',
  'RepeatVector',
  'Dense',
  'TimeDistributed',
  'Reshape',
  'Flatten',
  'Softmax',
  'Activation',
  'Concatenate',
  'SeqEchoPositionEncoding',
  'SeqEchoPositionQueries',
  'SeqEchoDotAttention',
]);

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
    if (!LAYER_CLASSES.has(layer.getClassName())) {
      unsupported(`its ${layer.getClassName()} layer is not one the fused engine computes`);
    }
  }
  const ops: PlanOp[] = [];
  const slotOf = new Map<number, number>();
  const inputs: { slot: number; steps: number; width: number }[] = [];
  let slots = 0;
  let statefulLstms = 0;
  const dims = (t: Symbolic): { steps: number | undefined; width: number } => {
    const shape = t.shape;
    if (shape.length === 3 && shape[1] != null && shape[2] != null) {
      return { steps: shape[1], width: shape[2] };
    }
    if (shape.length === 2 && shape[1] != null) return { steps: undefined, width: shape[1] };
    return unsupported(`a layer's output shape [${shape.join(', ')}] is not fixed`);
  };
  // The LSTM's outputs [sequence, h, c] share one op: visiting one visits them all.
  const lstmOps = new Map<tf.layers.Layer, Extract<PlanOp, { op: 'lstm' }>>();

  const visit = (t: Symbolic): number => {
    const known = slotOf.get(t.id);
    if (known !== undefined) return known;
    const layer = t.sourceLayer;
    const name = layer.getClassName();
    const config = layer.getConfig() as Config;
    const args = (t.inputs ?? []).map(visit);
    const x = args[0] as number;
    const out = slots++;
    slotOf.set(t.id, out);
    const { steps, width } = dims(t);
    switch (name) {
      case 'InputLayer': {
        const input = model.inputs.findIndex((s) => (s as unknown as Symbolic).id === t.id);
        if (input < 0 || steps === undefined) unsupported('an input is not a sequence');
        inputs[input] = { slot: out, steps: steps!, width };
        ops.push({ op: 'input', out, input, steps: steps!, width });
        break;
      }
      case 'Masking':
        ops.push({ op: 'masking', out, x, maskValue: Number(config.maskValue ?? 0) });
        break;
      case 'LSTM': {
        const existing = lstmOps.get(layer);
        if (existing) {
          const index = t.tensorIndex ?? 0;
          if (index === 1) existing.outH = out;
          else if (index === 2) existing.outC = out;
          else unsupported('an LSTM layer is applied more than once');
          break;
        }
        assertPlain('LSTM', config, [
          ...PLAIN_KEYS,
          'recurrentRegularizer',
          'recurrentConstraint',
          'dropout',
          'recurrentDropout',
        ]);
        if (config.activation !== 'tanh') unsupported('an LSTM has a non-tanh activation');
        const gate = config.recurrentActivation;
        if (gate !== 'hardSigmoid' && gate !== 'sigmoid') {
          unsupported(`an LSTM's recurrentActivation is ${String(gate)}`);
        }
        if (config.useBias !== true) unsupported('an LSTM has no bias');
        if (config.goBackwards === true) unsupported('an LSTM reads its input backwards');
        if (config.unroll === true) unsupported('an LSTM is unrolled');
        if (args.length !== 1 && args.length !== 3) unsupported('an LSTM has unexpected inputs');
        const stateful = config.stateful === true;
        if (stateful && args.length === 3) {
          unsupported('a stateful LSTM also takes an initial state');
        }
        const op: Extract<PlanOp, { op: 'lstm' }> = {
          op: 'lstm',
          x,
          out,
          outH: undefined,
          outC: undefined,
          initial: args.length === 3 ? [args[1]!, args[2]!] : undefined,
          units: Number(config.units),
          returnSequences: config.returnSequences === true,
          stateful,
          gate: gate as GateActivation,
          stateIndex: stateful ? statefulLstms++ : -1,
          weights: {
            kernel: weightRef(model, layer, 'kernel'),
            recurrent: weightRef(model, layer, 'recurrent_kernel'),
            bias: weightRef(model, layer, 'bias'),
          },
        };
        lstmOps.set(layer, op);
        const index = t.tensorIndex ?? 0;
        if (index !== 0) {
          // Reached through h or c first: the sequence output gets its own slot.
          op.out = slots++;
          if (index === 1) op.outH = out;
          else op.outC = out;
        }
        ops.push(op);
        break;
      }
      case 'RepeatVector':
        ops.push({ op: 'repeat', out, x, n: Number(config.n) });
        break;
      case 'Dense':
      case 'TimeDistributed': {
        const inner =
          name === 'Dense'
            ? { config, layer }
            : (() => {
                const wrapped = config.layer as { className?: string; config?: Config } | undefined;
                if (wrapped?.className !== 'Dense') {
                  unsupported('a TimeDistributed layer wraps something other than Dense');
                }
                return { config: wrapped!.config ?? {}, layer };
              })();
        assertPlain('Dense', inner.config, PLAIN_KEYS);
        const activation = inner.config.activation;
        if (activation !== 'linear' && activation !== 'softmax') {
          unsupported(`a Dense layer's activation is ${String(activation)}`);
        }
        ops.push({
          op: 'dense',
          out,
          x,
          units: Number(inner.config.units),
          activation: activation as 'linear' | 'softmax',
          weights: {
            kernel: weightRef(model, layer, 'kernel'),
            bias: inner.config.useBias === false ? undefined : weightRef(model, layer, 'bias'),
          },
        });
        break;
      }
      case 'Reshape':
      case 'Flatten':
        ops.push({ op: 'reshape', out, x, steps, width });
        break;
      case 'Softmax':
        if (config.axis !== -1 && config.axis !== (steps === undefined ? 1 : 2)) {
          unsupported('a Softmax layer is not over the last axis');
        }
        ops.push({ op: 'softmax', out, x });
        break;
      case 'Activation':
        if (config.activation === 'softmax') ops.push({ op: 'softmax', out, x });
        else if (config.activation === 'linear') ops.push({ op: 'reshape', out, x, steps, width });
        else unsupported(`an Activation layer is ${String(config.activation)}`);
        break;
      case 'Concatenate':
        if (config.axis !== -1 && config.axis !== 2) {
          unsupported('a Concatenate layer is not over the last axis');
        }
        ops.push({ op: 'concat', out, xs: args });
        break;
      case 'SeqEchoPositionEncoding':
        ops.push({
          op: 'positionEncoding',
          out,
          x,
          dim: Number(config.dim),
          maxWavelength: Number(config.maxWavelength),
        });
        break;
      case 'SeqEchoPositionQueries':
        ops.push({
          op: 'positionQueries',
          out,
          x,
          steps: Number(config.steps),
          dim: Number(config.dim),
          maxWavelength: Number(config.maxWavelength),
        });
        break;
      case 'SeqEchoDotAttention':
        ops.push({
          op: 'dotAttention',
          out,
          queries: args[0]!,
          memory: args[1]!,
          scaled: config.scaled === true,
        });
        break;
      default:
        unsupported(`its ${name} layer is not one the fused engine computes`);
    }
    return out;
  };

  const outputTensor = model.outputs[0] as unknown as Symbolic;
  const output = visit(outputTensor);
  if (Object.keys(inputs).length !== model.inputs.length) {
    unsupported('an input of the model does not reach its output');
  }
  const last = ops.find((o) => o.out === output)!;
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
