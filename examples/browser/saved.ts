/**
 * Saving and loading: each finished run's model goes to IndexedDB with `saveEchoModel`, and
 * what the page showed for it (see {@link SavedRun}) to localStorage, so that "Load saved
 * model" can check the loaded model's predictions, also after a reload.
 */
import * as tf from '@tensorflow/tfjs';
import { saveEchoModel } from '../../src/index';
import type { PresetName } from './settings';
import { clock, setSaved, type Accuracies } from './view';

/** Where each finished run's model is saved (tfjs's IndexedDB handler). */
export const SAVE_URL = 'indexeddb://seq-echo-demo';
/** The localStorage key of what the saved run showed (see {@link SavedRun}). */
const SAVED_RUN_KEY = 'seq-echo-demo:saved-run';

/**
 * What the page showed for the saved model, kept in localStorage next to it: after a reload the
 * page has nothing else to compare the loaded model with. `predicted` holds the table's
 * predictions, row by row, on `sequence`.
 */
export interface SavedRun {
  url: string;
  preset: PresetName;
  seed: number;
  epochs: number;
  /** The seed of the evaluation's sequences, and what the evaluation measured. */
  evaluationSeed: number;
  evaluation: Accuracies;
  sequence: number[];
  predicted: number[][];
  savedAt: string;
}

const isIntArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((v) => Number.isInteger(v));

/** The saved run's record, or `undefined` when there is none or it is not one of this page's. */
export function readSavedRun(): SavedRun | undefined {
  let value: unknown;
  try {
    value = JSON.parse(localStorage.getItem(SAVED_RUN_KEY) ?? 'null');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const run = value as Partial<Record<keyof SavedRun, unknown>>;
  const evaluation = run.evaluation as Partial<Accuracies> | null | undefined;
  const ok =
    run.url === SAVE_URL &&
    (run.preset === 'fast' || run.preset === 'walkthrough') &&
    Number.isInteger(run.seed) &&
    Number.isInteger(run.epochs) &&
    Number.isInteger(run.evaluationSeed) &&
    typeof evaluation?.accuracy === 'number' &&
    typeof evaluation.sequenceAccuracy === 'number' &&
    isIntArray(run.sequence) &&
    Array.isArray(run.predicted) &&
    run.predicted.every(isIntArray) &&
    typeof run.savedAt === 'string';
  return ok ? (value as SavedRun) : undefined;
}

/** `preset fast, seed 1, 55 epochs, saved at 1:41:53 PM`. */
export function describeSavedRun(saved: SavedRun): string {
  return `preset ${saved.preset}, seed ${saved.seed}, ${saved.epochs} epochs, saved at ${clock(saved.savedAt)}`;
}

/** Whether tfjs's model store holds a model at {@link SAVE_URL}. */
export async function savedModelExists(): Promise<boolean> {
  try {
    return SAVE_URL in (await tf.io.listModels());
  } catch (error) {
    console.warn(`demo: could not list the saved models: ${String(error)}`);
    return false;
  }
}

const kilobytes = (bytes: number | undefined): string => `${((bytes ?? 0) / 1024).toFixed(1)} kB`;

/**
 * Saves the model of a finished run to {@link SAVE_URL}, and what the page showed for it to
 * localStorage. A failure is shown on the save line; the run's own status stands.
 */
export async function saveRun(
  trained: tf.LayersModel,
  record: Omit<SavedRun, 'url' | 'savedAt'>,
): Promise<boolean> {
  setSaved('saving', `saving to ${SAVE_URL}…`);
  try {
    // The record describes the model in IndexedDB: none while that model is being replaced.
    localStorage.removeItem(SAVED_RUN_KEY);
    const { modelArtifactsInfo: info } = await saveEchoModel(trained, SAVE_URL);
    const savedAt = new Date().toISOString();
    const run: SavedRun = { url: SAVE_URL, ...record, savedAt };
    localStorage.setItem(SAVED_RUN_KEY, JSON.stringify(run));
    setSaved(
      'saved',
      `saved to ${SAVE_URL} (topology ${kilobytes(info.modelTopologyBytes)}, weights ` +
        `${kilobytes(info.weightDataBytes)}, at ${clock(savedAt)}); "Load saved model" ` +
        'brings it back, also after a reload',
    );
    return true;
  } catch (error) {
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    setSaved('error', `could not save to ${SAVE_URL}: ${message}`);
    return false;
  }
}
