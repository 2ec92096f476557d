/**
 * What the page holds between clicks: which family the training worker's model is, whether a
 * run or a load is at work, the sequence the user typed, and which families have a saved
 * model. One object, so the modules share it. The model itself lives in the worker.
 */
import type { EchoFamily } from '../../src/index';
import { selectedFamily, setControls } from './view';

export const page = {
  /** The family of the worker's model: the last one trained or loaded; none at first. */
  model: undefined as EchoFamily | undefined,
  /** Whether a run is at work (training, evaluating or saving). */
  running: false,
  /** Whether "Load saved model" is at work. */
  restoring: false,
  /** The families whose model tfjs's model store holds (the worker lists them). */
  savedFamilies: new Set<EchoFamily>(),
  /** The sequence the user typed and the family it was checked for; none: a random one. */
  typed: undefined as { family: EchoFamily; sequence: number[] } | undefined,
  /** The seed of the table's random sequences (the run's seed). */
  tableSeed: 0,
  /** The worker's tfjs backend. */
  backend: '',
};

/** The sequence the user typed for `family`, if any. */
export function typedFor(family: EchoFamily): number[] | undefined {
  return page.typed?.family === family ? page.typed.sequence : undefined;
}

/** The controls for a run that is (or is not) training; Load needs a saved model of the family. */
export function setRunning(running: boolean): void {
  setControls(running, page.savedFamilies.has(selectedFamily()));
}
