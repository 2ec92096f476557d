/**
 * The WebAssembly SIMD kernels (kernels.wat) on one instance's memory (wasmMemory.ts): resident
 * and scratch arrays go to the kernels by offset; other operands are copied into staging for
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
  KernelsShare,
  MatMulTransposedArgs,
  OneHotArgs,
  WasmKind,
} from './kernels';
import {
  jsAdam,
  jsColumnSum,
  jsLstmBackwardCell,
  jsLstmForwardCell,
  jsMatMulAdd,
  jsMatMulBackward,
  jsMatMulTransposed,
  jsOneHot,
} from './jsKernels';
import { countMatMul } from './flops';
import { inout, input, output, WasmMemory, type Attached, type Operands } from './wasmMemory';
import { adamTail, flag, type KernelExports } from './wasmExports';

export { GUARD } from './wasmMemory';

export class WasmKernels implements Kernels {
  private readonly exports: KernelExports;
  private readonly memory: WasmMemory;
  private fallbackCount = 0;

  /**
   * Kernels on a new memory with room for resident arrays of the given lengths and some
   * staging. Throws a `RangeError` when that memory cannot be allocated (or would pass its
   * maximum); `createKernels` then falls back to the JavaScript kernels. `kind` names the build
   * of kernels.wat that `module` is; a `shared` memory needs the module variant that imports a
   * shared memory (threads/sharedMemory.ts).
   */
  constructor(
    module: WebAssembly.Module,
    lengths: readonly number[],
    readonly kind: WasmKind = 'wasm-simd',
    shared = false,
    attach?: Attached,
  ) {
    this.memory = new WasmMemory(lengths, shared, attach);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory.memory } });
    this.exports = instance.exports as unknown as KernelExports;
  }

  /** How many calls ran the JavaScript kernel because their operands did not fit staging. */
  get fallbacks(): number {
    return this.fallbackCount;
  }

  arrays(): Float32Array[] {
    return this.memory.arrays();
  }

  share(): KernelsShare {
    return { kind: this.kind, arrays: this.memory.arrays(), memory: this.memory.memory };
  }

  /** See {@link WasmMemory.reserve}. */
  reserve(floats: number, scratch = 0): void {
    this.memory.reserve(floats, scratch);
  }

  scratch(n: number, zero = true): Float32Array {
    return this.memory.scratch(n, zero);
  }

  /** The byte offset of an array in this memory, else -1 (see {@link WasmMemory.offsetOf}). */
  private at(array: Float32Array | Int32Array): number {
    return this.memory.offsetOf(array);
  }

  /**
   * The operands' offsets (see {@link WasmMemory.stage}), or `undefined` when they do not fit:
   * the call then runs the JavaScript kernel, counted in {@link fallbacks}.
   */
  private stage<K extends string>(operands: Operands<K>): Record<K, number> | undefined {
    const at = this.memory.stage(operands);
    if (!at) this.fallbackCount += 1;
    return at;
  }

  matMulAdd(args: MatMulAddArgs): void {
    const { A, W, out, rows, inner, cols } = args;
    const a = this.at(A);
    const w = this.at(W);
    const o = this.at(out);
    if ((a | w | o) >= 0) {
      countMatMul(rows, inner, cols);
      this.exports.mmadd(a, inner, 1, w, o, rows, inner, cols);
      return;
    }
    const operands = {
      A: input(A, rows * inner),
      W: input(W, inner * cols),
      out: inout(out, rows * cols),
    };
    const at = this.stage(operands);
    if (!at) {
      jsMatMulAdd(args);
      return;
    }
    countMatMul(rows, inner, cols);
    this.exports.mmadd(at.A, inner, 1, at.W, at.out, rows, inner, cols);
    this.memory.unstage(operands, at);
  }

  matMulBackward(args: MatMulBackwardArgs): void {
    const { A, W, dOut, dW, dA, rows, inner, cols } = args;
    const a = this.at(A);
    const d = this.at(dOut);
    const g = this.at(dW);
    if ((a | d | g) >= 0 && !dA) {
      countMatMul(rows, inner, cols);
      this.exports.mmadd(a, 1, inner, d, g, inner, rows, cols);
      return;
    }
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
      jsMatMulBackward(args);
      return;
    }
    countMatMul(rows, inner, cols, dA ? 2 : 1);
    // dW [inner, cols] += A^T [inner, rows] · dOut [rows, cols]: A^T(k, r) = A[r * inner + k].
    this.exports.mmadd(at.A, 1, inner, at.dOut, at.dW, inner, rows, cols);
    if (dA) this.exports.mmabt(at.dOut, at.W, at.dA, rows, inner, cols);
    this.memory.unstage(operands, at);
  }

  matMulTransposed(args: MatMulTransposedArgs): void {
    const { A, B, out, rows, inner, cols } = args;
    const a = this.at(A);
    const b = this.at(B);
    const o = this.at(out);
    if ((a | b | o) >= 0) {
      countMatMul(rows, inner, cols);
      this.exports.mmabt(a, b, o, rows, inner, cols);
      return;
    }
    const operands = {
      A: input(A, rows * cols),
      B: input(B, inner * cols),
      out: output(out, rows * inner),
    };
    const at = this.stage(operands);
    if (!at) {
      jsMatMulTransposed(args);
      return;
    }
    countMatMul(rows, inner, cols);
    // mmabt's dA [rows, inner] = dOut [rows, cols] · W [inner, cols]^T.
    this.exports.mmabt(at.A, at.B, at.out, rows, inner, cols);
    this.memory.unstage(operands, at);
  }

  lstmForwardCell(args: LstmForwardCellArgs): void {
    const { z, bias, cPrev, gates, c, tc, h, batch, units, gate } = args;
    const zo = this.at(z);
    const bo = this.at(bias);
    const po = this.at(cPrev);
    const go = this.at(gates);
    const co = this.at(c);
    const to = this.at(tc);
    const ho = this.at(h);
    if ((zo | bo | po | go | co | to | ho) >= 0) {
      this.exports.lstmfwd(zo, bo, po, go, co, to, ho, batch, units, flag(gate === 'sigmoid'));
      return;
    }
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
      jsLstmForwardCell(args);
      return;
    }
    const sig = flag(gate === 'sigmoid');
    this.exports.lstmfwd(at.z, at.bias, at.cPrev, at.gates, at.c, at.tc, at.h, batch, units, sig);
    this.memory.unstage(operands, at);
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
    this.memory.unstage(operands, at);
  }

  oneHot(args: OneHotArgs): void {
    const { index, k, W, out, rows, cols, scatter } = args;
    const width = W.length / cols;
    const operands = {
      idx: input(index, rows * k),
      W: scatter ? inout(W, width * cols) : input(W, width * cols),
      out: scatter ? input(out, rows * cols) : inout(out, rows * cols),
    };
    const at = this.stage(operands);
    if (!at) {
      jsOneHot(args);
      return;
    }
    this.exports.onehot(at.idx, k, at.W, at.out, rows, cols, flag(scatter));
    this.memory.unstage(operands, at);
  }

  columnSum(args: ColumnSumArgs): void {
    const { src, dst, rows, cols } = args;
    const s = this.at(src);
    const d = this.at(dst);
    if ((s | d) >= 0) {
      this.exports.colsum(s, d, rows, cols);
      return;
    }
    const operands = { src: input(src, rows * cols), dst: inout(dst, cols) };
    const at = this.stage(operands);
    if (!at) {
      jsColumnSum(args);
      return;
    }
    this.exports.colsum(at.src, at.dst, rows, cols);
    this.memory.unstage(operands, at);
  }

  adam(args: AdamArgs): void {
    const { p, g, g2, m, v, step } = args;
    const n = g.length;
    const operands = {
      p: inout(p, n),
      g: inout(g, n),
      g2: g2 && inout(g2, n),
      m: inout(m, n),
      v: inout(v, n),
    };
    const at = this.stage(operands);
    if (!at) {
      jsAdam(args);
      return;
    }
    const { learningRate, beta1, beta2, epsilon, c1, c2 } = step;
    this.exports.adam(
      at.p,
      at.g,
      at.g2,
      flag(g2 !== undefined),
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
    this.memory.unstage(operands, at);
    adamTail(args, n - (n % 4));
  }

  /** tanh by the kernels' approximation, for testing its accuracy. */
  tanh(x: Float32Array): Float32Array {
    const out = new Float32Array(x.length);
    const operands = { x: input(x, x.length), out: output(out, x.length) };
    const at = this.memory.stage(operands);
    if (!at) throw new Error('tanh: the input does not fit the staging area');
    this.exports.acts(at.x, 0, at.out, x.length, 0);
    this.memory.unstage(operands, at);
    return out;
  }
}
