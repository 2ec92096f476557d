import * as tf from '@tensorflow/tfjs';
import { createKernels, type Kernels } from './kernels';
import { lstmBackward, lstmForward, type LstmTrace } from './lstm';

/** The two architectures the fused trainer knows, as the model factories build them. */
type Architecture = 'seq2seq' | 'encoderDecoder';

/** Adam's settings, read from the model's compiled optimizer. */
interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** A recognised layer stack: its architecture and sizes. */
export interface FusedNet {
  architecture: Architecture;
  units: number;
  nUnique: number;
}

/** A recognised trainable model: its layers and its optimizer. */
export interface FusedSpec extends FusedNet {
  adam: AdamConfig;
}

type LayerConfig = Record<string, unknown>;

const isPlainLstm = (config: LayerConfig): boolean =>
  config.activation === 'tanh' &&
  config.recurrentActivation === 'hardSigmoid' &&
  config.useBias === true &&
  !config.dropout &&
  !config.recurrentDropout &&
  config.goBackwards !== true &&
  config.returnState !== true &&
  config.kernelRegularizer == null &&
  config.recurrentRegularizer == null &&
  config.biasRegularizer == null &&
  config.activityRegularizer == null &&
  config.kernelConstraint == null &&
  config.recurrentConstraint == null &&
  config.biasConstraint == null;

/**
 * Recognises a layer stack the fused engine computes exactly as tfjs would: the ones that
 * `buildSeq2Seq` and `buildEncoderDecoder` make (plain LSTMs with tanh/hard-sigmoid, a softmax
 * Dense per step). Returns why not, as a sentence, otherwise.
 */
export function recognizeNet(model: tf.LayersModel): FusedNet | string {
  const names = model.layers.map((l) => l.getClassName());
  const configs = model.layers.map((l) => l.getConfig() as LayerConfig);
  let architecture: Architecture;
  if (names.join() === 'LSTM,TimeDistributed' && configs[0]!.returnSequences === true) {
    architecture = 'seq2seq';
  } else if (
    names.join() === 'LSTM,RepeatVector,LSTM,TimeDistributed' &&
    configs[0]!.returnSequences !== true &&
    configs[2]!.returnSequences === true &&
    configs[0]!.units === configs[2]!.units
  ) {
    architecture = 'encoderDecoder';
  } else {
    return `its layers (${names.join(', ')}) are not one of the walkthrough's two architectures`;
  }
  const lstms = configs.filter((_, i) => names[i] === 'LSTM');
  if (!lstms.every(isPlainLstm)) {
    return 'an LSTM uses dropout, regularisers, constraints or non-default activations';
  }
  const head = (configs[configs.length - 1]!.layer ?? {}) as {
    className?: string;
    config?: LayerConfig;
  };
  const dense = head.config ?? {};
  if (
    head.className !== 'Dense' ||
    dense.activation !== 'softmax' ||
    dense.useBias !== true ||
    dense.kernelRegularizer != null ||
    dense.biasRegularizer != null ||
    dense.kernelConstraint != null ||
    dense.biasConstraint != null
  ) {
    return 'its output layer is not a plain softmax Dense';
  }
  return { architecture, units: lstms[0]!.units as number, nUnique: dense.units as number };
}

/**
 * Recognises a model the fused engine can train exactly as tfjs would: a layer stack
 * {@link recognizeNet} accepts, categorical cross-entropy, Adam, every weight trainable.
 * Returns why not, as a sentence, otherwise.
 */
export function recognize(model: tf.LayersModel): FusedSpec | string {
  const net = recognizeNet(model);
  if (typeof net === 'string') return net;
  if (model.loss !== 'categoricalCrossentropy') {
    return `its loss is ${JSON.stringify(model.loss)}, not 'categoricalCrossentropy'`;
  }
  const optimizer = (model as { optimizer?: tf.Optimizer }).optimizer;
  if (optimizer?.getClassName() !== 'Adam') return 'its optimizer is not Adam';
  const o = optimizer.getConfig() as Record<string, unknown>;
  const adam = {
    learningRate: Number(o.learningRate),
    beta1: Number(o.beta1),
    beta2: Number(o.beta2),
    epsilon: Number(o.epsilon),
  };
  if (!Object.values(adam).every(Number.isFinite)) return 'its Adam settings could not be read';
  if (model.trainableWeights.length !== model.weights.length) return 'some weights are frozen';
  return { ...net, adam };
}

/** Loss and accuracy of one epoch, averaged over its batches as `model.fit` reports them. */
export interface FusedEpoch {
  loss: number;
  accuracy: number;
}

