import type * as tf from '@tensorflow/tfjs';
import {
  assertAbortSignal,
  assertBoolean,
  assertFunction,
  assertInteger,
  assertKnownKeys,
  assertNumber,
  assertOneOf,
  isRecord,
  message,
} from '../internal/assert';
import { yielder } from '../internal/yieldToEventLoop';
import { MAX_THREADS } from './fused/threads/protocol';
import type { LearningRateSchedule } from './schedule';
import { checkClipping, type Clipping } from './clipping';

/**
 * The options {@link trainEcho} and {@link trainTeacherForcing} share, with the same meaning
 * in both: what happens after every epoch, how to stop, what to print and which engine trains.
 *
 * @typeParam Log - What `onEpochEnd` receives: {@link EpochLog} or {@link TeacherForcingEpochLog}.
 */
export interface TrainingLoopOptions<Log> {
  /** Called after every epoch; training waits for a returned promise. */
  onEpochEnd?: ((log: Log) => void | Promise<void>) | undefined;
  /**
   * Aborting it stops training after the current epoch, or during a check on the way (between
   * two of its sequences or decoder steps; that check is dropped); the model stays usable.
   */
  signal?: AbortSignal | undefined;
  /**
   * Print a progress line ten times over the run (and after the first epoch), and the
   * checks made for `targetAccuracy`, with `console.log`. Default `false`.
   */
  verbose?: boolean | undefined;
  /**
   * How to compute each training step:
   * - `'fused'`: seq-echo's own forward and backward pass, in WebAssembly SIMD (plain
   *   JavaScript where the runtime lacks it), for every model seq-echo's factories build and
   *   any model made of the same layers (`Masking`, `LSTM`, `RepeatVector`, `Dense`,
   *   `TimeDistributed(Dense)`, `Reshape`, `Flatten`, `Softmax`, `Concatenate` and the
   *   attention layers), compiled with categorical cross-entropy or mean squared error and Adam. It
   *   computes what `model.fit` computes (tested to agree to float32 precision) without tfjs's
   *   per-op overhead, whatever the tfjs backend: see the README's performance section for how
   *   much faster. Its Adam moments are its own, kept per model across calls. It reads the
   *   model's weights when the run starts and writes them back before each `onEpochEnd`, each
   *   check and at the end, so weights changed by hand during a run are overwritten.
   * - `'tfjs'`: `model.fit`, one call per epoch, on the current tfjs backend.
   * - `'auto'`: `'fused'` when the model qualifies, otherwise `'tfjs'`.
   *
   * Default `'auto'`.
   */
  engine?: 'auto' | 'fused' | 'tfjs' | undefined;
  /**
   * The learning rate for every optimizer step (every batch), as a function of the optimizer's
   * step count, like a Keras schedule given to the optimizer (see {@link LearningRateSchedule}
   * for the kinds and their Keras names). The step count is the engine's optimizer's: it
   * carries over to the next training call on the same model and engine, as Adam's moments
   * do, so a second call resumes the schedule where the first stopped (a re-compiled model
   * starts it again). The compiled optimizer's own rate is left as it was: after the run it
   * is the rate again (the schedule's starting point). Default: none (the compiled rate).
   */
  learningRateSchedule?: LearningRateSchedule | undefined;
  /**
   * Clip each weight's gradient to this L2 norm before the optimizer's update, as Keras's
   * `clipnorm`: a longer gradient is scaled by `clipNorm / norm`. A number above 0. Applied
   * before `clipValue` when both are given. The fused engine computes it in JavaScript (and
   * each thread then takes whole weights), so it costs some speed. Default: none.
   */
  clipNorm?: number | undefined;
  /**
   * Clamp every gradient value to `[-clipValue, clipValue]` before the optimizer's update, as
   * Keras's `clipvalue`. A number above 0. Default: none.
   */
  clipValue?: number | undefined;
  /**
   * How many threads the fused engine trains on: each batch's rows are split into that many
   * contiguous shards, trained at once (this thread and worker threads: `worker_threads` in
   * Node, Web Workers in a cross-origin isolated page that called {@link useThreadWorkers}),
   * their gradients summed in a fixed order, so a seeded run gives the same weights every
   * time for a given thread count (and agrees with one thread to float32 precision). A
   * stateful model's rows keep their thread. Never more than a batch's rows; 1 where workers
   * cannot run, and with the tfjs engine. `'auto'`: the count that pays, as measured on
   * 2 cores: 2 for batches of 16 rows or more of models whose weights times rows reach 2
   * million (the walkthrough's model B, `presets.fastPartial`), else 1 (a batch of 7 does not
   * pay). On cores busy with other work, threads lose: set 1. Default `'auto'`.
   */
  threads?: number | 'auto' | undefined;
}

/**
 * What {@link trainEcho} and {@link trainTeacherForcing} return, with the same meaning in both.
 *
 * @typeParam Evaluation - One check made on the way: {@link EpochEvaluation} or
 *   {@link TeacherForcingEpochEvaluation}.
 */
