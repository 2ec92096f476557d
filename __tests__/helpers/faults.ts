import type { NodeFs } from '../../src/io/nodeIo';

/** One call seq-echo made through the file system facade: the method and its first argument. */
export interface FsCall {
  method: string;
  target: string;
}

/**
 * How a {@link faultyFs} fails: `'once'` makes call `failAt` (1-based) throw and lets the
 * rest through, like a full disk that frees up again; `'crash'` makes call `failAt` and every
 * later call throw, like a process that dies there (nothing after it reaches the disk).
 */
export interface FaultPlan {
  failAt: number;
  mode: 'once' | 'crash';
}

/** The error an injected failure throws: a Node-like system error with code `ENOSPC`. */
export function injectedError(call: number, { method, target }: FsCall): Error {
  return Object.assign(
    new Error(`ENOSPC: injected failure at call ${call} (${method} ${target})`),
    {
      code: 'ENOSPC',
    },
  );
}

const isHandle = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { close?: unknown }).close === 'function';

/**
 * Wraps Node's file system facade so that every call, including calls on the file handles
 * `open` returns, is recorded in `calls` and counted, and fails as `plan` says (no plan: a
 * recorder only).
 */
export function faultyFs(fs: NodeFs, calls: FsCall[], plan?: FaultPlan): NodeFs {
  let failed = false;
  const step = (method: string, target: string): void => {
    const call = { method, target };
    calls.push(call);
    const n = calls.length;
    if (plan === undefined) return;
    if (n === plan.failAt || (plan.mode === 'crash' && failed)) {
      failed = true;
      throw injectedError(n, call);
    }
  };
  const wrapHandle = (handle: Record<string, unknown>, path: string): unknown =>
    new Proxy(handle, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const run = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          try {
            step(`handle.${String(key)}`, path);
          } catch (error) {
            // A failed close still frees the descriptor (POSIX), and a process that dies
            // has its descriptors closed: close it for real, then report the failure.
            if (key === 'close') await run().catch(() => undefined);
            throw error;
          }
          return run();
        };
      },
    });
  return new Proxy(fs, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const path = String(args[0]);
        step(String(key), path);
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        return isHandle(result) ? wrapHandle(result, path) : result;
      };
    },
  });
}
