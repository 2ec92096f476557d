/**
 * The training worker's model and what it does with it: train (posting the epochs' logs and
 * the live view as it goes), stop, show the model on the table's sequences, evaluate, save and
 * load (IndexedDB, which workers have too). One model at a time, of any family; the page never
 * holds one, it draws what this posts (trainingWorker.ts carries the messages).
 */
import * as tf from '@tensorflow/tfjs';
import {
  attentionWeights,
  decodeGreedy,
  loadEchoModel,
  loadTeacherForcing,
  saveEchoModel,
  saveTeacherForcing,
  type EchoFamily,
} from '../../src/index';
import { decodeWithProbabilities } from './decode';
import {
  buildFamily,
  disposeTrained,
  evaluateFamily,
  predictRows,
  trainFamily,
  type Trained,
} from './families';
import type { ModelView, Requests, RunLog, RunResult } from './protocol';
import { FAMILIES, saveUrl } from './settings';

/** How often a training run posts the live view (the table and its extras) at most. */
const LIVE_EVERY_MS = 400;
/** How often a training run posts its epochs' logs at most (fast families end one every ~2 ms). */
const LOGS_EVERY_MS = 20;

/** What the worker posts besides replies: the events of a run. */
export interface Events {
  epochs(logs: RunLog[]): void;
  view(view: ModelView): void;
}

/** The worker's model, the run in progress and the table's sequences. */
const state = {
  trained: undefined as Trained | undefined,
  controller: undefined as AbortController | undefined,
  sequences: [] as number[][],
};

/** Frees the worker's model, if it has one. */
function disposeModel(): void {
  // Weights, LSTM state and optimizer: model.dispose() alone would leave the last two.
  if (state.trained) disposeTrained(state.trained);
  state.trained = undefined; // not the disposed one, should what replaces it throw
}

/** The view of `trained` on `sequences`: its rows, and its heatmap or its decoding steps. */
function viewOf(trained: Trained, sequences: number[][], live: boolean): ModelView {
  const rows = predictRows(trained, sequences);
  const first = sequences[0] ?? [];
  let heatmap: ModelView['heatmap'];
  if (trained.kind === 'echo' && trained.family === 'attention') {
    const nIn = trained.model.inputs[0]?.shape[1];
    const window = first.slice(0, typeof nIn === 'number' ? nIn : first.length);
    const [weights] = attentionWeights(trained.model, [window]);
    if (weights) heatmap = { window, weights };
  }
  let steps: ModelView['steps'];
  if (trained.kind === 'teacherForcing') {
    const { models } = trained;
    steps = {
      sequence: first,
      steps: decodeWithProbabilities(models, first),
      greedy: decodeGreedy(models, first),
      reverse: models.task === 'reverse',
    };
  }
  return { family: trained.family, live, rows, heatmap, steps };
}

/** The worker's model, or an error saying there is none. */
function model(): Trained {
  if (!state.trained) throw new Error('the training worker has no model: train or load one first');
  return state.trained;
}

/**
 * Builds the family's model (freeing the last one) and trains it with its preset, posting the
 * epochs' logs every {@link LOGS_EVERY_MS} and the live view every {@link LIVE_EVERY_MS}.
 * Training yields to the worker's event loop every ~50 ms, so `stop` and `show` land.
 */
export async function train(
  { family, seed, epochs, targetAccuracy, sequences }: Requests['train']['args'],
  events: Events,
): Promise<RunResult> {
  if (state.controller) throw new Error('a model is already training');
  const controller = (state.controller = new AbortController());
  try {
    disposeModel();
    const trained = buildFamily(family, seed);
    state.trained = trained;
    state.sequences = sequences;
    let logs: RunLog[] = [];
    let lastLogs = -Infinity;
    let lastLive = -Infinity;
    const flush = (): void => {
      if (logs.length > 0) events.epochs(logs);
      logs = [];
      lastLogs = performance.now();
    };
    const result = await trainFamily(trained, {
      epochs,
      targetAccuracy,
      seed,
      signal: controller.signal,
      onEpochEnd: ({ epoch, loss, accuracy, elapsedMs }) => {
        logs.push({ epoch, loss, accuracy, elapsedMs });
        const now = performance.now();
        if (now - lastLogs >= LOGS_EVERY_MS) flush();
        if (now - lastLive >= LIVE_EVERY_MS) {
          lastLive = now;
          events.view(viewOf(trained, state.sequences, true));
        }
      },
    });
    flush(); // the last epochs before the reply
    return result;
  } finally {
    state.controller = undefined;
  }
}

/** Aborts the run in progress, if any. */
export function stop(): void {
  state.controller?.abort();
}

/** The table's sequences from now on; the model's view on them unless it is training. */
export function show(sequences: number[][]): ModelView | undefined {
  state.sequences = sequences;
  if (state.controller || !state.trained) return undefined;
  return viewOf(state.trained, sequences, false);
}

/** The final evaluation (seeded fresh sequences) and the view on the table's sequences. */
export async function evaluate({
  seed,
  sequences,
}: Requests['evaluate']['args']): Promise<Requests['evaluate']['reply']> {
  const trained = model();
  state.sequences = sequences;
  const evaluation = await evaluateFamily(trained, seed);
  return { evaluation, view: viewOf(trained, sequences, false) };
}

/**
 * Saves the worker's model to `url`: an echo model with saveEchoModel, teacher forcing's three
 * with saveTeacherForcing.
 */
export async function save(url: string): Promise<Requests['save']['reply']> {
  const trained = model();
  const { modelArtifactsInfo: info } =
    trained.kind === 'echo'
      ? await saveEchoModel(trained.model, url)
      : await saveTeacherForcing(trained.models, url);
  return { topologyBytes: info.modelTopologyBytes ?? 0, weightBytes: info.weightDataBytes ?? 0 };
}

/**
 * Loads `family`'s model from `url` (loadEchoModel; teacher forcing: loadTeacherForcing), makes
 * it the worker's model, shows and evaluates it.
 */
export async function load({
  family,
  url,
  sequences,
  evaluationSeed,
}: Requests['load']['args']): Promise<Requests['load']['reply']> {
  const started = performance.now();
  const trained: Trained =
    family === 'teacherForcing'
      ? { kind: 'teacherForcing', family, models: await loadTeacherForcing(url) }
      : { kind: 'echo', family, model: await loadEchoModel(url) };
  const loadMs = performance.now() - started;
  disposeModel();
  state.trained = trained;
  state.sequences = sequences;
  const view = viewOf(trained, sequences, false);
  const evaluation = await evaluateFamily(trained, evaluationSeed);
  return { loadMs, view, evaluation };
}

/** The families whose model tfjs's model store (IndexedDB) holds. */
export async function listSaved(): Promise<EchoFamily[]> {
  const stored = await tf.io.listModels();
  return FAMILIES.filter((family) => saveUrl(family) in stored);
}
