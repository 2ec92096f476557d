/**
 * The fused engine's kernels in plain JavaScript, on row-major `Float32Array`s: the two dense
 * products, the LSTM cell and Adam. They are the reference for the WebAssembly SIMD versions
 * (kernels.wat, used through `createKernels` when the runtime supports them) and the
 * fallback when it does not. The dense ones are unrolled so each pass over a row does several multiply-adds:
 * V8 keeps the row in registers, and the loops run two to three times as fast as naive ones
 * (about 1 GMAC/s on this project's machine; the SIMD versions reach several times that).
 */

import type {
  AdamArgs,
  ColumnSumArgs,
  GateActivation,
  LstmBackwardCellArgs,
  LstmForwardCellArgs,
  MatMulAddArgs,
  MatMulBackwardArgs,
  MatMulTransposedArgs,
  OneHotArgs,
} from './kernels';
import { countMatMul } from './flops';

/** `out[r, :] += A[r, :] · W` for `A` `[rows, inner]`, `W` `[inner, cols]`, `out` `[rows, cols]`. */
export function jsMatMulAdd({ A, W, out, rows, inner, cols }: MatMulAddArgs): void {
  countMatMul(rows, inner, cols);
  for (let r = 0; r < rows; r++) {
    const ao = r * inner;
    const oo = r * cols;
    let k = 0;
    for (; k + 3 < inner; k += 4) {
      const a0 = A[ao + k]!;
      const a1 = A[ao + k + 1]!;
      const a2 = A[ao + k + 2]!;
      const a3 = A[ao + k + 3]!;
      const w0 = k * cols;
      const w1 = w0 + cols;
      const w2 = w1 + cols;
      const w3 = w2 + cols;
      for (let j = 0; j < cols; j++) {
        out[oo + j]! += a0 * W[w0 + j]! + a1 * W[w1 + j]! + a2 * W[w2 + j]! + a3 * W[w3 + j]!;
      }
    }
    for (; k < inner; k++) {
      const a = A[ao + k]!;
      const w = k * cols;
      for (let j = 0; j < cols; j++) out[oo + j]! += a * W[w + j]!;
    }
  }
}

/**
 * The backward pass of `out = A · W`: `dW += A^T · dOut` and, when `dA` is given,
 * `dA = dOut · W^T`. Shapes as in {@link jsMatMulAdd}; `dOut` is `[rows, cols]`.
 */
export function jsMatMulBackward({
  A,
  W,
  dOut,
  dW,
  dA,
  rows,
  inner,
  cols,
}: MatMulBackwardArgs): void {
  countMatMul(rows, inner, cols, dA ? 2 : 1);
  let r = 0;
  // Four rows at a time: each pass over dW[k, :] and W[k, :] serves all four.
  for (; r + 3 < rows; r += 4) {
    const a0o = r * inner;
    const a1o = a0o + inner;
    const a2o = a1o + inner;
    const a3o = a2o + inner;
    const d0o = r * cols;
    const d1o = d0o + cols;
    const d2o = d1o + cols;
    const d3o = d2o + cols;
    for (let k = 0; k < inner; k++) {
      const a0 = A[a0o + k]!;
      const a1 = A[a1o + k]!;
      const a2 = A[a2o + k]!;
      const a3 = A[a3o + k]!;
      const wo = k * cols;
      let acc0 = 0;
      let acc1 = 0;
      let acc2 = 0;
      let acc3 = 0;
      for (let j = 0; j < cols; j++) {
        const d0 = dOut[d0o + j]!;
        const d1 = dOut[d1o + j]!;
        const d2 = dOut[d2o + j]!;
        const d3 = dOut[d3o + j]!;
        const w = W[wo + j]!;
        dW[wo + j]! += a0 * d0 + a1 * d1 + a2 * d2 + a3 * d3;
        acc0 += d0 * w;
        acc1 += d1 * w;
        acc2 += d2 * w;
        acc3 += d3 * w;
      }
      if (dA) {
        dA[a0o + k] = acc0;
        dA[a1o + k] = acc1;
        dA[a2o + k] = acc2;
        dA[a3o + k] = acc3;
      }
    }
  }
  for (; r < rows; r++) {
    const ao = r * inner;
    const d0 = r * cols;
    for (let k = 0; k < inner; k++) {
      const a = A[ao + k]!;
      const wo = k * cols;
      let acc = 0;
      for (let j = 0; j < cols; j++) {
        const d = dOut[d0 + j]!;
        dW[wo + j]! += a * d;
        acc += d * W[wo + j]!;
      }
      if (dA) dA[ao + k] = acc;
    }
  }
}

