/**
 * The WebAssembly SIMD kernels (kernels.wat) on one instance's memory, laid out as
 * `[resident arrays | scratch arena | staging | guard]`. Resident and scratch arrays are views
 * of that memory and go to the kernels by offset; other operands are copied into staging for
 * the call (and results back). When an operand cannot be staged the call runs the JavaScript
 * reference instead, so a kernel never fails for lack of room.
 */
import type {
  AdamArgs,
  ColumnSumArgs,
  Kernels,
  LstmBackwardCellArgs,
  LstmForwardCellArgs,
  MatMulAddArgs,
  MatMulBackwardArgs,
} from './kernels';
import {
  jsAdam,
  jsColumnSum,
  jsLstmBackwardCell,
  jsLstmForwardCell,
  jsMatMulAdd,
  jsMatMulBackward,
} from './jsKernels';

interface KernelExports {
  memory: WebAssembly.Memory;
  mmadd(...args: number[]): void;
  mmabt(dOut: number, W: number, dA: number, rows: number, inner: number, cols: number): void;
  adam(...args: number[]): void;
  lstmfwd(...args: number[]): void;
  lstmbwd(...args: number[]): void;
  tanh(x: number, out: number, n: number): void;
  colsum(src: number, dst: number, rows: number, cols: number): void;
}

const PAGE = 65536;
/** Bytes after the last array: SIMD loads of a row's tail read up to 12 bytes past its end. */
const GUARD = 16;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

export class WasmKernels implements Kernels {
  readonly kind = 'wasm-simd';
  private readonly exports: KernelExports;
  private readonly offsets: number[] = [];
  private readonly lengths: readonly number[];
  private readonly arenaStart: number;
  private arenaEnd: number;
  private stagingEnd: number;
  private heap: Float32Array;
  private views: Float32Array[] = [];
  /** Next free byte of the arena, and the bytes the current step asked of it. */
  private arenaCursor: number;
  private arenaDemand = 0;
  private stagingCursor = 0;

  constructor(module: WebAssembly.Module, lengths: readonly number[]) {
    this.exports = new WebAssembly.Instance(module).exports as unknown as KernelExports;
    this.lengths = lengths;
    let offset = 0;
    for (const n of lengths) {
      this.offsets.push(offset);
      offset += align16(n * 4);
    }
    this.arenaStart = this.arenaEnd = this.stagingEnd = this.arenaCursor = offset;
    this.heap = new Float32Array(this.exports.memory.buffer);
    this.reserve(1 << 14);
  }

  arrays(): Float32Array[] {
    const buffer = this.exports.memory.buffer;
    if (this.views.length === 0 || this.views[0]!.buffer !== buffer) {
      this.views = this.lengths.map((n, i) => new Float32Array(buffer, this.offsets[i], n));
    }
    return this.views;
  }