export interface TrainingLoopResult<Evaluation> {
  /** Epochs actually trained. */
  epochs: number;
  /** Loss and accuracy of every epoch trained, in order (as `onEpochEnd` received them). */
  history: {
    /** Mean training loss of each epoch trained, in order. */
    loss: number[];
    /** Mean training accuracy of each epoch trained, in order. */
    accuracy: number[];
  };
  /**
   * The checks for `targetAccuracy` made on the way, in order (none without it): those that
   * ran, including those that stopped early; a check aborted by `signal` is not listed.
   */
  evaluations: Evaluation[];
  /**
   * Wall-clock milliseconds spent in the checks (part of `elapsedMs`); `0` without
   * `targetAccuracy`. `elapsedMs - checkMs` is about the time spent training.
   */
  checkMs: number;
  /** `true` when training ended before `epochs`, by `targetAccuracy` or `signal`. */
  stoppedEarly: boolean;
  /** Why training ended. */
  stopReason: 'epochs' | 'targetAccuracy' | 'aborted';
  /** Wall-clock milliseconds the run took, checks included. */
  elapsedMs: number;
  /** Which engine trained: seq-echo's fused kernels, or tfjs's `model.fit`. */
  engine: 'fused' | 'tfjs';
  /** The threads the last epoch trained on (see {@link TrainingLoopOptions.threads}). */
  threads: number;
  /**
   * With `engine: 'tfjs'` under `options.engine: 'auto'`: why the fused engine could not
   * train the model (a sentence). `undefined` when the fused engine ran or `'tfjs'` was asked.
   */
  fallbackReason: string | undefined;
}

/**
 * Reads a metric from a one-epoch `History`: the first of `keys` it holds (tfjs logs accuracy
 * as `acc`, Keras as `accuracy`), or `NaN`.
 */
export function lastValue(history: tf.History, ...keys: string[]): number {
  for (const key of keys) {
    const values = history.history[key];
    const last = values?.[values.length - 1];
    if (typeof last === 'number') return last;
  }
  return Number.NaN;
}

/**
 * Checks that a training function's `options` is an object of known `keys` with a valid
 * `epochs` (required, `>= 1`), before the function reads its own options.
 */
export function checkTrainingOptions(
  fn: string,
  options: unknown,
  keys: readonly string[],
): asserts options is Record<string, unknown> & { epochs: number } {
  if (!isRecord(options)) {
    throw new TypeError(message(fn, 'options', 'an options object with epochs', options));
  }
  assertKnownKeys(fn, 'options', options, keys);
  assertInteger(fn, 'options.epochs', options.epochs, { min: 1, max: 1e9 });
}

/** The loop options {@link checkLoopOptions} checked and defaulted. */
export interface LoopOptions {
  targetAccuracy: number | undefined;
  evaluateEvery: number;
  onEpochEnd: ((log: EpochRecord) => void | Promise<void>) | undefined;
  signal: AbortSignal | undefined;
  verbose: boolean;
  engine: 'auto' | 'fused' | 'tfjs';
  threads: number | 'auto';
  /** `clipNorm` and `clipValue`, when either is given. */
  clip: Clipping | undefined;
}

/**
 * Checks the options every training loop shares (trainEcho, trainTeacherForcing): the target
 * accuracy in `(0, 1]`, the epochs between its checks (`evaluateEvery` defaults to the
 * function's own), the per-epoch callback, the abort signal, `verbose`, `engine`, `threads`
 * and the clipping. Throws
 * naming `fn` and the option; returns them typed.
 */
export function checkLoopOptions(
  fn: string,
  options: Record<string, unknown>,
  defaultEvaluateEvery: number,
): LoopOptions {
  const { targetAccuracy, onEpochEnd, signal } = options;
  const { evaluateEvery = defaultEvaluateEvery, verbose = false, engine = 'auto' } = options;
  const { threads = 'auto' } = options;
  if (targetAccuracy !== undefined) {
    assertNumber(fn, 'options.targetAccuracy', targetAccuracy, {
      min: 0,
      max: 1,
      minExclusive: true,
    });
  }
  assertInteger(fn, 'options.evaluateEvery', evaluateEvery, { min: 1 });
  if (onEpochEnd !== undefined) assertFunction(fn, 'options.onEpochEnd', onEpochEnd);
  if (signal !== undefined) assertAbortSignal(fn, 'options.signal', signal);
  assertBoolean(fn, 'options.verbose', verbose);
  assertOneOf(fn, 'options.engine', engine, ['auto', 'fused', 'tfjs'] as const);
  checkThreads(fn, threads);
  const clip = checkClipping(fn, options.clipNorm, options.clipValue);
  const callback = onEpochEnd as LoopOptions['onEpochEnd'];
  return {
    targetAccuracy,
    evaluateEvery,
    onEpochEnd: callback,
    signal,
    verbose,
    engine,
    threads,
    clip,
  };
}

