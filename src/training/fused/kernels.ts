/**
 * The fused engine's kernels behind one interface, in two implementations: WebAssembly SIMD
 * (wasmKernels.ts, compiled from kernels.wat) where the runtime supports it, plain JavaScript
 * (jsKernels.ts, the reference) otherwise.
 */
import type { RecurrentActivation } from '../../models/common';
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
import { KERNELS_WASM_BASE64 } from './kernelsWasm';
import { KERNELS_FMA_WASM_BASE64 } from './kernelsFmaWasm';
import { WasmKernels } from './wasmKernels';
import { shareMemoryImport } from './threads/sharedMemory';
import type {
  AdamArgs,
  ColumnSumArgs,
  LstmBackwardCellArgs,
  LstmForwardCellArgs,
  MatMulAddArgs,
  MatMulBackwardArgs,
  MatMulTransposedArgs,
  OneHotArgs,
} from './kernelArgs';

/** The LSTM's recurrent activation, for gates i, f and o (see `RecurrentActivation`). */
export type GateActivation = RecurrentActivation;

export type * from './kernelArgs';

/**
 * The kernels, bound to a memory that holds resident arrays (the weights, their gradients and
 * Adam's moments, which live there for good) and scratch arrays (a step's intermediate values,
 * which live until the next {@link Kernels.reserve}). The WebAssembly kernels work in place on
 * both; any other `Float32Array` is copied in and out, so every kernel accepts any array.
 * Every kernel takes one struct of named operands.
 */
export interface Kernels {
  /** Which kernels run (see {@link KernelKind}). */
  readonly kind: KernelKind;
  /**
   * The resident arrays, in the order of the lengths given to {@link createKernels}, zeroed at
   * first. Fetch them again after {@link Kernels.reserve}: growing the memory replaces them.
   */
  arrays(): Float32Array[];
  /**
   * Starts a step: frees every scratch array, and makes room for `floats` copied values per
   * call (operands that are neither resident nor scratch) and for as much scratch as the
   * previous step used, or `scratch` values if more. May grow the memory, which replaces the
   * resident arrays' views.
   */
  reserve(floats: number, scratch?: number): void;
  /**
   * An array of `n` values, valid until the next {@link Kernels.reserve}: zeroed, or with
   * `zero` false holding whatever was there (for an output a kernel overwrites whole).
   */
  scratch(n: number, zero?: boolean): Float32Array;
  /** `out[r, :] += A[r, :] · W`; see {@link MatMulAddArgs}. */
  matMulAdd(a: MatMulAddArgs): void;
  /** `dW += A^T · dOut`, `dA = dOut · W^T`; see {@link MatMulBackwardArgs}. */
  matMulBackward(a: MatMulBackwardArgs): void;
  /** `out = A · B^T`; see {@link MatMulTransposedArgs}. */
  matMulTransposed(a: MatMulTransposedArgs): void;
  /** One forward step of the LSTM cell; see {@link LstmForwardCellArgs}. */
  lstmForwardCell(a: LstmForwardCellArgs): void;
  /** One backward step of the LSTM cell; see {@link LstmBackwardCellArgs}. */
  lstmBackwardCell(a: LstmBackwardCellArgs): void;
  /** One-hot rows times `W`, or its weight gradient; see {@link OneHotArgs}. */
  oneHot(a: OneHotArgs): void;
  /** `dst[j] += Σ_r src[r, j]`; see {@link ColumnSumArgs}. */
  columnSum(a: ColumnSumArgs): void;
  /** One Adam step, in place; see {@link AdamArgs}. */
  adam(a: AdamArgs): void;
  /**
   * What another thread needs to run kernels on these resident arrays in place (see
   * {@link attachKernels}); only for kernels made with `shared` memory.
   */
  share(): KernelsShare;
}

/**
 * Kernels' resident arrays as another thread reaches them: the arrays (SharedArrayBuffer
 * views) and, for the WebAssembly kernels, their shared memory and the arrays' byte offsets in
 * it, so that an instance on that memory works on them in place.
 */
export interface KernelsShare {
  kind: KernelKind;
  arrays: Float32Array[];
  memory?: WebAssembly.Memory | undefined;
}

/**
 * Which of a {@link KernelsShare}'s arrays an attached instance works on: `arrays` (indices)
 * as its resident arrays, in that order (all of them when absent), and the array `room`, if
 * given, as its scratch arena and staging (of `stagingFloats` values), so that its calls need
 * nothing outside that memory.
 */
export interface AttachPick {
  arrays?: readonly number[] | undefined;
  room?: { array: number; stagingFloats: number } | undefined;
}

/**
 * Kernels on another thread's resident arrays (see {@link Kernels.share}): an instance of the
 * same build on its memory, working on them in place. Without a `room` (see
 * {@link AttachPick}) it has no scratch or staging of its own, so every operand should be one
 * of those arrays (else a call runs in JavaScript).
 */
export function attachKernels(share: KernelsShare, pick: AttachPick = {}): Kernels {
  const { kind, memory } = share;
  const arrays = pick.arrays ? pick.arrays.map((i) => share.arrays[i]!) : share.arrays;
  const module = kind === 'js' ? null : wasmModule(kind, true);
  if (kind === 'js' || !module || !memory) return new JsKernels([], true, arrays);
  const lengths = arrays.map((a) => a.length);
  const offsets = arrays.map((a) => a.byteOffset);
  const room = pick.room && share.arrays[pick.room.array]!;
  return new WasmKernels(module, lengths, kind, true, {
    memory,
    offsets,
    room: room && {
      offset: room.byteOffset,
      bytes: room.byteLength,
      stagingFloats: pick.room!.stagingFloats,
    },
  });
}

