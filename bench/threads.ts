/**
 * The fused engine on one thread against two (the `threads` option), on the walkthrough's
 * recipes: A (stateful, batch 7), B (stateful, one batch of 21), fastPartial (stateless,
 * batches of 32) and fastPartial grown to LSTM(600). Twin models (same seed) train side by
 * side in one process, the thread counts alternating; prints the median ms per epoch of
 * `--runs` runs each, and their ratio. Run it on an otherwise idle machine: the second thread
 * competes with every other process for the cores.
 *
 *   npx tsx bench/threads.ts [--runs 5] [--threads 1,2] [--only A,B,fastPartial,fastPartial600]
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  disposeEchoModel,
  presets,
  trainEcho,
  type TrainEchoOptions,
} from '../src/index';

interface Case {
  name: string;
  epochs: number;
  build: () => tf.LayersModel;
  train: TrainEchoOptions;
}

const timed = (train: TrainEchoOptions, epochs: number): TrainEchoOptions => ({
  ...train,
  targetAccuracy: undefined,
  epochs,
  seed: 2,
});

const CASES: Case[] = [
  {
    name: 'A',
    epochs: 40,
    build: () => buildSeq2Seq({ ...presets.walkthroughWhole.model, seed: 1 }),
    train: presets.walkthroughWhole.train,
  },
  {
    name: 'B',
    epochs: 80,
    build: () => buildEncoderDecoder({ ...presets.walkthroughPartial.model, seed: 1 }),
    train: presets.walkthroughPartial.train,
  },
  {
    name: 'fastPartial',
    epochs: 30,
    build: () => buildEncoderDecoder({ ...presets.fastPartial.model, seed: 1 }),
    train: presets.fastPartial.train,
  },
  {
    name: 'fastPartial600',
    epochs: 4,
    build: () => buildEncoderDecoder({ ...presets.fastPartial.model, units: 600, seed: 1 }),
    train: presets.fastPartial.train,
  },
];

/** A plain busy loop's ms. */
const BUSY =
  '(() => { let x = 0; const t = performance.now(); for (let i = 0; i < 1e8; i++) x = (x * 1.0000001 + 1) % 1e9; return performance.now() - t + x * 0; })()';

/**
 * How fast two busy threads run compared with one (1.00 on two free cores): the ceiling on
 * what a second thread can give on this machine at this moment.
 */
async function pairSpeed(): Promise<string> {
  const alone = eval(BUSY) as number;
  const worker = new Worker(`require('node:worker_threads').parentPort.postMessage(${BUSY})`, {
    eval: true,
  });
  const theirs = new Promise<number>((resolve) => worker.once('message', resolve));
  const mine = eval(BUSY) as number;
  await theirs;
  await worker.terminate();
  return (alone / mine).toFixed(2);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Median ms/epoch per thread count, the counts alternating run by run on twin models. */
async function measure(c: Case, threadCounts: number[], runs: number): Promise<number[]> {
  const models = threadCounts.map(() => c.build());
  const times: number[][] = threadCounts.map(() => []);
  try {
    // A warm-up epoch each: workers started, kernels compiled, memory grown.
    for (const [i, model] of models.entries()) {
      await trainEcho(model, { ...timed(c.train, 1), threads: threadCounts[i]! });
    }
    for (let run = 0; run < runs; run++) {
      for (const [i, model] of models.entries()) {
        const threads = threadCounts[i]!;
        const result = await trainEcho(model, { ...timed(c.train, c.epochs), threads });
        if (result.threads !== threads) throw new Error(`${c.name}: ran on ${result.threads}`);
        times[i]!.push(result.elapsedMs / c.epochs);
      }
    }
  } finally {
    models.forEach((model) => {
      disposeEchoModel(model);
    });
  }
  return times.map(median);
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1,2' },
    only: { type: 'string' },
  },
});
const threadCounts = values.threads.split(',').map(Number);
console.log(`cores: two busy threads each run at ${await pairSpeed()} of one alone`);
const only = values.only?.split(',');
console.log(
  `| recipe | ${threadCounts.map((t) => `${t} thread(s) ms/epoch`).join(' | ')} | ratio |`,
);
console.log(`|---|${threadCounts.map(() => '---:').join('|')}|---:|`);
for (const c of CASES.filter((c) => !only || only.includes(c.name))) {
  const ms = await measure(c, threadCounts, Number(values.runs));
  const ratio = (ms.at(-1)! / ms[0]!).toFixed(2);
  console.log(`| ${c.name} | ${ms.map((m) => m.toFixed(2)).join(' | ')} | ${ratio} |`);
}
