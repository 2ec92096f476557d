/**
 * The WebAssembly kernels' exports as wasmKernels.ts calls them, and the part of Adam that
 * runs in JavaScript (the last values that do not fill a vector).
 */
import type { AdamArgs } from './kernelArgs';

/**
 * The module's exports, each parameter named as in kernels.wat. Pointers are byte offsets into
 * the memory it imports; sizes and strides count elements; flags are 0 or 1.
 */
export interface KernelExports {
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
    g2: number,
    has2: Flag,
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
  /** `dst = act(src)` (bias added to src first when `mode` has bit 4); see `$acts`. */
  acts(src: number, bias: number, dst: number, n: number, mode: number): void;
  /** `out[r] += W[idx[r k + j]]`, or with `scatter`, `W[idx[r k + j]] += out[r]`. */
  onehot(
    idx: number,
    k: number,
    W: number,
    out: number,
    rows: number,
    cols: number,
    scatter: Flag,
  ): void;
  colsum(src: number, dst: number, rows: number, cols: number): void;
}

/**
 * The Adam step on values `from .. g.length` (the kernel does whole vectors of four) in
 * float32, each operation rounded as the kernel's `f32` operations round it.
 */
export function adamTail({ p, g, g2, m, v, step }: AdamArgs, from: number): void {
  const f = Math.fround;
  const { beta1, beta2 } = step;
  const [b1, ob1, b2, ob2] = [f(beta1), f(1 - beta1), f(beta2), f(1 - beta2)];
  const [c1, c2, eps, nlr] = [f(step.c1), f(step.c2), f(step.epsilon), f(-step.learningRate)];
  for (let i = from; i < g.length; i++) {
    const gi = g2 ? f(g[i]! + g2[i]!) : g[i]!;
    g[i] = 0;
    if (g2) g2[i] = 0;
    const mi = f(f(m[i]! * b1) + f(gi * ob1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * ob2));
    m[i] = mi;
    v[i] = vi;
    p[i] = f(f(f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)) * nlr) + p[i]!);
  }
}

/** A WebAssembly boolean. */
export type Flag = 0 | 1;

export const flag = (on: boolean): Flag => (on ? 1 : 0);
