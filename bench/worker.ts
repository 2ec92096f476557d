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
import { RECIPES, train, type Impl, type RecipeName } from './recipes';

/** One row of the benchmark table. */
export type Config =
  | { kind: 'train'; recipe: RecipeName; impl: Impl; backend: string; mode: 'short' | 'full' }
  | { kind: 'inference'; backend: string; mode: 'short' | 'full' };

/** What a worker reports. */
export interface Result {
  config: Config;
  msPerEpoch?: number;
  msPerEpochRuns?: number[];
  epochsTo99?: number | null;
  secondsTo99?: number | null;
  bestAccuracy?: number;
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
  const epochsPerRun = recipe.epochsPerRun * (full ? 2 : 1);
  const model = recipe.build(1);
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
  };
  // The 'tfjs' engine and the JavaScript kernels compute what 'fused' does (tested to 1e-5),
  // so only their speed is measured.
  if (!full || config.impl === 'tfjs' || config.impl === 'fused-js') return result;

  // Epochs and training seconds until 99% accuracy on 50 fresh (seeded) sequences, checked
  // every `step` epochs, within the recipe's epoch limit and a time budget.
  const fresh = recipe.build(7);
  const step = recipe.checkEvery;
  const budgetMs = 30 * 60 * 1000;
  let trainedMs = 0;
  let epochs = 0;
  let best = 0;
  result.epochsTo99 = null;
  result.secondsTo99 = null;
  while (epochs < recipe.maxEpochs && trainedMs < budgetMs) {
    const started = performance.now();
    await train(config.impl, fresh, recipe, step, 10_000 + epochs);
    trainedMs += performance.now() - started;
    epochs += step;
    const { accuracy } = await evaluateEcho(fresh, { sequences: 50, seed: 99 });
    best = Math.max(best, accuracy);
    if (accuracy >= 0.99) {
      result.epochsTo99 = epochs;
      result.secondsTo99 = trainedMs / 1000;
      break;
    }
  }
  result.bestAccuracy = best;
  fresh.dispose();

  // The preset as a user runs it: trainEcho stopping on its own checks, timed apart.
  if (recipe.stopping !== undefined) {
    const model = recipe.build(7);
    const run = await trainEcho(model, { ...recipe.stopping, seed: 10_000 });
    result.stoppingSeconds = run.elapsedMs / 1000;
    result.stoppingCheckSeconds = run.checkMs / 1000;
    model.dispose();
  }
  return result;
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
