import type { GateActivation } from '../../../models/fusedPlan';
import type { Kernels } from '../kernels';
import {
  addInto,
  dense,
  gradOf,
  project,
  projectBackward,
  rowsOf,
  type DenseValue,
  type Value,
} from '../values';

/**
 * The LSTM op, with the exact semantics of tfjs's (and Keras's) `LSTM`: gates in the order i, f,
 * c, o; `z = x·W + h·R + b`; `i, f, o` = hard-sigmoid or sigmoid of `z`, `g = tanh(z)`;
 * `c' = f·c + i·g`; `h' = o·tanh(c')`. A masked step (padding) leaves `h` and `c` as they were
 * and outputs the previous `h`, as tfjs's `rnn` does.
 *
 * Why fused: for the walkthrough's small batches, tfjs spends its time dispatching about 60
 * ops per time step, not computing. The input projection here is one product over all steps,
 * and each step is two kernel calls.
 */

/** An LSTM's weights, by name. */
export interface LstmWeights {
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

/** What the forward pass keeps for the backward pass. */
export interface LstmTrace {
  x: Value;
  /** Per row of `x`, 1 for a real step, 0 for a masked one; absent when nothing is masked. */
  mask: Uint8Array | undefined;
  units: number;
  gate: GateActivation;
  /** Pre-activations, gates `[rows, 4u]`; cells, `tanh` of cells and outputs `[rows, u]`. */
  z: Float32Array;
  gates: Float32Array;
  c: Float32Array;
  tc: Float32Array;
  h: Float32Array;
  h0: Float32Array;
  c0: Float32Array;
  /** Whether `h0` is all zeros, so `h0 · R` and its gradient vanish. */
  h0Zero: boolean;
}

const step = (a: Float32Array, t: number, n: number): Float32Array =>
  a.subarray(t * n, (t + 1) * n);

/**
 * Runs the LSTM over every step of `x` from state `(h0, c0)` (`[batch, u]` each), skipping the
 * steps `mask` marks 0 (its rows beyond `x`'s steps are not read).
 */
export function lstmForward(
  kernels: Kernels,
  x: Value,
  w: LstmWeights,
  units: number,
  gate: GateActivation,
  h0: Float32Array,
  c0: Float32Array,
  mask: Uint8Array | undefined,
): LstmTrace {
  const u = units;
  const { steps, batch } = x;
  const rows = rowsOf(x);
  const n = batch * u;
  const z = kernels.scratch(rows * 4 * u);
  project(kernels, x, w.kernel, z, 4 * u);
  const trace: LstmTrace = {
    x,
    mask,
    units,
    gate,
    z,
    // The cell writes every value of these: no need to zero them first.
    gates: kernels.scratch(rows * 4 * u, false),
    c: kernels.scratch(rows * u, false),
    tc: kernels.scratch(rows * u, false),
    h: kernels.scratch(rows * u, false),
    h0,
    c0,
    h0Zero: h0.every((v) => v === 0),
  };
  let hPrev = h0;
  let cPrev = c0;
  for (let t = 0; t < steps; t++) {
    const zt = step(z, t, 4 * n);
    if (t > 0 || !trace.h0Zero) {
      kernels.matMulAdd({ A: hPrev, W: w.recurrent, out: zt, rows: batch, inner: u, cols: 4 * u });
    }
    const h = step(trace.h, t, n);
    const c = step(trace.c, t, n);
    kernels.lstmForwardCell({
      z: zt,
      bias: w.bias,
      cPrev,
      gates: step(trace.gates, t, 4 * n),
      c,
      tc: step(trace.tc, t, n),
      h,
      batch,
      units: u,
      gate,
    });
    if (mask) {
      for (let b = 0; b < batch; b++) {
        if (mask[t * batch + b]) continue;
        h.set(hPrev.subarray(b * u, (b + 1) * u), b * u);
        c.set(cPrev.subarray(b * u, (b + 1) * u), b * u);
      }
    }
    hPrev = h;
    cPrev = c;
  }
  return trace;
}

/** The outputs of a forward pass: the sequence (or last output) and the final state. */
export function lstmOutputs(
  kernels: Kernels,
  trace: LstmTrace,
  returnSequences: boolean,
): { out: DenseValue; h: DenseValue; c: DenseValue } {
  const { x, units: u } = trace;
  const n = x.batch * u;
  const last = x.steps - 1;
  const needs = true;
  const vector = { steps: 1, seq: false, batch: x.batch, width: u };
  const h = dense(kernels, vector, needs, step(trace.h, last, n));
  const c = dense(kernels, vector, needs, step(trace.c, last, n));
  const out = returnSequences
    ? dense(
        kernels,
        { steps: x.steps, seq: true, batch: x.batch, width: u },
        needs,
        trace.h,
        x.mask,
      )
    : dense(kernels, vector, needs, step(trace.h, last, n));
  return { out, h, c };
}

/** Gradients of the LSTM's weights (accumulated) and of its initial state (returned). */
export function lstmBackward(
  kernels: Kernels,
  trace: LstmTrace,
  w: LstmWeights,
  dw: LstmWeights,
  outputs: { out: DenseValue; h: DenseValue; c: DenseValue },
  returnSequences: boolean,
  wantInitial: boolean,
): { dh0: Float32Array; dc0: Float32Array } {
  const { x, units: u, gate, mask } = trace;
  const { steps, batch } = x;
  const n = batch * u;
  // Written whole by the cell's backward step, as are dcPrev and (by a product) dhPrev.
  const dz = kernels.scratch(rowsOf(x) * 4 * u, false);
  let dhNext = kernels.scratch(n);
  let dcNext = kernels.scratch(n);
  if (outputs.h.grad) addInto(kernels, dhNext, outputs.h.grad);
  if (outputs.c.grad) addInto(kernels, dcNext, outputs.c.grad);
  const dOut = outputs.out.grad;
  for (let t = steps - 1; t >= 0; t--) {
    const dH = dOut && (returnSequences ? step(dOut, t, n) : t === steps - 1 ? dOut : undefined);
    const cPrev = t > 0 ? step(trace.c, t - 1, n) : trace.c0;
    const dzt = step(dz, t, 4 * n);
    const dcPrev = kernels.scratch(n, false);
    kernels.lstmBackwardCell({
      z: step(trace.z, t, 4 * n),
      gates: step(trace.gates, t, 4 * n),
      tc: step(trace.tc, t, n),
      cPrev,
      dhNext,
      dH,
      dcNext,
      dz: dzt,
      dcPrev,
      batch,
      units: u,
      gate,
    });
    if (mask) skipMaskedCell(mask, t, batch, u, dzt, dcPrev, dcNext);
    // d(h_{t-1}) = dz_t · R^T; the weight gradient waits for all steps (below).
    const dhPrev = t > 0 || wantInitial ? kernels.scratch(n, false) : undefined;
    if (dhPrev) {
      kernels.matMulTransposed({
        A: dzt,
        B: w.recurrent,
        out: dhPrev,
        rows: batch,
        inner: u,
        cols: 4 * u,
      });
      if (mask) skipMaskedOutput(mask, t, batch, u, dhPrev, dhNext, dH);
    }
    dhNext = dhPrev ?? dhNext;
    dcNext = dcPrev;
  }
  recurrentGrads(kernels, trace, w.recurrent, dz, dw.recurrent);
  kernels.columnSum({ src: dz, dst: dw.bias, rows: rowsOf(x), cols: 4 * u });
  projectBackward(kernels, x, w.kernel, dz, dw.kernel, 4 * u);
  return { dh0: dhNext, dc0: dcNext };
}

/**
 * At step `t`'s masked rows, the cell did nothing: no gradient reaches its pre-activations,
 * and the cell state's gradient passes straight to the step before.
 */
function skipMaskedCell(
  mask: Uint8Array,
  t: number,
  batch: number,
  u: number,
  dzt: Float32Array,
  dcPrev: Float32Array,
  dcNext: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    if (mask[t * batch + b]) continue;
    dzt.fill(0, b * 4 * u, (b + 1) * 4 * u);
    dcPrev.set(dcNext.subarray(b * u, (b + 1) * u), b * u);
  }
}

