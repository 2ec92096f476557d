/**
 * `npm run bench`: trains the walkthrough's recipes through seq-echo and through a naive tfjs
 * port, on each backend, one process per configuration, one after another (never two at once:
 * the machine has 2 cores and a neighbour would skew the timings), then prints one table.
 * Every speed figure is also a ratio to the naive port measured in the same invocation.
 *
 *   npm run bench                       # short: ms/epoch only, a few minutes
 *   npm run bench -- --full             # plus epochs and seconds to 99% (long: about an hour)
 *   npm run bench -- --json             # machine-readable results on stdout
 *   npm run bench -- --backends wasm --recipes A,A-fast
 *   npm run bench -- --families none    # skip the families table (bench/families.ts)
 *   npm run bench -- --peer none        # skip the PyTorch comparison (bench/peer.ts)
 *
 * After the recipes, bench/families.ts measures every other model family seq-echo builds
 * (linear, masking, reverse, one-to-one, many-to-one, attention, teacher forcing): the
 * default engine against `engine: 'tfjs'` on twin models, side by side in one process.
 * Last, bench/peer.ts trains the recipes in PyTorch too (bench/pytorch/echo.py) and prints
 * seq-echo and PyTorch side by side; without PyTorch installed it prints how to install it.
 *
 * Recipes: A and B are the walkthrough's; A-fast and B-fast are `presets.fastWhole` and
 * `presets.fastPartial` (their epochs are not the walkthrough's, so they compare to the naive
 * port by time to 99% only). In full mode their rows also time one whole `trainEcho` run
 * with the preset's own `targetAccuracy`, and how much of it went into the fresh-sequence
 * checks (`TrainEchoResult.checkMs`); bench/checks.ts compares those checks with full ones.
 */
import { spawnSync } from 'node:child_process';
import { choiceFlag, parseFlags, UsageError } from '../src/cli/flags';
import { gflopsCell, RECIPES, type RecipeName } from './recipes';
import type { Config, Result } from './worker';
import type { Impl } from './recipes';

const USAGE =
  'Usage: npm run bench -- [--full] [--json] [--backends cpu,wasm] [--recipes A,B,A-fast,B-fast] [--families all|none|name,name] [--peer all|none]';

