import type { ModelPlan, PlanOp, TrainingPlan } from '../../models/fusedPlan';
import type { Kernels } from './kernels';
import { softmaxRows } from './softmax';
import { attentionBackward, attentionForward, positionTable } from './ops/attention';
import {
  lstmBackward,
  lstmForward,
  lstmOutputs,
  sendInitialGrad,
  type LstmTrace,
} from './ops/lstm';
import {
  addInto,
  dense,
  gradOf,
  materialize,
  needsGrad,
  project,
  projectBackward,
  rowsOf,
  scatterGrad,
  type DenseValue,
  type SparseValue,
  type Value,
} from './values';

/**
 * The fused engine's executor: runs a {@link ModelPlan}'s ops forward on a batch, and backward
 * from the loss, on the kernels. Weights are the kernels' resident arrays `0 .. count - 1`
 * in `model.weights` order, and (for training) their gradients `count .. 2 count - 1`.
 */

/** One model input for a batch, batch-major: ids of one-hot rows (`-1`: all zero), or numbers. */
export type Feed =
  { kind: 'ids'; ids: Int32Array; width: number } | { kind: 'values'; values: Float32Array };

/** The targets of a batch, batch-major like {@link Feed}. */
export type Target = { kind: 'ids'; ids: Int32Array } | { kind: 'values'; values: Float32Array };

/** An LSTM's state over a batch: outputs and cells, `[batch, units]` each. */
export interface LstmState {
  h: Float32Array;
  c: Float32Array;
}

/** What a forward pass leaves for the backward pass and the caller. */
export interface GraphRun {
  batch: number;
  values: (Value | undefined)[];
  traces: unknown[];
  /** Per stateful LSTM, its final state (views of scratch). */
  finalStates: LstmState[];
  /** Dense copies of non-dense values that some op read as numbers, by slot. */
  copies: Map<number, DenseValue>;
}

type Lstm = Extract<PlanOp, { op: 'lstm' }>;

const dims = (steps: number | undefined) => ({ steps: steps ?? 1, seq: steps !== undefined });

