/**
 * What the page holds between clicks: the model, the run in progress, and whether a saved
 * model can be loaded. One object, so the training and loading modules share it.
 */
import type * as tf from '@tensorflow/tfjs';
import { disposeEchoModel } from '../../src/index';
import { setControls } from './view';

export const page = {
  /** The page's model: the last one trained or loaded. */
  model: undefined as tf.LayersModel | undefined,
  /** Aborts the run in progress; `undefined` when none is. */
  controller: undefined as AbortController | undefined,
  /** Whether "Load saved model" is at work. */
  restoring: false,
  /** Whether tfjs's model store holds a model at saved.ts's SAVE_URL. */
  hasSavedModel: false,
};

/** Frees the page's model, if it has one. */
export function disposeModel(): void {
  // Weights, LSTM state and optimizer: model.dispose() alone would leave the last two.
  if (page.model) disposeEchoModel(page.model);
  page.model = undefined; // not the disposed one, should what replaces it throw
}

export function setRunning(running: boolean): void {
  setControls(running, page.hasSavedModel);
}
