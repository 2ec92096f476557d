/**
 * `npm run bench:memory`: trains model B (the walkthrough's settings) through `trainEcho` and
 * records the process's RSS and tfjs's tensor count along the way, to show that neither grows
 * with the number of epochs. Prints a table (and `--json`).
 *
 *   npm run bench:memory                       # 5000 epochs, samples every 500
 *   npm run bench:memory -- --epochs 1000 --every 100 --engine tfjs
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { buildEncoderDecoder, trainEcho } from '../src/index';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5000' },
    every: { type: 'string', default: '500' },
    engine: { type: 'string', default: 'auto' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
  allowPositionals: false,
});
const epochs = Number(values.epochs);
const every = Number(values.every);
const engine = values.engine;
if (!Number.isInteger(epochs) || !Number.isInteger(every) || every < 1 || epochs < every) {
  console.error('bench:memory: --epochs and --every must be whole numbers with epochs >= every');
  process.exit(2);
}
if (engine !== 'auto' && engine !== 'fused' && engine !== 'tfjs') {
  console.error(`bench:memory: --engine must be auto, fused or tfjs, but received "${engine}"`);
  process.exit(2);
}

interface Sample {
  epoch: number;
  rssMb: number;
  heapUsedMb: number;
  numTensors: number;
}

async function main(): Promise<void> {
  await tf.ready();
  const model = buildEncoderDecoder({ seed: 1 });
  const samples: Sample[] = [];
  const sample = (epoch: number) => {
    if (global.gc) global.gc();
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({
      epoch,
      rssMb: rss / 2 ** 20,
      heapUsedMb: heapUsed / 2 ** 20,
      numTensors: tf.memory().numTensors,
    });
  };
  sample(0);
  await trainEcho(model, {
    epochs,
    seed: 2,
    engine: engine as 'auto' | 'fused' | 'tfjs',
    onEpochEnd: ({ epoch }) => {
      if (epoch % every === 0) sample(epoch);
    },
  });
  model.dispose();
  if (values.json) {
    console.log(JSON.stringify({ epochs, engine, backend: tf.getBackend(), samples }, null, 2));
    return;
  }
  console.log('| epoch | RSS MB | heap used MB | tf numTensors |');
  console.log('| --- | --- | --- | --- |');
  for (const s of samples) {
    console.log(
      `| ${s.epoch} | ${s.rssMb.toFixed(1)} | ${s.heapUsedMb.toFixed(1)} | ${s.numTensors} |`,
    );
  }
  const first = samples.find((s) => s.epoch === every);
  const last = samples[samples.length - 1]!;
  if (first) {
    const growth = ((last.rssMb - first.rssMb) / first.rssMb) * 100;
    console.log(
      `\nRSS epoch ${first.epoch} -> ${last.epoch}: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%; ` +
        `tensors ${first.numTensors} -> ${last.numTensors} (engine ${engine}, backend ${tf.getBackend()})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