/** Runs the plan forward. `states[i]` is stateful LSTM `i`'s state to start from, or zeros. */
export function forward(
  kernels: Kernels,
  plan: ModelPlan,
  feeds: readonly Feed[],
  batch: number,
  states: readonly (LstmState | undefined)[],
): GraphRun {
  const p = kernels.arrays();
  const values: (Value | undefined)[] = new Array<Value | undefined>(plan.slots);
  const traces: unknown[] = new Array<unknown>(plan.ops.length);
  const finalStates: LstmState[] = [];
  const copies = new Map<number, DenseValue>();
  const get = (slot: number): Value => values[slot]!;
  const getDense = (slot: number): DenseValue => {
    const v = get(slot);
    if (v.kind === 'dense') return v;
    // Only projections read sparse, repeated and concatenated values in place; other ops get
    // a copy as numbers, whose gradient `backward` sends on to the value.
    let copy = copies.get(slot);
    if (!copy) {
      copy = dense(kernels, v, needsGrad(v), materialize(kernels, v), v.mask);
      copies.set(slot, copy);
    }
    return copy;
  };
  // tfjs passes every layer the newest input mask any layer before it received (its
  // executor keeps one `kwargs.mask` for the whole pass), so an LSTM after a RepeatVector
  // still masks with the steps of the input's mask. The engine does the same.
  let carried: Uint8Array | undefined;
  plan.ops.forEach((op, index) => {
    const masks = inputSlots(op).map((slot) => values[slot]!.mask);
    if (masks.some((m) => m !== undefined)) carried = masks[0];
    switch (op.op) {
      case 'input':
        values[op.out] = inputValue(kernels, feeds[op.input]!, batch, op.steps, op.width);
        break;
      case 'masking': {
        const x = get(op.x);
        values[op.out] = { ...x, mask: rowMask(kernels, x, op.maskValue) } as Value;
        break;
      }
      case 'lstm': {
        const x = get(op.x);
        const n = batch * op.units;
        let h0: Float32Array;
        let c0: Float32Array;
        if (op.initial) {
          h0 = getDense(op.initial[0]).data;
          c0 = getDense(op.initial[1]).data;
        } else {
          const kept = op.stateful ? states[op.stateIndex] : undefined;
          h0 = kept ? kept.h.subarray(0, n) : kernels.scratch(n);
          c0 = kept ? kept.c.subarray(0, n) : kernels.scratch(n);
        }
        const trace = lstmForward(
          kernels,
          x,
          lstmWeights(p, op),
          op.units,
          op.gate,
          h0,
          c0,
          carried,
        );
        const outputs = lstmOutputs(kernels, trace, op.returnSequences);
        traces[index] = { trace, outputs };
        values[op.out] = outputs.out;
        if (op.outH !== undefined) values[op.outH] = outputs.h;
        if (op.outC !== undefined) values[op.outC] = outputs.c;
        if (op.stateful) finalStates[op.stateIndex] = { h: outputs.h.data, c: outputs.c.data };
        break;
      }
      case 'repeat': {
        const base = getDense(op.x);
        const { width } = base;
        values[op.out] = {
          kind: 'repeat',
          steps: op.n,
          seq: true,
          batch,
          width,
          base,
          mask: undefined,
        };
        break;
      }
      case 'dense': {
        const x = get(op.x);
        const out = dense(kernels, { ...x, width: op.units }, true, undefined, x.mask);
        const rows = rowsOf(x);
        const bias = op.weights.bias === undefined ? undefined : p[op.weights.bias]!;
        if (bias) for (let r = 0; r < rows; r++) out.data.set(bias, r * op.units);
        project(kernels, x, p[op.weights.kernel]!, out.data, op.units);
        if (op.activation === 'softmax') softmaxRows(out.data, op.units);
        values[op.out] = out;
        break;
      }
      case 'softmax': {
        const x = getDense(op.x);
        const out = dense(kernels, x, x.needsGrad);
        out.data.set(x.data);
        softmaxRows(out.data, x.width);
        values[op.out] = out;
        break;
      }
      case 'reshape':
        values[op.out] = reshape(kernels, get(op.x), op.steps, op.width);
        break;
      case 'concat': {
        const parts = op.xs.map(get).flatMap((v) => (v.kind === 'concat' ? v.parts : [v]));
        const { steps, seq } = parts[0]!;
        const width = parts.reduce((s, v) => s + v.width, 0);
        values[op.out] = { kind: 'concat', steps, seq, batch, width, parts, mask: undefined };
        break;
      }
      case 'positionEncoding': {
        const x = get(op.x);
        const table = positionTable(kernels, x.steps, batch, op.dim, op.maxWavelength);
        const parts = [...(x.kind === 'concat' ? x.parts : [x]), table];
        values[op.out] = {
          kind: 'concat',
          steps: x.steps,
          seq: true,
          batch,
          width: x.width + op.dim,
          parts,
          mask: undefined,
        };
        break;
      }
      case 'positionQueries':
        values[op.out] = positionTable(kernels, op.steps, batch, op.dim, op.maxWavelength);
        break;
      case 'dotAttention': {
        const q = getDense(op.queries);
        const mem = getDense(op.memory);
        const { out, trace } = attentionForward(kernels, q, mem, op.scaled);
        traces[index] = { trace, q, mem };
        values[op.out] = out;
        break;
      }
    }
  });
  return { batch, values, traces, finalStates, copies };
}

/** The slots an op reads, its first input first. */
function inputSlots(op: PlanOp): readonly number[] {
  switch (op.op) {
    case 'input':
    case 'positionQueries':
      return [];
    case 'concat':
      return op.xs;
    case 'dotAttention':
      return [op.queries, op.memory];
    case 'lstm':
      return op.initial ? [op.x, ...op.initial] : [op.x];
    default:
      return [op.x];
  }
}

function lstmWeights(arrays: Float32Array[], op: Lstm) {
  return {
    kernel: arrays[op.weights.kernel]!,
    recurrent: arrays[op.weights.recurrent]!,
    bias: arrays[op.weights.bias]!,
  };
}

