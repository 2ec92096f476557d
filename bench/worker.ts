/**
 * Runs one benchmark configuration in its own process and prints one JSON line. Started by
 * bench/run.ts; run it by hand with a JSON argument to debug one row, e.g.
 *   npx tsx bench/worker.ts '{"kind":"train","recipe":"A","impl":"trainEcho","backend":"cpu","mode":"short"}'
 */
import {
  evaluateEcho,
  generateSequence,
  predictEcho,
  selectBackend,
  trainEcho,
} from '../src/index';
import type { KernelKind } from '../src/training/fused/kernels';
import {
  autoKernels,
  countFlops,
  RECIPES,
  train,
  type Impl,
  type ModelOverrides,
  type Recipe,
  type RecipeName,
} from './recipes';

/** One row of the benchmark table. */
export type Config =
  | {
      kind: 'train';
      recipe: RecipeName;
      impl: Impl;
      backend: string;
      mode: 'short' | 'full';
      /** Changes to the recipe's model (bench/peer.ts: sigmoid gates, more units). */
      model?: ModelOverrides;
      /** Epochs per timed run, instead of the recipe's. */
      epochsPerRun?: number;
      /** Seeds of the time-to-99% runs, instead of the one seed 7 (bench/peer.ts). */
      seeds?: number[];
      /** Whether to time training to 99%, instead of deciding from the mode and impl. */
      to99?: boolean;
    }
  | { kind: 'inference'; backend: string; mode: 'short' | 'full' };

/** One time-to-99% run. */
export interface To99 {
  seed: number;
  epochsTo99: number | null;
  secondsTo99: number | null;
  bestAccuracy: number;
}

/** What a worker reports. */
export interface Result {
  config: Config;
  msPerEpoch?: number;
  msPerEpochRuns?: number[];
  /** Matrix-product operations of one epoch, as the fused engine counts them (every impl). */
  flopsPerEpoch?: number;
  /** The kernels the fused engine ran on ('fused' and 'fused-js' rows). */
  kernels?: KernelKind;
  epochsTo99?: number | null;
  secondsTo99?: number | null;
  bestAccuracy?: number;
  /** Every seed's run, when the config named seeds. */
  to99?: To99[];
  /** A whole trainEcho run with the preset's own targetAccuracy: seconds, and of them in checks. */
  stoppingSeconds?: number;
  stoppingCheckSeconds?: number;
  windowsPerSecond?: number;
  peakRssMb: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function benchTrain(
  config: Extract<Config, { kind: 'train' }>,
): Promise<Omit<Result, 'peakRssMb'>> {
  const recipe = RECIPES[config.recipe];
  const full = config.mode === 'full';
  // ms per epoch: median over several runs of a fixed number of epochs, after a warm-up.
  const runs = full ? 5 : 3;
  const epochsPerRun = config.epochsPerRun ?? recipe.epochsPerRun * (full ? 2 : 1);
  const model = recipe.build(1, config.model);
  await train(config.impl, model, recipe, 2, 1000);
  const msPerEpochRuns: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await train(config.impl, model, recipe, epochsPerRun, 2000 + r * epochsPerRun);
    msPerEpochRuns.push((performance.now() - started) / epochsPerRun);
  }
  model.dispose();
  const result: Omit<Result, 'peakRssMb'> = {
    config,
    msPerEpoch: median(msPerEpochRuns),
    msPerEpochRuns,
    flopsPerEpoch: await flopsPerEpoch(recipe, config.model),
  };
  if (config.impl === 'fused') result.kernels = autoKernels();
  if (config.impl === 'fused-js') result.kernels = 'js';
  // The 'tfjs' engine and the JavaScript kernels compute what 'fused' does (tested to 1e-5),
  // so only their speed is measured.
  const to99 = config.to99 ?? (full && config.impl !== 'tfjs' && config.impl !== 'fused-js');
  if (!to99) return result;
  const seeds = config.seeds ?? [7];
  const all = [];
  for (const seed of seeds) all.push(await timeTo99(config, seed));
  result.epochsTo99 = all[0]!.epochsTo99;
  result.secondsTo99 = all[0]!.secondsTo99;
  result.bestAccuracy = all[0]!.bestAccuracy;
  if (config.seeds) result.to99 = all;
  // The preset as a user runs it: trainEcho stopping on its own checks, timed apart.
  if (recipe.stopping !== undefined) {
    const model = recipe.build(7, config.model);
    const run = await trainEcho(model, { ...recipe.stopping, seed: 10_000 });
    result.stoppingSeconds = run.elapsedMs / 1000;
    result.stoppingCheckSeconds = run.checkMs / 1000;
    model.dispose();
  }
  return result;
}

/**
 * The matrix-product operations of one epoch of the recipe, counted on the fused engine after
 * the timing (two epochs of a twin, halved) whatever implementation was timed: every row of a
 * recipe then divides the same work, as its ms/epoch ratios do. The tfjs engine does more
 * (the one-hot input products the fused engine looks up), uncounted.
 */
async function flopsPerEpoch(recipe: Recipe, overrides: ModelOverrides | undefined) {
  const twin = recipe.build(1, overrides);
  const flops = await countFlops(() => train('fused', twin, recipe, 2, 1000));
  twin.dispose();
  return flops / 2;
}

/**
 * Epochs and training seconds until 99% accuracy on 50 fresh (seeded) sequences, checked
 * every `checkEvery` epochs, within the recipe's epoch limit and a time budget. Seed 7 trains
 * on the data the bench always used; other seeds on their own.
 */
async function timeTo99(config: Extract<Config, { kind: 'train' }>, seed: number): Promise<To99> {
  const recipe = RECIPES[config.recipe];
  const fresh = recipe.build(seed, config.model);
  const dataSeed = 10_000 + (seed - 7) * 1_000_000;
  const step = recipe.checkEvery;
  const budgetMs = 30 * 60 * 1000;
  let trainedMs = 0;
  let epochs = 0;
  let best = 0;
  let reached: To99 | undefined;
  while (epochs < recipe.maxEpochs && trainedMs < budgetMs) {
    const started = performance.now();
    await train(config.impl, fresh, recipe, step, dataSeed + epochs);
    trainedMs += performance.now() - started;
    epochs += step;
    const { accuracy } = await evaluateEcho(fresh, { sequences: 50, seed: 99 });
    best = Math.max(best, accuracy);
    if (accuracy >= 0.99) {
      reached = { seed, epochsTo99: epochs, secondsTo99: trainedMs / 1000, bestAccuracy: best };
      break;
    }
  }
  fresh.dispose();
  return reached ?? { seed, epochsTo99: null, secondsTo99: null, bestAccuracy: best };
}

function benchInference(config: Extract<Config, { kind: 'inference' }>): Omit<Result, 'peakRssMb'> {
  const model = RECIPES.A.build(1);
  const windows = 10_000;
  const sequence = generateSequence(windows + 4, { seed: 5 });
  predictEcho(model, sequence.slice(0, 100)); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < (config.mode === 'full' ? 5 : 3); r++) {
    const started = performance.now();
    const rows = predictEcho(model, sequence);
    rates.push(rows.length / ((performance.now() - started) / 1000));
  }
  model.dispose();
  return { config, windowsPerSecond: median(rates) };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as Config;
  await selectBackend(config.backend);
  const result = config.kind === 'train' ? await benchTrain(config) : benchInference(config);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`BENCH ${JSON.stringify({ ...result, peakRssMb })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
