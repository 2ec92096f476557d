/**
 * Which models a training call is using right now, so that a second call cannot interleave
 * with it: two training runs on one model (their optimizer steps would interleave), a
 * prediction whose `resetStates()` lands in the middle of `model.fit`, or a dispose that frees
 * weights still being trained.
 *
 * A training call holds its models from just after its checks to its end ({@link holdModels},
 * released in a `finally`). While it holds them, {@link assertNotTraining} refuses predictions
 * and evaluations, except while the call is paused in its `onEpochEnd` callback, where the
 * model is between epochs (its weights written back, its state reset) and reading it is safe.
 *
 * Never exported from the package.
 */

/** One training call's hold, shared by every model it holds. */
interface Hold {
  /** The training function holding the models, for error messages. */
  readonly fn: string;
  /** Whether the call is in its `onEpochEnd` callback (between epochs). */
  paused: boolean;
}

const holds = new WeakMap<object, Hold>();

/** What {@link holdModels} returns: the hold's release and its callback wrapper. */
export interface ModelHold {
  /**
   * Wraps the training call's per-epoch callback so that, while it runs (and until a returned
   * promise settles), the models are open to predictions and evaluations. `undefined` stays
   * `undefined`.
   */
  pauseDuring<T>(
    callback: ((log: T) => void | Promise<void>) | undefined,
  ): ((log: T) => Promise<void>) | undefined;
  /** Ends the hold; calling it again does nothing. */
  release(): void;
}

/**
 * Marks `models` as being trained by `fn`, or throws a `RangeError` naming `fn` and `param`
 * when another call already trains any of them. Call it after the call's own checks and
 * release the hold in a `finally`.
 */
export function holdModels(fn: string, param: string, models: readonly object[]): ModelHold {
  for (const model of models) {
    const other = holds.get(model);
    if (other) {
      throw new RangeError(
        `${fn}: ${param} must not be in training already, but received a model that ${other.fn} is training (await that call, or abort it with its signal, first)`,
      );
    }
  }
  const hold: Hold = { fn, paused: false };
  for (const model of models) holds.set(model, hold);
  let released = false;
  return {
    pauseDuring: (callback) =>
      callback &&
      (async (log) => {
        hold.paused = true;
        try {
          await callback(log);
        } finally {
          hold.paused = false;
        }
      }),
    release: () => {
      if (released) return;
      released = true;
      for (const model of models) {
        if (holds.get(model) === hold) holds.delete(model);
      }
    },
  };
}

/**
 * Throws a `RangeError` naming `fn` and `param` when a training call holds `model` and is not
 * paused in its `onEpochEnd` callback (or, with `evenPaused`, whenever one holds it).
 */
export function assertNotTraining(
  fn: string,
  param: string,
  model: object,
  evenPaused = false,
): void {
  const hold = holds.get(model);
  if (hold === undefined || (hold.paused && !evenPaused)) return;
  const when = evenPaused
    ? `await that call first (or abort it with its signal)`
    : `use it from that call's onEpochEnd, or after the call's promise settles`;
  throw new RangeError(
    `${fn}: ${param} must not be in training, but received a model that ${hold.fn} is training (${when})`,
  );
}