/**
 * Trains a recognised model on seq-echo's own kernels: the same forward pass, loss, gradients and
 * Adam update as tfjs's `model.fit` with `shuffle: false`, including stateful carry-over
 * between the batches of an epoch. Holds float32 copies of the weights (resident in the
 * kernels' memory, with their gradients) and Adam's moments; {@link FusedTrainer.writeBack}
 * copies the weights into the model.
 */
export class FusedTrainer {
  private readonly kernels: Kernels;
  private readonly count: number;
  private readonly shapes: number[][];
  private accBeta1: number;
  private accBeta2: number;
  private readonly optimizer: unknown;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly spec: FusedSpec,
  ) {
    this.optimizer = (model as { optimizer?: unknown }).optimizer;
    this.shapes = model.weights.map((w) => w.shape.map(Number));
    const lengths = this.shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
    this.count = lengths.length;
    // Weights, their gradients, and Adam's two moments.
    this.kernels = createKernels([...lengths, ...lengths, ...lengths, ...lengths]);
    this.readWeights();
    this.accBeta1 = spec.adam.beta1;
    this.accBeta2 = spec.adam.beta2;
  }

  /** Which kernels this trainer runs on. */
  get kernelKind(): Kernels['kind'] {
    return this.kernels.kind;
  }

  /** Whether this trainer was made for the model's current optimizer and architecture. */
  fits(spec: FusedSpec): boolean {
    return (
      this.optimizer === (this.model as { optimizer?: unknown }).optimizer &&
      JSON.stringify(spec) === JSON.stringify(this.spec)
    );
  }

  /** The current weights, in `model.getWeights()` order. */
  private get params(): Float32Array[] {
    return this.kernels.arrays().slice(0, this.count);
  }

  /** Copies the model's current weights in (they may have changed since the last run). */
  readWeights(): void {
    const params = this.params;
    this.model.getWeights().forEach((w, i) => {
      params[i]!.set(w.dataSync());
    });
  }

  /** Copies the trained weights into the model. */
  writeBack(): void {
    const tensors = this.params.map((p, i) => tf.tensor(p.slice(), this.shapes[i]));
    this.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  /**
   * One epoch over windows of ids, in order, in batches of `batchSize` (the last may be
   * smaller for a stateless model). Stateful models carry each batch's final state into the
   * next batch and start the epoch from zero state.
   */
  trainEpoch(
    X: readonly (readonly number[])[],
    y: readonly (readonly number[])[],
    batchSize: number,
    stateful: boolean,
  ): FusedEpoch {
    let state: LstmState[] | undefined;
    let lossSum = 0;
    let accSum = 0;
    for (let start = 0; start < X.length; start += batchSize) {
      const xb = X.slice(start, start + batchSize);
      const yb = y.slice(start, start + batchSize);
      const batch = xb.length;
      const result = this.step(
        xb,
        yb,
        initialStates(this.spec, stateful ? state : undefined, batch),
      );
      lossSum += result.loss * batch;
      accSum += result.accuracy * batch;
      state = result.finalState;
    }
    return { loss: lossSum / X.length, accuracy: accSum / X.length };
  }

  /** Forward, backward and one Adam update on one batch. */
  private step(
    xb: readonly (readonly number[])[],
    yb: readonly (readonly number[])[],
    initial: LstmState[],
  ): FusedEpoch & { finalState: LstmState[] } {
    const { units: u, nUnique: V } = this.spec;
    const u4 = 4 * u;
    const batch = xb.length;
    const nIn = xb[0]!.length;
    const nOut = yb[0]!.length;
    this.kernels.reserve(stagingFloats(this.spec, batch));
    const resident = this.kernels.arrays();
    const p = resident.slice(0, this.count);
    const grads = resident.slice(this.count, 2 * this.count);
    for (const g of grads) g.fill(0);
    const R1 = p[1]!;
    const seq2seq = this.spec.architecture === 'seq2seq';
    const k = this.kernels;
    const { enc, dec, hEnc, logits: allLogits } = forwardNet(k, this.spec, p, xb, nOut, initial);

    // Softmax head at every output step, categorical cross-entropy as tfjs computes it.
    const Wd = p[p.length - 2]!;
    const dWd = grads[grads.length - 2]!;
    const dbd = grads[grads.length - 1]!;
    const eps = 1e-7;
    const count = batch * nOut;
    let loss = 0;
    let right = 0;
    const steps = dec.steps;
    const dH: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(steps);
    for (let s = 0; s < nOut; s++) {
      // seq2seq: output step s is LSTM step s; encoder-decoder: decoder step s.
      const h = dec.h[s]!;
      const logits = allLogits[s]!;
      for (let b = 0; b < batch; b++) {
        const o = b * V;
        let max = -Infinity;
        let arg = 0;
        for (let j = 0; j < V; j++) {
          if (logits[o + j]! > max) {
            max = logits[o + j]!;
            arg = j;
          }
        }
        let sum = 0;
        for (let j = 0; j < V; j++) {
          const e = Math.exp(logits[o + j]! - max);
          logits[o + j] = e;
          sum += e;
        }
        const target = yb[b]![s]!;
        const pt = logits[o + target]! / sum;
        loss -= Math.log(Math.min(Math.max(pt, eps), 1 - eps));
        if (arg === target) right += 1;
        // d(loss)/d(logits) = (p - onehot) / count, or 0 where tfjs's clip stops the gradient.
        const live = pt >= eps && pt <= 1 - eps;
        for (let j = 0; j < V; j++) {
          const d = live ? (logits[o + j]! / sum - (j === target ? 1 : 0)) / count : 0;
          logits[o + j] = d;
          dbd[j]! += d;
        }
      }
      const dh = k.scratch(batch * u);
      k.matMulBackward({
        A: h,
        W: Wd,
        dOut: logits,
        dW: dWd,
        dA: dh,
        rows: batch,
        inner: u,
        cols: V,
      });
      dH[s] = dh;
    }

    const encoderInputGradient = (t: number, dz: Float32Array) => {
      const dW1 = grads[0]!;
      for (let b = 0; b < batch; b++) {
        const row = xb[b]![t]! * u4;
        const zo = b * u4;
        for (let j = 0; j < u4; j++) dW1[row + j]! += dz[zo + j]!;
      }
    };
    if (seq2seq) {
      lstmBackward(k, enc, R1, grads[1]!, grads[2]!, dH, encoderInputGradient);
    } else {
      const W2 = p[3]!;
      const dProj = k.scratch(batch * u4);
      lstmBackward(k, dec, p[4]!, grads[4]!, grads[5]!, dH, (_, dz) => {
        for (let i = 0; i < dz.length; i++) dProj[i]! += dz[i]!;
      });
      // proj = hEnc · W2: dW2 += hEnc^T dProj, dhEnc = dProj · W2^T.
      const dhEnc = k.scratch(batch * u);
      k.matMulBackward({
        A: hEnc!,
        W: W2,
        dOut: dProj,
        dW: grads[3]!,
        dA: dhEnc,
        rows: batch,
        inner: u,
        cols: u4,
      });
      const dHEnc = new Array<Float32Array | undefined>(nIn);
      dHEnc[nIn - 1] = dhEnc;
      lstmBackward(k, enc, R1, grads[1]!, grads[2]!, dHEnc, encoderInputGradient);
    }

    this.adam(resident);
    return { loss: loss / count, accuracy: right / count, finalState: finalStates(enc, dec) };
  }

  /** tfjs's Adam update, with its bias correction, on every weight. */
  private adam(resident: Float32Array[]): void {
    const n = this.count;
    // tfjs keeps beta^t in float32 variables.
    this.accBeta1 = Math.fround(this.accBeta1);
    this.accBeta2 = Math.fround(this.accBeta2);
    const step = { ...this.spec.adam, c1: 1 - this.accBeta1, c2: 1 - this.accBeta2 };
    for (let w = 0; w < n; w++) {
      this.kernels.adam({
        p: resident[w]!,
        g: resident[n + w]!,
        m: resident[2 * n + w]!,
        v: resident[3 * n + w]!,
        step,
      });
    }
    this.accBeta1 *= this.spec.adam.beta1;
    this.accBeta2 *= this.spec.adam.beta2;
  }
}

