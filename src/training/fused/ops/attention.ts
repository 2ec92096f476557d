import { sinusoids } from '../../../models/attention/sinusoids';
import type { Kernels } from '../kernels';
import { softmaxRows } from '../softmax';
import { dense, gradOf, transpose, type DenseValue, type Shape } from '../values';

/**
 * The ops of `buildAttention`'s custom layers: sinusoidal position features, and Luong's
 * dot-product attention, as the layers in `models/attention/layers.ts` compute them.
 */

/** `[steps, batch, dim]` of the sinusoids of each step's position (no gradient). */
export function positionTable(
  kernels: Kernels,
  steps: number,
  batch: number,
  dim: number,
  maxWavelength: number,
): DenseValue {
  const table = sinusoids(steps, dim, maxWavelength);
  const out = dense(kernels, { steps, seq: true, batch, width: dim }, false);
  for (let t = 0; t < steps; t++) {
    const row = table.subarray(t * dim, (t + 1) * dim);
    for (let b = 0; b < batch; b++) out.data.set(row, (t * batch + b) * dim);
  }
  return out;
}

/** What the attention's forward pass keeps: its weights `[batch, m, n]`. */
export interface AttentionTrace {
  weights: Float32Array;
  scale: number;
}

/** Rows `t * batch + b` (`t < steps`) of a time-major value, as one `[steps, width]` matrix. */
function gather(kernels: Kernels, v: DenseValue, data: Float32Array, b: number): Float32Array {
  const { steps, batch, width } = v;
  const out = kernels.scratch(steps * width);
  for (let t = 0; t < steps; t++) {
    const from = (t * batch + b) * width;
    out.set(data.subarray(from, from + width), t * width);
  }
  return out;
}

/** Adds a `[steps, width]` matrix into rows `t * batch + b` of a time-major buffer. */
function scatterAdd(v: DenseValue, into: Float32Array, matrix: Float32Array, b: number): void {
  const { steps, batch, width } = v;
  for (let t = 0; t < steps; t++) {
    const to = (t * batch + b) * width;
    for (let k = 0; k < width; k++) into[to + k]! += matrix[t * width + k]!;
  }
}

/**
 * `softmax_j(q_i · mem_j · scale)` over the memory steps `j` for every query `i`, and the
 * weighted sums of the memory: `[m, batch, d]`, per window as two matrix products.
 */
export function attentionForward(
  kernels: Kernels,
  q: DenseValue,
  mem: DenseValue,
  scaled: boolean,
): { out: DenseValue; trace: AttentionTrace } {
  const { batch, width: d } = q;
  const m = q.steps;
  const n = mem.steps;
  const scale = scaled ? 1 / Math.sqrt(d) : 1;
  const weights = kernels.scratch(batch * m * n);
  const shape: Shape = { steps: m, seq: true, batch, width: d };
  const out = dense(kernels, shape, q.needsGrad || mem.needsGrad);
  for (let b = 0; b < batch; b++) {
    const qb = gather(kernels, q, q.data, b);
    const mb = gather(kernels, mem, mem.data, b);
    const wb = weights.subarray(b * m * n, (b + 1) * m * n);
    kernels.matMulAdd({
      A: qb,
      W: transpose(kernels, mb, n, d),
      out: wb,
      rows: m,
      inner: d,
      cols: n,
    });
    if (scale !== 1) for (let i = 0; i < wb.length; i++) wb[i] = wb[i]! * scale;
    softmaxRows(wb, n);
    const ob = kernels.scratch(m * d);
    kernels.matMulAdd({ A: wb, W: mb, out: ob, rows: m, inner: n, cols: d });
    scatterAdd(out, out.data, ob, b);
  }
  return { out, trace: { weights, scale } };
}

/** Gradients of the queries and the memory from the output's. */
export function attentionBackward(
  kernels: Kernels,
  q: DenseValue,
  mem: DenseValue,
  out: DenseValue,
  trace: AttentionTrace,
): void {
  const dOut = out.grad;
  if (!dOut) return;
  const { batch, width: d } = q;
  const m = q.steps;
  const n = mem.steps;
  const dq = q.needsGrad ? gradOf(kernels, q) : undefined;
  const dmem = mem.needsGrad ? gradOf(kernels, mem) : undefined;
  for (let b = 0; b < batch; b++) {
    const qb = gather(kernels, q, q.data, b);
    const mb = gather(kernels, mem, mem.data, b);
    const dob = gather(kernels, out, dOut, b);
    const wb = trace.weights.subarray(b * m * n, (b + 1) * m * n);
    // d(weights) = dOut · mem^T; d(memory) = weights^T · dOut.
    const dwb = kernels.scratch(m * n);
    kernels.matMulAdd({
      A: dob,
      W: transpose(kernels, mb, n, d),
      out: dwb,
      rows: m,
      inner: d,
      cols: n,
    });
    const dmb = kernels.scratch(n * d);
    kernels.matMulBackward({ A: wb, W: mb, dOut: dob, dW: dmb, rows: m, inner: n, cols: d });
    // Through the softmax, then the scaled scores: dS = w ⊙ (dW - Σ dW·w) · scale.
    for (let i = 0; i < m; i++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += dwb[i * n + j]! * wb[i * n + j]!;
      for (let j = 0; j < n; j++) {
        dwb[i * n + j] = wb[i * n + j]! * (dwb[i * n + j]! - dot) * trace.scale;
      }
    }
    if (dq) {
      const dqb = kernels.scratch(m * d);
      kernels.matMulAdd({ A: dwb, W: mb, out: dqb, rows: m, inner: n, cols: d });
      scatterAdd(q, dq, dqb, b);
    }
    if (dmem) {
      kernels.matMulBackward({ A: dwb, W: mb, dOut: qb, dW: dmb, rows: m, inner: n, cols: d });
      scatterAdd(mem, dmem, dmb, b);
    }
  }
}
