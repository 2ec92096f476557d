/**
 * Property tests of every WebAssembly SIMD kernel against its JavaScript reference
 * (jsKernels.ts): random shapes of 1 to 37 (so rows shorter than a vector and tails of 1 to 3
 * past the 4-wide vectors and the 4-way unrolling), random values, each operand either in the
 * kernels' memory (a scratch array, used in place) or an ordinary array (staged), and both
 * gate activations. Then hardSigmoid's clip edges, exactly, in both implementations.
 *
 * Tolerances. `U = 2^-24` is float32's unit roundoff: one float32 operation is off by at most
 * `U` times its result. The JavaScript kernels compute in double and round when they store, the
 * WebAssembly ones round after every operation, in another order. A sum of `n` products
 * computed either way is within about `n U · S` of the exact value, `S` being the sum of the
 * terms' magnitudes; so the two agree within `2 (n + 1) U · S`, checked per element. The LSTM
 * cell's tanh (and the sigmoid, `0.5 tanh(0.5 z) + 0.5`) is a rational approximation within
 * 4e-7 of the true value, and its values feed a few products of numbers at most about 2 in
 * magnitude, so the cell gets absolute bounds derived from that below.
 *
 * The matmuls run in both WebAssembly builds: plain SIMD and relaxed SIMD, whose fused
 * multiply-adds round `acc + x y` once instead of twice. Each fused step's error is at most the
 * unfused one's, so the same bound holds for it (no separate tolerance); V8's flag for relaxed
 * SIMD is turned on here so that build is tested in every run, not only under the flag.
 */
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { mulberry32 } from '../src/data/random';
import {
  createKernels,
  preferKernels,
  type AdamStep,
  type GateActivation,
  type WasmKind,
} from '../src/training/fused/kernels';
import {
  jsAdam,
  jsColumnSum,
  jsLstmBackwardCell,
  jsLstmForwardCell,
  jsMatMulAdd,
  jsMatMulBackward,
  jsMatMulTransposed,
  jsOneHot,
} from '../src/training/fused/jsKernels';
import { WasmKernels } from '../src/training/fused/wasmKernels';

/** Modest, so the suite stays fast: each run is a few microseconds to milliseconds. */
const RUNS = { numRuns: 80 };
const U = 2 ** -24;
setFlagsFromString('--experimental-wasm-relaxed-simd');
const BUILDS: WasmKind[] = ['wasm-simd', 'wasm-relaxed-simd'];
const fround = Math.fround;

const dim = fc.integer({ min: 1, max: 37 });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
/** Bit i says whether operand i lives in the kernels' memory (else it is staged). */
const placement = fc.nat({ max: 255 });
const gate = fc.constantFrom<GateActivation>('hardSigmoid', 'sigmoid');

/** `n` random values in `[-scale / 2, scale / 2)`, as float32. */
function values(random: () => number, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (random() - 0.5) * scale);
}

/**
 * Fresh WebAssembly kernels with room to stage `floats` values and to hand out `floats` values
 * of scratch, and a `put` that copies data to where a kernel finds it: a scratch array when
 * bit `i` of `mask` is set, else an ordinary array that the call stages.
 */
function setup(floats: number, mask: number, kind: WasmKind = 'wasm-simd') {
  preferKernels(kind);
  const kernels = createKernels([4]); // one resident array, to tell the memory's buffer
  preferKernels('auto');
  if (!(kernels instanceof WasmKernels)) throw new Error('expected the WebAssembly kernels');
  expect(kernels.kind).toBe(kind);
  const room = floats + 64 * 16;
  kernels.reserve(room);
  kernels.scratch(room); // the next step's arena holds this much
  kernels.reserve(room);
  let operand = 0;
  const put = (data: Float32Array): Float32Array => {
    const inMemory = ((mask >> operand++) & 1) === 1;
    const array = inMemory ? kernels.scratch(data.length) : new Float32Array(data.length);
    expect(array.buffer === kernels.arrays()[0]!.buffer).toBe(inMemory);
    array.set(data);
    return array;
  };
  return { kernels, put };
}