/** The forward pass of a whole recognised network on one batch, with the raw logits. */
interface NetTrace {
  enc: LstmTrace;
  /** The LSTM whose outputs feed the head: `enc` itself for seq2seq. */
  dec: LstmTrace;
  /** The encoder's final output (encoder-decoder only). */
  hEnc: Float32Array | undefined;
  /** Per output step, `[batch, nUnique]` logits (before the softmax). */
  logits: Float32Array[];
}

/**
 * Runs the network on a batch of id windows from the given initial LSTM states. Weights are
 * `[W1, R1, b1, (W2, R2, b2,) Wd, bd]` as `model.getWeights()` lists them.
 */
function forwardNet(
  kernels: Kernels,
  net: FusedNet,
  p: Float32Array[],
  xb: readonly (readonly number[])[],
  nOut: number,
  initial: LstmState[],
): NetTrace {
  const { units: u, nUnique: V } = net;
  const u4 = 4 * u;
  const batch = xb.length;
  const nIn = xb[0]!.length;
  const [W1, R1, b1] = [p[0]!, p[1]!, p[2]!];
  const addRows = (t: number, zt: Float32Array) => {
    for (let b = 0; b < batch; b++) {
      const row = xb[b]![t]! * u4;
      const zo = b * u4;
      for (let j = 0; j < u4; j++) zt[zo + j]! += W1[row + j]!;
    }
  };
  const enc = lstmForward(kernels, R1, b1, batch, u, nIn, initial[0]!.h, initial[0]!.c, addRows);
  let dec = enc;
  let hEnc: Float32Array | undefined;
  if (net.architecture === 'encoderDecoder') {
    const [W2, R2, b2] = [p[3]!, p[4]!, p[5]!];
    hEnc = enc.h[nIn - 1]!;
    const projection = kernels.scratch(batch * u4);
    kernels.matMulAdd({ A: hEnc, W: W2, out: projection, rows: batch, inner: u, cols: u4 });
    dec = lstmForward(kernels, R2, b2, batch, u, nOut, initial[1]!.h, initial[1]!.c, (_, zt) => {
      zt.set(projection);
    });
  }
  const Wd = p[p.length - 2]!;
  const bd = p[p.length - 1]!;
  const logits: Float32Array[] = [];
  for (let s = 0; s < nOut; s++) {
    const out = kernels.scratch(batch * V);
    for (let b = 0; b < batch; b++) out.set(bd, b * V);
    kernels.matMulAdd({ A: dec.h[s]!, W: Wd, out, rows: batch, inner: u, cols: V });
    logits.push(out);
  }
  return { enc, dec, hEnc, logits };
}

