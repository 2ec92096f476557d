/**
 * The two dense kernels the fused engine spends its time in, on row-major `Float64Array`s.
 * Plain loops, unrolled so each pass over a row does several multiply-adds: V8 keeps the row
 * in registers/cache, and the loops run two to three times as fast as the naive ones
 * (about 1 GMAC/s on this project's machine).
 */

/** `out[r, :] += A[r, :] · W` for `A` `[rows, inner]`, `W` `[inner, cols]`, `out` `[rows, cols]`. */
export function matMulAdd(
  A: Float64Array,
  W: Float64Array,
  out: Float64Array,
  rows: number,
  inner: number,
  cols: number,
): void {
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
 * `dA = dOut · W^T`. Shapes as in {@link matMulAdd}; `dOut` is `[rows, cols]`.
 */
export function matMulBackward(
  A: Float64Array,
  W: Float64Array,
  dOut: Float64Array,
  dW: Float64Array,
  dA: Float64Array | undefined,
  rows: number,
  inner: number,
  cols: number,
): void {
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
