import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { createKernels, preferKernels, type Kernels } from '../src/training/fused/kernels';
import {
  jsAdam,
  jsColumnSum,
  jsLstmBackwardCell,
  jsLstmForwardCell,
  jsMatMulAdd,
  jsMatMulBackward,
} from '../src/training/fused/jsKernels';
import { GUARD, WasmKernels } from '../src/training/fused/wasmKernels';
import { KERNELS_WASM_BASE64 } from '../src/training/fused/kernelsWasm';
import { KERNELS_FMA_WASM_BASE64 } from '../src/training/fused/kernelsFmaWasm';
import { mulberry32 } from '../src/data/random';

// Relaxed SIMD is behind a flag in Node 20: on, so the FMA build's tests run here too.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const random = mulberry32(42);
const filled = (n: number): Float32Array => Float32Array.from({ length: n }, () => random() - 0.5);

/** Largest difference relative to the reference's largest magnitude. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  const scale = Math.max(1e-6, ...expected.map(Math.abs));
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(actual[i]! - e) / scale)));
  return worst;
}

// Sizes around the 4-wide vectors and 4-way unrolling (tails of 1 to 3), plus model B's.
const shapes: [rows: number, inner: number, cols: number][] = [
  [1, 1, 1],
  [2, 3, 5],
  [3, 4, 4],
  [5, 7, 9],
  [4, 8, 13],
  [7, 6, 24],
  [9, 5, 3],
  [21, 150, 600],
  [21, 150, 100],
];

describe('the WebAssembly SIMD kernels', () => {
  it('are what createKernels picks by default in Node: with FMA when relaxed SIMD validates', () => {
    const fma = WebAssembly.validate(Buffer.from(KERNELS_FMA_WASM_BASE64, 'base64'));
    expect(createKernels([4]).kind).toBe(fma ? 'wasm-relaxed-simd' : 'wasm-simd');
  });

  it.each(shapes)(
    'matMulAdd matches the JavaScript reference for [%i x %i] · [%i cols], resident or not',
    (rows, inner, cols) => {
      const A = filled(rows * inner);
      const out0 = filled(rows * cols);
      const expected = out0.slice();
      const W = filled(inner * cols);
      jsMatMulAdd({ A, W, out: expected, rows, inner, cols });

      // Weight resident in the kernels' memory, operands staged.
      const kernels = createKernels([inner * cols]);
      kernels.reserve(rows * (inner + cols));
      kernels.arrays()[0]!.set(W);
      const staged = out0.slice();
      kernels.matMulAdd({ A, W: kernels.arrays()[0]!, out: staged, rows, inner, cols });
      expect(relativeError(staged, expected)).toBeLessThan(1e-5);

      // Everything staged.
      const copied = out0.slice();
      createKernels([]).matMulAdd({ A, W, out: copied, rows, inner, cols });
      expect(relativeError(copied, expected)).toBeLessThan(1e-5);
    },
  );

  it.each(shapes)(
    'matMulBackward matches the JavaScript reference for [%i x %i] · [%i cols]',
    (rows, inner, cols) => {
      const A = filled(rows * inner);
      const W = filled(inner * cols);
      const dOut = filled(rows * cols);
      const dW0 = filled(inner * cols);
      const expectedDW = dW0.slice();
      const expectedDA = new Float32Array(rows * inner);
      jsMatMulBackward({ A, W, dOut, dW: expectedDW, dA: expectedDA, rows, inner, cols });

      const kernels = createKernels([inner * cols, inner * cols]);
      kernels.reserve(rows * (2 * inner + cols));
      const [w, dW] = kernels.arrays() as [Float32Array, Float32Array];
      w.set(W);
      dW.set(dW0);
      const dA = new Float32Array(rows * inner).fill(Number.NaN);
      kernels.matMulBackward({ A, W: w, dOut, dW, dA, rows, inner, cols });
      expect(relativeError(dW, expectedDW)).toBeLessThan(1e-5);
      expect(relativeError(dA, expectedDA)).toBeLessThan(1e-5);

      // Without dA only the weight gradient is accumulated.
      const dWOnly = dW0.slice();
      createKernels([]).matMulBackward({ A, W, dOut, dW: dWOnly, rows, inner, cols });
      expect(relativeError(dWOnly, expectedDW)).toBeLessThan(1e-5);
    },
  );

  it.each([1, 3, 4, 7, 1001])('adam matches the JavaScript reference on %i values', (n) => {
    const step = {
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      c1: 0.19,
      c2: 0.002,
    };
    const p = filled(n);
    const g = filled(n);
    const m = filled(n).map((x) => x * 0.1);
    const v = filled(n).map((x) => x * x);
    const expected = [p.slice(), g, m.slice(), v.slice()] as const;
    jsAdam({ p: expected[0], g: g.slice(), m: expected[2], v: expected[3], step });

    const kernels = createKernels([n, n, n, n]);
    const [rp, rg, rm, rv] = kernels.arrays() as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    rp.set(p);
    rg.set(g);
    rm.set(m);
    rv.set(v);
    kernels.adam({ p: rp, g: rg, m: rm, v: rv, step });
    // The gradient is cleared for the next batch, its tail too.
    expect(rg).toEqual(new Float32Array(n));
    expect(relativeError(rp, expected[0])).toBeLessThan(1e-6);
    expect(relativeError(rm, expected[2])).toBeLessThan(1e-6);
    expect(relativeError(rv, expected[3])).toBeLessThan(1e-6);
    // The update moved every weight (a kernel that skipped the tail would leave some alone).
    rp.forEach((x, i) => {
      expect(x).not.toBe(p[i]);
    });

    // Arrays outside the kernels' memory are copied in and out, with the same result.
    const outside = p.slice();
    const gOutside = g.slice();
    kernels.adam({ p: outside, g: gOutside, m: m.slice(), v: v.slice(), step });
    expect(outside).toEqual(rp);
    expect(gOutside).toEqual(new Float32Array(n));
  });

  it.each([
    [1, 1],
    [3, 7],
    [32, 600],
    [5, 22],
  ])('columnSum matches the JavaScript reference for [%i x %i]', (rows, cols) => {
    const src = filled(rows * cols);
    const start = filled(cols);
    const expected = start.slice();
    jsColumnSum({ src, dst: expected, rows, cols });
    const dst = start.slice();
    createKernels([]).columnSum({ src, dst, rows, cols });
    expect(relativeError(dst, expected)).toBeLessThan(1e-6);
  });

  it('compute tanh within 4e-7 (a few float32 ulp) of Math.tanh, and exactly x near 0 and ±1 far out', () => {
    const xs = Float32Array.from({ length: 20001 }, (_, i) => (i - 10000) / 1000); // -10 .. 10
    const kernels = createKernels([]);
    if (!(kernels instanceof WasmKernels)) throw new Error('expected the WebAssembly kernels');
    kernels.reserve(2 * xs.length);
    const approx = kernels.tanh(xs);
    let worst = 0;
    xs.forEach((x, i) => (worst = Math.max(worst, Math.abs(approx[i]! - Math.tanh(x)))));
    expect(worst).toBeLessThan(4e-7);
    expect([...kernels.tanh(Float32Array.of(0, 1e-5, -3e-4, 20, -20))]).toEqual([
      0,
      Math.fround(1e-5),
      Math.fround(-3e-4),
      1,
      -1,
    ]);
  });

  it.each([
    [3, 20, 'hardSigmoid'],
    [2, 6, 'hardSigmoid'],
    [4, 1, 'hardSigmoid'],
    [5, 150, 'hardSigmoid'],
    [3, 20, 'sigmoid'],
    [2, 7, 'sigmoid'],
    [4, 1, 'sigmoid'],
  ] as const)(
    'the LSTM cell matches the JavaScript reference for batch %i, %i units, %s gates',
    (batch, u, gate) => {
      const wide = batch * 4 * u;
      const narrow = batch * u;
      // Pre-activations spread over hardSigmoid's flat parts and its slope.
      const z = Float32Array.from({ length: wide }, () => (random() - 0.5) * 12);
      const bias = filled(4 * u);
      const cPrev = filled(narrow);
      const ref = { z: z.slice(), gates: new Float32Array(wide), c: new Float32Array(narrow) };
      const refTc = new Float32Array(narrow);
      const refH = new Float32Array(narrow);
      jsLstmForwardCell({
        z: ref.z,
        bias,
        cPrev,
        gates: ref.gates,
        c: ref.c,
        tc: refTc,
        h: refH,
        batch,
        units: u,
        gate,
      });

      const kernels = createKernels([]);
      kernels.reserve(0);
      // Scratch operands (in the kernels' memory) and ordinary ones (staged) alike.
      const zk = kernels.scratch(wide);
      zk.set(z);
      const gates = kernels.scratch(wide);
      const c = new Float32Array(narrow);
      const tc = kernels.scratch(narrow);
      const h = new Float32Array(narrow);
      kernels.lstmForwardCell({ z: zk, bias, cPrev, gates, c, tc, h, batch, units: u, gate });
      expect(relativeError(zk, ref.z)).toBeLessThan(1e-6);
      expect(relativeError(gates, ref.gates)).toBeLessThan(1e-6);
      expect(relativeError(c, ref.c)).toBeLessThan(1e-6);
      expect(relativeError(tc, refTc)).toBeLessThan(1e-6);
      expect(relativeError(h, refH)).toBeLessThan(1e-6);

      const dhNext = filled(narrow);
      const dH = filled(narrow);
      const dcNext = filled(narrow);
      for (const withDH of [true, false]) {
        const refDz = new Float32Array(wide);
        const refDc = new Float32Array(narrow);
        const given = withDH ? dH : undefined;
        jsLstmBackwardCell({
          z: ref.z,
          gates: ref.gates,
          tc: refTc,
          cPrev,
          dhNext,
          dH: given,
          dcNext,
          dz: refDz,
          dcPrev: refDc,
          batch,
          units: u,
          gate,
        });
        const dz = kernels.scratch(wide).fill(Number.NaN);
        const dcPrev = new Float32Array(narrow).fill(Number.NaN);
        kernels.lstmBackwardCell({
          z: zk,
          gates,
          tc,
          cPrev,
          dhNext,
          dH: given,
          dcNext,
          dz,
          dcPrev,
          batch,
          units: u,
          gate,
        });
        expect(relativeError(dz, refDz)).toBeLessThan(1e-5);
        expect(relativeError(dcPrev, refDc)).toBeLessThan(1e-5);
      }
      // Nothing written past the arrays: the scratch after dz is still zero.
      expect(kernels.scratch(8)).toEqual(new Float32Array(8));
    },
  );

  it('compute sigmoid gates within 1e-6 of the float32 sigmoid 1 / (1 + exp(-z)), over -20 .. 20', () => {
    // One unit per batch row: z's i, f, g, o columns all take the same value.
    const zs = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 100);
    const batch = zs.length;
    const z = new Float32Array(4 * batch);
    zs.forEach((x, b) => z.fill(x, 4 * b, 4 * b + 4));
    const gates = new Float32Array(4 * batch);
    const kernels = createKernels([]);
    kernels.reserve(12 * batch);
    kernels.lstmForwardCell({
      z,
      bias: new Float32Array(4),
      cPrev: new Float32Array(batch),
      gates,
      c: new Float32Array(batch),
      tc: new Float32Array(batch),
      h: new Float32Array(batch),
      batch,
      units: 1,
      gate: 'sigmoid',
    });
    let worst = 0;
    zs.forEach((x, b) => {
      const expected = Math.fround(1 / (1 + Math.exp(-x)));
      for (const lane of [0, 1, 3]) {
        worst = Math.max(worst, Math.abs(gates[4 * b + lane]! - expected));
      }
    });
    expect(worst).toBeLessThan(1e-6);
  });

  it('hand out zeroed scratch (unless asked not to) that the next reserve reuses, growing to what a step used', () => {
    const kernels = createKernels([]);
    kernels.reserve(0);
    const first = kernels.scratch(10);
    const big = kernels.scratch(1_000_000); // more than the arena holds: an ordinary array
    expect(big.buffer).not.toBe(first.buffer);
    // The next step's arena has room for what this one asked, so both now live in memory.
    kernels.reserve(0);
    const small = kernels.scratch(10).fill(7);
    expect(small.byteOffset).toBe(first.byteOffset);
    expect(kernels.scratch(1_000_000).buffer).toBe(small.buffer);
    // A step that asks no more reuses the same memory, zeroed again.
    kernels.reserve(0);
    const again = kernels.scratch(10);
    expect(again.buffer).toBe(small.buffer);
    expect(again.byteOffset).toBe(small.byteOffset);
    expect(again).toEqual(new Float32Array(10));
    // Unless asked not to (an output a kernel overwrites whole): then it holds what was there.
    again.fill(3);
    kernels.reserve(0);
    const unzeroed = kernels.scratch(10, false);
    expect(unzeroed.byteOffset).toBe(again.byteOffset);
    expect(unzeroed).toEqual(new Float32Array(10).fill(3));
  });

  it('keep resident values when reserve grows the memory, through fresh views', () => {
    const kernels = createKernels([3, 5]);
    const [a, b] = kernels.arrays() as [Float32Array, Float32Array];
    a.set([1, 2, 3]);
    b.set([4, 5, 6, 7, 8]);
    kernels.reserve(4_000_000);
    const [a2, b2] = kernels.arrays() as [Float32Array, Float32Array];
    expect(a2).not.toBe(a);
    expect([...a2, ...b2]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('fall back to JavaScript for a call whose operands do not fit the staging area', () => {
    const kernels = createKernels([]);
    const [rows, inner, cols] = [300, 200, 120]; // 120,000 staged values > the 65,536 reserved
    const A = filled(rows * inner);
    const W = filled(inner * cols);
    const out = new Float32Array(rows * cols);
    const expected = new Float32Array(rows * cols);
    jsMatMulAdd({ A, W, out: expected, rows, inner, cols });
    kernels.matMulAdd({ A, W, out, rows, inner, cols });
    expect(out).toEqual(expected);
  });

  it('give each createKernels call its own memory', () => {
    const one = createKernels([4]);
    const two = createKernels([4]);
    one.arrays()[0]!.fill(1);
    two.reserve(2_000_000);
    expect(two.arrays()[0]).toEqual(new Float32Array(4));
    expect(one.arrays()[0]).toEqual(new Float32Array(4).fill(1));
  });

  it('start with memory for the resident arrays and staging, not more', () => {
    const kernels = createKernels([1_000_000, 3]);
    const bytes = kernels.arrays()[0]!.buffer.byteLength;
    // 4,000,016 bytes of resident arrays and 64 KiB of staging: 63 pages of 64 KiB.
    expect(bytes).toBeGreaterThanOrEqual(4_000_016 + 65_536);
    expect(bytes).toBeLessThan(4_000_016 + 65_536 + 2 * 65_536);
  });

  it('keep working, on JavaScript where needed, when the memory reaches its maximum', () => {
    const kernels = createKernels([3]);
    if (!(kernels instanceof WasmKernels)) throw new Error('expected the WebAssembly kernels');
    kernels.arrays()[0]!.set([1, 2, 3]);
    const buffer = kernels.arrays()[0]!.buffer;
    // 2^29 values of staging (2 GiB) would pass the 2 GiB maximum: the memory stays as it is.
    expect(() => {
      kernels.reserve(2 ** 29);
    }).not.toThrow();
    expect(kernels.arrays()[0]!.buffer).toBe(buffer);
    expect([...kernels.arrays()[0]!]).toEqual([1, 2, 3]);
  });

  it('keep working, on JavaScript where needed, when the memory cannot grow', () => {
    const kernels = createKernels([3]);
    if (!(kernels instanceof WasmKernels)) throw new Error('expected the WebAssembly kernels');
    kernels.arrays()[0]!.set([1, 2, 3]);
    const grow = jest.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    });
    try {
      kernels.reserve(1_000_000);
      expect(grow).toHaveBeenCalled();
      expect([...kernels.arrays()[0]!]).toEqual([1, 2, 3]);
      // Scratch past the arena is an ordinary array; a call that does not fit staging runs the
      // JavaScript kernel, with the same result.
      expect(kernels.scratch(100_000).buffer).not.toBe(kernels.arrays()[0]!.buffer);
      const [rows, inner, cols] = [200, 100, 50];
      const A = filled(rows * inner);
      const W = filled(inner * cols);
      const out = new Float32Array(rows * cols);
      const expected = new Float32Array(rows * cols);
      jsMatMulAdd({ A, W, out: expected, rows, inner, cols });
      kernels.matMulAdd({ A, W, out, rows, inner, cols });
      expect(kernels.fallbacks).toBe(1);
      expect(out).toEqual(expected);
    } finally {
      grow.mockRestore();
    }
  });

  it.each([KERNELS_WASM_BASE64, KERNELS_FMA_WASM_BASE64])(
    'read no further past an operand than the GUARD bytes left after the last one (build %#)',
    (base64) => {
      // mmadd's 4 x 8 tile reads whole 8-column blocks of W and out: with cols % 8 = 1 the last
      // block of the last row reads 7 values (28 bytes) past the operand's end. mmabt reads
      // whole blocks of 4 rows of W, the rows past the last (inner % 4) repeating it. Here one
      // operand at a time ends GUARD bytes before the end of memory, and every other byte is
      // NaN, so a read past memory traps and a stored NaN shows a value taken from elsewhere.
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
      const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
      const { mmadd, mmabt } = new WebAssembly.Instance(module, { env: { memory } }).exports as {
        mmadd: (...args: number[]) => void;
        mmabt: (...args: number[]) => void;
      };
      const heap = new Float32Array(memory.buffer);
      const end = memory.buffer.byteLength - GUARD;
      // Small integers: every sum is exact in float32, in any order.
      const ints = (n: number, seed: number) =>
        Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 9) - 4);
      /** Copies `data` into memory at byte `at`, or where it ends at `end` when `last`. */
      const put = (data: Float32Array, at: number, last: boolean): number => {
        const where = last ? end - data.byteLength : at;
        heap.set(data, where / 4);
        return where;
      };
      const read = (at: number, n: number) => heap.slice(at / 4, at / 4 + n);
      for (const [rows, inner, cols] of [
        [2, 3, 1],
        [5, 2, 9],
        [3, 4, 17],
        [6, 1, 12],
        [3, 5, 2],
      ] as const) {
        const A = ints(rows * inner, 1);
        const W = ints(inner * cols, 2);
        const dOut = ints(rows * cols, 3);
        const sum = dOut.slice();
        jsMatMulAdd({ A, W, out: sum, rows, inner, cols });
        const dA = new Float32Array(rows * inner);
        const dW = new Float32Array(inner * cols);
        jsMatMulBackward({ A, W, dOut, dW, dA, rows, inner, cols });
        for (const last of ['W', 'out'] as const) {
          heap.fill(NaN);
          const at = { A: put(A, 0, false), W: put(W, 1024, last === 'W') };
          const out = put(dOut, 2048, last === 'out');
          mmadd(at.A, inner, 1, at.W, out, rows, inner, cols);
          expect(read(out, rows * cols)).toEqual(sum);
        }
        for (const last of ['W', 'dOut'] as const) {
          heap.fill(NaN);
          const at = { W: put(W, 1024, last === 'W'), dOut: put(dOut, 2048, last === 'dOut') };
          mmabt(at.dOut, at.W, 3072, rows, inner, cols);
          expect(read(3072, rows * inner)).toEqual(dA);
        }
      }
    },
  );

  it('are the committed build of kernels.wat, small enough to compile synchronously', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(join(__dirname, '../src/training/fused/kernels.wat'), 'utf8');
    const parsed = wabt.parseWat('kernels.wat', wat, { simd: true });
    const fresh = Buffer.from(parsed.toBinary({}).buffer).toString('base64');
    parsed.destroy();
    expect(KERNELS_WASM_BASE64).toBe(fresh); // else: npm run build:wasm
    // Browsers refuse synchronous compilation of modules over 4 KiB on the main thread.
    expect(Buffer.from(KERNELS_WASM_BASE64, 'base64').length).toBeLessThan(4096);
    expect(Buffer.from(KERNELS_FMA_WASM_BASE64, 'base64').length).toBeLessThan(4096);
    // Every generated build (the relaxed-SIMD one is a rewrite of the same text) is current.
    expect(() =>
      execFileSync(process.execPath, [join(__dirname, '../scripts/build-wasm.mjs'), '--check'], {
        stdio: 'pipe',
      }),
    ).not.toThrow(); // else: npm run build:wasm
  });
  it("fuse the 16 multiply-adds of the matmuls' inner loops in the relaxed-SIMD build", async () => {
    const wabt = await wabtInit();
    const text = (base64: string) => {
      const module = wabt.readWasm(Buffer.from(base64, 'base64'), {
        simd: true,
        relaxed_simd: true,
      });
      const wat = module.toText({});
      module.destroy();
      return wat;
    };
    const count = (wat: string, op: string) => wat.split(op).length - 1;
    const simd = text(KERNELS_WASM_BASE64);
    const fma = text(KERNELS_FMA_WASM_BASE64);
    // mmadd's 4 x 8 tile and mmabt's 2 x 4 block, 8 accumulations each; nothing else changes.
    expect(count(simd, 'f32x4.relaxed_madd')).toBe(0);
    expect(count(fma, 'f32x4.relaxed_madd')).toBe(16);
    expect(count(simd, 'f32x4.mul') - count(fma, 'f32x4.mul')).toBe(16);
    expect(count(simd, 'f32x4.add') - count(fma, 'f32x4.add')).toBe(16);
  });
});

