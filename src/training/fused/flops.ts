/**
 * A running count of the floating-point operations the kernels' matrix products have done in
 * this process, for the benchmark's GFLOP/s. Counted where the products run, so it is exactly
 * the work the engine does: what it skips (one-hot inputs looked up instead of multiplied, a
 * fresh state's `h0 · R`) is never counted, with no second description of the engine to keep
 * in step with it. The LSTM cell, softmax and Adam (a few operations per value, not per
 * product) are left out.
 */
let total = 0;

/**
 * Adds `products` matrix products of `[rows, inner] · [inner, cols]`, `2 · rows · inner · cols`
 * operations each (a multiply and an add per term).
 *
 * @example
 * ```ts
 * const before = matMulFlops();
 * countMatMul(2, 3, 4);
 * matMulFlops() - before; // 48
 * ```
 */
export function countMatMul(rows: number, inner: number, cols: number, products = 1): void {
  total += 2 * rows * inner * cols * products;
}

/**
 * The matrix-product operations counted so far; the difference across a run is that run's.
 *
 * @example
 * ```ts
 * const before = matMulFlops();
 * // ... train ...
 * const flops = matMulFlops() - before;
 * ```
 */
export function matMulFlops(): number {
  return total;
}
