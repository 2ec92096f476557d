import type * as tf from '@tensorflow/tfjs';
import {
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertNumber,
  assertOneOf,
  isRecord,
  message,
} from '../internal/assert';

/**
 * Keras' `ExponentialDecay`: the rate is `rate * decayRate ** (step / decaySteps)` (the
 * exponent floored with `staircase`), where `rate` is the compiled optimizer's learning rate
 * (Keras' `initial_learning_rate`).
 */
export interface ExponentialDecaySchedule {
  /** Which schedule: Keras' `ExponentialDecay`. */
  kind: 'exponential';
  /** Steps over which the rate is multiplied by `decayRate`. An integer `>= 1`. */
  decaySteps: number;
  /** Factor per `decaySteps` steps, in `(0, 1]`. */
  decayRate: number;
  /** Decay in whole steps of `decaySteps` (a staircase) rather than smoothly. Default `false`. */
  staircase?: boolean | undefined;
}

/**
 * Keras' `CosineDecay`: after an optional linear warm-up from 0 to the compiled optimizer's
 * learning rate over `warmupSteps` steps (Keras' `initial_learning_rate: 0`, `warmup_target`
 * the compiled rate), the rate follows half a cosine from the compiled rate down to
 * `alpha` times it over `decaySteps` steps, and stays there.
 */
export interface CosineDecaySchedule {
  /** Which schedule: Keras' `CosineDecay`. */
  kind: 'cosine';
  /** Steps of the cosine decay (after the warm-up). An integer `>= 1`. */
  decaySteps: number;
  /** The final rate as a fraction of the compiled rate, in `[0, 1]`. Default `0`. */
  alpha?: number | undefined;
  /** Steps of linear warm-up before the decay. An integer `>= 0`. Default `0`. */
  warmupSteps?: number | undefined;
}

/**
 * Keras' `PiecewiseConstantDecay`: `values[0]` up to and including step `boundaries[0]`,
 * `values[1]` up to `boundaries[1]`, and so on, `values[boundaries.length]` after the last
 * boundary. The values are learning rates themselves (the compiled rate is not used).
 */
export interface PiecewiseConstantSchedule {
  /** Which schedule: Keras' `PiecewiseConstantDecay`. */
  kind: 'piecewise';
  /** Increasing step numbers (integers `>= 0`). */
  boundaries: readonly number[];
  /** One learning rate more than there are boundaries, each a number `>= 0`. */
  values: readonly number[];
}

/**
 * A learning-rate schedule, as plain data (so presets stay data): the learning rate used for
 * each optimizer step, as a function of the optimizer's step count, like a Keras
 * `LearningRateSchedule` given to an optimizer. See {@link TrainEchoOptions.learningRateSchedule}.
 *
 * @example
 * ```ts
 * import type { LearningRateSchedule } from 'seq-echo';
 *
 * // Halve the compiled rate every 1000 optimizer steps, smoothly.
 * const schedule: LearningRateSchedule = { kind: 'exponential', decaySteps: 1000, decayRate: 0.5 };
 * console.log(schedule.kind); // exponential
 * ```
 */
export type LearningRateSchedule =
  ExponentialDecaySchedule | CosineDecaySchedule | PiecewiseConstantSchedule;

/** The learning rate for a step (counting from 0), given the compiled rate. */
export type RateAt = (compiledRate: number, step: number) => number;

const KINDS = ['exponential', 'cosine', 'piecewise'] as const;

/**
 * Checks a `LearningRateSchedule` named `param` (TypeError for a wrong kind of value,
 * RangeError for a wrong value or an unknown key) and returns its rate function.
 */
export function checkSchedule(fn: string, param: string, value: unknown): RateAt {
  if (!isRecord(value)) {
    throw new TypeError(message(fn, param, 'a learning-rate schedule object', value));
  }
  assertOneOf(fn, `${param}.kind`, value.kind, KINDS);
  if (value.kind === 'piecewise') return checkPiecewise(fn, param, value);
  const steps = (key: string, min: number): void => {
    assertInteger(fn, `${param}.${key}`, value[key], { min, max: 1e12 });
  };
  if (value.kind === 'exponential') {
    assertKnownKeys(fn, param, value, ['kind', 'decaySteps', 'decayRate', 'staircase']);
    const { decaySteps, decayRate, staircase = false } = value;
    steps('decaySteps', 1);
    assertNumber(fn, `${param}.decayRate`, decayRate, { min: 0, max: 1, minExclusive: true });
    assertBoolean(fn, `${param}.staircase`, staircase);
    return (rate, step) => {
      const p = step / (decaySteps as number);
      return rate * decayRate ** (staircase ? Math.floor(p) : p);
    };
  }
  assertKnownKeys(fn, param, value, ['kind', 'decaySteps', 'alpha', 'warmupSteps']);
  const { decaySteps, alpha = 0, warmupSteps = 0 } = value;
  steps('decaySteps', 1);
  if (value.warmupSteps !== undefined) steps('warmupSteps', 0);
  assertNumber(fn, `${param}.alpha`, alpha, { min: 0, max: 1 });
  return (rate, step) => {
    const warm = warmupSteps as number;
    if (step < warm) return (rate * step) / warm;
    const t = Math.min(step - warm, decaySteps as number) / (decaySteps as number);
    return rate * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  };
}

