#!/usr/bin/env node
// Consumer smoke test: packs seq-echo exactly as it would be published, installs the tarball
// into a fresh project next to the repo's own @tensorflow/tfjs version, then uses it the way a
// consumer would: `import` (ESM), `require` (CJS), and TypeScript in both resolution modes
// (`--module nodenext`, .mts and .cts). Node built-ins only.
//
//   node scripts/consumer-smoke.mjs          # or: npm run smoke
//   KEEP_SMOKE=1 node scripts/consumer-smoke.mjs   # keep the temp dirs for inspection
//
// Exits non-zero if any step fails.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const keep = process.env.KEEP_SMOKE === '1';
const isWindows = process.platform === 'win32';
const npmCommand = isWindows ? 'npm.cmd' : 'npm';
const STEP_TIMEOUT_MS = 5 * 60 * 1000;

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const ownPackage = readJson(path.join(repoRoot, 'package.json'));
const tfjsVersion = readJson(
  path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs', 'package.json'),
).version;
// What node_modules/.bin/tsc points to; run through `node` so it works on every platform.
const tscBin = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Runs a command; resolves with its exit code and, when `capture`, its output (otherwise the
 * output streams through). Never rejects for a non-zero exit: the caller decides.
 */
function run(command, args, { cwd, capture = false } = {}) {
  console.log(`$ ${[command, ...args].join(' ')}    (in ${cwd})`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      shell: isWindows && command === npmCommand,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
      timeout: STEP_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    if (capture) {
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code: code ?? 1, signal, stdout, stderr });
    });
  });
}

async function runOrThrow(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    // Captured output is shown only when it explains a failure.
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
    throw new Error(`${path.basename(command)} ${args[0] ?? ''} failed (${how})`);
  }
  return result;
}