/** Backpropagates from the output's gradient (already in the run's output value). */
export function backward(kernels: Kernels, plan: ModelPlan, run: GraphRun, count: number): void {
  const arrays = kernels.arrays();
  const p = arrays.slice(0, count);
  const g = arrays.slice(count, 2 * count);
  const { values } = run;
  for (let index = plan.ops.length - 1; index >= 0; index--) {
    const op = plan.ops[index]!;
    // Every consumer of this op's output has run: a copy's gradient is complete.
    const copy = run.copies.get(op.out);
    if (copy?.grad) sendGrad(kernels, values[op.out]!, copy.grad);
    switch (op.op) {
      case 'input':
      case 'masking':
      case 'positionQueries':
      case 'positionEncoding':
      case 'concat':
        // No weights, and the only values behind them that take gradients are dense parts,
        // which projections send gradients to directly.
        break;
      case 'lstm': {
        const { trace, outputs } = run.traces[index] as {
          trace: LstmTrace;
          outputs: { out: DenseValue; h: DenseValue; c: DenseValue };
        };
        if (!outputs.out.grad && !outputs.h.grad && !outputs.c.grad) break;
        const initial = op.initial?.map((slot) => values[slot]) as DenseValue[] | undefined;
        const wantInitial = initial !== undefined && initial.some((v) => v.needsGrad);
        const grads = lstmBackward(
          kernels,
          trace,
          lstmWeights(p, op),
          lstmWeights(g, op),
          outputs,
          op.returnSequences,
          wantInitial,
        );
        if (wantInitial) sendInitialGrad(kernels, initial[0]!, initial[1]!, grads);
        break;
      }
      case 'repeat':
        // Its consumers send gradients straight to the repeated vector.
        break;
      case 'dense': {
        const out = values[op.out] as DenseValue;
        if (!out.grad) break;
        if (op.activation === 'softmax' && !out.gradIsLogits) {
          softmaxBackwardRows(out.data, out.grad, op.units);
        }
        if (op.weights.bias !== undefined) {
          kernels.columnSum({
            src: out.grad,
            dst: g[op.weights.bias]!,
            rows: rowsOf(out),
            cols: op.units,
          });
        }
        const x = values[op.x]!;
        projectBackward(
          kernels,
          x,
          p[op.weights.kernel]!,
          out.grad,
          g[op.weights.kernel]!,
          op.units,
        );
        break;
      }
      case 'softmax': {
        const out = values[op.out] as DenseValue;
        const x = values[op.x]!;
        if (!out.grad || !needsGrad(x)) break;
        if (!out.gradIsLogits) softmaxBackwardRows(out.data, out.grad, out.width);
        sendGrad(kernels, x, out.grad);
        break;
      }
      case 'reshape': {
        const out = values[op.out] as Value;
        const x = values[op.x]!;
        if (out.kind !== 'dense' || !out.grad || !needsGrad(x)) break;
        const back = reshapeDense(kernels, out.grad, out, x.width);
        sendGrad(kernels, x, back);
        break;
      }
      case 'dotAttention': {
        const { trace, q, mem } = run.traces[index] as {
          trace: Parameters<typeof attentionBackward>[4];
          q: DenseValue;
          mem: DenseValue;
        };
        attentionBackward(kernels, q, mem, values[op.out] as DenseValue, trace);
        break;
      }
    }
  }
}

/** Adds a full-width gradient into `x` (or its dense parts). */
function sendGrad(kernels: Kernels, x: Value, grad: Float32Array): void {
  if (x.kind === 'dense') {
    if (x.needsGrad) addInto(gradOf(kernels, x), grad);
  } else scatterGrad(kernels, x, grad);
}

function inputValue(
  kernels: Kernels,
  feed: Feed,
  batch: number,
  steps: number,
  width: number,
): Value {
  if (feed.kind === 'ids') {
    const index = new Int32Array(steps * batch);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) index[t * batch + b] = feed.ids[b * steps + t]!;
    }
    const value: SparseValue = {
      kind: 'sparse',
      steps,
      seq: true,
      batch,
      width,
      index,
      k: 1,
      mask: undefined,
    };
    return value;
  }
  const out = dense(kernels, { steps, seq: true, batch, width }, false);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const from = (b * steps + t) * width;
      out.data.set(feed.values.subarray(from, from + width), (t * batch + b) * width);
    }
  }
  return out;
}

/** Per row, 1 unless every feature equals `maskValue` (tfjs's `Masking`). */
function rowMask(kernels: Kernels, x: Value, maskValue: number): Uint8Array {
  const rows = rowsOf(x);
  const mask = new Uint8Array(rows);
  if (x.kind === 'sparse' && maskValue === 0) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < x.k; j++) if (x.index[r * x.k + j]! >= 0) mask[r] = 1;
    }
    return mask;
  }
  const data = materialize(kernels, x);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < x.width; j++) {
      if (data[r * x.width + j] !== maskValue) {
        mask[r] = 1;
        break;
      }
    }
  }
  return mask;
}

/** `grad := y ⊙ (grad - Σ grad·y)` per row: from the softmax's output to its input. */
function softmaxBackwardRows(y: Float32Array, grad: Float32Array, width: number): void {
  for (let o = 0; o < y.length; o += width) {
    let dot = 0;
    for (let j = 0; j < width; j++) dot += grad[o + j]! * y[o + j]!;
    for (let j = 0; j < width; j++) grad[o + j] = y[o + j]! * (grad[o + j]! - dot);
  }
}

/**
 * Moves a time-major `[steps, batch, width]` buffer to another `[steps2, batch, width2]` view
 * of the same per-window values (tfjs's `Reshape` and `Flatten` keep each window's values in
 * order).
 */
