/**
 * What the page holds between clicks: the model, the run in progress, the sequence the user
 * typed, and which families have a saved model. One object, so the modules share it.
 */
import type { EchoFamily } from '../../src/index';
import { disposeTrained, type Trained } from './families';
import { selectedFamily, setControls } from './view';

export const page = {
  /** The page's model: the last one trained or loaded (of any family). */
  trained: undefined as Trained | undefined,
  /** Aborts the run in progress; `undefined` when none is. */
  controller: undefined as AbortController | undefined,
  /** Whether "Load saved model" is at work. */
  restoring: false,
  /** The families whose model tfjs's model store holds (see saved.ts). */
  savedFamilies: new Set<EchoFamily>(),
  /** The sequence the user typed and the family it was checked for; none: a random one. */
  typed: undefined as { family: EchoFamily; sequence: number[] } | undefined,
  /** The seed of the table's random sequences (the run's seed). */
  tableSeed: 0,
};

/** Frees the page's model, if it has one. */
export function disposeModel(): void {
  // Weights, LSTM state and optimizer: model.dispose() alone would leave the last two.
  if (page.trained) disposeTrained(page.trained);
  page.trained = undefined; // not the disposed one, should what replaces it throw
}

/** The sequence the user typed for `family`, if any. */
export function typedFor(family: EchoFamily): number[] | undefined {
  return page.typed?.family === family ? page.typed.sequence : undefined;
}

/** The controls for a run that is (or is not) training; Load needs a saved model of the family. */
export function setRunning(running: boolean): void {
  setControls(running, page.savedFamilies.has(selectedFamily()));
}
