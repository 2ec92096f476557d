import type { Kernels } from './kernels';

/**
 * An LSTM layer's forward and backward pass through time outside tfjs, with the exact
 * semantics of tfjs's (and Keras 2's) `LSTM`: gates in the order i, f, c, o;
 * `z = x·W + h·R + b`; `i, f, o = hardSigmoid(z)`, `g = tanh(z)`; `c' = f·c + i·g`;
 * `h' = o·tanh(c')`. Row-major `Float32Array`s throughout, stored in float32 as tfjs stores
 * them; the arithmetic runs in the given kernels, and every intermediate is their scratch.
 *
 * Why: for the walkthrough's tiny batches, tfjs spends its time dispatching ops (about 60 per
 * time step with the gradient), not computing. A few kernel calls per step do the same
 * arithmetic without that overhead.
 */

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
  /** Per step, `tanh(c)` (so the backward pass need not recompute it). */
  tc: Float32Array[];
  /** Per step `t`, the output after it. */
  h: Float32Array[];
  h0: Float32Array;
  c0: Float32Array;
  /** Whether `h0` is all zeros (a fresh state), so `h0 · R` and its gradient are zero. */
  h0Zero: boolean;
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
  const trace: LstmTrace = {
    batch,
    units,
    steps,
    z: [],
    gates: [],
    c: [],
    tc: [],
    h: [],
    h0,
    c0,
    h0Zero: h0.every((x) => x === 0),
  };
  let hPrev = h0;
  let cPrev = c0;
  for (let t = 0; t < steps; t++) {
    const z = kernels.scratch(batch * u4);
    inputProjection(t, z);
    if (t > 0 || !trace.h0Zero)
      kernels.matMulAdd({ A: hPrev, W: R, out: z, rows: batch, inner: u, cols: u4 });
    const gates = kernels.scratch(batch * u4);
    const c = kernels.scratch(batch * u);
    const tc = kernels.scratch(batch * u);
    const h = kernels.scratch(batch * u);
    kernels.lstmForwardCell({
      z,
      bias,
      cPrev,
      gates,
      c,
      tc,
      h,
      batch,
      units: u,
      gate: 'hardSigmoid',
    });
    trace.z.push(z);
    trace.gates.push(gates);
    trace.c.push(c);
    trace.tc.push(tc);
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
  let dhNext = kernels.scratch(batch * u);
  let dcNext = kernels.scratch(batch * u);
  for (let t = steps - 1; t >= 0; t--) {
    const cPrev = t > 0 ? trace.c[t - 1]! : trace.c0;
    const hPrev = t > 0 ? trace.h[t - 1]! : trace.h0;
    const dz = kernels.scratch(batch * u4);
    const dcPrev = kernels.scratch(batch * u);
    kernels.lstmBackwardCell({
      z: trace.z[t]!,
      gates: trace.gates[t]!,
      tc: trace.tc[t]!,
      cPrev,
      dhNext,
      dH: dH[t],
      dcNext,
      dz,
      dcPrev,
      batch,
      units: u,
      gate: 'hardSigmoid',
    });
    inputGradient(t, dz);
    kernels.columnSum({ src: dz, dst: dBias, rows: batch, cols: u4 });
    if (t > 0) {
      const dhPrev = kernels.scratch(batch * u);
      kernels.matMulBackward({
        A: hPrev,
        W: R,
        dOut: dz,
        dW: dR,
        dA: dhPrev,
        rows: batch,
        inner: u,
        cols: u4,
      });
      dhNext = dhPrev;
      dcNext = dcPrev;
    } else if (!trace.h0Zero) {
      // The initial state is a constant: only dR needs its share, not d(h0).
      kernels.matMulBackward({ A: hPrev, W: R, dOut: dz, dW: dR, rows: batch, inner: u, cols: u4 });
    }
  }
}
