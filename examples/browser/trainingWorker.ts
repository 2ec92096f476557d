/**
 * The playground's training worker: a dedicated module Web Worker (dist/trainingWorker.js,
 * bundled apart by scripts/build-browser-demo.mjs) that holds the model and does everything
 * that needs it, so the page's thread only draws: it builds and trains a family with its
 * preset, predicts the table, computes attention's weights and teacher forcing's decoding
 * steps, evaluates, and saves to and loads from IndexedDB. The page (client.ts) sends the
 * requests protocol.ts lists; this answers each by its id and posts a run's epoch logs and
 * live view as events. When the worker is cross-origin isolated, seq-echo's fused engine may
 * share an epoch's math with its own nested workers (threads.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/index';
import type { Ready, Request, Requests, WorkerMessage } from './protocol';
import { evaluate, listSaved, load, save, show, stop, train, type Events } from './session';
import { bench, isolated, setUpThreads } from './threads';

/** The part of a dedicated worker's global scope this uses (typed apart from the DOM's window). */
interface WorkerScope {
  postMessage(message: WorkerMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Request>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

const events: Events = {
  epochs: (logs) => {
    scope.postMessage({ kind: 'epochs', logs });
  },
  view: (view) => {
    scope.postMessage({ kind: 'view', view });
  },
};

/**
 * tfjs's backend: `cpu`, or the page's `?backend=NAME`. seq-echo's fused engine trains,
 * predicts and evaluates in its own WebAssembly whatever the backend; tfjs itself only builds
 * the models and runs teacher forcing's one-step decoder for the step-by-step view, a few tiny
 * predictions, which the cpu backend answers in milliseconds where webgl first compiles its
 * shaders (about 0.8 s, measured in headless Chromium when this ran on the page) and then
 * stalls on every read back (40-70 ms a decoding).
 */
async function init(backend: string): Promise<Ready> {
  setUpThreads();
  try {
    await selectBackend(backend);
  } catch (error) {
    console.warn(`demo worker: ${error instanceof Error ? error.message : String(error)}`);
    await tf.ready();
  }
  let saved: Ready['saved'] = [];
  try {
    saved = await listSaved();
  } catch (error) {
    console.warn(`demo worker: could not list the saved models: ${String(error)}`);
  }
  return { backend: tf.getBackend(), isolated, cores: navigator.hardwareConcurrency, saved };
}

/** Answers one request (its reply's type is the request's, see protocol.ts). */
async function answer(request: Request): Promise<Requests[Request['type']]['reply']> {
  switch (request.type) {
    case 'init':
      return init(request.args.backend);
    case 'train':
      return train(request.args, events);
    case 'stop':
      stop();
      return undefined;
    case 'show':
      return show(request.args.sequences);
    case 'evaluate':
      return evaluate(request.args);
    case 'save':
      return save(request.args.url);
    case 'load':
      return load(request.args);
    case 'listSaved':
      return listSaved();
    case 'bench':
      return bench(request.args.threads, request.args.epochs);
  }
}

scope.addEventListener('message', ({ data: request }) => {
  answer(request).then(
    (value) => {
      scope.postMessage({ kind: 'reply', id: request.id, ok: true, value });
    },
    (error: unknown) => {
      console.error(error);
      const message = error instanceof Error ? error.message : String(error);
      scope.postMessage({ kind: 'reply', id: request.id, ok: false, error: message });
    },
  );
});
