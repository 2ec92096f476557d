// @ts-check
/**
 * The e2e test's own small harness: named steps (the failure message says which one failed),
 * checks that fail with a message, and a timeout for a promise.
 */
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

/** A check that failed: its message says it all (no stack trace needed). */
export class Failure extends Error {}

/**
 * @param {unknown} condition
 * @param {string} message
 * @returns {asserts condition}
 */
export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export async function within(promise, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      reject(new Failure(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const ms = (/** @type {number} */ value) => `${Math.round(value)} ms`;
export const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

let currentStep = 'start-up';

/** The step at work (or the last one to start), for the failure message. */
export const currentStepName = () => currentStep;

/** Names the step at work before it has one of its own, e.g. `find Chromium`. */
export function setStep(/** @type {string} */ name) {
  currentStep = name;
}

/**
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function step(name, fn) {
  currentStep = name;
  const started = performance.now();
  const result = await fn();
  console.log(`ok - ${name} (${ms(performance.now() - started)})`);
  return result;
}
