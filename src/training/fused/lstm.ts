import type { Kernels } from './kernels';

/**
 * An LSTM layer's forward and backward pass through time in plain JavaScript, with the exact
 * semantics of tfjs's (and Keras 2's) `LSTM`: gates in the order i, f, c, o;
 * `z = x·W + h·R + b`; `i, f, o = hardSigmoid(z)`, `g = tanh(z)`; `c' = f·c + i·g`;
 * `h' = o·tanh(c')`. Row-major `Float32Array`s throughout, stored in float32 as tfjs stores them.
 *
 * Why: for the walkthrough's tiny batches, tfjs spends its time dispatching ops (about 60 per
 * time step with the gradient), not computing. One loop nest per step does the same arithmetic
 * without that overhead.
 */

/** hardSigmoid(z) = clip(0.2 z + 0.5, 0, 1), as tfjs and Keras 2 define it. */
function hardSigmoid(z: number): number {
  const y = 0.2 * z + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

/** Its derivative as tfjs's clipByValue gradient computes it: 0.2 inside [0, 1] inclusive. */
function hardSigmoidGrad(z: number): number {
  const y = 0.2 * z + 0.5;
  return y >= 0 && y <= 1 ? 0.2 : 0;
}

/** What the forward pass keeps for the backward pass. */
export interface LstmTrace {
  batch: number;
  units: number;
  steps: number;
  /** Per step: pre-activations `[batch, 4u]`. */
  z: Float32Array[];
  /** Per step: gate values `[batch, 4u]` (i, f, g, o after their activations). */
  gates: Float32Array[];
  /** Per step `t`, the cell state after it; index `-1` of the run is `c0`. */
  c: Float32Array[];
  /** Per step `t`, the output after it. */
  h: Float32Array[];
  h0: Float32Array;
  c0: Float32Array;
}

/**
 * Runs `steps` steps. `inputProjection(t, zt)` must add `x_t · W` into `zt` (`[batch, 4u]`,
 * zeroed); the recurrent part and the bias are added here.
 */
export function lstmForward(
  kernels: Kernels,
  R: Float32Array,
  bias: Float32Array,
  batch: number,
  units: number,
  steps: number,
  h0: Float32Array,
  c0: Float32Array,
  inputProjection: (t: number, zt: Float32Array) => void,
): LstmTrace {
  const u = units;
  const u4 = 4 * u;
  const trace: LstmTrace = { batch, units, steps, z: [], gates: [], c: [], h: [], h0, c0 };
  let hPrev = h0;
  let cPrev = c0;
  for (let t = 0; t < steps; t++) {
    const z = new Float32Array(batch * u4);
    inputProjection(t, z);
    kernels.matMulAdd(hPrev, R, z, batch, u, u4);
    for (let b = 0; b < batch; b++) {
      const zo = b * u4;
      for (let j = 0; j < u4; j++) z[zo + j]! += bias[j]!;
    }
    const gates = new Float32Array(batch * u4);
    const c = new Float32Array(batch * u);
    const h = new Float32Array(batch * u);
    for (let b = 0; b < batch; b++) {
      const zo = b * u4;
      for (let k = 0; k < u; k++) {
        const i = hardSigmoid(z[zo + k]!);
        const f = hardSigmoid(z[zo + u + k]!);
        const g = Math.tanh(z[zo + 2 * u + k]!);
        const o = hardSigmoid(z[zo + 3 * u + k]!);
        gates[zo + k] = i;
        gates[zo + u + k] = f;
        gates[zo + 2 * u + k] = g;
        gates[zo + 3 * u + k] = o;
        const cv = f * cPrev[b * u + k]! + i * g;
        c[b * u + k] = cv;
        h[b * u + k] = o * Math.tanh(cv);
      }
    }
    trace.z.push(z);
    trace.gates.push(gates);
    trace.c.push(c);
    trace.h.push(h);
    hPrev = h;
    cPrev = c;
  }
  return trace;
}

/**
 * Backpropagates through the trace. `dH[t]` is the loss gradient arriving at step `t`'s output
 * (`[batch, u]`, or `undefined` for none). Accumulates into `dR` and `dBias`, and calls
 * `inputGradient(t, dz)` with `dz = dLoss/dz_t` (`[batch, 4u]`) so the caller can form the
 * input-projection gradients. The initial state is treated as a constant (stateful carry-over
 * between batches is not differentiated, as in Keras and tfjs).
 */
export function lstmBackward(
  kernels: Kernels,
  trace: LstmTrace,
  R: Float32Array,
  dR: Float32Array,
  dBias: Float32Array,
  dH: (Float32Array | undefined)[],
  inputGradient: (t: number, dz: Float32Array) => void,
): void {
  const { batch, units: u, steps } = trace;
  const u4 = 4 * u;
  let dhNext = new Float32Array(batch * u);
  let dcNext = new Float32Array(batch * u);
  for (let t = steps - 1; t >= 0; t--) {
    const z = trace.z[t]!;
    const gates = trace.gates[t]!;
    const c = trace.c[t]!;
    const cPrev = t > 0 ? trace.c[t - 1]! : trace.c0;
    const hPrev = t > 0 ? trace.h[t - 1]! : trace.h0;
    const dHt = dH[t];
    const dz = new Float32Array(batch * u4);
    const dcPrev = new Float32Array(batch * u);
    for (let b = 0; b < batch; b++) {
      const zo = b * u4;
      for (let k = 0; k < u; k++) {
        const idx = b * u + k;
        const dh = dhNext[idx]! + (dHt ? dHt[idx]! : 0);
        const i = gates[zo + k]!;
        const f = gates[zo + u + k]!;
        const g = gates[zo + 2 * u + k]!;
        const o = gates[zo + 3 * u + k]!;
        const tc = Math.tanh(c[idx]!);
        const dc = dcNext[idx]! + dh * o * (1 - tc * tc);
        dz[zo + k] = dc * g * hardSigmoidGrad(z[zo + k]!);
        dz[zo + u + k] = dc * cPrev[idx]! * hardSigmoidGrad(z[zo + u + k]!);
        dz[zo + 2 * u + k] = dc * i * (1 - g * g);
        dz[zo + 3 * u + k] = dh * tc * hardSigmoidGrad(z[zo + 3 * u + k]!);
        dcPrev[idx] = dc * f;
      }
    }
    inputGradient(t, dz);
    const dhPrev = new Float32Array(batch * u);
    for (let b = 0; b < batch; b++) {
      const zo = b * u4;
      for (let j = 0; j < u4; j++) dBias[j]! += dz[zo + j]!;
    }
    kernels.matMulBackward(hPrev, R, dz, dR, dhPrev, batch, u, u4);
    dhNext = dhPrev;
    dcNext = dcPrev;
  }
}
