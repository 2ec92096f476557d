/**
 * `npm run bench:peer`: seq-echo against PyTorch on the same recipes, side by side.
 *
 * For each recipe, bench/worker.ts trains it through seq-echo (fused engine, `wasm` backend,
 * sigmoid gates as PyTorch's LSTM has) and then bench/pytorch/echo.py trains it in PyTorch
 * (Debian's python3-torch on OpenBLAS, one thread): one process at a time, never two at once.
 * Each reports ms/epoch (median of 3 runs after a warm-up) and, for the fast presets, epochs
 * and training seconds to 99% on 50 fresh sequences for each seed. Then one table.
 *
 * Eight seeds by default: one seed's epochs to 99% move by a tenth either way (fastPartial: 240
 * to 280 on both sides), so the median of two is mostly chance.
 *
 * Each recipe runs in rounds (3 by default), seq-echo then PyTorch in each, so that a drift
 * in this shared machine's speed reaches both; a cell is the median over rounds.
 *
 *   npm run bench:peer                          # every recipe, seeds 1 to 8, 3 rounds
 *   npm run bench:peer -- --recipes A-fast --seeds 1,2,3
 *   npm run bench:peer -- --json
 *
 * Without PyTorch (`/usr/bin/python3 -c 'import torch'` fails) it prints how to install it
 * and exits 0. Install: `apt-get install -y python3-torch libopenblas0-pthread`.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { presets } from '../src/index';
import { RECIPES, type ModelOverrides, type RecipeName } from './recipes';
import type { Config, Result, To99 } from './worker';

/** A row of the comparison: one of bench/recipes.ts's recipes, perhaps with more units. */
interface PeerRecipe {
  name: string;
  title: string;
  recipe: RecipeName;
  units?: number;
  /** Whether to time training to 99% (the fast presets only: the others take minutes). */
  to99: boolean;
  epochsPerRun?: number;
}

// Timed runs long enough that a call's fixed costs (checks, handing an epoch to the worker
// threads, Python's per-call setup) weigh as little as in a real run of hundreds of epochs.
// The walkthrough rows time runs of the walkthrough's own length (A 500 epochs, B 5000): what
// a user of the recipe waits for. Shorter runs of B measure V8 still optimizing seq-echo's
// worker threads (the first ~1,500 epochs run at 2-2.6 ms instead of ~1.5; README).
const PEER_RECIPES: PeerRecipe[] = [
  {
    name: 'A',
    title: 'A walkthrough (LSTM 20, batch 7)',
    recipe: 'A',
    to99: false,
    epochsPerRun: 500,
  },
  {
    name: 'B',
    title: 'B walkthrough (LSTM 150, batch 21)',
    recipe: 'B',
    to99: false,
    epochsPerRun: 5000,
  },
  {
    name: 'A-fast',
    title: 'A, presets.fastWhole',
    recipe: 'A-fast',
    to99: true,
    epochsPerRun: 100,
  },
  {
    name: 'B-fast',
    title: 'B, presets.fastPartial',
    recipe: 'B-fast',
    to99: true,
    epochsPerRun: 10,
  },
  {
    name: 'B-fast-600',
    title: 'B, fastPartial grown to LSTM(600)',
    recipe: 'B-fast',
    units: 600,
    to99: false,
    epochsPerRun: 2,
  },
];

const INSTALL =
  'apt-get update && apt-get install -y python3-torch libopenblas0-pthread ' +
  "(Debian's PyTorch on OpenBLAS; then check: /usr/bin/python3 -c 'import torch')";

const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: PEER_RECIPES.map((r) => r.name).join(',') },
    seeds: { type: 'string', default: '1,2,3,4,5,6,7,8' },
    rounds: { type: 'string', default: '3' },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
  allowPositionals: false,
});
if (values.help) {
  console.log(
    `Usage: npm run bench:peer -- [--recipes ${PEER_RECIPES.map((r) => r.name).join(',')}] [--seeds 1,2,3,4,5,6,7,8] [--rounds 3] [--python /usr/bin/python3] [--json]`,
  );
  process.exit(0);
}
const chosen = values.recipes.split(',').map((name) => {
  const found = PEER_RECIPES.find((r) => r.name === name);
  if (!found) {
    console.error(
      `bench:peer: --recipes takes some of ${PEER_RECIPES.map((r) => r.name).join(', ')}, but received "${name}"`,
    );
    process.exit(2);
  }
  return found;
});
const seeds = values.seeds.split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s))) {
  console.error(`bench:peer: --seeds takes integers, but received "${values.seeds}"`);
  process.exit(2);
}

