import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import {
  createKernels,
  jsMatMulAdd,
  jsMatMulBackward,
  preferKernels,
  type Kernels,
} from '../src/training/fused/kernels';
import { KERNELS_WASM_BASE64 } from '../src/training/fused/kernelsWasm';
import { mulberry32 } from '../src/data/random';

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
  it('are what createKernels picks by default in Node', () => {
    expect(createKernels([4]).kind).toBe('wasm-simd');
  });

  it.each(shapes)(
    'matMulAdd matches the JavaScript reference for [%i x %i] · [%i cols], resident or not',
    (rows, inner, cols) => {
      const A = filled(rows * inner);
      const out0 = filled(rows * cols);
      const expected = out0.slice();
      const W = filled(inner * cols);
      jsMatMulAdd(A, W, expected, rows, inner, cols);

      // Weight resident in the kernels' memory, operands staged.
      const kernels = createKernels([inner * cols]);
      kernels.reserve(rows * (inner + cols));
      kernels.arrays()[0]!.set(W);
      const staged = out0.slice();
      kernels.matMulAdd(A, kernels.arrays()[0]!, staged, rows, inner, cols);
      expect(relativeError(staged, expected)).toBeLessThan(1e-5);

      // Everything staged.
      const copied = out0.slice();
      createKernels([]).matMulAdd(A, W, copied, rows, inner, cols);
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
      jsMatMulBackward(A, W, dOut, expectedDW, expectedDA, rows, inner, cols);

      const kernels = createKernels([inner * cols, inner * cols]);
      kernels.reserve(rows * (2 * inner + cols));
      const [w, dW] = kernels.arrays() as [Float32Array, Float32Array];
      w.set(W);
      dW.set(dW0);
      const dA = new Float32Array(rows * inner).fill(Number.NaN);
      kernels.matMulBackward(A, w, dOut, dW, dA, rows, inner, cols);
      expect(relativeError(dW, expectedDW)).toBeLessThan(1e-5);
      expect(relativeError(dA, expectedDA)).toBeLessThan(1e-5);

      // Without dA only the weight gradient is accumulated.
      const dWOnly = dW0.slice();
      createKernels([]).matMulBackward(A, W, dOut, dWOnly, undefined, rows, inner, cols);
      expect(relativeError(dWOnly, expectedDW)).toBeLessThan(1e-5);
    },
  );

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
    jsMatMulAdd(A, W, expected, rows, inner, cols);
    kernels.matMulAdd(A, W, out, rows, inner, cols);
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

  it('are the committed build of kernels.wat, small enough to compile synchronously', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(join(__dirname, '../src/training/fused/kernels.wat'), 'utf8');
    const parsed = wabt.parseWat('kernels.wat', wat, { simd: true });
    const fresh = Buffer.from(parsed.toBinary({}).buffer).toString('base64');
    parsed.destroy();
    expect(KERNELS_WASM_BASE64).toBe(fresh); // else: npm run build:wasm
    // Browsers refuse synchronous compilation of modules over 4 KiB on the main thread.
    expect(Buffer.from(KERNELS_WASM_BASE64, 'base64').length).toBeLessThan(4096);
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
    kernels.matMulAdd(Float32Array.of(2), Float32Array.of(3, 4), out, 1, 1, 2);
    expect([...out]).toEqual([6, 8]);
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
    });
    validate.mockRestore();
  });
});
