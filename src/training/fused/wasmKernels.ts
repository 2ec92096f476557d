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

/**
 * The module's exports, each parameter named as in kernels.wat. Pointers are byte offsets into
 * the memory it imports; sizes and strides count elements; flags are 0 or 1.
 */
interface KernelExports {
  /** `out[r, j] += Σ_k A(r, k) · W[k, j]` with `A(r, k) = A[r·sar + k·sak]`. */
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
  /** `dA = dOut · W^T`. */
  mmabt(dOut: number, W: number, dA: number, rows: number, inner: number, cols: number): void;
  /** One Adam step; `ob1 = 1 - b1`, `ob2 = 1 - b2`, `nlr = -learningRate`. */
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    b1: number,
    ob1: number,
    b2: number,
    ob2: number,
    c1: number,
    c2: number,
    eps: number,
    nlr: number,
  ): void;
  lstmfwd(
    z: number,
    bias: number,
    cPrev: number,
    gates: number,
    c: number,
    tc: number,
    h: number,
    batch: number,
    u: number,
    sig: Flag,
  ): void;
  lstmbwd(
    z: number,
    gates: number,
    tc: number,
    cPrev: number,
    dhNext: number,
    dH: number,
    hasDH: Flag,
    dcNext: number,
    dz: number,
    dcPrev: number,
    batch: number,
    u: number,
    sig: Flag,
  ): void;
  tanh(x: number, out: number, n: number): void;
  colsum(src: number, dst: number, rows: number, cols: number): void;
}

/** A WebAssembly boolean. */
type Flag = 0 | 1;

/**
 * One operand of a kernel call: the `n` values of `array` it touches, whether the kernel reads
 * them (a staged copy is filled first) and whether it writes them (a staged copy is copied
 * back after). `undefined` for an optional operand that is absent: it gets offset 0, which the
 * kernel must not touch.
 */
interface Operand {
  array: Float32Array;
  n: number;
  reads: boolean;
  writes: boolean;
}
type Operands<K extends string> = Record<K, Operand | undefined>;

const input = (array: Float32Array, n: number): Operand => ({
  array,
  n,
  reads: true,
  writes: false,
});
const output = (array: Float32Array, n: number): Operand => ({
  array,
  n,
  reads: false,
  writes: true,
});
const inout = (array: Float32Array, n: number): Operand => ({
  array,
  n,
  reads: true,
  writes: true,
});
const flag = (on: boolean): Flag => (on ? 1 : 0);
/** Staging bytes for `floats` values over up to 10 operands, each aligned to 16 bytes. */
const stagingRoom = (floats: number): number => floats * 4 + 10 * 16;

const PAGE = 65536;
/**
 * The most one instance's memory may grow to, in pages: 2 GiB, far beyond what the fused
 * engine's models need, and every byte offset stays a positive i32. (V8 reserves its address
 * space for a 32-bit memory, about 10 GB, whatever the maximum; the maximum bounds what is
 * committed, and what other engines reserve.)
 */
const MAX_PAGES = 32768;
/** The staging room, in values, that a new instance starts with. */
const INITIAL_STAGING = 1 << 14;
/**
 * Bytes after the last array: SIMD loads of a row's tail read past its end, up to 12 bytes (the
 * LSTM cell, a 4-wide vector) or 28 (mmadd's 8-column tile of W and out). Exported for
 * __tests__/kernels.test.ts, which checks the kernels against it.
 */
export const GUARD = 32;
/** `bytes` rounded up to a multiple of 16 (in floating point: sizes may pass 2^31). */
const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

export class WasmKernels implements Kernels {
  readonly kind = 'wasm-simd';
  private readonly exports: KernelExports;
  private readonly memory: WebAssembly.Memory;
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
  private fallbackCount = 0;

  /**
   * Kernels on a new memory with room for resident arrays of the given lengths and some
   * staging. Throws a `RangeError` when that memory cannot be allocated (or would pass
   * {@link MAX_PAGES}); `createKernels` then falls back to the JavaScript kernels.
   */
  constructor(module: WebAssembly.Module, lengths: readonly number[]) {
    this.lengths = lengths;
    let offset = 0;
    for (const n of lengths) {
      this.offsets.push(offset);
      offset += align16(n * 4);
    }
    this.arenaStart = this.arenaEnd = this.stagingEnd = this.arenaCursor = offset;
    const pages = Math.ceil((offset + stagingRoom(INITIAL_STAGING) + GUARD) / PAGE);
    if (pages > MAX_PAGES) {
      throw new RangeError(
        `WasmKernels: ${offset} bytes of resident arrays exceed the ${MAX_PAGES * PAGE}-byte memory maximum`,
      );
    }
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.heap = new Float32Array(this.memory.buffer);
    this.reserve(INITIAL_STAGING);
  }