/** `out = A · B^T` (overwritten); see `MatMulTransposedArgs`. */
export function jsMatMulTransposed({ A, B, out, rows, inner, cols }: MatMulTransposedArgs): void {
  countMatMul(rows, inner, cols);
  for (let r = 0; r < rows; r++) {
    const ao = r * cols;
    for (let k = 0; k < inner; k++) {
      const bo = k * cols;
      let acc = 0;
      for (let j = 0; j < cols; j++) acc += A[ao + j]! * B[bo + j]!;
      out[r * inner + k] = acc;
    }
  }
}

/**
 * One Adam step over a weight `p` with gradient `g` (plus `g2`) and moments `m`, `v`, in the
 * order tfjs computes it: `p = (m / c1) / (sqrt(v / c2) + eps) * -lr + p` after updating the
 * moments; the gradients are zeroed.
 */
export function jsAdam({ p, g, g2, m, v, step }: AdamArgs): void {
  const { learningRate, beta1, beta2, epsilon, c1, c2 } = step;
  for (let i = 0; i < g.length; i++) {
    // A float32 sum, as the kernels' (and the gradients' sum before this kernel took g2).
    const gi = g2 ? Math.fround(g[i]! + g2[i]!) : g[i]!;
    g[i] = 0;
    if (g2) g2[i] = 0;
    const mi = m[i]! * beta1 + gi * (1 - beta1);
    const vi = v[i]! * beta2 + gi * gi * (1 - beta2);
    m[i] = mi;
    v[i] = vi;
    p[i] = (mi / c1 / (Math.sqrt(vi / c2) + epsilon)) * -learningRate + p[i]!;
  }
}

const fround = Math.fround;
/** 0.2 as a float32, as tfjs multiplies by it. */
const FIFTH = fround(0.2);

/**
 * hardSigmoid(z) = clip(0.2 z + 0.5, 0, 1), as tfjs and Keras 2 define it, in float32 as tfjs
 * (and the WebAssembly kernels) compute it: the clip edges fall on the same inputs.
 */