/** What echo.py prints. */
interface PeerResult {
  settings: Record<string, number | string | boolean>;
  torch: string;
  threads: number;
  openblasThreads: string | null;
  openblasCore: string | null;
  openblasCoretype: string | null;
  msPerEpoch: number;
  msPerEpochRuns: number[];
  to99?: To99[];
}

const log = (line: string) => {
  if (!values.json) console.error(line);
};

/** Debian's python3-torch installs for the system Python, not for a pyenv shim's. */
const PYTHON = values.python;
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(
    `PyTorch peer skipped: ${PYTHON} cannot import torch. To compare, install it: ${INSTALL}`,
  );
  process.exit(0);
}

/** The settings seq-echo trains a recipe with, as echo.py names them, to check they match. */
function seqEchoSettings(peer: PeerRecipe): Record<string, number | string | boolean> {
  const recipe = RECIPES[peer.recipe];
  const preset = {
    A: presets.walkthroughWhole,
    B: presets.walkthroughPartial,
    'A-fast': presets.fastWhole,
    'B-fast': presets.fastPartial,
  }[peer.recipe];
  const model = preset.model as { units?: number; learningRate?: number; stateful?: boolean };
  return {
    // The factories' defaults: buildSeq2Seq (A) LSTM(20), buildEncoderDecoder (B) LSTM(150).
    units: peer.units ?? model.units ?? (peer.recipe.startsWith('A') ? 20 : 150),
    n_in: recipe.nIn,
    n_out: recipe.nOut,
    stateful: model.stateful ?? true,
    batch_size: recipe.train.batchSize ?? recipe.batchSize,
    learning_rate: model.learningRate ?? 0.001,
    sequence_length: recipe.train.sequenceLength ?? 25,
    max_epochs: recipe.maxEpochs,
    check_every: recipe.checkEvery,
    // echo.py prints its schedule as JSON with the keys in the preset's order.
    schedule: JSON.stringify(recipe.train.learningRateSchedule ?? null),
  };
}

function runSeqEcho(peer: PeerRecipe): Result {
  const model: ModelOverrides = { recurrentActivation: 'sigmoid' };
  if (peer.units !== undefined) model.units = peer.units;
  const config: Config = {
    kind: 'train',
    recipe: peer.recipe,
    impl: 'fused',
    backend: 'wasm',
    mode: 'short',
    model,
    seeds,
    to99: peer.to99,
    ...(peer.epochsPerRun === undefined ? {} : { epochsPerRun: peer.epochsPerRun }),
  };
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/worker.ts', JSON.stringify(config)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (child.status !== 0 || line === undefined) {
    console.error(`bench:peer: seq-echo failed on ${peer.name}\n${child.stderr}`);
    process.exit(1);
  }
  return JSON.parse(line.slice('BENCH '.length)) as Result;
}