/** The flags, read as the `seq-echo` command reads its own; bad ones exit with code 2. */
function readFlags() {
  try {
    const { values } = parseFlags(process.argv.slice(2), {
      full: { type: 'boolean' },
      json: { type: 'boolean' },
      backends: { type: 'string' },
      recipes: { type: 'string' },
      families: { type: 'string' },
      peer: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    const recipes = (values.recipes ?? 'A,B,A-fast,B-fast').split(',');
    const names = Object.keys(RECIPES) as RecipeName[];
    return {
      help: values.help === true,
      full: values.full === true,
      json: values.json === true,
      backends: (values.backends ?? 'cpu,wasm').split(','),
      recipes: recipes.map((r) => choiceFlag('--recipes', r, names)),
      families: values.families ?? 'all',
      peer: choiceFlag('--peer', values.peer ?? 'all', ['all', 'none'] as const),
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = readFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const mode = values.full ? 'full' : 'short';
const { backends, recipes } = values;

const configs: Config[] = [];
for (const backend of backends) {
  for (const recipe of recipes) {
    const impls = RECIPES[recipe].walkthrough
      ? (['naive', 'tfjs', 'fused-js', 'fused'] as const)
      : (['fused'] as const);
    for (const impl of impls) configs.push({ kind: 'train', recipe, impl, backend, mode });
  }
  configs.push({ kind: 'inference', backend, mode });
}

const log = (line: string) => {
  if (!values.json) console.error(line);
};
/**
 * Runs a section script (bench/families.ts, bench/peer.ts) in its own process, after the
 * recipes and never beside them; returns its table (text) or, with `json`, its parsed output
 * (`{ skipped }` when it printed a note instead, as peer.ts does without PyTorch).
 */
function runSection(script: string, extra: string[], json: boolean): unknown {
  const args = ['--import', 'tsx', script, ...extra];
  if (json) args.push('--json');
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', json ? 'pipe' : 'inherit'],
  });
  if (child.status !== 0) {
    console.error(`bench: ${script} failed${json ? `\n${child.stderr}` : ''}`);
    process.exit(1);
  }
  if (!json) return child.stdout;
  try {
    return JSON.parse(child.stdout) as unknown;
  } catch {
    return { skipped: child.stdout.trim() };
  }
}

/** Every model family, default engine against model.fit (bench/families.ts). */
function runFamilies(json: boolean): unknown {
  if (values.families === 'none') return undefined;
  const extra = ['--runs', values.full ? '5' : '3'];
  if (values.families !== 'all') extra.push('--only', values.families);
  return runSection('bench/families.ts', extra, json);
}

/** seq-echo against PyTorch (bench/peer.ts), after everything else. */
function runPeer(json: boolean): unknown {
  return values.peer === 'none' ? undefined : runSection('bench/peer.ts', [], json);
}

const results: Result[] = [];
for (const config of configs) {
  log(`bench: ${JSON.stringify(config)}`);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/worker.ts', JSON.stringify(config)],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (child.status !== 0 || line === undefined) {
    console.error(`bench: configuration failed: ${JSON.stringify(config)}\n${child.stderr}`);
    process.exit(1);
  }
  results.push(JSON.parse(line.slice('BENCH '.length)) as Result);
}

if (values.json) {
  const families = runFamilies(true);
  const peer = runPeer(true);
  console.log(JSON.stringify({ mode, node: process.version, results, families, peer }, null, 2));
  process.exit(0);
}

/** The naive port's row for the same task and backend (fast presets compare to it too). */
const naiveOf = (r: Result): Result | undefined => {
  const c = r.config;
  if (c.kind !== 'train') return undefined;
  const task = c.recipe.slice(0, 1);
  return results.find(
    (o) =>
      o.config.kind === 'train' &&
      o.config.impl === 'naive' &&
      o.config.recipe === task &&
      o.config.backend === c.backend,
  );
};
const fmt = (v: number | null | undefined, digits = 1) =>
  v === undefined ? '' : v === null ? 'not reached' : v.toFixed(digits);
const ratio = (base: number | null | undefined, value: number | null | undefined) =>
  base == null || value == null ? '' : `${(base / value).toFixed(1)}x`;
const label: Record<Impl, string> = {
  naive: 'naive port (model.fit)',
  tfjs: "trainEcho, engine 'tfjs'",
  'fused-js': "trainEcho, 'fused', JS kernels",
  fused: "trainEcho, 'fused'",
};
const rows = results.map((r) => {
  const c = r.config;
  const kernels = r.kernels && r.kernels !== 'js' ? ` (${r.kernels} kernels)` : '';
  const name =
    c.kind === 'inference'
      ? 'predictEcho, 10,000 windows (A)'
      : RECIPES[c.recipe].walkthrough
        ? `${c.recipe}: ${label[c.impl]}${kernels}`
        : `${RECIPES[c.recipe].title}: trainEcho${kernels}`;
  const naive = naiveOf(r);
  const sameEpochs = c.kind === 'train' && RECIPES[c.recipe].walkthrough;
  return [
    name,
    c.backend,
    fmt(r.msPerEpoch),
    gflopsCell(r.flopsPerEpoch, r.msPerEpoch),
    sameEpochs ? ratio(naive?.msPerEpoch, r.msPerEpoch) : '',
    fmt(r.epochsTo99, 0),
    fmt(r.secondsTo99, 2),
    naive === r ? '' : ratio(naive?.secondsTo99, r.secondsTo99),
    r.stoppingSeconds === undefined
      ? ''
      : `${r.stoppingSeconds.toFixed(2)} (${fmt(r.stoppingCheckSeconds, 2)})`,
    r.windowsPerSecond === undefined ? '' : Math.round(r.windowsPerSecond).toLocaleString('en-US'),
    r.peakRssMb.toFixed(0),
  ];
});
const header = [
  'configuration',
  'backend',
  'ms/epoch (median)',
  'GFLOP/s',
  'ms/epoch vs naive',
  'epochs to 99%',
  's to 99%',
  's to 99% vs naive',
  'trainEcho to target: s (in checks)',
  'windows/s',
  'peak RSS MB',
];
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\nmode: ${mode}; node ${process.version}; one process per row, run one after another.` +
    ' GFLOP/s: the matrix products of an epoch as the fused engine runs them (src/training/fused/flops.ts), over ms/epoch.',
);
const families = runFamilies(false);
if (typeof families === 'string') console.log(families);
const peer = runPeer(false);
if (typeof peer === 'string') console.log(`\nAgainst PyTorch (bench/peer.ts):\n\n${peer}`);