/** Fails with the first element whose difference from the reference exceeds its bound. */
function expectWithin(
  what: string,
  actual: Float32Array,
  expected: Float32Array,
  bound: (i: number) => number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!);
    if (!(difference <= bound(i))) {
      throw new Error(
        `${what}[${i}] = ${actual[i]}, reference ${expected[i]}: off by ${difference} > ${bound(i)}`,
      );
    }
  }
}

/** The float32 values `steps` steps away from `x` (nonzero), up for positive `steps`. */
function float32Step(x: number, steps: number): number {
  const f = Float32Array.of(x);
  new Int32Array(f.buffer)[0]! += x > 0 ? steps : -steps;
  return f[0]!;
}

/** hardSigmoid's clip edges and their float32 neighbours, three steps each way. */
const EDGES = [2.5, -2.5].flatMap((edge) =>
  [-3, -2, -1, 0, 1, 2, 3].map((steps) => float32Step(edge, steps)),
);

/** hardSigmoid in float32, as tfjs computes it: `y = 0.2 z + 0.5` then clipped to [0, 1]. */
const hardSigmoidY = (z: number): number => fround(fround(fround(0.2) * z) + 0.5);

describe('every WebAssembly kernel matches the JavaScript reference (property tests)', () => {
  it.each(BUILDS)('matMulAdd (%s): out += A · W', (kind) => {
    fc.assert(
      fc.property(dim, dim, dim, seed, placement, (rows, inner, cols, s, mask) => {
        const random = mulberry32(s);
        const A = values(random, rows * inner);
        const W = values(random, inner * cols);
        const out0 = values(random, rows * cols);
        const expected = out0.slice();
        jsMatMulAdd({ A, W, out: expected, rows, inner, cols });

        const { kernels, put } = setup(rows * inner + inner * cols + rows * cols, mask, kind);
        const out = put(out0);
        kernels.matMulAdd({ A: put(A), W: put(W), out, rows, inner, cols });
        expect(kernels.fallbacks).toBe(0);
        expectWithin('out', out, expected, (i) => {
          const [r, j] = [Math.floor(i / cols), i % cols];
          let S = Math.abs(out0[i]!);
          for (let k = 0; k < inner; k++) S += Math.abs(A[r * inner + k]! * W[k * cols + j]!);
          return 2 * (inner + 1) * U * S;
        });
      }),
      RUNS,
    );
  });

  it.each(BUILDS)('matMulBackward (%s): dW += A^T · dOut, dA = dOut · W^T if asked', (kind) => {
    fc.assert(
      fc.property(
        dim,
        dim,
        dim,
        seed,
        placement,
        fc.boolean(),
        (rows, inner, cols, s, mask, withDA) => {
          const random = mulberry32(s);
          const A = values(random, rows * inner);
          const W = values(random, inner * cols);
          const dOut = values(random, rows * cols);
          const dW0 = values(random, inner * cols);
          const expectedDW = dW0.slice();
          const expectedDA = withDA ? new Float32Array(rows * inner) : undefined;
          jsMatMulBackward({ A, W, dOut, dW: expectedDW, dA: expectedDA, rows, inner, cols });

          const floats = 2 * rows * inner + 2 * inner * cols + rows * cols;
          const { kernels, put } = setup(floats, mask, kind);
          const dW = put(dW0);
          // dA is overwritten: NaN shows any value the kernel fails to write.
          const dA = withDA ? put(new Float32Array(rows * inner).fill(NaN)) : undefined;
          kernels.matMulBackward({
            A: put(A),
            W: put(W),
            dOut: put(dOut),
            dW,
            dA,
            rows,
            inner,
            cols,
          });
          expect(kernels.fallbacks).toBe(0);
          expectWithin('dW', dW, expectedDW, (i) => {
            const [k, j] = [Math.floor(i / cols), i % cols];
            let S = Math.abs(dW0[i]!);
            for (let r = 0; r < rows; r++) S += Math.abs(A[r * inner + k]! * dOut[r * cols + j]!);
            return 2 * (rows + 1) * U * S;
          });
          if (dA && expectedDA) {
            expectWithin('dA', dA, expectedDA, (i) => {
              const [r, k] = [Math.floor(i / inner), i % inner];
              let S = 0;
              for (let j = 0; j < cols; j++) S += Math.abs(dOut[r * cols + j]! * W[k * cols + j]!);
              return 2 * (cols + 1) * U * S;
            });
          }
        },
      ),
      RUNS,
    );
  });

  it.each(BUILDS)('matMulTransposed (%s): out = A · B^T', (kind) => {
    fc.assert(
      fc.property(dim, dim, dim, seed, placement, (rows, inner, cols, s, mask) => {
        const random = mulberry32(s);
        const A = values(random, rows * cols);
        const B = values(random, inner * cols);
        const expected = new Float32Array(rows * inner);
        jsMatMulTransposed({ A, B, out: expected, rows, inner, cols });

        const { kernels, put } = setup(rows * cols + inner * cols + rows * inner, mask, kind);
        // out is overwritten: NaN shows any value the kernel fails to write.
        const out = put(new Float32Array(rows * inner).fill(NaN));
        kernels.matMulTransposed({ A: put(A), B: put(B), out, rows, inner, cols });
        expect(kernels.fallbacks).toBe(0);
        expectWithin('out', out, expected, (i) => {
          const [r, k] = [Math.floor(i / inner), i % inner];
          let S = 0;
          for (let j = 0; j < cols; j++) S += Math.abs(A[r * cols + j]! * B[k * cols + j]!);
          return 2 * (cols + 1) * U * S;
        });
      }),
      RUNS,
    );
  });

  it('columnSum: dst += the sum of src rows', () => {
    fc.assert(
      fc.property(dim, dim, seed, placement, (rows, cols, s, mask) => {
        const random = mulberry32(s);
        const src = values(random, rows * cols);
        const dst0 = values(random, cols);
        const expected = dst0.slice();
        jsColumnSum({ src, dst: expected, rows, cols });

        const { kernels, put } = setup(rows * cols + cols, mask);
        const dst = put(dst0);
        kernels.columnSum({ src: put(src), dst, rows, cols });
        expect(kernels.fallbacks).toBe(0);
        expectWithin('dst', dst, expected, (j) => {
          let S = Math.abs(dst0[j]!);
          for (let r = 0; r < rows; r++) S += Math.abs(src[r * cols + j]!);
          return 2 * (rows + 1) * U * S;
        });
      }),
      RUNS,
    );
  });

  it('oneHot: rows of W added to out by id, and the gradient scattered back, exactly', () => {
    const k = fc.integer({ min: 1, max: 3 });
    fc.assert(
      fc.property(
        dim,
        dim,
        dim,
        k,
        seed,
        placement,
        fc.boolean(),
        (rows, cols, width, k, s, mask, scatter) => {
          const random = mulberry32(s);
          // Ids in -1 .. width - 1: -1 is a row with no one (padding), skipped.
          const ids = Int32Array.from(
            { length: rows * k },
            () => Math.floor(random() * (width + 1)) - 1,
          );
          const W0 = values(random, width * cols);
          const out0 = values(random, rows * cols);
          const expected = { W: W0.slice(), out: out0.slice() };
          jsOneHot({ index: ids, k, ...expected, rows, cols, scatter });

          const { kernels, put } = setup(rows * k + width * cols + rows * cols, mask);
          // The ids in the kernels' memory (bit 7 of the placement) or staged.
          let index: Int32Array = ids;
          if (((mask >> 7) & 1) === 1) {
            const room = kernels.scratch(ids.length);
            index = new Int32Array(room.buffer, room.byteOffset, ids.length);
            index.set(ids);
          }
          const W = put(W0);
          const out = put(out0);
          kernels.oneHot({ index, k, W, out, rows, cols, scatter });
          expect(kernels.fallbacks).toBe(0);
          // One float32 addition per value, in the same order: equal to the last bit.
          expect(W).toEqual(expected.W);
          expect(out).toEqual(expected.out);
        },
      ),
      RUNS,
    );
  });

  it('adam: one step on p, m and v', () => {
    const settings = fc.record({
      learningRate: fc.double({ min: 1e-4, max: 0.1, noNaN: true }).map(fround),
      beta1: fc.double({ min: 0.5, max: 0.99, noNaN: true }).map(fround),
      beta2: fc.double({ min: 0.9, max: 0.9999, noNaN: true }).map(fround),
      t: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        settings,
        seed,
        placement,
        fc.boolean(),
        (n, { learningRate, beta1, beta2, t }, s, mask, two) => {
          const random = mulberry32(s);
          const step: AdamStep = {
            learningRate,
            beta1,
            beta2,
            epsilon: 1e-7,
            c1: fround(1 - fround(beta1 ** t)),
            c2: fround(1 - fround(beta2 ** t)),
          };
          const p0 = values(random, n);
          // With `two`, the gradient comes in two parts (another thread's added first).
          const ga = values(random, n);
          const gb = two ? values(random, n) : undefined;
          const g = gb ? ga.map((x, i) => fround(x + gb[i]!)) : ga;
          const m0 = values(random, n, 0.2);
          const v0 = values(random, n, 0.5).map((x) => x * x);
          const [p1, m1, v1] = [p0.slice(), m0.slice(), v0.slice()];
          jsAdam({ p: p1, g: ga.slice(), g2: gb?.slice(), m: m1, v: v1, step });

          const { kernels, put } = setup(5 * n, mask);
          const [p, m, v] = [put(p0), put(m0), put(v0)];
          const [kg, kg2] = [put(ga), gb && put(gb)];
          kernels.adam({ p, g: kg, g2: kg2, m, v, step });
          expect(kernels.fallbacks).toBe(0);
          // The gradients are cleared for the next batch.
          expect(kg).toEqual(new Float32Array(n));
          if (kg2) expect(kg2).toEqual(new Float32Array(n));
          // m and v: two products and a sum (one more product for g^2), with 1 - beta rounded
          // to float32 in the kernel: within 4 U of the terms' magnitudes on each side.
          const Sm = (i: number) => Math.abs(beta1 * m0[i]!) + Math.abs((1 - beta1) * g[i]!);
          const Sv = (i: number) => beta2 * v0[i]! + (1 - beta2) * g[i]! ** 2;
          expectWithin('m', m, m1, (i) => 8 * U * Sm(i));
          expectWithin('v', v, v1, (i) => 8 * U * Sv(i));
          // p = p + (m / c1) / (sqrt(v / c2) + eps) * -lr: m's absolute error (8 U Sm, which
          // may be large relative to m after cancellation) carried through, v's (relative, no
          // cancellation: both terms are positive) halved by the sqrt, and one rounding per
          // operation: 24 U of |p| plus the step as if m were Sm.
          expectWithin('p', p, p1, (i) => {
            const denominator = Math.sqrt(v1[i]! / step.c2) + step.epsilon;
            return 24 * U * (Math.abs(p0[i]!) + (learningRate * Sm(i)) / step.c1 / denominator);
          });
        },
      ),
      RUNS,
    );
  });

  it('lstmForwardCell: one step of the cell, either gate activation', () => {
    fc.assert(
      fc.property(dim, dim, gate, seed, placement, (batch, units, gateKind, s, mask) => {
        const random = mulberry32(s);
        const wide = batch * 4 * units;
        const narrow = batch * units;
        // Pre-activations over -6 .. 6: both of hardSigmoid's flat parts, its slope, and the
        // sigmoid's tails.
        const z0 = values(random, wide, 12);
        const bias = values(random, 4 * units);
        const cPrev = values(random, narrow, 2);
        const ref = {
          z: z0.slice(),
          gates: new Float32Array(wide),
          c: new Float32Array(narrow),
          tc: new Float32Array(narrow),
          h: new Float32Array(narrow),
        };
        jsLstmForwardCell({ ...ref, bias, cPrev, batch, units, gate: gateKind });

        const { kernels, put } = setup(4 * wide + 4 * narrow + 4 * units, mask);
        const NaNs = (n: number) => put(new Float32Array(n).fill(NaN));
        const out = {
          z: put(z0),
          gates: NaNs(wide),
          c: NaNs(narrow),
          tc: NaNs(narrow),
          h: NaNs(narrow),
        };
        kernels.lstmForwardCell({
          ...out,
          bias: put(bias),
          cPrev: put(cPrev),
          batch,
          units,
          gate: gateKind,
        });
        expect(kernels.fallbacks).toBe(0);
        // z + bias: one float32 addition on both sides, so equal.
        expect(out.z).toEqual(ref.z);
        // Gates: hardSigmoid is the same three float32 operations on both sides, so equal; the
        // sigmoid within 1e-6 (its approximation is within 3e-7); g = tanh within 5e-7 (the
        // approximation's 4e-7 and a rounding).
        const isG = (i: number) => Math.floor(i / units) % 4 === 2;
        const gateBound = gateKind === 'sigmoid' ? 1e-6 : 0;
        expectWithin('gates', out.gates, ref.gates, (i) => (isG(i) ? 5e-7 : gateBound));
        // c = f cPrev + i g with |cPrev|, |g|, i, f <= 1: each gate's error once, plus roundings
        // of values below 2 (ulp 2.4e-7) => 3 gate errors + 5e-7.
        const cBound = 2 * gateBound + 5e-7 + 5e-7;
        expectWithin('c', out.c, ref.c, () => cBound);
        // tanh(c): tanh' <= 1 passes c's error on, plus the approximation's.
        expectWithin('tc', out.tc, ref.tc, () => cBound + 5e-7);
        // h = o tc with o, |tc| <= 1: o's error plus tc's plus a rounding.
        expectWithin('h', out.h, ref.h, () => gateBound + cBound + 5e-7 + 6e-8);
      }),
      RUNS,
    );
  });

  it('lstmBackwardCell: one step back, either gate activation, clip edges mixed in', () => {
    fc.assert(
      fc.property(
        dim,
        dim,
        gate,
        seed,
        placement,
        fc.boolean(),
        (batch, units, gateKind, s, mask, withDH) => {
          const random = mulberry32(s);
          const wide = batch * 4 * units;
          const narrow = batch * units;
          // A forward step's values, by the reference, so both sides start from the same ones.
          const fwd = {
            z: values(random, wide, 12),
            gates: new Float32Array(wide),
            c: new Float32Array(narrow),
            tc: new Float32Array(narrow),
            h: new Float32Array(narrow),
          };
          const cPrev = values(random, narrow, 2);
          const bias = new Float32Array(4 * units);
          jsLstmForwardCell({ ...fwd, bias, cPrev, batch, units, gate: gateKind });
          // Some pre-activations right at hardSigmoid's clip edges (its gradient reads z only).
          if (gateKind === 'hardSigmoid') {
            for (let i = 0; i < wide; i++) {
              if (random() < 0.2) fwd.z[i] = EDGES[Math.floor(random() * EDGES.length)]!;
            }
          }
          const dhNext = values(random, narrow);
          const dH = withDH ? values(random, narrow) : undefined;
          const dcNext = values(random, narrow);
          const ref = { dz: new Float32Array(wide), dcPrev: new Float32Array(narrow) };
          const inputs = { z: fwd.z, gates: fwd.gates, tc: fwd.tc, cPrev, dhNext, dcNext };
          jsLstmBackwardCell({ ...inputs, ...ref, dH, batch, units, gate: gateKind });

          const { kernels, put } = setup(4 * wide + 7 * narrow, mask);
          const out = {
            dz: put(new Float32Array(wide).fill(NaN)),
            dcPrev: put(new Float32Array(narrow).fill(NaN)),
          };
          kernels.lstmBackwardCell({
            z: put(fwd.z),
            gates: put(fwd.gates),
            tc: put(fwd.tc),
            cPrev: put(cPrev),
            dhNext: put(dhNext),
            dH: dH && put(dH),
            dcNext: put(dcNext),
            ...out,
            batch,
            units,
            gate: gateKind,
          });
          expect(kernels.fallbacks).toBe(0);
          // |dh| <= 1, |dc| <= 0.5 + 1; every dz and dcPrev is a product of at most four
          // factors of those and values in [-1, 1] (the derivatives at most 0.25), each side
          // off by a few U relative to magnitudes below 2: 1e-6 covers it. A wrong
          // hardSigmoid mask is off by 0.2 |dc g|, which the clip-edge test checks exactly.
          expectWithin('dz', out.dz, ref.dz, () => 1e-6);
          expectWithin('dcPrev', out.dcPrev, ref.dcPrev, () => 1e-6);
        },
      ),
      RUNS,
    );
  });
});

