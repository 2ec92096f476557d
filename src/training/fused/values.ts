import type { Kernels } from './kernels';

/**
 * The values that flow between the fused engine's ops, time-major: row `t * batch + b` holds
 * step `t` of window `b` (a `[batch, width]` vector is one step). Three kinds:
 * - dense: the numbers themselves, with a gradient when one flows back into them;
 * - sparse: one-hot (or multi-hot) rows kept as the indices of their ones, the engine's input
 *   form. A one-hot row times a weight matrix is a row of that matrix, so such inputs are
 *   looked up, never multiplied;
 * - concat: values side by side along the feature axis, never copied.
 */
/** Where a value's rows and columns are. */
export interface Shape {
  steps: number;
  /** `false` for a `[batch, width]` vector (then `steps` is 1). */
  seq: boolean;
  batch: number;
  width: number;
}

/** Numbers, row-major `[rows, width]`. */
export interface DenseValue extends Shape {
  kind: 'dense';
  data: Float32Array;
  /** Whether any weight's gradient depends on this value (else nothing flows back into it). */
  needsGrad: boolean;
  /** The loss gradient with respect to `data`, once some consumer has sent one back. */
  grad: Float32Array | undefined;
  /** Per row, 1 when the step is real, 0 when masked (padding); absent when nothing is. */
  mask: Uint8Array | undefined;
  /** Set by a fused softmax-cross-entropy loss: `grad` is with respect to the logits. */
  gradIsLogits?: boolean;
}

/** Rows of ones and zeros, kept as the columns of their ones. */
export interface SparseValue extends Shape {
  kind: 'sparse';
  /** Per row, `k` column indices of its ones; `-1` for none (all-zero rows are padding). */
  index: Int32Array;
  k: number;
  mask: Uint8Array | undefined;
}

/** Values side by side along the feature axis. */
export interface ConcatValue extends Shape {
  kind: 'concat';
  parts: readonly Value[];
  mask: undefined;
}

/** A `[batch, width]` vector repeated at every step (RepeatVector), never copied. */
export interface RepeatValue extends Shape {
  kind: 'repeat';
  base: DenseValue;
  mask: undefined;
}

/** Any value flowing between ops. */
export type Value = DenseValue | SparseValue | ConcatValue | RepeatValue;

export const rowsOf = (v: Shape): number => v.steps * v.batch;

/** A new dense value over `data` (or zeroed scratch of the right size). */
export function dense(
  kernels: Kernels,
  shape: Shape,
  needsGrad: boolean,
  data?: Float32Array,
  mask?: Uint8Array,
): DenseValue {
  const { steps, seq, batch, width } = shape;
  return {
    kind: 'dense',
    steps,
    seq,
    batch,
    width,
    data: data ?? kernels.scratch(rowsOf(shape) * width),
    needsGrad,
    grad: undefined,
    mask,
  };
}

export const needsGrad = (v: Value): boolean =>
  v.kind === 'dense'
    ? v.needsGrad
    : v.kind === 'repeat'
      ? v.base.needsGrad
      : v.kind === 'concat' && v.parts.some(needsGrad);

/** The value's gradient buffer, zeroed on first use. */
export function gradOf(kernels: Kernels, v: DenseValue): Float32Array {
  v.grad ??= kernels.scratch(v.data.length);
  return v.grad;
}

/** `out[r, :] += x[r, :] · W` for every row of `x`, `W` `[x.width, cols]`. */
export function project(
  kernels: Kernels,
  x: Value,
  W: Float32Array,
  out: Float32Array,
  cols: number,
): void {
  const rows = rowsOf(x);
  if (x.kind === 'dense') {
    kernels.matMulAdd({ A: x.data, W, out, rows, inner: x.width, cols });
  } else if (x.kind === 'repeat') {
    // The same product at every step: computed once.
    const once = kernels.scratch(x.batch * cols);
    project(kernels, x.base, W, once, cols);
    for (let t = 0; t < x.steps; t++)
      addInto(kernels, out.subarray(t * once.length, (t + 1) * once.length), once);
  } else if (x.kind === 'sparse') {
    kernels.oneHot({ index: x.index, k: x.k, W, out, rows, cols, scatter: false });
  } else {
    eachPart(x, 0, (part, offset) => {
      project(kernels, part, W.subarray(offset * cols, (offset + part.width) * cols), out, cols);
    });
  }
}

/** Calls `fn` with each part of a concatenation and the column where it starts. */
function eachPart(x: ConcatValue, start: number, fn: (part: Value, offset: number) => void): void {
  let offset = start;
  for (const part of x.parts) {
    fn(part, offset);
    offset += part.width;
  }
}

/**
 * The backward pass of {@link project}: `dW += x^T · dOut` and, where `x` needs it,
 * `grad(x) += dOut · W^T`.
 */