const results = [];
async function step(name, fn) {
  console.log(`\n=== ${name} ===`);
  const start = performance.now();
  try {
    await fn();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    results.push({ name, ok: true, seconds });
    console.log(`--- ok: ${name} (${seconds}s)`);
  } catch (error) {
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    results.push({ name, ok: false, seconds });
    console.error(`--- FAILED: ${name} (${seconds}s)`);
    console.error(error instanceof Error ? error.message : error);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Consumer files
// ---------------------------------------------------------------------------------------------

/**
 * The ESM and CJS consumer programs, written once: they differ only in how they load
 * `node:assert`, tfjs and seq-echo (and so where seq-echo must resolve to); every check after
 * that is shared. `kind` is 'esm' (run as smoke.mjs) or 'cjs' (run as smoke.cjs).
 */
function smokeProgram(kind) {
  const esm = kind === 'esm';
  const header = esm
    ? `import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';`
    : `'use strict';
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs');`;
  // `import` must pick the "import" condition (dist/index.js), `require` the "require" one
  // (dist/index.cjs). Older Node releases lack import.meta.resolve: that check is skipped there.
  const load = esm
    ? String.raw`const resolved = import.meta.resolve?.('seq-echo');
  if (resolved !== undefined) assert.match(resolved, /\/dist\/index\.js$/, 'import resolves to dist/index.js');
  const seqEcho = await import('seq-echo');`
    : String.raw`assert.match(require.resolve('seq-echo'), /[\\/]dist[\\/]index\.cjs$/, 'require resolves to dist/index.cjs');
  const seqEcho = require('seq-echo');`;
  const loading = esm ? 'importing' : 'requiring';

  return `${header}

async function main() {
  await tf.ready();
  const backendBefore = tf.getBackend();
  const flagsBefore = JSON.stringify(tf.env().getFlags());

  ${load}
  const { generateSequence, oneHotEncode, oneHotDecode, buildSeq2Seq, trainEcho, predictEcho } =
    seqEcho;
  assert.equal(tf.getBackend(), backendBefore, '${loading} seq-echo changed the tfjs backend');
  assert.equal(JSON.stringify(tf.env().getFlags()), flagsBefore, '${loading} seq-echo changed tfjs flags');

  const sequence = generateSequence(25, { seed: 7 });
  assert.equal(sequence.length, 25);
  assert.ok(sequence.every((v) => Number.isInteger(v) && v >= 0 && v < 100), 'values in [0, 100)');
  assert.deepEqual(generateSequence(25, { seed: 7 }), sequence, 'seeded sequences repeat');
  const encoded = oneHotEncode(sequence, 100);
  assert.equal(encoded.length, 25);
  assert.equal(encoded[0].length, 100);
  assert.deepEqual(oneHotDecode(encoded), sequence, 'one-hot round trip');

  const model = buildSeq2Seq({ seed: 1 });
  assert.ok(model instanceof tf.LayersModel, 'model is a LayersModel of the consumer tfjs');
  try {
    const result = await trainEcho(model, { epochs: 1, seed: 2 });
    assert.equal(result.epochs, 1);
    const loss = result.history.loss[0];
    assert.equal(typeof loss, 'number');
    assert.ok(Number.isFinite(loss), 'loss is finite, got ' + loss);

    const rows = predictEcho(model, generateSequence(25, { seed: 3 }));
    assert.equal(rows.length, 21);
    for (const row of rows) {
      assert.equal(row.input.length, 5);
      assert.equal(row.predicted.length, 5);
      assert.ok(row.predicted.every((v) => Number.isInteger(v) && v >= 0 && v < 100));
    }
    // The fused engine's worker threads start from dist/fusedWorker.* inside the package.
    const threaded = await trainEcho(model, { epochs: 1, seed: 2, threads: 2 });
    assert.equal(threaded.threads, 2, 'trained on 2 threads');
    console.log('smoke ${kind} ok (backend ' + tf.getBackend() + ', loss ' + loss.toFixed(4) + ', 2 threads)');
  } finally {
    model.dispose();
  }
}

main().catch((error) => {
  console.error('smoke ${kind} FAILED');
  console.error(error);
  process.exit(1);
});
`;
}

const smokeEsm = smokeProgram('esm');
const smokeCjs = smokeProgram('cjs');

// The same source works as .mts (resolved with the "import" condition -> index.d.ts) and as
// .cts (the "require" condition -> index.d.cts). The @ts-expect-error lines prove the types are
// real, not `any`: each fails the build if the declaration were missing or too loose.
const smokeTypes = `import type * as tf from '@tensorflow/tfjs';
import {
  buildSeq2Seq,
  generateSequence,
  oneHotDecode,
  oneHotEncode,
  predictEcho,
  trainEcho,
  type EchoPrediction,
  type Seq2SeqOptions,
  type TrainEchoOptions,
  type TrainEchoResult,
} from 'seq-echo';

const modelOptions: Seq2SeqOptions = { seed: 1, units: 20 };
const model: tf.LayersModel = buildSeq2Seq(modelOptions);
const options: TrainEchoOptions = { epochs: 1, seed: 2 };
const training: Promise<TrainEchoResult> = trainEcho(model, options);
const sequence: number[] = generateSequence(25, { seed: 3 });
const decoded: number[] = oneHotDecode(oneHotEncode(sequence));
const rows: EchoPrediction[] = predictEcho(model, sequence);
const firstPredicted: number[] | undefined = rows[0]?.predicted;
const reason: 'epochs' | 'targetAccuracy' | 'aborted' = ({} as TrainEchoResult).stopReason;

// @ts-expect-error epochs is required
const missingEpochs: TrainEchoOptions = { seed: 2 };
// @ts-expect-error epochs is a number
const wrongEpochs: TrainEchoOptions = { epochs: '1' };
// @ts-expect-error buildSeq2Seq takes an options object
buildSeq2Seq(5);

export { decoded, firstPredicted, missingEpochs, reason, training, wrongEpochs };
`;

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

const started = performance.now();
const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'seq-echo-smoke-'));
const packDir = path.join(tmpRoot, 'pack');
const consumerDir = path.join(tmpRoot, 'consumer');
mkdirSync(packDir);
mkdirSync(consumerDir);

console.log(`seq-echo consumer smoke: ${ownPackage.name}@${ownPackage.version}`);
console.log(`node ${process.version}, @tensorflow/tfjs ${tfjsVersion}, temp dir ${tmpRoot}`);