/** One LSTM's state over a batch: outputs and cells, `[batch, units]` each. */
interface LstmState {
  h: Float32Array;
  c: Float32Array;
}

/**
 * The states a batch leaves behind: the encoder's, and the decoder's when there is one, copied
 * out of the kernels' scratch (which the next batch reuses).
 */
function finalStates(enc: LstmTrace, dec: LstmTrace): LstmState[] {
  const last = (t: LstmTrace) => ({ h: t.h[t.steps - 1]!.slice(), c: t.c[t.steps - 1]!.slice() });
  return dec === enc ? [last(enc)] : [last(enc), last(dec)];
}

/**
 * The states a batch of `batch` rows starts from: the previous batch's final states (their
 * first `batch` rows) when carried over, else zeros, for each LSTM of the network.
 */
function initialStates(
  net: FusedNet,
  carried: LstmState[] | undefined,
  batch: number,
): LstmState[] {
  const n = batch * net.units;
  if (carried) return carried.map(({ h, c }) => ({ h: h.subarray(0, n), c: c.subarray(0, n) }));
  const layers = net.architecture === 'seq2seq' ? 1 : 2;
  return Array.from({ length: layers }, () => ({ h: new Float32Array(n), c: new Float32Array(n) }));
}

/**
 * A fused predictor for a recognised model, or `undefined` when the model's layers are not
 * recognised. It reads the weights once, then maps windows of ids to the argmax id at every
 * output step, exactly as `model.predict` on a reset model would in float32: in batches of
 * `batchSize` in order, carrying LSTM state from one batch to the next when `stateful`.
 */
export function fusedPredictor(
  model: tf.LayersModel,
  nOut: number,
  batchSize: number,
  stateful: boolean,
): ((windows: readonly (readonly number[])[]) => number[][]) | undefined {
  const net = recognizeNet(model);
  if (typeof net === 'string') return undefined;
  const weights = model.getWeights();
  const kernels = createKernels(weights.map((w) => w.size));
  weights.forEach((w, i) => {
    kernels.arrays()[i]!.set(w.dataSync());
  });
  const V = net.nUnique;
  return (windows) => {
    const predicted: number[][] = [];
    let state: LstmState[] | undefined;
    for (let start = 0; start < windows.length; start += batchSize) {
      const xb = windows.slice(start, start + batchSize);
      const initial = initialStates(net, stateful ? state : undefined, xb.length);
      kernels.reserve(stagingFloats(net, xb.length));
      const { enc, dec, logits } = forwardNet(kernels, net, kernels.arrays(), xb, nOut, initial);
      for (let b = 0; b < xb.length; b++) {
        const ids: number[] = [];
        for (let s = 0; s < nOut; s++) {
          const row = logits[s]!.subarray(b * V, (b + 1) * V);
          let arg = 0;
          for (let j = 1; j < V; j++) if (row[j]! > row[arg]!) arg = j;
          ids.push(arg);
        }
        predicted.push(ids);
      }
      state = finalStates(enc, dec);
    }
    return predicted;
  };
}

/**
 * The most values one kernel call stages (its operands that are not weights or gradients):
 * an output or input `[batch, units]` twice and a `[batch, max(4 units, nUnique)]` operand.
 */
function stagingFloats(net: FusedNet, batch: number): number {
  return batch * (2 * net.units + Math.max(4 * net.units, net.nUnique));
}