  /** How many calls ran the JavaScript kernel because their operands did not fit staging. */
  get fallbacks(): number {
    return this.fallbackCount;
  }

  arrays(): Float32Array[] {
    const buffer = this.memory.buffer;
    if (this.views.length === 0 || this.views[0]!.buffer !== buffer) {
      this.views = this.lengths.map((n, i) => new Float32Array(buffer, this.offsets[i], n));
    }
    return this.views;
  }

  /**
   * Grows the memory, if needed, to room for the scratch the last step wanted (a quarter more)
   * and then `floats` staged values. When the memory cannot grow (its maximum, or no address
   * space left) the areas keep their sizes: scratch past the arena comes as ordinary arrays,
   * and calls whose operands do not fit staging run the JavaScript kernels.
   */
  reserve(floats: number): void {
    const arenaBytes = Math.max(this.arenaEnd - this.arenaStart, align16(this.arenaDemand * 1.25));
    const stagingBytes = Math.max(this.stagingEnd - this.arenaEnd, stagingRoom(floats));
    const arenaEnd = this.arenaStart + arenaBytes;
    const stagingEnd = arenaEnd + stagingBytes;
    if (this.holds(stagingEnd + GUARD)) {
      this.arenaEnd = arenaEnd;
      this.stagingEnd = stagingEnd;
    }
    this.heap = new Float32Array(this.memory.buffer);
    this.arenaCursor = this.arenaStart;
    this.arenaDemand = 0;
  }

  /** Whether the memory holds `bytes`, after growing it if needed and possible. */
  private holds(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages);
      return true;
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
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
  private place(array: Float32Array, n: number, copy: boolean): number {
    if (array.buffer === this.heap.buffer) return array.byteOffset;
    const at = this.stagingCursor;
    if (at + n * 4 > this.stagingEnd) return -1;
    if (copy) this.heap.set(n === array.length ? array : array.subarray(0, n), at / 4);
    this.stagingCursor = at + align16(n * 4);
    return at;
  }

  /**
   * Places every operand by name (those read copied in) and returns their offsets under the
   * same names, or `undefined` if one does not fit: the caller then runs the JavaScript kernel.
   */
  private stage<K extends string>(operands: Operands<K>): Record<K, number> | undefined {
    this.stagingCursor = this.arenaEnd;
    const at: Partial<Record<K, number>> = {};
    for (const name of Object.keys(operands) as K[]) {
      const operand = operands[name];
      const offset = operand ? this.place(operand.array, operand.n, operand.reads) : 0;
      if (offset < 0) return undefined;
      at[name] = offset;
    }
    return at as Record<K, number>;
  }

  /** Copies each staged operand the kernel writes back into its array. */
  private unstage<K extends string>(operands: Operands<K>, at: Record<K, number>): void {
    for (const name of Object.keys(operands) as K[]) {
      const operand = operands[name];
      if (!operand?.writes || operand.array.buffer === this.heap.buffer) continue;
      operand.array.set(this.heap.subarray(at[name] / 4, at[name] / 4 + operand.n));
    }
  }

  matMulAdd(args: MatMulAddArgs): void {
    const { A, W, out, rows, inner, cols } = args;
    const operands = {
      A: input(A, rows * inner),
      W: input(W, inner * cols),
      out: inout(out, rows * cols),
    };
    const at = this.stage(operands);
    if (!at) {
      this.fallbackCount += 1;
      jsMatMulAdd(args);
      return;
    }
    this.exports.mmadd(at.A, inner, 1, at.W, at.out, rows, inner, cols);
    this.unstage(operands, at);
  }

