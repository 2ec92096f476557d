/**
 * The page's side of the training worker (trainingWorker.ts): starts it, sends it requests
 * (protocol.ts) and resolves each with the worker's reply, and hands the events a run posts
 * (its epochs' logs, its live view) to the page's handlers. Should the worker itself fail (its
 * script not found, say), every request waiting fails with that error.
 */
import type { ModelView, Requests, RequestType, RunLog, WorkerMessage } from './protocol';

/** What the page does with a run's events. */
export interface EventHandlers {
  epochs(logs: RunLog[]): void;
  view(view: ModelView): void;
}

const pending = new Map<
  number,
  { resolve: (value: unknown) => void; reject: (e: Error) => void }
>();
let nextId = 1;
let worker: Worker | undefined;

/** Starts the training worker, with `handlers` for its events and `onFailure` for its errors. */
export function startWorker(handlers: EventHandlers, onFailure: (error: Error) => void): void {
  // The URL is relative to this bundle (dist/main.js), where the build puts the worker.
  worker = new Worker(new URL('./trainingWorker.js', import.meta.url), {
    type: 'module',
    name: 'seq-echo training',
  });
  worker.addEventListener('message', ({ data }: MessageEvent<WorkerMessage>) => {
    if (data.kind === 'epochs') handlers.epochs(data.logs);
    else if (data.kind === 'view') handlers.view(data.view);
    else {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      if (data.ok) waiting?.resolve(data.value);
      else waiting?.reject(new Error(data.error));
    }
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    const error = new Error(`the training worker failed: ${event.message || 'it did not start'}`);
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    onFailure(error);
  });
}

/** Sends the worker a request and resolves with its reply. */
export function call<K extends RequestType>(
  type: K,
  args: Requests[K]['args'],
): Promise<Requests[K]['reply']> {
  const started = worker;
  if (!started) return Promise.reject(new Error('the training worker has not been started'));
  const id = nextId++;
  return new Promise<Requests[K]['reply']>((resolve, reject) => {
    const settle = (value: unknown): void => {
      // The worker answers request `id` with request `type`'s reply (trainingWorker.ts).
      resolve(value as Requests[K]['reply']);
    };
    pending.set(id, { resolve: settle, reject });
    started.postMessage({ id, type, args });
  });
}
