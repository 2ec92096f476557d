/**
 * Start and Stop: asks the training worker to train the selected family with its preset,
 * feeding the counters and the chart from the epoch logs it posts (the live view comes the
 * same way, live.ts), then to evaluate the trained model and save it; shows the
 * Expected/Predicted table and records the saved run (saved.ts). The page's thread only draws.
 */
import type { EchoFamily } from '../../src/index';
import { plotRun, redrawChart, type Run } from './chart';
import { call } from './client';
import { currentSequences, showView } from './live';
import type { RunLog, RunResult } from './protocol';
import { saveRun } from './saved';
import { chooseSeed, epochsFor, targetFor } from './settings';
import { page, setRunning } from './state';
import { markResults, showAccuracies } from './table';
import {
  percent,
  seconds,
  selectedFamily,
  setStatus,
  showEpoch,
  showError,
  showThreads,
  showTrainingStarted,
  ui,
} from './view';

/** The run the chart shows; the worker's epoch logs extend it. */
let current: Run | undefined;

/** The epoch logs the worker posted (a batch, every ~20 ms): the counters and the chart. */
export function showEpochs(logs: RunLog[]): void {
  const last = logs.at(-1);
  if (!current || !last) return;
  for (const log of logs) {
    current.loss.push(log.loss);
    current.accuracy.push(log.accuracy);
  }
  showEpoch(last);
  redrawChart();
}

function stopSummary(result: RunResult): string {
  const why =
    result.stopReason === 'targetAccuracy'
      ? `reached the target accuracy after ${result.epochs} epochs`
      : result.stopReason === 'aborted'
        ? `stopped after ${result.epochs} epochs`
        : `trained all ${result.epochs} epochs`;
  const last = result.evaluations.at(-1);
  const check = last ? `; last check on fresh sequences ${percent(last.accuracy)}` : '';
  const engine =
    result.engine === 'fused'
      ? "seq-echo's fused engine"
      : `tfjs's model.fit${result.fallbackReason ? ` (${result.fallbackReason})` : ''}`;
  return `${why} in ${seconds(result.elapsedMs)} on ${engine} in the training worker${check}`;
}

/** "Start": trains the selected family, then evaluates, shows and saves what it learned. */
export async function start(): Promise<void> {
  if (page.running || page.restoring) return;
  const family = selectedFamily();
  const seed = chooseSeed();
  page.running = true;
  setRunning(true);
  showTrainingStarted(`${family}, seed ${seed}, tfjs backend ${page.backend}`);
  const epochs = epochsFor(family);
  const targetAccuracy = targetFor(family);
  current = {
    maxEpochs: epochs,
    open: targetAccuracy !== undefined,
    loss: [],
    accuracy: [],
    evaluations: [],
  };
  plotRun(current);

  try {
    page.model = family; // the worker frees its last model and builds this one
    page.tableSeed = seed;
    showAccuracies(undefined);
    markResults(family);
    const sequences = currentSequences(family);
    const result = await call('train', { family, seed, epochs, targetAccuracy, sequences });
    ui.stop.disabled = true; // nothing left to stop: the evaluation below takes a moment
    current.evaluations = result.evaluations;
    showThreads(result.threads);
    ui.elapsed.textContent = seconds(result.elapsedMs);
    const summary = stopSummary(result);
    setStatus('evaluating', summary);
    redrawChart();
    await finishRun(family, seed, result, summary);
  } catch (error) {
    showError(error);
  } finally {
    page.running = false;
    setRunning(false);
  }
}

/** After training: the evaluation and the table, then the save, then `done` or `stopped`. */
async function finishRun(
  family: EchoFamily,
  seed: number,
  result: RunResult,
  summary: string,
): Promise<void> {
  // Seeded, so that a reload with the same ?seed shows the same table, and the saved model
  // can be checked on the same sequences after a reload.
  const evaluationSeed = seed + 1;
  const sequences = currentSequences(family); // a typed one may have come while it trained
  const { evaluation, view } = await call('evaluate', { seed: evaluationSeed, sequences });
  showView(view);
  showAccuracies(evaluation);
  markResults(family, result);

  setStatus('saving', summary);
  const saved = await saveRun(family, {
    seed,
    epochs: result.epochs,
    evaluationSeed,
    evaluation,
    sequences,
    predicted: view.rows.map((row) => row.predicted),
  });
  if (saved) page.savedFamilies.add(family);
  setStatus(result.stopReason === 'aborted' ? 'stopped' : 'done', summary);
}

/** "Stop": aborts the run while it trains (not while it evaluates or saves). */
export function stop(): void {
  if (!page.running || document.body.dataset.status !== 'training') return;
  setStatus('stopping');
  call('stop', {}).catch(showError);
}