/**
 * At step `t`'s masked rows the output was the previous step's: its gradient, and the one
 * from the step after, pass straight to the step before.
 */
function skipMaskedOutput(
  mask: Uint8Array,
  t: number,
  batch: number,
  u: number,
  dhPrev: Float32Array,
  dhNext: Float32Array,
  dH: Float32Array | undefined,
): void {
  for (let b = 0; b < batch; b++) {
    if (mask[t * batch + b]) continue;
    for (let j = b * u; j < (b + 1) * u; j++) dhPrev[j]! += dhNext[j]! + (dH ? dH[j]! : 0);
  }
}

/**
 * `dR += Σ_t h_{t-1}^T dz_t`, as one product over every step: the outputs of steps 0 .. T-2
 * are contiguous, so they meet the gradients of steps 1 .. T-1 in one call (and R's gradient
 * is read and written once, not once per step).
 */
function recurrentGrads(
  kernels: Kernels,
  trace: LstmTrace,
  recurrent: Float32Array,
  dz: Float32Array,
  dRecurrent: Float32Array,
): void {
  const { steps, batch } = trace.x;
  const u = trace.units;
  const n = batch * u;
  if (steps > 1) {
    kernels.matMulBackward({
      A: trace.h.subarray(0, (steps - 1) * n),
      W: recurrent,
      dOut: dz.subarray(4 * n),
      dW: dRecurrent,
      rows: (steps - 1) * batch,
      inner: u,
      cols: 4 * u,
    });
  }
  if (!trace.h0Zero) {
    kernels.matMulBackward({
      A: trace.h0,
      W: recurrent,
      dOut: dz.subarray(0, 4 * n),
      dW: dRecurrent,
      rows: batch,
      inner: u,
      cols: 4 * u,
    });
  }
}

/** Sends the initial state's gradient to the values it came from. */
export function sendInitialGrad(
  kernels: Kernels,
  h0: DenseValue,
  c0: DenseValue,
  grads: { dh0: Float32Array; dc0: Float32Array },
): void {
  if (h0.needsGrad) addInto(kernels, gradOf(kernels, h0), grads.dh0);
  if (c0.needsGrad) addInto(kernels, gradOf(kernels, c0), grads.dc0);
}