  matMulBackward(args: MatMulBackwardArgs): void {
    const { A, W, dOut, dW, dA, rows, inner, cols } = args;
    const operands = {
      A: input(A, rows * inner),
      dOut: input(dOut, rows * cols),
      dW: inout(dW, inner * cols),
      // W is only read for dA.
      W: dA && input(W, inner * cols),
      dA: dA && output(dA, rows * inner),
    };
    const at = this.stage(operands);
    if (!at) {
      this.fallbackCount += 1;
      jsMatMulBackward(args);
      return;
    }
    // dW [inner, cols] += A^T [inner, rows] · dOut [rows, cols]: A^T(k, r) = A[r * inner + k].
    this.exports.mmadd(at.A, 1, inner, at.dOut, at.dW, inner, rows, cols);
    if (dA) this.exports.mmabt(at.dOut, at.W, at.dA, rows, inner, cols);
    this.unstage(operands, at);
  }

  lstmForwardCell(args: LstmForwardCellArgs): void {
    const { z, bias, cPrev, gates, c, tc, h, batch, units, gate } = args;
    const wide = batch * 4 * units;
    const narrow = batch * units;
    const operands = {
      z: inout(z, wide),
      bias: input(bias, 4 * units),
      cPrev: input(cPrev, narrow),
      gates: output(gates, wide),
      c: output(c, narrow),
      tc: output(tc, narrow),
      h: output(h, narrow),
    };
    const at = this.stage(operands);
    if (!at) {
      this.fallbackCount += 1;
      jsLstmForwardCell(args);
      return;
    }
    const sig = flag(gate === 'sigmoid');
    this.exports.lstmfwd(at.z, at.bias, at.cPrev, at.gates, at.c, at.tc, at.h, batch, units, sig);
    this.unstage(operands, at);
  }

  lstmBackwardCell(args: LstmBackwardCellArgs): void {
    const { z, gates, tc, cPrev, dhNext, dH, dcNext, dz, dcPrev, batch, units, gate } = args;
    const wide = batch * 4 * units;
    const narrow = batch * units;
    const operands = {
      z: input(z, wide),
      gates: input(gates, wide),
      tc: input(tc, narrow),
      cPrev: input(cPrev, narrow),
      dhNext: input(dhNext, narrow),
      dH: dH && input(dH, narrow),
      dcNext: input(dcNext, narrow),
      dz: output(dz, wide),
      dcPrev: output(dcPrev, narrow),
    };
    const at = this.stage(operands);
    if (!at) {
      this.fallbackCount += 1;
      jsLstmBackwardCell(args);
      return;
    }
    this.exports.lstmbwd(
      at.z,
      at.gates,
      at.tc,
      at.cPrev,
      at.dhNext,
      at.dH,
      flag(dH !== undefined),
      at.dcNext,
      at.dz,
      at.dcPrev,
      batch,
      units,
      flag(gate === 'sigmoid'),
    );
    this.unstage(operands, at);
  }

  columnSum(args: ColumnSumArgs): void {
    const { src, dst, rows, cols } = args;
    const operands = { src: input(src, rows * cols), dst: inout(dst, cols) };
    const at = this.stage(operands);
    if (!at) {
      this.fallbackCount += 1;
      jsColumnSum(args);
      return;
    }
    this.exports.colsum(at.src, at.dst, rows, cols);
    this.unstage(operands, at);
  }

  adam(args: AdamArgs): void {
    const { p, g, m, v, step } = args;
    const n = g.length;
    const operands = { p: inout(p, n), g: input(g, n), m: inout(m, n), v: inout(v, n) };
    const at = this.stage(operands);
    if (!at) {
      this.fallbackCount += 1;
      jsAdam(args);
      return;
    }
    const { learningRate, beta1, beta2, epsilon, c1, c2 } = step;
    this.exports.adam(
      at.p,
      at.g,
      at.m,
      at.v,
      n,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      c1,
      c2,
      epsilon,
      -learningRate,
    );
    this.unstage(operands, at);
  }

  /** tanh by the kernels' approximation, for testing its accuracy. */
  tanh(x: Float32Array): Float32Array {
    const operands = { x: input(x, x.length), out: output(new Float32Array(x.length), x.length) };
    const at = this.stage(operands);
    if (!at) throw new Error('tanh: the input does not fit the staging area');
    this.exports.tanh(at.x, at.out, x.length);
    this.unstage(operands, at);
    return operands.out.array;
  }
}