describe('kernel selection', () => {
  afterEach(() => {
    preferKernels('auto');
  });

  it('runs the JavaScript kernels when asked, with the same interface', () => {
    preferKernels('js');
    const kernels: Kernels = createKernels([2]);
    expect(kernels.kind).toBe('js');
    kernels.reserve(10);
    const out = new Float32Array(2);
    kernels.matMulAdd({
      A: Float32Array.of(2),
      W: Float32Array.of(3, 4),
      out,
      rows: 1,
      inner: 1,
      cols: 2,
    });
    expect([...out]).toEqual([6, 8]);
  });

  it('runs the JavaScript kernels when WebAssembly memory cannot be allocated, or says so', () => {
    const failure = new RangeError('WebAssembly.Memory(): could not allocate memory');
    const memory = jest.spyOn(WebAssembly, 'Memory').mockImplementation(() => {
      throw failure;
    });
    try {
      const kernels = createKernels([2]);
      expect(kernels.kind).toBe('js');
      expect(kernels.arrays()[0]).toEqual(new Float32Array(2));
      preferKernels('wasm-simd');
      expect(() => createKernels([2])).toThrow(
        /^WebAssembly SIMD kernels were requested but their memory could not be allocated \(WebAssembly\.Memory\(\): could not allocate memory\)$/,
      );
    } finally {
      memory.mockRestore();
    }
    expect(createKernels([2]).kind).toBe('wasm-simd');
  });

  it('reports a runtime without WebAssembly SIMD instead of silently using JavaScript', () => {
    const validate = jest.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    jest.isolateModules(() => {
      // A fresh copy of the module, so its cached compilation is redone under the mock.
      const fresh =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../src/training/fused/kernels') as typeof import('../src/training/fused/kernels');
      expect(fresh.createKernels([1]).kind).toBe('js');
      fresh.preferKernels('wasm-simd');
      expect(() => fresh.createKernels([1])).toThrow(/WebAssembly SIMD kernels were requested/);
      fresh.preferKernels('wasm-relaxed-simd');
      expect(() => fresh.createKernels([1])).toThrow(
        /^WebAssembly relaxed-SIMD \(fused multiply-add\) kernels were requested but this runtime cannot run them$/,
      );
    });
    validate.mockRestore();
  });
});