/** Checks `options.threads`: `'auto'` or an integer in `[1, MAX_THREADS]`. */
function checkThreads(fn: string, threads: unknown): asserts threads is number | 'auto' {
  if (threads === 'auto') return;
  const expected = `an integer in [1, ${MAX_THREADS}] or 'auto'`;
  if (typeof threads !== 'number' && typeof threads !== 'string') {
    throw new TypeError(message(fn, 'options.threads', expected, threads));
  }
  if (!Number.isInteger(threads) || (threads as number) < 1 || (threads as number) > MAX_THREADS) {
    throw new RangeError(message(fn, 'options.threads', expected, threads));
  }
}

/** What `onEpochEnd` receives from either loop (`EpochLog`, `TeacherForcingEpochLog`). */
export interface EpochRecord {
  epoch: number;
  epochs: number;
  elapsedMs: number;
  loss: number;
  accuracy: number;
}

/** A check that ran: what it measured, whether it reached the target, a line for `verbose`. */
export interface CheckOutcome<E> {
  evaluation: E;
  reached: boolean;
  /** Printed after `${fn}: epoch ${epoch} ` when `verbose`. */
  summary: string;
}

/** What {@link runEpochs} runs: the checked options and the training function's own parts. */
export interface EpochLoop<E> {
  /** The public function's name, for the `verbose` lines. */
  fn: string;
  epochs: number;
  loop: LoopOptions;
  /** Trains one epoch (epochs count from 1). */
  train: (epoch: number) => Promise<{ loss: number; accuracy: number }>;
  /** Makes the model's weights current (the fused engine writes them back lazily). */
  sync: () => void;
  /**
   * Whether a due check against `target` runs, from the training accuracies of the epochs
   * since the last due check (`last`: after the last epoch). Default: always.
   */
  gate?:
    ((trainingAccuracies: readonly number[], target: number, last: boolean) => boolean) | undefined;
  /** The check after `epoch` against `target`; `undefined` when `signal` aborted it. */
  check: (epoch: number, target: number) => Promise<CheckOutcome<E> | undefined>;
}

/** What {@link runEpochs} returns; the caller adds its engine. */
export type EpochLoopResult<E> = Omit<
  TrainingLoopResult<E & { epoch: number }>,
  'engine' | 'fallbackReason' | 'threads'
>;

/**
 * The epoch loop both training functions run: stop on abort before an epoch, train it, record
 * and print it, hand it to `onEpochEnd`, run a due check for `targetAccuracy` (every
 * `evaluateEvery` epochs and after the last) and stop on its target, and yield to the event
 * loop about every 50 ms (see {@link yielder}).
 */
export async function runEpochs<E>(run: EpochLoop<E>): Promise<EpochLoopResult<E>> {
  const { fn, epochs, loop } = run;
  const history = { loss: [] as number[], accuracy: [] as number[] };
  const evaluations: (E & { epoch: number })[] = [];
  const print = loop.verbose ? progressPrinter(fn, epochs) : undefined;
  let stopReason: EpochLoopResult<E>['stopReason'] = 'epochs';
  const started = performance.now();
  let checkMs = 0;
  let sinceCheck: number[] = [];
  const pause = yielder();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (loop.signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    const { loss, accuracy } = await run.train(epoch);
    history.loss.push(loss);
    history.accuracy.push(accuracy);
    print?.(epoch, loss, accuracy);
    if (loop.onEpochEnd) {
      run.sync();
      await loop.onEpochEnd({
        epoch,
        epochs,
        elapsedMs: performance.now() - started,
        loss,
        accuracy,
      });
    }
    sinceCheck.push(accuracy);
    const target = loop.targetAccuracy;
    if (target !== undefined && (epoch % loop.evaluateEvery === 0 || epoch === epochs)) {
      const runs = run.gate?.(sinceCheck, target, epoch === epochs) ?? true;
      sinceCheck = [];
      if (runs) {
        const checkStarted = performance.now();
        run.sync();
        const outcome = await run.check(epoch, target);
        checkMs += performance.now() - checkStarted;
        if (outcome === undefined) {
          stopReason = 'aborted';
          break;
        }
        evaluations.push({ epoch, ...outcome.evaluation });
        if (loop.verbose) console.log(`${fn}: epoch ${epoch} ${outcome.summary}`);
        if (outcome.reached) {
          stopReason = 'targetAccuracy';
          break;
        }
      }
    }
    await pause();
  }
  run.sync();
  const trained = history.loss.length;
  const elapsedMs = performance.now() - started;
  return {
    epochs: trained,
    history,
    evaluations,
    stoppedEarly: trained < epochs,
    stopReason,
    elapsedMs,
    checkMs,
  };
}

/** The `verbose` progress line: ten times over the run, and after the first epoch. */
function progressPrinter(
  fn: string,
  epochs: number,
): (epoch: number, loss: number, accuracy: number) => void {
  const every = Math.max(1, Math.ceil(epochs / 10));
  return (epoch, loss, accuracy) => {
    if (epoch % every !== 0 && epoch !== 1 && epoch !== epochs) return;
    console.log(
      `${fn}: epoch ${epoch}/${epochs} loss ${loss.toFixed(4)} accuracy ${accuracy.toFixed(4)}`,
    );
  };
}