export function hardSigmoid(z: number): number {
  const y = fround(fround(FIFTH * z) + 0.5);
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

/**
 * hardSigmoid's derivative as tfjs's clipByValue gradient computes it: 0.2 where
 * `0 <= 0.2 z + 0.5 <= 1` (inclusive, in float32), else 0.
 */
export function hardSigmoidGrad(z: number): number {
  const y = fround(fround(FIFTH * z) + 0.5);
  return y >= 0 && y <= 1 ? FIFTH : 0;
}

/** The logistic sigmoid `1 / (1 + exp(-z))`, Keras's default recurrent activation. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A gate's activation of `z`. */
const activate = (gate: GateActivation, z: number): number =>
  gate === 'sigmoid' ? sigmoid(z) : hardSigmoid(z);

/**
 * A gate's derivative, from its pre-activation `z` and its value `s`: `s (1 - s)` for the
 * sigmoid (as tfjs's sigmoid gradient computes it from the output), {@link hardSigmoidGrad}
 * for hardSigmoid.
 */
const derivative = (gate: GateActivation, z: number, s: number): number =>
  gate === 'sigmoid' ? s * (1 - s) : hardSigmoidGrad(z);

/**
 * One forward step of the LSTM cell on `[batch, units]` units, with tfjs's semantics (gates
 * i, f, g, o; `i, f, o = gate activation`, `g = tanh`; `c = f·cPrev + i·g`; `h = o·tanh(c)`).
 * `z` (`[batch, 4 units]`, `x·W + h·R`) gets the bias added (in float32) and is kept for the
 * backward pass; `gates` receives the four activations, `c`, `tc = tanh(c)` and `h` the new
 * state.
 */
export function jsLstmForwardCell({
  z,
  bias,
  cPrev,
  gates,
  c,
  tc,
  h,
  batch,
  units: u,
  gate,
}: LstmForwardCellArgs): void {
  const u4 = 4 * u;
  for (let b = 0; b < batch; b++) {
    const zo = b * u4;
    const so = b * u;
    for (let k = 0; k < u; k++) {
      const zi = (z[zo + k] = fround(z[zo + k]! + bias[k]!));
      const zf = (z[zo + u + k] = fround(z[zo + u + k]! + bias[u + k]!));
      const zg = (z[zo + 2 * u + k] = fround(z[zo + 2 * u + k]! + bias[2 * u + k]!));
      const zz = (z[zo + 3 * u + k] = fround(z[zo + 3 * u + k]! + bias[3 * u + k]!));
      const i = (gates[zo + k] = fround(activate(gate, zi)));
      const f = (gates[zo + u + k] = fround(activate(gate, zf)));
      const g = (gates[zo + 2 * u + k] = fround(Math.tanh(zg)));
      const o = (gates[zo + 3 * u + k] = fround(activate(gate, zz)));
      const cv = (c[so + k] = fround(f * cPrev[so + k]! + i * g));
      const tcv = (tc[so + k] = fround(Math.tanh(cv)));
      h[so + k] = o * tcv;
    }
  }
}

/**
 * One backward step of the LSTM cell: with `dh = dhNext + dH` (the gradient from the next
 * step and, when given, from this step's output) and `dcNext`, writes the pre-activation
 * gradient `dz` (`[batch, 4 units]`) and `dcPrev`, from the values the forward step kept
 * (`gate` must be the forward step's).
 */
export function jsLstmBackwardCell({
  z,
  gates,
  tc,
  cPrev,
  dhNext,
  dH,
  dcNext,
  dz,
  dcPrev,
  batch,
  units: u,
  gate,
}: LstmBackwardCellArgs): void {
  const u4 = 4 * u;
  for (let b = 0; b < batch; b++) {
    const zo = b * u4;
    for (let k = 0; k < u; k++) {
      const idx = b * u + k;
      const dh = dhNext[idx]! + (dH ? dH[idx]! : 0);
      const i = gates[zo + k]!;
      const f = gates[zo + u + k]!;
      const g = gates[zo + 2 * u + k]!;
      const o = gates[zo + 3 * u + k]!;
      const t = tc[idx]!;
      const dc = dcNext[idx]! + dh * o * (1 - t * t);
      dz[zo + k] = dc * g * derivative(gate, z[zo + k]!, i);
      dz[zo + u + k] = dc * cPrev[idx]! * derivative(gate, z[zo + u + k]!, f);
      dz[zo + 2 * u + k] = dc * i * (1 - g * g);
      dz[zo + 3 * u + k] = dh * t * derivative(gate, z[zo + 3 * u + k]!, o);
      dcPrev[idx] = dc * f;
    }
  }
}

/** `dst[j] += Σ_r src[r, j]` for `src` `[rows, cols]`: a bias gradient from a batch's rows. */
export function jsColumnSum({ src, dst, rows, cols }: ColumnSumArgs): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) dst[j]! += src[o + j]!;
  }
}

/**
 * For every one of a one-hot value's rows (`k` ids per row, `-1` for none): `out[r, :] +=
 * W[id, :]`, or with `scatter`, `W[id, :] += out[r, :]` (rows in order).
 */
export function jsOneHot({ index, k, W, out, rows, cols, scatter }: OneHotArgs): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) {
      const id = index[r * k + j]!;
      if (id < 0) continue;
      const o = r * cols;
      const w = id * cols;
      if (scatter) for (let c = 0; c < cols; c++) W[w + c]! += out[o + c]!;
      else for (let c = 0; c < cols; c++) out[o + c]! += W[w + c]!;
    }
  }
}
