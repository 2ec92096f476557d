#!/usr/bin/env node
/**
 * Bundles the browser demo with esbuild, so the page is static and needs no `npm run build`
 * first: three ES modules, each with what it imports (esbuild follows the imports, so a new
 * module of the demo needs no change here).
 *
 * - dist/main.js: the page (examples/browser/main.ts), which only draws; no tfjs.
 * - dist/trainingWorker.js: the training worker (examples/browser/trainingWorker.ts, with
 *   seq-echo's src/ and @tensorflow/tfjs), which the page starts as a module Worker and which
 *   trains, predicts, evaluates, saves and loads.
 * - dist/fusedWorker.js: the fused engine's worker (src/training/fused/threads/worker.ts, no
 *   tfjs), which the training worker starts (useThreadWorkers) when it is cross-origin isolated.
 *
 *   node scripts/build-browser-demo.mjs              # writes examples/browser/dist/main.js
 *   node scripts/build-browser-demo.mjs --serve      # builds in memory and serves the demo
 *   node scripts/build-browser-demo.mjs --serve --port 8080 --host 0.0.0.0
 *   node scripts/build-browser-demo.mjs --no-minify --sourcemap
 *
 * `--serve` writes nothing: it serves examples/browser/ with the fresh bundles at /dist/main.js,
 * /dist/trainingWorker.js and /dist/fusedWorker.js, with the cross-origin isolation headers
 * (PORT in the environment also sets the port; default 8080). e2e/browser-demo.test.mjs uses
 * buildBrowserDemo() the same way.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { serveStatic } from './serve-static.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The demo's directory: index.html, style.css, main.ts and its modules; the bundle goes to dist/. */
export const demoDir = path.join(repoRoot, 'examples', 'browser');
/** The playground's training worker, bundled to dist/trainingWorker.js. */
const trainingWorkerEntry = path.join(demoDir, 'trainingWorker.ts');
/** The fused engine's worker entry, bundled to dist/fusedWorker.js. */
const workerEntry = path.join(repoRoot, 'src', 'training', 'fused', 'threads', 'worker.ts');

/**
 * Bundles the demo.
 *
 * @param {{ write?: boolean, outdir?: string, minify?: boolean, sourcemap?: boolean }} [options]
 *   `write` (default true) writes the files to `outdir` (default examples/browser/dist);
 *   `false` only returns them.
 * @returns {Promise<{ files: Map<string, Uint8Array>, bytes: number, ms: number }>} the output
 *   files keyed by URL path under the demo's root (`/dist/main.js`, `/dist/fusedWorker.js`, ...),
 *   their total size and the build time.
 */
export async function buildBrowserDemo({
  write = true,
  outdir = path.join(demoDir, 'dist'),
  minify = true,
  sourcemap = false,
} = {}) {
  const started = performance.now();
  // Three builds, not three entries of one: each runs on its own thread and shares no module
  // instance with the others, and one build of all would split shared code into chunks.
  const results = await Promise.all([
    bundle({ main: path.join(demoDir, 'main.ts') }, outdir, minify, sourcemap),
    bundle({ trainingWorker: trainingWorkerEntry }, outdir, minify, sourcemap),
    bundle({ fusedWorker: workerEntry }, outdir, minify, sourcemap),
  ]);
  const files = new Map();
  let bytes = 0;
  for (const file of results.flatMap((result) => result.outputFiles)) {
    const urlPath = `/dist/${path.relative(outdir, file.path).split(path.sep).join('/')}`;
    files.set(urlPath, file.contents);
    bytes += file.contents.byteLength;
    if (write) {
      mkdirSync(path.dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.contents);
    }
  }
  return { files, bytes, ms: performance.now() - started };
}

/**
 * One esbuild run, in memory: an ES module for browsers per entry (output name to source).
 *
 * @param {Record<string, string>} entryPoints
 * @param {string} outdir
 * @param {boolean} minify
 * @param {boolean} sourcemap
 */
function bundle(entryPoints, outdir, minify, sourcemap) {
  return esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap,
    legalComments: minify ? 'none' : 'inline',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'warning',
  });
}

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = {
    serve: false,
    minify: true,
    sourcemap: false,
    port: Number(process.env.PORT ?? 8080),
    host: '127.0.0.1',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--serve') options.serve = true;
    else if (arg === '--no-minify') options.minify = false;
    else if (arg === '--sourcemap') options.sourcemap = true;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = String(argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node scripts/build-browser-demo.mjs [--serve [--port N] [--host H]] [--no-minify] [--sourcemap]',
      );
      process.exit(0);
    } else throw new Error(`build-browser-demo: unknown argument ${arg} (try --help)`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`build-browser-demo: --port must be an integer in [0, 65535]`);
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { files, bytes, ms } = await buildBrowserDemo({
    write: !options.serve,
    minify: options.minify,
    sourcemap: options.sourcemap,
  });
  const size = `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  if (!options.serve) {
    const written = [...files.keys()].map((file) => `examples/browser${file}`).join(', ');
    console.log(`built ${written} (${size}) in ${(ms / 1000).toFixed(1)} s`);
    return;
  }
  console.log(`built the demo in memory (${size}) in ${(ms / 1000).toFixed(1)} s`);
  const { url } = await serveStatic({
    root: demoDir,
    files,
    port: options.port,
    host: options.host,
  });
  console.log(`serving examples/browser/ at ${url}  (Ctrl-C to stop)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
