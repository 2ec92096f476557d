import type { ModelPlan, PlanOp } from '../../models/fusedPlan';
import type { Kernels } from './kernels';
import { softmaxRows } from './softmax';
import {
  attentionBackward,
  attentionForward,
  positionTable,
  type AttentionTrace,
} from './ops/attention';
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
  type Feed,
  type Value,
} from './values';
import { inputValue, reshape, reshapeDense, rowMask } from './ops/structural';
import { softmaxBackwardRows } from './softmax';

export type { Feed, Target } from './values';
export { scoreAndSeed, type BatchScore } from './loss';

/**
 * The fused engine's executor: runs a {@link ModelPlan}'s ops forward on a batch, and backward
 * from the loss, on the kernels. Weights are the kernels' resident arrays `0 .. count - 1`
 * in `model.weights` order, and (for training) their gradients `count .. 2 count - 1`.
 */

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

type OpOf<K extends PlanOp['op']> = Extract<PlanOp, { op: K }>;

/** What an LSTM op's forward pass keeps for its backward pass. */
interface LstmOpTrace {
  trace: LstmTrace;
  outputs: { out: DenseValue; h: DenseValue; c: DenseValue };
}

/** What an attention op's forward pass keeps for its backward pass. */
interface AttentionOpTrace {
  trace: AttentionTrace;
  q: DenseValue;
  mem: DenseValue;
}

/** A forward pass under way: the run it fills, and what its ops read. */
interface Pass extends GraphRun {
  kernels: Kernels;
  /** The weights, by `model.weights` index. */
  p: Float32Array[];
  feeds: readonly Feed[];
  states: readonly (LstmState | undefined)[];
  /** The newest input mask an op received (see `forward`). */
  carried: Uint8Array | undefined;
}

/** Runs the plan forward. `states[i]` is stateful LSTM `i`'s state to start from, or zeros. */
export function forward(
  kernels: Kernels,
  plan: ModelPlan,
  feeds: readonly Feed[],
  batch: number,
  states: readonly (LstmState | undefined)[],
): GraphRun {
  const pass: Pass = {
    kernels,
    p: kernels.arrays(),
    feeds,
    states,
    batch,
    values: new Array<Value | undefined>(plan.slots),
    traces: new Array<unknown>(plan.ops.length),
    finalStates: [],
    copies: new Map<number, DenseValue>(),
    carried: undefined,
  };
  const { values } = pass;
  for (let index = 0; index < plan.ops.length; index++) {
    const op = plan.ops[index]!;
    // tfjs passes every layer the newest input mask any layer before it received (its
    // executor keeps one `kwargs.mask` for the whole pass), so an LSTM after a RepeatVector
    // still masks with the steps of the input's mask. The engine does the same.
    const masks = inputSlots(op).map((slot) => values[slot]!.mask);
    if (masks.some((m) => m !== undefined)) pass.carried = masks[0];
    values[op.out] = forwardOp(pass, op, index);
  }
  const { traces, finalStates, copies } = pass;
  return { batch, values, traces, finalStates, copies };
}

/** One op's output value (an LSTM also sets its state outputs' slots). */
function forwardOp(pass: Pass, op: PlanOp, index: number): Value {
  const { kernels, batch } = pass;
  switch (op.op) {
    case 'input':
      return inputValue(kernels, pass.feeds[op.input]!, batch, op.steps, op.width);
    case 'masking': {
      const x = valueAt(pass, op.x);
      return { ...x, mask: rowMask(kernels, x, op.maskValue) } as Value;
    }
    case 'lstm':
      return forwardLstm(pass, op, index);
    case 'repeat': {
      const base = denseAt(pass, op.x);
      const { width } = base;
      return { kind: 'repeat', steps: op.n, seq: true, batch, width, base, mask: undefined };
    }
    case 'dense':
      return forwardDense(pass, op);
    case 'softmax': {
      const x = denseAt(pass, op.x);
      const out = dense(kernels, x, x.needsGrad);
      out.data.set(x.data);
      softmaxRows(out.data, x.width);
      return out;
    }
    case 'reshape':
      return reshape(kernels, valueAt(pass, op.x), op.steps, op.width);
    case 'concat':
      return concatValues(
        batch,
        op.xs.map((slot) => valueAt(pass, slot)),
      );
    case 'positionEncoding': {
      const x = valueAt(pass, op.x);
      const table = positionTable(kernels, x.steps, batch, op.dim, op.maxWavelength);
      return concatValues(batch, [x, table]);
    }
    case 'positionQueries':
      return positionTable(kernels, op.steps, batch, op.dim, op.maxWavelength);
    case 'dotAttention': {
      const q = denseAt(pass, op.queries);
      const mem = denseAt(pass, op.memory);
      const { out, trace } = attentionForward(kernels, q, mem, op.scaled);
      pass.traces[index] = { trace, q, mem } satisfies AttentionOpTrace;
      return out;
    }
  }
}

