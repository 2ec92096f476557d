/**
 * The fused engine's worker pool: workers started lazily, reused across calls and models,
 * and never keeping a Node process alive. Node starts them from the worker entry next to the
 * library (dist/fusedWorker.js or .cjs; src/training/fused/threads/worker.ts under tsx when
 * run from source); browsers need the app's {@link useThreadWorkers}.
 */
import { importNode, nodeProcess, type NodeOs, type NodeUrl, type NodeWorkerThreads } from './node';
import type { FromWorker, ToWorker } from './protocol';
import { canShareMemory } from './sharedMemory';

/** A started worker, whichever kind. */
interface RawWorker {
  post(message: ToWorker): void;
  /** Calls `fn` with every reply; with an `Error` when the worker fails or exits. */
  listen(fn: (reply: FromWorker | Error) => void): void;
  /** Whether the worker keeps a Node process alive (while a reply is awaited). */
  hold(on: boolean): void;
  terminate(): void;
}

/** A pool worker: messages out, and replies matched to requests by model id. */
export class PoolWorker {
  private readonly waiting = new Map<number, (reply: FromWorker | Error) => void>();

  constructor(private readonly raw: RawWorker) {
    raw.listen((reply) => {
      if (reply instanceof Error) {
        // A worker that failed outside an epoch is gone: fail whoever waits, start anew next time.
        dropWorker(this);
        for (const settle of this.waiting.values()) settle(reply);
        this.waiting.clear();
      } else {
        this.waiting.get(reply.id)?.(reply);
        this.waiting.delete(reply.id);
      }
      if (this.waiting.size === 0) raw.hold(false);
    });
  }

  post(message: ToWorker): void {
    this.raw.post(message);
  }

  /** Posts `message` and resolves with the worker's reply about the same model. */
  request(message: ToWorker & { id: number }): Promise<FromWorker> {
    this.raw.hold(true);
    return new Promise((resolve, reject) => {
      this.waiting.set(message.id, (reply) => {
        if (reply instanceof Error) reject(reply);
        else resolve(reply);
      });
      this.raw.post(message);
    });
  }

  terminate(): void {
    this.raw.terminate();
  }
}

/** What {@link useThreadWorkers} needs of a Web Worker (a `Worker` has it). */
export interface WebWorkerLike {
  /** Sends the worker a message. */
  postMessage(message: unknown): void;
  /** Listens for the worker's messages and errors. */
  addEventListener(type: 'message' | 'error', fn: (event: { data?: unknown }) => void): void;
}

let makeWebWorker: (() => WebWorkerLike) | undefined;
const pool: PoolWorker[] = [];

/**
 * Lets the fused engine train on several threads in a browser: `make` starts one Web Worker
 * running seq-echo's worker entry (`seq-echo/fusedWorker`), as a module. Used only on a
 * cross-origin isolated page (`crossOriginIsolated`, which SharedArrayBuffer needs); without
 * it, or elsewhere, browsers train on one thread. Node needs nothing: it finds the entry
 * itself.
 *
 * @param make - Starts one worker; called once per extra thread, the workers then reused.
 *
 * @example
 * ```ts
 * import { buildEncoderDecoder, disposeEchoModel, trainEcho, useThreadWorkers } from 'seq-echo';
 *
 * // A browser app serving the package's dist/fusedWorker.js at /fusedWorker.js (Node needs
 * // nothing, and never calls this factory):
 * useThreadWorkers(() => new Worker('/fusedWorker.js', { type: 'module' }));
 * const model = buildEncoderDecoder({ units: 16, seed: 1 });
 * const result = await trainEcho(model, { epochs: 1, seed: 2, threads: 2 });
 * console.log(result.threads); // 2
 * disposeEchoModel(model);
 * ```
 */
export function useThreadWorkers(make: () => WebWorkerLike): void {
  if (typeof make !== 'function') {
    throw new TypeError(
      `useThreadWorkers: make must be a function that starts a Worker, but received ${typeof make}`,
    );
  }
  makeWebWorker = make;
}

/** Whether extra threads can run here: shared memory, and Node or an app's worker factory. */
export function canUseThreads(): boolean {
  return canShareMemory() && (nodeProcess() !== undefined || makeWebWorker !== undefined);
}

/** The processors this runtime reports (1 when it does not say). */
export async function processors(): Promise<number> {
  if (nodeProcess()) {
    const os = await importNode<NodeOs>('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  const navigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return navigator?.hardwareConcurrency ?? 1;
}

/** The first `count` workers of the pool, started as needed. */
export async function poolWorkers(count: number): Promise<PoolWorker[]> {
  while (pool.length < count) pool.push(await startWorker());
  return pool.slice(0, count);
}

/** Ends a worker that can no longer be trusted (it failed mid-epoch) and drops it. */
export function dropWorker(worker: PoolWorker): void {
  const at = pool.indexOf(worker);
  if (at >= 0) pool.splice(at, 1);
  worker.terminate();
}

async function startWorker(): Promise<PoolWorker> {
  if (nodeProcess()) return new PoolWorker(await startNodeWorker());
  if (!makeWebWorker) throw new Error('seq-echo: no worker factory (see useThreadWorkers)');
  const worker = makeWebWorker();
  return new PoolWorker({
    post: (message) => {
      worker.postMessage(message);
    },
    listen: (fn) => {
      worker.addEventListener('message', (event) => {
        fn(event.data as FromWorker);
      });
      worker.addEventListener('error', () => {
        fn(new Error('seq-echo: a fused worker failed'));
      });
    },
    hold: () => undefined,
    terminate: () => (worker as { terminate?: () => void }).terminate?.(),
  });
}

// CommonJS (the package's .cjs build, and jest) has it; ES modules do not.
declare const __filename: string | undefined;

/** This module's own file (a path or a file: URL): `__filename`, or the stack's top frame. */
function thisFile(): string {
  if (typeof __filename === 'string') return __filename;
  const frame = /(file:\/\/[^\s)]+?|\/[^\s):]+?):\d+:\d+/.exec(new Error().stack ?? '');
  if (!frame) throw new Error('seq-echo: cannot tell where the fused worker entry is');
  return frame[1]!;
}

async function startNodeWorker(): Promise<RawWorker> {
  const { Worker } = await importNode<NodeWorkerThreads>('node:worker_threads');
  const { pathToFileURL } = await importNode<NodeUrl>('node:url');
  const here = thisFile();
  const base = here.startsWith('file:') ? new URL(here) : pathToFileURL(here);
  const source = /\.[cm]?ts$/.test(base.pathname);
  const entry = source
    ? 'worker.ts'
    : base.pathname.endsWith('.cjs')
      ? 'fusedWorker.cjs'
      : 'fusedWorker.js';
  const url = new URL(entry, base);
  // From source (jest, tsx) the worker registers tsx's loader itself: tsx's hooks do not
  // reach a worker, nor does `--import tsx` in a worker's execArgv on Node 20.
  const worker = source
    ? new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
        { eval: true },
      )
    : new Worker(url);
  worker.unref();
  return {
    post: (message) => {
      worker.postMessage(message);
    },
    listen: (fn) => {
      worker.on('message', (reply: FromWorker) => {
        fn(reply);
      });
      worker.on('error', (error: Error) => {
        fn(error);
      });
      worker.on('exit', (code: number) => {
        fn(new Error(`seq-echo: a fused worker exited (${code})`));
      });
    },
    hold: (on) => {
      if (on) worker.ref();
      else worker.unref();
    },
    terminate: () => void worker.terminate(),
  };
}
