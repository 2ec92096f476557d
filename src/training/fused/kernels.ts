/**
 * The fused engine's kernels behind one interface, in two implementations: WebAssembly SIMD
 * (wasmKernels.ts, compiled from kernels.wat) where the runtime supports it, plain JavaScript
 * (jsKernels.ts, the reference) otherwise.
 */
import {
  jsAdam,
  jsColumnSum,
  jsLstmBackwardCell,
  jsLstmForwardCell,
  jsMatMulAdd,
  jsMatMulBackward,
  type AdamStep,
} from './jsKernels';
import { KERNELS_WASM_BASE64 } from './kernelsWasm';
import { WasmKernels } from './wasmKernels';

export type { AdamStep } from './jsKernels';

/**
 * The kernels, bound to a memory that holds resident arrays (the weights, their gradients and
 * Adam's moments, which live there for good) and scratch arrays (a step's intermediate values,
 * which live until the next {@link Kernels.reserve}). The WebAssembly kernels work in place on
 * both; any other `Float32Array` is copied in and out, so every kernel accepts any array.
 */
export interface Kernels {
  /** `'wasm-simd'` when the WebAssembly SIMD kernels run, `'js'` for the plain loops. */
  readonly kind: KernelKind;
  /**
   * The resident arrays, in the order of the lengths given to {@link createKernels}, zeroed at
   * first. Fetch them again after {@link Kernels.reserve}: growing the memory replaces them.
   */
  arrays(): Float32Array[];
  /**
   * Starts a step: frees every scratch array, and makes room for `floats` copied values per
   * call (operands that are neither resident nor scratch) and for as much scratch as the
   * previous step used. May grow the memory, which replaces the resident arrays' views.
   */
  reserve(floats: number): void;
  /** A zeroed array of `n` values, valid until the next {@link Kernels.reserve}. */
  scratch(n: number): Float32Array;
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
  /** One forward step of the LSTM cell; see {@link jsLstmForwardCell}. */
  lstmForwardCell(
    z: Float32Array,
    bias: Float32Array,
    cPrev: Float32Array,
    gates: Float32Array,
    c: Float32Array,
    tc: Float32Array,
    h: Float32Array,
    batch: number,
    u: number,
  ): void;
  /** One backward step of the LSTM cell; see {@link jsLstmBackwardCell}. */
  lstmBackwardCell(
    z: Float32Array,
    gates: Float32Array,
    tc: Float32Array,
    cPrev: Float32Array,
    dhNext: Float32Array,
    dH: Float32Array | undefined,
    dcNext: Float32Array,
    dz: Float32Array,
    dcPrev: Float32Array,
    batch: number,
    u: number,
  ): void;
  /** `dst[j] += Σ_r src[r, j]`; see {@link jsColumnSum}. */
  columnSum(src: Float32Array, dst: Float32Array, rows: number, cols: number): void;
  /** One Adam step, in place (see {@link jsAdam}). */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: AdamStep): void;
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

/** The JavaScript kernels: ordinary arrays, nothing to stage. */
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
    // Plain arrays need no room made.
  }

  scratch(n: number): Float32Array {
    return new Float32Array(n);
  }

  matMulAdd = jsMatMulAdd;
  matMulBackward = jsMatMulBackward;
  lstmForwardCell = jsLstmForwardCell;
  lstmBackwardCell = jsLstmBackwardCell;
  columnSum = jsColumnSum;
  adam = jsAdam;
}
