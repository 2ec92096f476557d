/**
 * `trainEcho`'s defaults, in a module of their own (no tfjs), so that the command line can
 * print and use them before it loads the library, and the findings can describe a run.
 */
export const TRAIN_ECHO_DEFAULTS = {
  /** Integers per epoch: the walkthrough's 25. */
  sequenceLength: 25,
  /** Windows per batch of a stateless model (a stateful one uses the batch it was built with). */
  batchSize: 32,
  /** Epochs between checks of `targetAccuracy`. */
  evaluateEvery: 10,
  /** Fresh sequences per check. */
  evaluationSequences: 20,
} as const;