  reserve(floats: number): void {
    // Room for the scratch the last step wanted (a quarter more), then the staging area.
    const arenaBytes = Math.max(this.arenaEnd - this.arenaStart, align16(this.arenaDemand * 1.25));
    const stagingBytes = Math.max(this.stagingEnd - this.arenaEnd, floats * 4 + 8 * 16);
    this.arenaEnd = this.arenaStart + arenaBytes;
    this.stagingEnd = this.arenaEnd + stagingBytes;
    const memory = this.exports.memory;
    const needed = this.stagingEnd + GUARD;
    if (needed > memory.buffer.byteLength) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    }
    this.heap = new Float32Array(memory.buffer);
    this.arenaCursor = this.arenaStart;
    this.arenaDemand = 0;
  }

  scratch(n: number): Float32Array {
    const bytes = align16(n * 4);
    this.arenaDemand += bytes;
    if (this.arenaCursor + bytes > this.arenaEnd) return new Float32Array(n);
    const view = new Float32Array(this.heap.buffer, this.arenaCursor, n);
    view.fill(0);
    this.arenaCursor += bytes;
    return view;
  }

  /**
   * The byte offset of `array`'s first `n` values in memory: where it is, for a resident or
   * scratch array; else a staged copy (or room for one when `copy` is false). -1 if no room.
   */
  private place(array: Float32Array, n: number, copy = true): number {
    if (array.buffer === this.heap.buffer) return array.byteOffset;
    const at = this.stagingCursor;
    if (at + n * 4 > this.stagingEnd) return -1;
    if (copy) this.heap.set(n === array.length ? array : array.subarray(0, n), at / 4);
    this.stagingCursor = at + align16(n * 4);
    return at;
  }

  /** Places every operand (inputs copied, outputs not) or returns `undefined` if one fails. */
  private placeAll(
    operands: readonly (readonly [Float32Array, number, boolean])[],
  ): number[] | undefined {
    this.stagingCursor = this.arenaEnd;
    const at = operands.map(([array, n, copy]) => this.place(array, n, copy));
    return at.includes(-1) ? undefined : at;
  }

  /** Copies a staged result back into its array (nothing to do for one in memory). */
  private copyBack(array: Float32Array, at: number, n: number): void {
    if (array.buffer !== this.heap.buffer) array.set(this.heap.subarray(at / 4, at / 4 + n));
  }

  matMulAdd(args: MatMulAddArgs): void {
    const { A, W, out, rows, inner, cols } = args;
    const at = this.placeAll([
      [A, rows * inner, true],
      [W, inner * cols, true],
      [out, rows * cols, true],
    ]);
    if (!at) {
      jsMatMulAdd(args);
      return;
    }
    const [a, w, o] = at as [number, number, number];
    this.exports.mmadd(a, inner, 1, w, o, rows, inner, cols);
    this.copyBack(out, o, rows * cols);
  }

  matMulBackward(args: MatMulBackwardArgs): void {
    const { A, W, dOut, dW, dA, rows, inner, cols } = args;
    const at = this.placeAll([
      [A, rows * inner, true],
      [dOut, rows * cols, true],
      [dW, inner * cols, true],
      ...(dA
        ? ([
            [W, inner * cols, true],
            [dA, rows * inner, false],
          ] as const)
        : []),
    ]);
    if (!at) {
      jsMatMulBackward(args);
      return;
    }
    const [a, d, dw, w, da] = at as [number, number, number, number, number];
    // dW [inner, cols] += A^T [inner, rows] · dOut [rows, cols]: A^T(k, r) = A[r * inner + k].
    this.exports.mmadd(a, 1, inner, d, dw, inner, rows, cols);
    this.copyBack(dW, dw, inner * cols);
    if (dA) {
      this.exports.mmabt(d, w, da, rows, inner, cols);
      this.copyBack(dA, da, rows * inner);
    }
  }

  lstmForwardCell(args: LstmForwardCellArgs): void {
    const { z, bias, cPrev, gates, c, tc, h, batch, units: u, gate } = args;
    const wide = batch * 4 * u;
    const narrow = batch * u;
    const at = this.placeAll([
      [z, wide, true],
      [bias, 4 * u, true],
      [cPrev, narrow, true],
      [gates, wide, false],
      [c, narrow, false],
      [tc, narrow, false],
      [h, narrow, false],
    ]);
    if (!at) {
      jsLstmForwardCell(args);
      return;
    }
    this.exports.lstmfwd(...at, batch, u, gate === 'sigmoid' ? 1 : 0);
    const [zAt, , , gAt, cAt, tAt, hAt] = at as [number, 0, 0, number, number, number, number];
    this.copyBack(z, zAt, wide);
    this.copyBack(gates, gAt, wide);
    this.copyBack(c, cAt, narrow);
    this.copyBack(tc, tAt, narrow);
    this.copyBack(h, hAt, narrow);
  }

  lstmBackwardCell(args: LstmBackwardCellArgs): void {
    const { z, gates, tc, cPrev, dhNext, dH, dcNext, dz, dcPrev, batch, units: u, gate } = args;
    const wide = batch * 4 * u;
    const narrow = batch * u;
    const at = this.placeAll([
      [z, wide, true],
      [gates, wide, true],
      [tc, narrow, true],
      [cPrev, narrow, true],
      [dhNext, narrow, true],
      [dH ?? dhNext, narrow, true],
      [dcNext, narrow, true],
      [dz, wide, false],
      [dcPrev, narrow, false],
    ]);
    if (!at) {
      jsLstmBackwardCell(args);
      return;
    }
    const [zAt, gAt, tAt, cAt, dhAt, dHAt, dcAt, dzAt, dcPrevAt] = at as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    this.exports.lstmbwd(
      zAt,
      gAt,
      tAt,
      cAt,
      dhAt,
      dHAt,
      dH ? 1 : 0,
      dcAt,
      dzAt,
      dcPrevAt,
      batch,
      u,
      gate === 'sigmoid' ? 1 : 0,
    );
    this.copyBack(dz, dzAt, wide);
    this.copyBack(dcPrev, dcPrevAt, narrow);
  }

  columnSum(args: ColumnSumArgs): void {
    const { src, dst, rows, cols } = args;
    const at = this.placeAll([
      [src, rows * cols, true],
      [dst, cols, true],
    ]);
    if (!at) {
      jsColumnSum(args);
      return;
    }
    this.exports.colsum(at[0]!, at[1]!, rows, cols);
    this.copyBack(dst, at[1]!, cols);
  }

  adam(args: AdamArgs): void {
    const { p, g, m, v, step } = args;
    const n = g.length;
    const at = this.placeAll([
      [p, n, true],
      [g, n, true],
      [m, n, true],
      [v, n, true],
    ]);
    if (!at) {
      jsAdam(args);
      return;
    }
    const { learningRate, beta1, beta2, epsilon, c1, c2 } = step;
    const [pAt, , mAt, vAt] = at as [number, number, number, number];
    this.exports.adam(...at, n, beta1, 1 - beta1, beta2, 1 - beta2, c1, c2, epsilon, -learningRate);
    this.copyBack(p, pAt, n);
    this.copyBack(m, mAt, n);
    this.copyBack(v, vAt, n);
  }

  /** tanh by the kernels' approximation, for testing its accuracy. */
  tanh(x: Float32Array): Float32Array {
    const out = new Float32Array(x.length);
    const at = this.placeAll([
      [x, x.length, true],
      [out, x.length, false],
    ]);
    if (!at) throw new Error('tanh: the input does not fit the staging area');
    this.exports.tanh(at[0]!, at[1]!, x.length);
    this.copyBack(out, at[1]!, x.length);
    return out;
  }
}
