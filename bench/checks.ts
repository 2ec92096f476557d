/**
 * `npx tsx bench/checks.ts`: what early stopping costs, and whether it stops too early.
 *
 * For `presets.fastPartial` and `presets.fastWhole` (each to its 99% target) and each seed, it
 * trains twice in this one process, one run after the other: with full checks every
 * `evaluateEvery` epochs (the old way) and with trainEcho's cheap checks (a training-accuracy
 * gate and sequential checks that stop once the target is out of reach). It prints, per run,
 * the epochs, the seconds training and in checks (`TrainEchoResult.checkMs`), and
 * `evaluateEcho` on 100 fresh sequences after stopping, then a summary per preset.
 *
 *   npx tsx bench/checks.ts                      # 8 seeds, both presets, both ways
 *   npx tsx bench/checks.ts --seeds 3 --presets fastWhole --modes cheap
 *
 * The guarantee it checks: after stopping, 100 fresh sequences score at least 98.5% for every
 * seed (printed as `ok` or `LOW`). Slow (minutes): not part of `npm test`.
 */
import { parseArgs } from 'node:util';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  evaluateEcho,
  presets,
  selectBackend,
  trainEcho,
} from '../src/index';
import { useCheapChecks } from '../src/training/earlyStop';
import type * as tf from '@tensorflow/tfjs';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '8' },
    presets: { type: 'string', default: 'fastPartial,fastWhole' },
    modes: { type: 'string', default: 'full,cheap' },
    backend: { type: 'string', default: 'cpu' },
  },
  strict: true,
});

type PresetName = 'fastPartial' | 'fastWhole';
type Mode = 'full' | 'cheap';
const builders: Record<PresetName, (seed: number) => tf.LayersModel> = {
  fastPartial: (seed) => buildEncoderDecoder({ ...presets.fastPartial.model, seed }),
  fastWhole: (seed) => buildSeq2Seq({ ...presets.fastWhole.model, seed }),
};
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const isMode = (mode: string): mode is Mode => mode === 'full' || mode === 'cheap';
const isPreset = (name: string): name is PresetName => name in builders;
const rawNames = values.presets.split(',');
const rawModes = values.modes.split(',');
const badName = rawNames.find((name) => !isPreset(name));
if (badName !== undefined) {
  throw new Error(`bench/checks: --presets takes fastPartial,fastWhole, but received "${badName}"`);
}
const badMode = rawModes.find((mode) => !isMode(mode));
if (badMode !== undefined) {
  throw new Error(`bench/checks: --modes takes full,cheap, but received "${badMode}"`);
}
const names = rawNames.filter(isPreset);
const modes = rawModes.filter(isMode);

interface Row {
  preset: PresetName;
  mode: Mode;
  seed: number;
  epochs: number;
  stopReason: string;
  checks: number;
  partialChecks: number;
  trainS: number;
  checkS: number;
  fresh100: number;
}

async function main(): Promise<void> {
  await selectBackend(values.backend);
  const rows: Row[] = [];
  console.log(
    '| preset | checks | seed | epochs | stop | checks run (partial) | train s | check s | evaluateEcho 100 | |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const preset of names) {
    for (const seed of seeds) {
      for (const mode of modes) {
        useCheapChecks(mode === 'cheap');
        const model = builders[preset](seed);
        const result = await trainEcho(model, { ...presets[preset].train, seed });
        // A fresh seed, far from any the run used.
        const { accuracy } = await evaluateEcho(model, { sequences: 100, seed: 10_000 + seed });
        model.dispose();
        const row: Row = {
          preset,
          mode,
          seed,
          epochs: result.epochs,
          stopReason: result.stopReason,
          checks: result.evaluations.length,
          partialChecks: result.evaluations.filter((e) => !e.complete).length,
          trainS: (result.elapsedMs - result.checkMs) / 1000,
          checkS: result.checkMs / 1000,
          fresh100: accuracy,
        };
        rows.push(row);
        console.log(
          `| ${preset} | ${mode} | ${seed} | ${row.epochs} | ${row.stopReason} | ${row.checks} (${row.partialChecks}) | ${row.trainS.toFixed(2)} | ${row.checkS.toFixed(2)} | ${(100 * accuracy).toFixed(2)}% | ${accuracy >= 0.985 ? 'ok' : 'LOW'} |`,
        );
      }
    }
  }
  useCheapChecks(true);
  console.log('\nSummary (means over seeds; min = lowest evaluateEcho on 100 fresh sequences)\n');
  console.log(
    '| preset | checks | mean epochs | mean train s | mean check s | check share | min fresh-100 | seeds below 98.5% |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const preset of names) {
    for (const mode of modes) {
      const own = rows.filter((r) => r.preset === preset && r.mode === mode);
      const mean = (f: (r: Row) => number) => own.reduce((a, r) => a + f(r), 0) / own.length;
      const train = mean((r) => r.trainS);
      const check = mean((r) => r.checkS);
      const min = Math.min(...own.map((r) => r.fresh100));
      const low = own.filter((r) => r.fresh100 < 0.985).length;
      console.log(
        `| ${preset} | ${mode} | ${mean((r) => r.epochs).toFixed(0)} | ${train.toFixed(2)} | ${check.toFixed(2)} | ${((100 * check) / (train + check)).toFixed(0)}% | ${(100 * min).toFixed(2)}% | ${low} of ${own.length} |`,
      );
    }
  }
  console.log(
    `\nnode ${process.version}; backend ${values.backend}; one process, runs one after another.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
