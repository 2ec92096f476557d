import type { ModelPlan, PlanOp } from '../../models/fusedPlan';
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

type Lstm = Extract<PlanOp, { op: 'lstm' }>;

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