describe("hardSigmoid's clip edges, in float32 on both sides", () => {
  // For z at ±2.5 and its float32 neighbours: y = 0.2 z + 0.5 in float32, the gate clip(y, 0,
  // 1) and the gradient 0.2 where 0 <= y <= 1 (inclusive, as tfjs's clipByValue), else 0.
  const expected = EDGES.map((z) => {
    const y = hardSigmoidY(z);
    return { z, gate: Math.min(Math.max(y, 0), 1), grad: y >= 0 && y <= 1 ? fround(0.2) : 0 };
  });
  const n = EDGES.length; // 14 units: three vectors and a tail of 2

  it('are where float32 puts them', () => {
    // In float32, 2.5 and the next value up both give y = 1 exactly (0.2 z rounds to 0.5, then
    // to 0.50000006, and 1.00000006 ties to even, 1): the gradient is still 0.2 there, and 0
    // from the second value up. Going down, -2.5 gives y = 0 and the next value y < 0.
    const grads = (edge: number) =>
      [-3, -2, -1, 0, 1, 2, 3].map((k) => expected.find((e) => e.z === float32Step(edge, k))!.grad);
    const g = fround(0.2);
    expect(grads(2.5)).toEqual([g, g, g, g, g, 0, 0]);
    expect(grads(-2.5)).toEqual([0, 0, 0, g, g, g, g]);
  });

  it.each([...BUILDS, 'js'] as const)('give the same gates and gradients in %s', (kind) => {
    preferKernels(kind);
    const kernels = createKernels([]);
    preferKernels('auto');
    kernels.reserve(64 * n);
    type Cell = Pick<typeof kernels, 'lstmForwardCell' | 'lstmBackwardCell'>;
    const cell: Cell =
      kind === 'js'
        ? { lstmForwardCell: jsLstmForwardCell, lstmBackwardCell: jsLstmBackwardCell }
        : kernels;
    expect(kernels.kind).toBe(kind);
    // One batch row, every gate's pre-activations the edge values, no bias.
    const z = new Float32Array(4 * n);
    for (let q = 0; q < 4; q++) z.set(EDGES, q * n);
    const gates = new Float32Array(4 * n);
    const state = () => new Float32Array(n);
    const ones = () => new Float32Array(n).fill(1);
    const forward = { c: state(), tc: state(), h: state() };
    cell.lstmForwardCell({
      z,
      bias: new Float32Array(4 * n),
      cPrev: state(),
      gates,
      ...forward,
      batch: 1,
      units: n,
      gate: 'hardSigmoid',
    });
    const gateValues = (q: number) => [...gates.subarray(q * n, (q + 1) * n)];
    for (const q of [0, 1, 3]) expect(gateValues(q)).toEqual(expected.map((e) => e.gate));

    // With g = tc = cPrev = dh = dcNext = 1, dz for i, f and o is exactly each one's
    // derivative: dc = 1 + o (1 - 1) = 1, dz_i = dc g d_i, dz_f = dc cPrev d_f, dz_o = dh tc d_o.
    const backGates = gates.slice();
    backGates.fill(1, 2 * n, 3 * n);
    const dz = new Float32Array(4 * n).fill(NaN);
    cell.lstmBackwardCell({
      z,
      gates: backGates,
      tc: ones(),
      cPrev: ones(),
      dhNext: ones(),
      dcNext: ones(),
      dz,
      dcPrev: state(),
      batch: 1,
      units: n,
      gate: 'hardSigmoid',
    });
    const derivatives = (q: number) => [...dz.subarray(q * n, (q + 1) * n)];
    for (const q of [0, 1, 3]) expect(derivatives(q)).toEqual(expected.map((e) => e.grad));
  });
});