const valueAt = (pass: Pass, slot: number): Value => pass.values[slot]!;

/** The value in `slot` as numbers: itself if dense, else a dense copy made once per pass. */
function denseAt(pass: Pass, slot: number): DenseValue {
  const v = valueAt(pass, slot);
  if (v.kind === 'dense') return v;
  // Only projections read sparse, repeated and concatenated values in place; other ops get
  // a copy as numbers, whose gradient `backward` sends on to the value.
  let copy = pass.copies.get(slot);
  if (!copy) {
    const { kernels } = pass;
    copy = dense(kernels, v, needsGrad(v), materialize(kernels, v), v.mask);
    pass.copies.set(slot, copy);
  }
  return copy;
}

/** Values side by side, never copied (a concatenation's parts are spliced in). */
function concatValues(batch: number, values: readonly Value[]): Value {
  const parts = values.flatMap((v) => (v.kind === 'concat' ? v.parts : [v]));
  const { steps, seq } = parts[0]!;
  const width = parts.reduce((s, v) => s + v.width, 0);
  return { kind: 'concat', steps, seq, batch, width, parts, mask: undefined };
}

function forwardLstm(pass: Pass, op: OpOf<'lstm'>, index: number): Value {
  const { kernels, batch, values } = pass;
  const n = batch * op.units;
  let h0: Float32Array;
  let c0: Float32Array;
  if (op.initial) {
    h0 = denseAt(pass, op.initial[0]).data;
    c0 = denseAt(pass, op.initial[1]).data;
  } else {
    const kept = op.stateful ? pass.states[op.stateIndex] : undefined;
    h0 = kept ? kept.h.subarray(0, n) : kernels.scratch(n);
    c0 = kept ? kept.c.subarray(0, n) : kernels.scratch(n);
  }
  const x = valueAt(pass, op.x);
  const weights = lstmWeights(pass.p, op);
  const trace = lstmForward(kernels, x, weights, op.units, op.gate, h0, c0, pass.carried);
  const outputs = lstmOutputs(kernels, trace, op.returnSequences);
  pass.traces[index] = { trace, outputs } satisfies LstmOpTrace;
  if (op.outH !== undefined) values[op.outH] = outputs.h;
  if (op.outC !== undefined) values[op.outC] = outputs.c;
  if (op.stateful) pass.finalStates[op.stateIndex] = { h: outputs.h.data, c: outputs.c.data };
  return outputs.out;
}