let failed = false;
let tarball = '';
try {
  await step('1/6 npm pack (runs prepack: build)', async () => {
    await runOrThrow(npmCommand, ['pack', '--pack-destination', packDir], { cwd: repoRoot });
    const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    if (tarballs.length !== 1) {
      throw new Error(
        `expected one tarball in ${packDir}, found: ${tarballs.join(', ') || 'none'}`,
      );
    }
    tarball = path.join(packDir, tarballs[0]);
    console.log(`tarball: ${tarball}`);
  });

  await step('2/6 install tarball + @tensorflow/tfjs into a fresh project', async () => {
    writeFileSync(
      path.join(consumerDir, 'package.json'),
      `${JSON.stringify(
        {
          name: 'seq-echo-consumer-smoke',
          version: '0.0.0',
          private: true,
          description: 'Throwaway project made by scripts/consumer-smoke.mjs',
          license: 'UNLICENSED',
        },
        null,
        2,
      )}\n`,
    );
    await runOrThrow(
      npmCommand,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
        `@tensorflow/tfjs@${tfjsVersion}`,
      ],
      { cwd: consumerDir },
    );
    const installed = path.join(consumerDir, 'node_modules', 'seq-echo');
    const expected = [
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/cli.js',
    ];
    const missing = expected.filter((f) => !existsSync(path.join(installed, f)));
    if (missing.length > 0) throw new Error(`installed package lacks: ${missing.join(', ')}`);
    const shipped = readdirSync(installed).sort();
    const unexpected = shipped.filter((f) => ['src', '__tests__', 'node_modules'].includes(f));
    if (unexpected.length > 0) throw new Error(`tarball ships: ${unexpected.join(', ')}`);
    console.log(`installed seq-echo contains: ${shipped.join(', ')}`);
  });

  writeFileSync(path.join(consumerDir, 'smoke.mjs'), smokeEsm);
  writeFileSync(path.join(consumerDir, 'smoke.cjs'), smokeCjs);
  writeFileSync(path.join(consumerDir, 'smoke-types.mts'), smokeTypes);
  writeFileSync(path.join(consumerDir, 'smoke-types.cts'), smokeTypes);

  await step('3/6 ESM consumer: node smoke.mjs', async () => {
    await runOrThrow(process.execPath, ['smoke.mjs'], { cwd: consumerDir });
  });

  await step('4/6 CJS consumer: node smoke.cjs', async () => {
    await runOrThrow(process.execPath, ['smoke.cjs'], { cwd: consumerDir });
  });

  await step('5/6 TypeScript consumer: tsc --module nodenext on .mts and .cts', async () => {
    await runOrThrow(process.execPath, [tscBin, '--version'], { cwd: consumerDir });
    const { stdout } = await runOrThrow(
      process.execPath,
      [
        tscBin,
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--strict',
        '--noEmit',
        '--skipLibCheck',
        '--listFiles',
        'smoke-types.mts',
        'smoke-types.cts',
      ],
      { cwd: consumerDir, capture: true },
    );
    // Both resolution modes must have found their own declaration file.
    const files = stdout.split(/\r?\n/).map((f) => f.replaceAll('\\', '/'));
    for (const declaration of ['index.d.ts', 'index.d.cts']) {
      if (!files.some((f) => f.endsWith(`/node_modules/seq-echo/dist/${declaration}`))) {
        throw new Error(`tsc did not load seq-echo/dist/${declaration}`);
      }
      console.log(`tsc loaded seq-echo/dist/${declaration}`);
    }
  });

  await step(
    '6/6 the seq-echo command: --version, a short train with --save, predict',
    async () => {
      const bin = path.join(
        consumerDir,
        'node_modules',
        '.bin',
        isWindows ? 'seq-echo.cmd' : 'seq-echo',
      );
      if (!existsSync(bin)) throw new Error(`npm did not link the bin: ${bin} is missing`);
      const cli = path.join(consumerDir, 'node_modules', 'seq-echo', 'dist', 'cli.js');
      const version = await runOrThrow(process.execPath, [cli, '--version'], {
        cwd: consumerDir,
        capture: true,
      });
      if (!version.stdout.includes(ownPackage.version)) {
        throw new Error(`seq-echo --version printed ${JSON.stringify(version.stdout)}`);
      }
      const trained = await runOrThrow(
        process.execPath,
        [
          cli,
          'train',
          '--recipe',
          'whole',
          '--preset',
          'fast',
          '--epochs',
          '3',
          '--save',
          'cli-model',
          '--no-curve',
        ],
        { cwd: consumerDir, capture: true },
      );
      if (!trained.stdout.includes('model saved to'))
        throw new Error('train did not save the model');
      const predicted = await runOrThrow(
        process.execPath,
        [cli, 'predict', 'cli-model', '1,2,3,4,5,6'],
        {
          cwd: consumerDir,
          capture: true,
        },
      );
      const rows = predicted.stdout.split('\n').filter((line) => line.includes('=> Expected:'));
      if (rows.length !== 2) throw new Error(`predict printed ${rows.length} rows, expected 2`);
      console.log(`seq-echo ${ownPackage.version}: trained, saved, predicted ${rows.length} rows`);
    },
  );
} catch {
  failed = true;
} finally {
  if (keep) {
    console.log(`\nKEEP_SMOKE=1: temp dirs kept in ${tmpRoot}`);
  } else {
    rmSync(tmpRoot, { recursive: true, force: true });
  }
}

const total = ((performance.now() - started) / 1000).toFixed(1);
console.log('\n=== summary ===');
for (const { name, ok, seconds } of results) {
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${name} (${seconds}s)`);
}
if (failed) {
  console.error(
    `\nconsumer smoke FAILED after ${total}s${keep ? '' : ' (rerun with KEEP_SMOKE=1 to keep the temp dirs)'}`,
  );
  process.exitCode = 1;
} else {
  console.log(`\nconsumer smoke passed in ${total}s`);
}