function checkPiecewise(fn: string, param: string, value: Record<string, unknown>): RateAt {
  assertKnownKeys(fn, param, value, ['kind', 'boundaries', 'values']);
  const { boundaries, values } = value;
  if (!Array.isArray(boundaries)) {
    throw new TypeError(message(fn, `${param}.boundaries`, 'an array of step numbers', boundaries));
  }
  if (!Array.isArray(values)) {
    throw new TypeError(message(fn, `${param}.values`, 'an array of learning rates', values));
  }
  boundaries.forEach((b: unknown, i) => {
    const min = i === 0 ? 0 : (boundaries[i - 1] as number) + 1;
    assertInteger(fn, `${param}.boundaries[${i}]`, b, { min, max: 1e12 });
  });
  if (values.length !== boundaries.length + 1) {
    const expected = `an array of ${boundaries.length + 1} learning rates (one more than boundaries)`;
    throw new RangeError(message(fn, `${param}.values`, expected, values));
  }
  values.forEach((v: unknown, i) => {
    assertNumber(fn, `${param}.values[${i}]`, v, { min: 0, max: 1e6 });
  });
  const bounds = boundaries as number[];
  const rates = values as number[];
  return (_rate, step) => {
    const i = bounds.findIndex((b) => step <= b);
    return rates[i === -1 ? bounds.length : i]!;
  };
}

/**
 * Checks that `model` is compiled, and (when `scheduled`) that its optimizer has a learning
 * rate a schedule can set.
 */
export function checkOptimizer(fn: string, model: tf.LayersModel, scheduled: boolean): void {
  const optimizer = (model as { optimizer?: { learningRate?: unknown } }).optimizer;
  if (optimizer == null) {
    throw new TypeError(
      `${fn}: model must be compiled (model.compile) before training, but received a model without an optimizer`,
    );
  }
  if (scheduled && typeof optimizer.learningRate !== 'number') {
    throw new RangeError(
      `${fn}: options.learningRateSchedule needs a model compiled with an optimizer that has a learning rate, but received a model whose optimizer has none`,
    );
  }
}

/** What tfjs's optimizers have (protected in their types) that a schedule reads and sets. */
interface ScheduledOptimizer {
  learningRate: number;
  iterations: number;
}

/**
 * `model.fit` callbacks that set the model's optimizer's learning rate before every batch from
 * `rateAt` and its step count (tfjs's optimizers read `learningRate` at every update and count
 * their steps in `iterations`), and `restore`, which sets the compiled rate back.
 */
export function scheduleOptimizer(
  model: tf.LayersModel,
  rateAt: RateAt | undefined,
): { callbacks: tf.CustomCallbackArgs | undefined; restore: () => void } {
  const optimizer = model.optimizer as unknown as ScheduledOptimizer;
  const compiled = optimizer.learningRate;
  const callbacks = rateAt && {
    onBatchBegin: () => {
      optimizer.learningRate = rateAt(compiled, optimizer.iterations);
    },
  };
  const restore = () => {
    optimizer.learningRate = compiled;
  };
  return { callbacks, restore };
}

/**
 * A training call's `options.learningRateSchedule` checked (and the model's optimizer with it):
 * the rate at each step, or `undefined` for none. Throws as {@link checkSchedule} and
 * {@link checkOptimizer} do.
 */
export function resolveSchedule(
  fn: string,
  model: tf.LayersModel,
  schedule: unknown,
): RateAt | undefined {
  const rateAt =
    schedule === undefined
      ? undefined
      : checkSchedule(fn, 'options.learningRateSchedule', schedule);
  checkOptimizer(fn, model, rateAt !== undefined);
  return rateAt;
}
