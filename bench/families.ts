/**
 * The fused engine against `model.fit` on every model family seq-echo builds beyond the
 * walkthrough's two: twin models (same seed), trained side by side in one process on the wasm
 * backend, the default engine (`'auto'`, which picks the fused one) against `engine: 'tfjs'`.
 * Reports the median ms per epoch of several alternating runs and their ratio (default over
 * tfjs: 0.1 means ten times faster), which engine the default chose, and GFLOP/s: the matrix
 * products of an epoch as the fused engine counts them, over each engine's ms per epoch.
 * SEQ_ECHO_BENCH_FMA=1 runs the fused engine's relaxed-SIMD (FMA) kernels (bench/recipes.ts).
 *
 *   npx tsx bench/families.ts [--runs 3] [--json] [--only name,name]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  selectBackend,
  trainEcho,
  trainTeacherForcing,
  type TeacherForcingModels,
} from '../src/index';
import { autoKernels, countFlops, gflopsCell } from './recipes';

/** One family: how to build a twin, and how to train it for some epochs on an engine. */
interface Family {
  name: string;
  call: string;
  epochsPerRun: number;
  build: () => tf.LayersModel | TeacherForcingModels;
}

const FAMILIES: Family[] = [
  {
    name: 'linear',
    call: "buildSeq2Seq({ representation: 'linear', stateful: false })",
    epochsPerRun: 20,
    build: () => buildSeq2Seq({ representation: 'linear', stateful: false, seed: 1 }),
  },
  {
    name: 'masking',
    call: 'buildSeq2Seq({ masking: true, batchSize: 5 })',
    epochsPerRun: 20,
    build: () => buildSeq2Seq({ masking: true, batchSize: 5, seed: 1 }),
  },
  {
    name: 'reverse',
    call: "buildEncoderDecoder({ task: 'reverse', nOut: 5, stateful: false })",
    epochsPerRun: 10,
    build: () => buildEncoderDecoder({ task: 'reverse', nOut: 5, stateful: false, seed: 1 }),
  },
  {
    name: 'one-to-one',
    call: 'buildOneToOne()',
    epochsPerRun: 20,
    build: () => buildOneToOne({ seed: 1 }),
  },
  {
    name: 'many-to-one',
    call: 'buildManyToOne()',
    epochsPerRun: 20,
    build: () => buildManyToOne({ seed: 1 }),
  },
  {
    name: 'attention',
    call: 'buildAttention()',
    epochsPerRun: 10,
    build: () => buildAttention({ seed: 1 }),
  },
  {
    name: 'attention-lstm',
    call: "buildAttention({ encoder: 'lstm' })",
    epochsPerRun: 5,
    build: () => buildAttention({ encoder: 'lstm', seed: 1 }),
  },
  {
    name: 'teacher-forcing',
    call: 'buildTeacherForcing() + trainTeacherForcing (512 samples an epoch)',
    epochsPerRun: 1,
    build: () => buildTeacherForcing({ seed: 1 }),
  },
];

const isTeacherForcing = (m: tf.LayersModel | TeacherForcingModels): m is TeacherForcingModels =>
  'training' in m && 'decoder' in m;

/** Trains `epochs` epochs on one engine; returns the engine that ran. */
async function train(
  model: tf.LayersModel | TeacherForcingModels,
  engine: 'auto' | 'tfjs',
  epochs: number,
  seed: number,
): Promise<string> {
  if (isTeacherForcing(model)) {
    const result = await trainTeacherForcing(model, { epochs, samplesPerEpoch: 512, seed, engine });
    return result.engine;
  }
  return (await trainEcho(model, { epochs, seed, engine })).engine;
}

const dispose = (m: tf.LayersModel | TeacherForcingModels) => {
  m.dispose();
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One family's row: medians of alternating runs, default engine first. */
export interface FamilyResult {
  name: string;
  call: string;
  engine: string;
  defaultMsPerEpoch: number;
  tfjsMsPerEpoch: number;
  ratio: number;
  defaultRuns: number[];
  tfjsRuns: number[];
  /** Matrix-product operations of one epoch, counted on the default engine's runs (0: tfjs). */
  flopsPerEpoch: number;
}

async function measure(family: Family, runs: number): Promise<FamilyResult> {
  const twins = { auto: family.build(), tfjs: family.build() };
  const times: Record<'auto' | 'tfjs', number[]> = { auto: [], tfjs: [] };
  let engine = '';
  let flops = 0;
  // Warm-up: compiles kernels, allocates memory, builds tfjs's graph.
  for (const which of ['auto', 'tfjs'] as const) await train(twins[which], which, 1, 1);
  for (let r = 0; r < runs; r++) {
    for (const which of ['auto', 'tfjs'] as const) {
      const started = performance.now();
      let ran = '';
      const counted = await countFlops(async () => {
        ran = await train(twins[which], which, family.epochsPerRun, 100 + r);
      });
      times[which].push((performance.now() - started) / family.epochsPerRun);
      if (which === 'auto') [engine, flops] = [ran, flops + counted];
    }
  }
  dispose(twins.auto);
  dispose(twins.tfjs);
  const defaultMsPerEpoch = median(times.auto);
  const tfjsMsPerEpoch = median(times.tfjs);
  return {
    name: family.name,
    call: family.call,
    engine,
    defaultMsPerEpoch,
    tfjsMsPerEpoch,
    ratio: defaultMsPerEpoch / tfjsMsPerEpoch,
    defaultRuns: times.auto,
    tfjsRuns: times.tfjs,
    flopsPerEpoch: flops / (runs * family.epochsPerRun),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  const only = values.only?.split(',');
  const unknown = only?.find((name) => !FAMILIES.some((f) => f.name === name));
  if (!Number.isInteger(runs) || runs < 1 || unknown !== undefined) {
    console.error(
      `bench/families: --runs takes a positive integer and --only some of ${FAMILIES.map((f) => f.name).join(', ')}`,
    );
    process.exit(2);
  }
  await selectBackend('wasm');
  const results: FamilyResult[] = [];
  for (const family of FAMILIES.filter((f) => !only || only.includes(f.name))) {
    if (!values.json) console.error(`bench/families: ${family.name}`);
    results.push(await measure(family, runs));
  }
  if (values.json) {
    const kernels = autoKernels();
    console.log(JSON.stringify({ node: process.version, runs, kernels, results }, null, 2));
    return;
  }
  console.log(
    `\nEvery family: the default engine vs engine 'tfjs' (model.fit), wasm backend, twin models, medians of ${runs} alternating runs; fused kernels: ${autoKernels()}\n`,
  );
  console.log(
    '| family | default engine | default, ms/epoch | GFLOP/s | `tfjs`, ms/epoch | GFLOP/s | ratio |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const cells = [
      `${r.name}: \`${r.call}\``,
      r.engine,
      r.defaultMsPerEpoch.toFixed(2),
      gflopsCell(r.flopsPerEpoch, r.defaultMsPerEpoch),
      r.tfjsMsPerEpoch.toFixed(1),
      gflopsCell(r.flopsPerEpoch, r.tfjsMsPerEpoch),
      r.ratio.toFixed(3),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
