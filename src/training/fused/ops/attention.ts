import { sinusoids } from '../../../models/attention/layers';
import type { Kernels } from '../kernels';
import { dense, gradOf, type DenseValue, type Shape } from '../values';

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

/**
 * `softmax_j(q_i · mem_j · scale)` over the memory steps `j` for every query `i`, and the
 * weighted sums of the memory: `[m, batch, d]`. Also returns the weights.
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
  const scores = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < m; i++) {
      const qo = (i * batch + b) * d;
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const mo = (j * batch + b) * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += q.data[qo + k]! * mem.data[mo + k]!;
        s = Math.fround(Math.fround(s) * scale);
        scores[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < n; j++) {
        scores[j] = Math.exp(scores[j]! - max);
        sum += scores[j]!;
      }
      const wo = (b * m + i) * n;
      for (let j = 0; j < n; j++) {
        const a = (weights[wo + j] = scores[j]! / sum);
        const mo = (j * batch + b) * d;
        for (let k = 0; k < d; k++) out.data[qo + k]! += a * mem.data[mo + k]!;
      }
    }
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
  const dA = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < m; i++) {
      const qo = (i * batch + b) * d;
      const wo = (b * m + i) * n;
      // d(weights) = dOut_i · mem_j; d(memory) gets weights · dOut_i.
      let dot = 0;
      for (let j = 0; j < n; j++) {
        const mo = (j * batch + b) * d;
        const a = trace.weights[wo + j]!;
        let s = 0;
        for (let k = 0; k < d; k++) {
          s += dOut[qo + k]! * mem.data[mo + k]!;
          if (dmem) dmem[mo + k]! += a * dOut[qo + k]!;
        }
        dA[j] = s;
        dot += s * a;
      }
      // Through the softmax, then the scaled dot product.
      for (let j = 0; j < n; j++) {
        const dScore = trace.weights[wo + j]! * (dA[j]! - dot) * trace.scale;
        if (dScore === 0) continue;
        const mo = (j * batch + b) * d;
        for (let k = 0; k < d; k++) {
          if (dq) dq[qo + k]! += dScore * mem.data[mo + k]!;
          if (dmem) dmem[mo + k]! += dScore * q.data[qo + k]!;
        }
      }
    }
  }
}
