/**
 * `npm run bench`: trains the walkthrough's recipes through seq-echo and through a naive tfjs
 * port, on each backend, one process per configuration, one after another (never two at once:
 * the machine has 2 cores and a neighbour would skew the timings), then prints one table.
 * Every speed figure is also a ratio to the naive port measured in the same invocation.
 *
 *   npm run bench                       # short: ms/epoch only, about a minute
 *   npm run bench -- --full             # plus epochs and seconds to 99% (long: tens of minutes)
 *   npm run bench -- --json             # machine-readable results on stdout
 *   npm run bench -- --backends wasm --recipes A
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Config, Result } from './worker';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    backends: { type: 'string', default: 'cpu,wasm' },
    recipes: { type: 'string', default: 'A,B' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
  allowPositionals: false,
});
if (values.help) {
  console.log('Usage: npm run bench -- [--full] [--json] [--backends cpu,wasm] [--recipes A,B]');
  process.exit(0);
}
const mode = values.full ? 'full' : 'short';
const backends = values.backends.split(',');
const recipes = values.recipes.split(',');
const badRecipe = recipes.find((r) => r !== 'A' && r !== 'B');
if (badRecipe !== undefined) {
  console.error(`bench: --recipes takes A and/or B, but received "${badRecipe}"`);
  process.exit(2);
}

const configs: Config[] = [];
for (const backend of backends) {
  for (const recipe of recipes) {
    for (const impl of ['naive', 'tfjs', 'fused'] as const) {
      configs.push({ kind: 'train', recipe: recipe as 'A' | 'B', impl, backend, mode });
    }
  }
  configs.push({ kind: 'inference', backend, mode });
}

const log = (line: string) => {
  if (!values.json) console.error(line);
};
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
  console.log(JSON.stringify({ mode, node: process.version, results }, null, 2));
  process.exit(0);
}

const naiveMs = (r: Result): number | undefined => {
  const c = r.config;
  if (c.kind !== 'train') return undefined;
  return results.find(
    (o) =>
      o.config.kind === 'train' &&
      o.config.impl === 'naive' &&
      o.config.recipe === c.recipe &&
      o.config.backend === c.backend,
  )?.msPerEpoch;
};
const fmt = (v: number | null | undefined, digits = 1) =>
  v === undefined ? '' : v === null ? 'not reached' : v.toFixed(digits);
const rows = results.map((r) => {
  const c = r.config;
  const label = {
    naive: 'naive port (model.fit)',
    tfjs: "trainEcho, engine 'tfjs'",
    fused: "trainEcho, engine 'fused'",
  };
  const name =
    c.kind === 'train' ? `${c.recipe}: ${label[c.impl]}` : 'predictEcho, 10,000 windows (A)';
  const base = naiveMs(r);
  const ratio =
    base !== undefined && r.msPerEpoch !== undefined ? `${(base / r.msPerEpoch).toFixed(2)}x` : '';
  return [
    name,
    c.backend,
    fmt(r.msPerEpoch),
    ratio,
    fmt(r.epochsTo99, 0),
    fmt(r.secondsTo99),
    r.windowsPerSecond === undefined ? '' : Math.round(r.windowsPerSecond).toLocaleString('en-US'),
    r.peakRssMb.toFixed(0),
  ];
});
const header = [
  'configuration',
  'backend',
  'ms/epoch (median)',
  'speed vs naive',
  'epochs to 99%',
  's to 99%',
  'windows/s',
  'peak RSS MB',
];
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\nmode: ${mode}; node ${process.version}; one process per row, run one after another.`,
);