function reshapeDense(
  kernels: Kernels,
  data: Float32Array,
  from: { steps: number; batch: number; width: number },
  width: number,
): Float32Array {
  const { batch } = from;
  const out = kernels.scratch(data.length);
  for (let t = 0; t < from.steps; t++) {
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < from.width; j++) {
        const flat = t * from.width + j;
        const t2 = Math.floor(flat / width);
        out[(t2 * batch + b) * width + (flat - t2 * width)] =
          data[(t * batch + b) * from.width + j]!;
      }
    }
  }
  return out;
}

function reshape(kernels: Kernels, x: Value, steps: number | undefined, width: number): Value {
  const shape = { ...dims(steps), batch: x.batch, width };
  if (x.kind === 'sparse') {
    // Whole steps merge into one row: row t2 holds steps t2*m .. t2*m + m - 1, offset by width.
    const m = width / x.width;
    const k = x.k * m;
    const index = new Int32Array(shape.steps * x.batch * k);
    for (let t2 = 0; t2 < shape.steps; t2++) {
      for (let b = 0; b < x.batch; b++) {
        for (let i = 0; i < m; i++) {
          const t = t2 * m + i;
          for (let j = 0; j < x.k; j++) {
            const id = x.index[(t * x.batch + b) * x.k + j]!;
            index[(t2 * x.batch + b) * k + i * x.k + j] = id < 0 ? -1 : id + i * x.width;
          }
        }
      }
    }
    return { kind: 'sparse', ...shape, index, k, mask: undefined };
  }
  const data = materialize(kernels, x);
  const moved = reshapeDense(kernels, data, x, width);
  return dense(kernels, shape, needsGrad(x), moved);
}

/** The loss and accuracy of a batch, as tfjs's `model.fit` reports them. */
export interface BatchScore {
  loss: number;
  accuracy: number;
}

/**
 * Scores the output against the targets and writes the loss gradient into the output value
 * (for a softmax output under cross-entropy, with respect to its logits, clipped as tfjs clips
 * the probabilities).
 */
export function scoreAndSeed(
  kernels: Kernels,
  plan: TrainingPlan,
  run: GraphRun,
  target: Target,
): BatchScore {
  const out = run.values[plan.output] as DenseValue;
  const { steps, batch, width } = out;
  const grad = gradOf(kernels, out);
  if (plan.loss === 'meanSquaredError') {
    const values = (target as Extract<Target, { kind: 'values' }>).values;
    const count = batch * steps * width;
    const scale = plan.nUnique - 1;
    let loss = 0;
    let right = 0;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) {
        for (let j = 0; j < width; j++) {
          const o = (t * batch + b) * width + j;
          const yTrue = values[(b * steps + t) * width + j]!;
          const d = out.data[o]! - yTrue;
          loss += d * d;
          grad[o] = (2 * d) / count;
          if (Math.round(yTrue * scale) === Math.round(out.data[o]! * scale)) right += 1;
        }
      }
    }
    return { loss: loss / count, accuracy: plan.metric === 'rounded' ? right / count : NaN };
  }
  const ids = (target as Extract<Target, { kind: 'ids' }>).ids;
  const eps = 1e-7;
  const count = batch * steps;
  let loss = 0;
  let right = 0;
  let maskedSum = 0;
  for (let b = 0; b < batch; b++) {
    let real = 0;
    let realRight = 0;
    for (let t = 0; t < steps; t++) {
      const o = (t * batch + b) * width;
      const id = ids[b * steps + t]!;
      let arg = 0;
      for (let j = 1; j < width; j++) if (out.data[o + j]! > out.data[o + arg]!) arg = j;
      if (arg === (id < 0 ? 0 : id)) right += 1;
      if (id < 0) continue; // An all-zero target row: no loss and no gradient.
      real += 1;
      if (arg === id) realRight += 1;
      const pt = out.data[o + id]!;
      loss -= Math.log(Math.min(Math.max(pt, eps), 1 - eps));
      // d(loss)/d(logits) = (p - onehot) / count, or 0 where tfjs's clip stops the gradient.
      if (pt < eps || pt > 1 - eps) continue;
      for (let j = 0; j < width; j++) grad[o + j] = (out.data[o + j]! - (j === id ? 1 : 0)) / count;
    }
    maskedSum += realRight / Math.max(real, 1);
  }
  out.gradIsLogits = true;
  const accuracy =
    plan.metric === 'categorical'
      ? right / count
      : plan.metric === 'masked'
        ? maskedSum / batch
        : 0;
  return { loss: loss / count, accuracy };
}
