/**
 * Microbenchmark of the fused engine's two dense kernels on the shapes it runs: GFLOP/s of
 * `matMulAdd` (out += A · W), `matMulBackward` without dA (dW += A^T · dOut) and with it (also
 * dA = dOut · W^T), median of several repeats, every operand resident in the kernels' memory
 * (as the engine keeps weights and scratch), so no staging copies are timed. For reference,
 * tfjs-wasm's `tf.matMul` on 512 x 512 (XNNPACK).
 *
 *   npx tsx bench/kernels.ts [--repeats 5] [--ms 30] [--against <git rev>] [--only 150,600]
 *                            [--build simd|fma|both]
 *
 * `--against` also compiles kernels.wat as of that git revision and times its kernels side by
 * side (same run, alternating), to compare a change with what it replaces. `--build fma` times
 * the relaxed-SIMD build (fused multiply-adds; V8's flag for it is turned on here); `--build
 * both` times it against the SIMD build of the same tree, side by side.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { KERNELS_FMA_WASM_BASE64 } from '../src/training/fused/kernelsFmaWasm';
import { KERNELS_WASM_BASE64 } from '../src/training/fused/kernelsWasm';
import { WasmKernels } from '../src/training/fused/wasmKernels';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    ms: { type: 'string', default: '30' },
    against: { type: 'string' },
    only: { type: 'string' },
    build: { type: 'string', default: 'simd' },
  },
  strict: true,
  allowPositionals: false,
});
const repeats = Number(values.repeats);
const sampleMs = Number(values.ms);
const both = values.build === 'both';
const build = values.build === 'simd' ? 'simd' : 'fma';
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** One product's shape: `[rows, inner] · [inner, cols]`, and what it is in the engine. */
interface Shape {
  what: string;
  rows: number;
  inner: number;
  cols: number;
}

const SHAPES: Shape[] = [];
for (const u of [20, 128, 150, 600]) {
  for (const batch of [7, 21, 32, 64]) {
    SHAPES.push({ what: `recurrent u=${u}`, rows: batch, inner: u, cols: 4 * u });
  }
}
// dh = dz · R^T, as lstm.ts computes it: a product with R's transpose (fastPartial's batch).
for (const u of [150, 600]) SHAPES.push({ what: `dz·R^T u=${u}`, rows: 32, inner: 4 * u, cols: u });
SHAPES.push({ what: 'input width=100 u=150', rows: 64, inner: 100, cols: 600 });
SHAPES.push({ what: 'head u=20', rows: 21, inner: 20, cols: 100 });
SHAPES.push({ what: 'head u=150', rows: 32, inner: 150, cols: 100 });
SHAPES.push({ what: 'head u=150', rows: 64, inner: 150, cols: 100 });
SHAPES.push({ what: 'odd tails', rows: 23, inner: 37, cols: 101 });

const only = values.only?.split(',');
const shapes = only ? SHAPES.filter((s) => only.some((o) => s.what.includes(o))) : SHAPES;

/** One timed kernel call and the floating-point operations it does. */
interface Run {
  flops: number;
  run: () => void;
}

/** One sample: GFLOP/s of `run` called for at least `sampleMs`. */
function sample({ flops, run }: Run): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    run();
    calls += 1;
    elapsed = performance.now() - start;
  } while (elapsed < sampleMs);
  return (flops * calls) / (elapsed * 1e6);
}

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The median GFLOP/s of each run over `repeats` rounds, the runs taking turns within each
 * round so that other load on the machine falls on all of them alike.
 */
function gflops(runs: Run[]): number[] {
  for (const r of runs) r.run(); // warm up (and tier up)
  const samples = runs.map((): number[] => []);
  for (let s = 0; s < repeats; s++) runs.forEach((r, i) => samples[i]!.push(sample(r)));
  return samples.map(median);
}

