/**
 * The operands of each fused-engine kernel (see `Kernels` in kernels.ts), one struct of named
 * buffers per call, the same for the WebAssembly and the JavaScript kernels.
 */
import type { GateActivation } from './kernels';

/** One Adam step's settings; `c1`, `c2` are the bias corrections `1 - beta^t`. */
export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

/**
 * Operands of `Kernels.matMulAdd`: `out[r, :] += A[r, :] · W` for `A` `[rows, inner]`,
 * `W` `[inner, cols]` and `out` `[rows, cols]`, all row-major.
 */
export interface MatMulAddArgs {
  /** The left factor, `[rows, inner]`. */
  A: Float32Array;
  /** The right factor, `[inner, cols]`. */
  W: Float32Array;
  /** The accumulator, `[rows, cols]`: the product is added to it. */
  out: Float32Array;
  rows: number;
  inner: number;
  cols: number;
}

/**
 * Operands of `Kernels.matMulTransposed`: `out = A · B^T`, overwritten, with `A`
 * `[rows, cols]`, `B` `[inner, cols]` and `out` `[rows, inner]` (the LSTM's `dh = dz · R^T`,
 * read from `R` as it is stored, with no transposed copy).
 */
export interface MatMulTransposedArgs {
  A: Float32Array;
  B: Float32Array;
  out: Float32Array;
  rows: number;
  inner: number;
  cols: number;
}

/**
 * Operands of `Kernels.matMulBackward`, the backward pass of `out = A · W`:
 * `dW += A^T · dOut` and, when `dA` is given, `dA = dOut · W^T` (overwritten).
 */
export interface MatMulBackwardArgs {
  /** The forward pass's left factor, `[rows, inner]`. */
  A: Float32Array;
  /** The forward pass's right factor, `[inner, cols]`. */
  W: Float32Array;
  /** The gradient of the product, `[rows, cols]`. */
  dOut: Float32Array;
  /** `W`'s gradient, `[inner, cols]`, accumulated into. */
  dW: Float32Array;
  /** `A`'s gradient, `[rows, inner]`, overwritten; omit it when nobody needs it. */
  dA?: Float32Array | undefined;
  rows: number;
  inner: number;
  cols: number;
}

/**
 * Operands of `Kernels.lstmForwardCell`, one forward step of the LSTM cell on
 * `[batch, units]` (gates i, f, g, o, each `units` wide, in that order).
 */
export interface LstmForwardCellArgs {
  /** Pre-activations `x·W + h·R`, `[batch, 4 units]`: the bias is added in place (and kept). */
  z: Float32Array;
  /** The bias, `[4 units]`. */
  bias: Float32Array;
  /** The previous cell state, `[batch, units]`. */
  cPrev: Float32Array;
  /** Receives the four gates' activations, `[batch, 4 units]`. */
  gates: Float32Array;
  /** Receives the new cell state, `[batch, units]`. */
  c: Float32Array;
  /** Receives `tanh(c)`, `[batch, units]`. */
  tc: Float32Array;
  /** Receives the new output `o · tanh(c)`, `[batch, units]`. */
  h: Float32Array;
  batch: number;
  units: number;
  /** The activation of gates i, f and o. */
  gate: GateActivation;
}

/**
 * Operands of `Kernels.lstmBackwardCell`, one backward step of the LSTM cell, from the
 * values its forward step kept.
 */
export interface LstmBackwardCellArgs {
  /** The forward step's pre-activations (bias included), `[batch, 4 units]`. */
  z: Float32Array;
  /** The forward step's gate activations, `[batch, 4 units]`. */
  gates: Float32Array;
  /** The forward step's `tanh(c)`, `[batch, units]`. */
  tc: Float32Array;
  /** The forward step's previous cell state, `[batch, units]`. */
  cPrev: Float32Array;
  /** The gradient of `h` from the next step, `[batch, units]`. */
  dhNext: Float32Array;
  /** The gradient of `h` from this step's output, `[batch, units]`, if any. */
  dH?: Float32Array | undefined;
  /** The gradient of `c` from the next step, `[batch, units]`. */
  dcNext: Float32Array;
  /** Receives the gradient of `z`, `[batch, 4 units]`. */
  dz: Float32Array;
  /** Receives the gradient of `cPrev`, `[batch, units]`. */
  dcPrev: Float32Array;
  batch: number;
  units: number;
  /** The activation of gates i, f and o: the forward step's. */
  gate: GateActivation;
}

/**
 * Operands of `Kernels.oneHot`, the product of one-hot rows (kept as the columns of
 * their ones) with a weight matrix, and its weight gradient: for every row `r < rows` and each
 * of its `k` ids `id = index[r * k + j]` (`-1`: none), `out[r, :] += W[id, :]`; with `scatter`,
 * `W[id, :] += out[r, :]` instead, in row order.
 */
export interface OneHotArgs {
  /** `[rows, k]` ids of the rows' ones. */
  index: Int32Array;
  k: number;
  /** `[width, cols]`: the weights (or, with `scatter`, their gradient, added to). */
  W: Float32Array;
  /** `[rows, cols]`: added to (or, with `scatter`, the gradient read). */
  out: Float32Array;
  rows: number;
  cols: number;
  scatter: boolean;
}

/** Operands of `Kernels.columnSum`: `dst[j] += Σ_r src[r, j]` for `src` `[rows, cols]`. */
export interface ColumnSumArgs {
  /** The rows to sum, `[rows, cols]`. */
  src: Float32Array;
  /** The accumulator, `[cols]`. */
  dst: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Operands of `Kernels.adam`: one Adam step on a weight, in place. The gradients are
 * zeroed after use, so the next batch can accumulate into them from zero.
 */
export interface AdamArgs {
  /** The weight, updated. */
  p: Float32Array;
  /** Its gradient; its length is the number of values updated. Zeroed. */
  g: Float32Array;
  /** Another thread's gradient of the same values, added to `g` first. Zeroed. */
  g2?: Float32Array | undefined;
  /** Adam's first moment, updated. */
  m: Float32Array;
  /** Adam's second moment, updated. */
  v: Float32Array;
  step: AdamStep;
}
