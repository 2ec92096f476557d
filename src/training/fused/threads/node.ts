/**
 * The parts of Node's modules the engine's threads use, typed here (the library builds
 * without Node's types: it runs in browsers too) and imported by a specifier in a variable,
 * so that bundlers neither resolve nor bundle them.
 */

/** Node's `process`, when this is Node. */
export function nodeProcess(): { versions: { node: string } } | undefined {
  const process = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof process?.versions?.node === 'string'
    ? (process as { versions: { node: string } })
    : undefined;
}

/** Imports a Node module (see the file's comment). */
export async function importNode<T>(specifier: string): Promise<T> {
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as T;
}

/** A `worker_threads` Worker, as the pool uses it. */
export interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message' | 'error' | 'exit', fn: (value: never) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** The part of `node:worker_threads` the pool and the worker use. */
export interface NodeWorkerThreads {
  Worker: new (file: URL | string, options?: { eval?: boolean }) => NodeWorker;
  parentPort: {
    on(event: 'message', fn: (message: never) => void): void;
    postMessage(message: unknown): void;
  } | null;
}

/** The part of `node:os` the pool uses. */
export interface NodeOs {
  availableParallelism?: () => number;
  cpus: () => unknown[];
}

/** The part of `node:url` the pool uses. */
export interface NodeUrl {
  pathToFileURL: (path: string) => URL;
}