function runPyTorch(peer: PeerRecipe): PeerResult {
  const args = ['bench/pytorch/echo.py', '--recipe', peer.recipe, '--runs', '3', '--threads', '1'];
  if (peer.units !== undefined) args.push('--units', String(peer.units));
  if (peer.epochsPerRun !== undefined) args.push('--epochs-per-run', String(peer.epochsPerRun));
  if (peer.to99) args.push('--to99', '--seeds', seeds.join(','));
  const child = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // One thread is its fastest setting on 2 cores; OPENBLAS_CORETYPE stays as the machine has it.
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  if (child.status !== 0) {
    console.error(`bench:peer: PyTorch failed on ${peer.name}\n${child.stderr}`);
    process.exit(1);
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as PeerResult;
  const expected = seqEchoSettings(peer);
  for (const [key, value] of Object.entries(expected)) {
    if (result.settings[key] !== value) {
      console.error(
        `bench:peer: ${peer.name}: echo.py trains with ${key} ${String(result.settings[key])}, seq-echo with ${String(value)}`,
      );
      process.exit(1);
    }
  }
  return result;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The median over seeds of a time-to-99% figure, or null when a seed did not reach 99%. */
function medianTo99(runs: To99[] | undefined, key: 'epochsTo99' | 'secondsTo99'): number | null {
  const figures = (runs ?? []).map((r) => r[key]);
  if (figures.length === 0 || figures.some((f) => f === null)) return null;
  return median(figures as number[]);
}

const rows: string[][] = [];
const raw: { recipe: string; round: number; seqEcho: Result; pytorch: PeerResult }[] = [];
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`bench:peer: --rounds takes a positive integer, but received "${values.rounds}"`);
  process.exit(2);
}
const ms = (v: number) => v.toFixed(v < 10 ? 2 : 1);
/** A cell: the median over rounds, each round's figure in brackets when there are several. */
const cell = (figures: (number | null)[], show: (v: number) => string): string => {
  if (figures.some((f) => f === null)) return 'not reached';
  const numbers = figures as number[];
  const each = numbers.length > 1 ? ` (${numbers.map(show).join(', ')})` : '';
  return `${show(median(numbers))}${each}`;
};
const ratios = (a: (number | null)[], b: (number | null)[]): string => {
  const paired = a.map((x, i) => (x === null || b[i] == null ? null : x / b[i]));
  return cell(paired, (v) => v.toFixed(2));
};
for (const peer of chosen) {
  // Rounds alternate the two systems, so a drift in the machine's speed reaches both.
  const results: { seqEcho: Result; pytorch: PeerResult }[] = [];
  for (let round = 1; round <= rounds; round++) {
    log(`bench:peer: ${peer.name}: round ${round} of ${rounds}: seq-echo`);
    const seqEcho = runSeqEcho(peer);
    log(`bench:peer: ${peer.name}: round ${round} of ${rounds}: PyTorch`);
    const pytorch = runPyTorch(peer);
    results.push({ seqEcho, pytorch });
    raw.push({ recipe: peer.name, round, seqEcho, pytorch });
  }
  const a = results.map((r) => r.seqEcho.msPerEpoch!);
  const b = results.map((r) => r.pytorch.msPerEpoch);
  rows.push([peer.title, 'ms/epoch', cell(a, ms), cell(b, ms), ratios(a, b)]);
  if (!peer.to99) continue;
  for (const [key, label, show] of [
    ['epochsTo99', 'epochs to 99%', (v: number) => String(v)],
    ['secondsTo99', 's to 99%', (v: number) => v.toFixed(2)],
  ] as const) {
    const mine = results.map((r) => medianTo99(r.seqEcho.to99, key));
    const theirs = results.map((r) => medianTo99(r.pytorch.to99, key));
    // Seeded runs take the same epochs every round: one figure.
    const once = key === 'epochsTo99';
    rows.push([
      peer.title,
      `${label}, median of seeds ${seeds.join(', ')}`,
      cell(once ? mine.slice(0, 1) : mine, show),
      cell(once ? theirs.slice(0, 1) : theirs, show),
      ratios(once ? mine.slice(0, 1) : mine, once ? theirs.slice(0, 1) : theirs),
    ]);
  }
}

if (values.json) {
  console.log(JSON.stringify({ seeds, results: raw }, null, 2));
  process.exit(0);
}
const first = raw[0]?.pytorch;
const header = ['recipe', 'measure', 'seq-echo', 'PyTorch + OpenBLAS', 'ratio'];
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\nratio: seq-echo over PyTorch (below 1: seq-echo is faster or needs fewer epochs). ` +
    `seq-echo: trainEcho's fused engine, wasm backend, sigmoid gates (recurrentActivation: 'sigmoid'), node ${process.version}. ` +
    `PyTorch ${first?.torch ?? '?'}: ${first?.threads ?? '?'} thread, OPENBLAS_NUM_THREADS=${first?.openblasThreads ?? '?'}, ` +
    `OpenBLAS core ${first?.openblasCore ?? 'none'} (OPENBLAS_CORETYPE=${first?.openblasCoretype ?? 'unset'}). ` +
    'ms/epoch: median of 3 runs after a warm-up; to 99%: 50 fresh sequences, training time only. ' +
    `One process at a time, seq-echo then PyTorch, ${rounds} round(s) per recipe; ` +
    "each cell is the median over rounds (each round in brackets), the ratio the median of the rounds' ratios.",
);