/**
 * Which implementation of the kernels runs: WebAssembly SIMD, the same with relaxed-SIMD fused
 * multiply-adds in the matmuls (rounded once instead of twice: results differ in the last
 * bits, and between machines with and without FMA hardware), or plain JavaScript.
 */
export type KernelKind = WasmKind | 'js';
/** The WebAssembly builds of the kernels. */
export type WasmKind = 'wasm-simd' | 'wasm-relaxed-simd';

let preferred: KernelKind | 'auto' = 'auto';

/**
 * Chooses the kernels later {@link createKernels} calls use: `'auto'` (WebAssembly with fused
 * multiply-adds, else WebAssembly SIMD, whichever the runtime supports first, else JavaScript)
 * or one of them. For tests and the benchmark.
 */
export function preferKernels(kind: KernelKind | 'auto'): void {
  preferred = kind;
}

/** The WebAssembly builds of kernels.wat, by kind and memory; `null` where this runtime cannot run one. */
const compiled = new Map<string, WebAssembly.Module | null>();
const BUILDS: Record<WasmKind, string> = {
  'wasm-simd': KERNELS_WASM_BASE64,
  'wasm-relaxed-simd': KERNELS_FMA_WASM_BASE64,
};

/**
 * The compiled module of one build, or `null` when this runtime lacks its features. `shared`:
 * the variant that imports a shared memory (see threads/).
 */
function wasmModule(kind: WasmKind, shared: boolean): WebAssembly.Module | null {
  const key = `${kind}/${String(shared)}`;
  const known = compiled.get(key);
  if (known !== undefined) return known;
  let module: WebAssembly.Module | null = null;
  if (typeof WebAssembly === 'object') {
    let binary: Uint8Array<ArrayBuffer> = Uint8Array.from(atob(BUILDS[kind]), (c) =>
      c.charCodeAt(0),
    );
    if (shared) binary = shareMemoryImport(binary);
    // Under 4 KiB, so browsers allow compiling it synchronously on the main thread.
    if (WebAssembly.validate(binary)) module = new WebAssembly.Module(binary);
  }
  compiled.set(key, module);
  return module;
}

/**
 * The build to run: the one preferred, or for `'auto'` the fused multiply-adds where the
 * runtime validates relaxed SIMD (Chromium; Node 20 behind --experimental-wasm-relaxed-simd),
 * else plain SIMD; `null` for JavaScript.
 */
function pickModule(shared: boolean): { kind: WasmKind; module: WebAssembly.Module | null } | null {
  if (preferred === 'js') return null;
  if (preferred !== 'auto') return { kind: preferred, module: wasmModule(preferred, shared) };
  const fma = wasmModule('wasm-relaxed-simd', shared);
  if (fma) return { kind: 'wasm-relaxed-simd', module: fma };
  return { kind: 'wasm-simd', module: wasmModule('wasm-simd', shared) };
}

/**
 * Kernels with resident arrays of the given lengths. Each call gets its own WebAssembly
 * memory, so two trainers never share (or invalidate) each other's arrays. When that memory
 * cannot be allocated (V8 reserves about 10 GB of address space for each, which a
 * `ulimit -v` can forbid) the JavaScript kernels run instead, or, when WebAssembly was
 * requested with {@link preferKernels}, an `Error` says so. `shared`: the resident arrays are
 * SharedArrayBuffer-backed (a shared WebAssembly memory), for the engine's worker threads;
 * only where `canShareMemory()`.
 */
export function createKernels(lengths: readonly number[], shared = false): Kernels {
  const picked = pickModule(shared);
  const what = picked && WHAT[picked.kind];
  if (picked?.module) {
    try {
      return new WasmKernels(picked.module, lengths, picked.kind, shared);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      if (preferred !== 'auto') {
        throw new Error(
          `${what} were requested but their memory could not be allocated (${error.message})`,
          { cause: error },
        );
      }
    }
  } else if (picked && preferred !== 'auto') {
    throw new Error(`${what} were requested but this runtime cannot run them`);
  }
  return new JsKernels(lengths, shared);
}

/** Each build as createKernels's errors name it. */
const WHAT: Record<WasmKind, string> = {
  'wasm-simd': 'WebAssembly SIMD kernels',
  'wasm-relaxed-simd': 'WebAssembly relaxed-SIMD (fused multiply-add) kernels',
};

/** The JavaScript kernels: ordinary arrays, nothing to stage. */
class JsKernels implements Kernels {
  readonly kind = 'js';
  private readonly resident: Float32Array[];

  /** `arrays`: another thread's resident arrays to use instead of new ones (`attachKernels`). */
  constructor(lengths: readonly number[], shared: boolean, arrays?: Float32Array[]) {
    this.resident =
      arrays ??
      lengths.map((n) =>
        shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n),
      );
  }

  arrays(): Float32Array[] {
    return this.resident;
  }

  share(): KernelsShare {
    return { kind: this.kind, arrays: this.resident };
  }

  reserve(): void {
    // Plain arrays need no room made.
  }

  scratch(n: number): Float32Array {
    return new Float32Array(n);
  }

  matMulAdd = jsMatMulAdd;
  matMulBackward = jsMatMulBackward;
  matMulTransposed = jsMatMulTransposed;
  lstmForwardCell = jsLstmForwardCell;
  lstmBackwardCell = jsLstmBackwardCell;
  oneHot = jsOneHot;
  columnSum = jsColumnSum;
  adam = jsAdam;
}
