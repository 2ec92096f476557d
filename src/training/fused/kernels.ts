/**
 * The two dense kernels the fused engine spends its time in, on row-major `Float32Array`s,
 * in plain JavaScript. They are the reference for the WebAssembly SIMD versions
 * (kernels.wat, used through {@link createKernels} when the runtime supports them) and the
 * fallback when it does not. Unrolled so each pass over a row does several multiply-adds:
 * V8 keeps the row in registers, and the loops run two to three times as fast as naive ones
 * (about 1 GMAC/s on this project's machine; the SIMD versions reach several times that).
 */
import { KERNELS_WASM_BASE64 } from './kernelsWasm';

/** `out[r, :] += A[r, :] · W` for `A` `[rows, inner]`, `W` `[inner, cols]`, `out` `[rows, cols]`. */
export function jsMatMulAdd(
  A: Float32Array,
  W: Float32Array,
  out: Float32Array,
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
 * `dA = dOut · W^T`. Shapes as in {@link jsMatMulAdd}; `dOut` is `[rows, cols]`.
 */
export function jsMatMulBackward(
  A: Float32Array,
  W: Float32Array,
  dOut: Float32Array,
  dW: Float32Array,
  dA: Float32Array | undefined,
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

/**
 * The dense kernels, bound to a set of resident arrays: the weights and their gradients, which
 * the WebAssembly kernels read and write in place instead of copying on every call. Any other
 * `Float32Array` may be passed too; it is copied into a staging area and back.
 */
export interface Kernels {
  /** `'wasm-simd'` when the WebAssembly SIMD kernels run, `'js'` for the plain loops. */
  readonly kind: KernelKind;
  /**
   * The resident arrays, in the order of the lengths given to {@link createKernels}, zeroed at
   * first. Fetch them again after {@link Kernels.reserve}: growing the memory replaces them.
   */
  arrays(): Float32Array[];
  /** Makes room for `floats` staged values per call (the operands that are not resident). */
  reserve(floats: number): void;
  /** `out[r, :] += A[r, :] · W`; see {@link jsMatMulAdd}. */
  matMulAdd(
    A: Float32Array,
    W: Float32Array,
    out: Float32Array,
    rows: number,
    inner: number,
    cols: number,
  ): void;
  /** `dW += A^T · dOut`, `dA = dOut · W^T`; see {@link jsMatMulBackward}. */
  matMulBackward(
    A: Float32Array,
    W: Float32Array,
    dOut: Float32Array,
    dW: Float32Array,
    dA: Float32Array | undefined,
    rows: number,
    inner: number,
    cols: number,
  ): void;
}

/** Which implementation of the kernels runs. */
export type KernelKind = 'wasm-simd' | 'js';

let preferred: KernelKind | 'auto' = 'auto';

/**
 * Chooses the kernels later {@link createKernels} calls use: `'auto'` (WebAssembly SIMD when
 * the runtime supports it, else JavaScript) or one of them. For tests and the benchmark.
 */
export function preferKernels(kind: KernelKind | 'auto'): void {
  preferred = kind;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled SIMD module, or `null` when this runtime has no WebAssembly SIMD. */
function wasmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly === 'object') {
    const binary = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    // Under 4 KiB, so browsers allow compiling it synchronously on the main thread.
    if (WebAssembly.validate(binary)) compiled = new WebAssembly.Module(binary);
  }
  return compiled;
}

/**
 * Kernels with resident arrays of the given lengths. Each call gets its own WebAssembly
 * memory, so two trainers never share (or invalidate) each other's arrays.
 */
export function createKernels(lengths: readonly number[]): Kernels {
  const module = preferred === 'js' ? null : wasmModule();
  if (module) return new WasmKernels(module, lengths);
  if (preferred === 'wasm-simd') {
    throw new Error('WebAssembly SIMD kernels were requested but this runtime cannot run them');
  }
  return new JsKernels(lengths);
}

class JsKernels implements Kernels {
  readonly kind = 'js';
  private readonly resident: Float32Array[];

  constructor(lengths: readonly number[]) {
    this.resident = lengths.map((n) => new Float32Array(n));
  }

  arrays(): Float32Array[] {
    return this.resident;
  }

  reserve(): void {
    // Plain arrays need no staging.
  }

  matMulAdd = jsMatMulAdd;
  matMulBackward = jsMatMulBackward;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  mmadd(
    A: number,
    sar: number,
    sak: number,
    W: number,
    out: number,
    rows: number,
    inner: number,
    cols: number,
  ): void;
  mmabt(dOut: number, W: number, dA: number, rows: number, inner: number, cols: number): void;
}

const PAGE = 65536;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

class WasmKernels implements Kernels {
  readonly kind = 'wasm-simd';
  private readonly exports: KernelExports;
  private readonly offsets: number[] = [];
  private readonly lengths: readonly number[];
  private readonly stagingStart: number;
  private heap: Float32Array;
  private views: Float32Array[] = [];
  private cursor = 0;

  constructor(module: WebAssembly.Module, lengths: readonly number[]) {
    this.exports = new WebAssembly.Instance(module).exports as unknown as KernelExports;
    this.lengths = lengths;
    let offset = 0;
    for (const n of lengths) {
      this.offsets.push(offset);
      offset += align16(n * 4);
    }
    this.stagingStart = offset;
    this.heap = new Float32Array(this.exports.memory.buffer);
    this.reserve(1 << 16);
  }

  arrays(): Float32Array[] {
    const buffer = this.exports.memory.buffer;
    if (this.views.length === 0 || this.views[0]!.buffer !== buffer) {
      this.views = this.lengths.map((n, i) => new Float32Array(buffer, this.offsets[i], n));
    }
    return this.views;
  }

  reserve(floats: number): void {
    const memory = this.exports.memory;
    // Four operands at most per call, each padded to 16 bytes.
    const needed = this.stagingStart + floats * 4 + 4 * 16;
    if (needed > memory.buffer.byteLength) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    }
    this.heap = new Float32Array(memory.buffer);
  }

  /** The byte offset of `array`'s first `n` values in memory, staging a copy when needed. */
  private place(array: Float32Array, n: number, copy: boolean): number {
    if (array.buffer === this.heap.buffer) return array.byteOffset;
    const at = this.cursor;
    if (at + n * 4 > this.heap.byteLength) return -1;
    if (copy) this.heap.set(n === array.length ? array : array.subarray(0, n), at / 4);
    this.cursor = at + align16(n * 4);
    return at;
  }

  private copyBack(array: Float32Array, at: number, n: number): void {
    if (array.buffer !== this.heap.buffer) array.set(this.heap.subarray(at / 4, at / 4 + n));
  }

  matMulAdd(
    A: Float32Array,
    W: Float32Array,
    out: Float32Array,
    rows: number,
    inner: number,
    cols: number,
  ): void {
    this.cursor = this.stagingStart;
    const a = this.place(A, rows * inner, true);
    const w = this.place(W, inner * cols, true);
    const o = this.place(out, rows * cols, true);
    if (a < 0 || w < 0 || o < 0) {
      jsMatMulAdd(A, W, out, rows, inner, cols);
      return;
    }
    this.exports.mmadd(a, inner, 1, w, o, rows, inner, cols);
    this.copyBack(out, o, rows * cols);
  }

  matMulBackward(
    A: Float32Array,
    W: Float32Array,
    dOut: Float32Array,
    dW: Float32Array,
    dA: Float32Array | undefined,
    rows: number,
    inner: number,
    cols: number,
  ): void {
    this.cursor = this.stagingStart;
    const a = this.place(A, rows * inner, true);
    const d = this.place(dOut, rows * cols, true);
    const dw = this.place(dW, inner * cols, true);
    const w = dA ? this.place(W, inner * cols, true) : 0;
    const da = dA ? this.place(dA, rows * inner, false) : 0;
    if (a < 0 || d < 0 || dw < 0 || w < 0 || da < 0) {
      jsMatMulBackward(A, W, dOut, dW, dA, rows, inner, cols);
      return;
    }
    // dW [inner, cols] += A^T [inner, rows] · dOut [rows, cols]: A^T(k, r) = A[r * inner + k].
    this.exports.mmadd(a, 1, inner, d, dw, inner, rows, cols);
    this.copyBack(dW, dw, inner * cols);
    if (dA) {
      this.exports.mmabt(d, w, da, rows, inner, cols);
      this.copyBack(dA, da, rows * inner);
    }
  }
}