/** The three timed calls of one module's kernels on one shape. */
function kernelRuns(module: WebAssembly.Module, { rows, inner, cols }: Shape): Run[] {
  const kernels = new WasmKernels(module, [
    rows * inner, // A
    inner * cols, // W
    rows * cols, // out, dOut
    inner * cols, // dW
    rows * inner, // dA
  ]);
  const [A, W, dOut, dW, dA] = kernels.arrays() as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  for (const array of [A, W, dOut]) {
    for (let i = 0; i < array.length; i++) array[i] = Math.sin(i) * 0.1;
  }
  const product = 2 * rows * inner * cols;
  const checked = (run: () => void) => () => {
    run();
    if (kernels.fallbacks !== 0) throw new Error('a kernel ran in JavaScript');
  };
  return [
    {
      flops: product,
      run: checked(() => {
        kernels.matMulAdd({ A, W, out: dOut, rows, inner, cols });
      }),
    },
    {
      flops: product,
      run: checked(() => {
        kernels.matMulBackward({ A, W, dOut, dW, rows, inner, cols });
      }),
    },
    {
      flops: 2 * product,
      run: checked(() => {
        kernels.matMulBackward({ A, W, dOut, dW, dA, rows, inner, cols });
      }),
    },
  ];
}

function compile(base64: string): WebAssembly.Module {
  return new WebAssembly.Module(Buffer.from(base64, 'base64'));
}

/** The chosen build of kernels.wat as of `rev`, by scripts/build-wasm.mjs. */
function compileRevision(rev: string): WebAssembly.Module {
  const wat = execFileSync('git', ['show', `${rev}:src/training/fused/kernels.wat`], {
    encoding: 'utf8',
  });
  const file = join(mkdtempSync(join(tmpdir(), 'kernels-')), 'kernels.wat');
  writeFileSync(file, wat);
  const json = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--wat', file], {
    encoding: 'utf8',
  });
  return compile((JSON.parse(json) as Record<typeof build, string>)[build]);
}

async function tfjsReference(n: number): Promise<number> {
  await tf.setBackend('wasm');
  await tf.ready();
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const [result] = gflops([
    {
      flops: 2 * n * n * n,
      run: () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      },
    },
  ]);
  a.dispose();
  b.dispose();
  return result!;
}

const current = compile(build === 'fma' ? KERNELS_FMA_WASM_BASE64 : KERNELS_WASM_BASE64);
const against = both
  ? compile(KERNELS_WASM_BASE64)
  : values.against === undefined
    ? undefined
    : compileRevision(values.against);
const old = both ? "this tree's simd build" : `kernels.wat at ${values.against}`;
const fmt = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(1)).padStart(6);
const header = ['matMulAdd', 'backward', 'bwd+dA'];

console.log(
  `GFLOP/s of the ${build} build, median of ${repeats} samples of >= ${sampleMs} ms` +
    (against ? `; old = ${old}, new = this tree's ${build} build` : ''),
);
console.log(
  'shape'.padEnd(24) +
    'rows x inner x cols'.padEnd(20) +
    header.map((h) => (against ? `${h} old/new`.padStart(20) : h.padStart(10))).join(''),
);
for (const shape of shapes) {
  const runs = [...kernelRuns(current, shape), ...(against ? kernelRuns(against, shape) : [])];
  const measured = gflops(runs);
  const now = measured.slice(0, 3);
  const before = against ? measured.slice(3) : undefined;
  const cells = now.map((x, i) =>
    before
      ? `${fmt(before[i])} ${fmt(x)} ${(x / before[i]!).toFixed(2)}x`.padStart(20)
      : fmt(x).padStart(10),
  );
  console.log(
    shape.what.padEnd(24) +
      `${shape.rows} x ${shape.inner} x ${shape.cols}`.padEnd(20) +
      cells.join(''),
  );
}
console.log(`tfjs-wasm tf.matMul 512 x 512 x 512: ${fmt(await tfjsReference(512))} GFLOP/s`);