function forwardDense(pass: Pass, op: OpOf<'dense'>): Value {
  const { kernels, p } = pass;
  const x = valueAt(pass, op.x);
  const out = dense(kernels, { ...x, width: op.units }, true, undefined, x.mask);
  const rows = rowsOf(x);
  const bias = op.weights.bias === undefined ? undefined : p[op.weights.bias]!;
  if (bias) for (let r = 0; r < rows; r++) out.data.set(bias, r * op.units);
  project(kernels, x, p[op.weights.kernel]!, out.data, op.units);
  if (op.activation === 'softmax') softmaxRows(out.data, op.units);
  return out;
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

function lstmWeights(arrays: Float32Array[], op: OpOf<'lstm'>) {
  return {
    kernel: arrays[op.weights.kernel]!,
    recurrent: arrays[op.weights.recurrent]!,
    bias: arrays[op.weights.bias]!,
  };
}

/** A backward pass under way: the forward run, and the weights and their gradients. */
interface BackPass {
  kernels: Kernels;
  run: GraphRun;
  p: Float32Array[];
  g: Float32Array[];
}

/** Backpropagates from the output's gradient (already in the run's output value). */
export function backward(kernels: Kernels, plan: ModelPlan, run: GraphRun, count: number): void {
  const arrays = kernels.arrays();
  const pass: BackPass = {
    kernels,
    run,
    p: arrays.slice(0, count),
    g: arrays.slice(count, 2 * count),
  };
  const { values } = run;
  for (let index = plan.ops.length - 1; index >= 0; index--) {
    const op = plan.ops[index]!;
    // Every consumer of this op's output has run: a copy's gradient is complete.
    const copy = run.copies.get(op.out);
    if (copy?.grad) sendGrad(kernels, values[op.out]!, copy.grad);
    backwardOp(pass, op, index);
  }
}

/** Sends one op's output gradient to its weights' gradients and its inputs. */
function backwardOp(pass: BackPass, op: PlanOp, index: number): void {
  const { kernels, run } = pass;
  const { values } = run;
  switch (op.op) {
    case 'input':
    case 'masking':
    case 'positionQueries':
    case 'positionEncoding':
    case 'concat':
      // No weights, and the only values behind them that take gradients are dense parts,
      // which projections send gradients to directly.
      return;
    case 'lstm':
      backwardLstm(pass, op, run.traces[index] as LstmOpTrace);
      return;
    case 'repeat':
      // Its consumers send gradients straight to the repeated vector.
      return;
    case 'dense':
      backwardDense(pass, op);
      return;
    case 'softmax': {
      const out = values[op.out] as DenseValue;
      const x = values[op.x]!;
      if (!out.grad || !needsGrad(x)) return;
      if (!out.gradIsLogits) softmaxBackwardRows(out.data, out.grad, out.width);
      sendGrad(kernels, x, out.grad);
      return;
    }
    case 'reshape': {
      const out = values[op.out]!;
      const x = values[op.x]!;
      if (out.kind !== 'dense' || !out.grad || !needsGrad(x)) return;
      sendGrad(kernels, x, reshapeDense(kernels, out.grad, out, x.width));
      return;
    }
    case 'dotAttention': {
      const { trace, q, mem } = run.traces[index] as AttentionOpTrace;
      attentionBackward(kernels, q, mem, values[op.out] as DenseValue, trace);
      return;
    }
  }
}

function backwardLstm(pass: BackPass, op: OpOf<'lstm'>, { trace, outputs }: LstmOpTrace): void {
  const { kernels, p, g } = pass;
  if (!outputs.out.grad && !outputs.h.grad && !outputs.c.grad) return;
  const initial = op.initial?.map((slot) => pass.run.values[slot]) as DenseValue[] | undefined;
  const wantInitial = initial !== undefined && initial.some((v) => v.needsGrad);
  const w = lstmWeights(p, op);
  const dw = lstmWeights(g, op);
  const grads = lstmBackward(kernels, trace, w, dw, outputs, op.returnSequences, wantInitial);
  if (wantInitial) sendInitialGrad(kernels, initial[0]!, initial[1]!, grads);
}

function backwardDense(pass: BackPass, op: OpOf<'dense'>): void {
  const { kernels, p, g } = pass;
  const out = pass.run.values[op.out] as DenseValue;
  if (!out.grad) return;
  if (op.activation === 'softmax' && !out.gradIsLogits) {
    softmaxBackwardRows(out.data, out.grad, op.units);
  }
  if (op.weights.bias !== undefined) {
    const dst = g[op.weights.bias]!;
    kernels.columnSum({ src: out.grad, dst, rows: rowsOf(out), cols: op.units });
  }
  const x = pass.run.values[op.x]!;
  const { kernel } = op.weights;
  projectBackward(kernels, x, p[kernel]!, out.grad, g[kernel]!, op.units);
}

/** Adds a full-width gradient into `x` (or its dense parts). */
function sendGrad(kernels: Kernels, x: Value, grad: Float32Array): void {
  if (x.kind === 'dense') {
    if (x.needsGrad) addInto(kernels, gradOf(kernels, x), grad);
  } else scatterGrad(kernels, x, grad);
}