export function projectBackward(
  kernels: Kernels,
  x: Value,
  W: Float32Array,
  dOut: Float32Array,
  dW: Float32Array,
  cols: number,
): void {
  const rows = rowsOf(x);
  if (x.kind === 'dense') {
    const dA = x.needsGrad ? kernels.scratch(rows * x.width) : undefined;
    kernels.matMulBackward({ A: x.data, W, dOut, dW, dA, rows, inner: x.width, cols });
    if (dA) addInto(kernels, gradOf(kernels, x), dA);
  } else if (x.kind === 'repeat') {
    // Every step's gradient meets the same vector: summed first, then one product.
    const sum = kernels.scratch(x.batch * cols);
    for (let t = 0; t < x.steps; t++)
      addInto(kernels, sum, dOut.subarray(t * sum.length, (t + 1) * sum.length));
    projectBackward(kernels, x.base, W, sum, dW, cols);
  } else if (x.kind === 'sparse') {
    kernels.oneHot({ index: x.index, k: x.k, W: dW, out: dOut, rows, cols, scatter: true });
  } else {
    eachPart(x, 0, (part, offset) => {
      const from = offset * cols;
      const to = (offset + part.width) * cols;
      projectBackward(kernels, part, W.subarray(from, to), dOut, dW.subarray(from, to), cols);
    });
  }
}

/** `dst += src`, elementwise, on the kernels (a column sum over one row: SIMD where it can). */
export function addInto(kernels: Kernels, dst: Float32Array, src: Float32Array): void {
  kernels.columnSum({ src, dst, rows: 1, cols: src.length });
}

/** The `[cols, rows]` transpose of a `[rows, cols]` matrix. */
export function transpose(
  kernels: Kernels,
  a: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  const out = kernels.scratch(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]!;
  return out;
}

/** The value as dense numbers (a copy for sparse and concat values). */
export function materialize(kernels: Kernels, v: Value): Float32Array {
  if (v.kind === 'dense') return v.data;
  const rows = rowsOf(v);
  const out = kernels.scratch(rows * v.width);
  writeColumns(kernels, v, out, 0, v.width);
  return out;
}

function writeColumns(
  kernels: Kernels,
  v: Value,
  out: Float32Array,
  offset: number,
  stride: number,
): void {
  const rows = rowsOf(v);
  if (v.kind === 'dense') {
    for (let r = 0; r < rows; r++) {
      out.set(v.data.subarray(r * v.width, (r + 1) * v.width), r * stride + offset);
    }
  } else if (v.kind === 'repeat') {
    for (let t = 0; t < v.steps; t++) {
      for (let b = 0; b < v.batch; b++) {
        const from = b * v.width;
        out.set(v.base.data.subarray(from, from + v.width), (t * v.batch + b) * stride + offset);
      }
    }
  } else if (v.kind === 'sparse') {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < v.k; j++) {
        const id = v.index[r * v.k + j]!;
        if (id >= 0) out[r * stride + offset + id] = 1;
      }
    }
  } else {
    eachPart(v, offset, (part, at) => {
      writeColumns(kernels, part, out, at, stride);
    });
  }
}

/** Sends a gradient over all of `v`'s columns back into its dense parts. */
export function scatterGrad(kernels: Kernels, v: Value, grad: Float32Array): void {
  scatterColumns(kernels, v, grad, 0, v.width);
}

function scatterColumns(
  kernels: Kernels,
  v: Value,
  grad: Float32Array,
  offset: number,
  stride: number,
): void {
  if (v.kind === 'sparse' || !needsGrad(v)) return;
  const rows = rowsOf(v);
  if (v.kind === 'dense') {
    const g = gradOf(kernels, v);
    for (let r = 0; r < rows; r++) {
      const o = r * v.width;
      const s = r * stride + offset;
      for (let j = 0; j < v.width; j++) g[o + j]! += grad[s + j]!;
    }
    return;
  }
  if (v.kind === 'repeat') {
    const g = gradOf(kernels, v.base);
    for (let t = 0; t < v.steps; t++) {
      for (let b = 0; b < v.batch; b++) {
        const s = (t * v.batch + b) * stride + offset;
        for (let j = 0; j < v.width; j++) g[b * v.width + j]! += grad[s + j]!;
      }
    }
    return;
  }
  eachPart(v, offset, (part, at) => {
    scatterColumns(kernels, part, grad, at, stride);
  });
}

/** One model input for a batch, batch-major: ids of one-hot rows (`-1`: all zero), or numbers. */
export type Feed =
  { kind: 'ids'; ids: Int32Array; width: number } | { kind: 'values'; values: Float32Array };

/** The targets of a batch, batch-major like {@link Feed}. */
export type Target = { kind: 'ids'; ids: Int32Array } | { kind: 'values'; values: Float32Array };
