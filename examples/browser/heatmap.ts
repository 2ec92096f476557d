/**
 * The attention family's heatmap: `attentionWeights(model, [window])` for the first window of
 * the table's sequence (the training worker computes it, this draws it), one row per output
 * step and one column per input step, darker for more weight. For the attention preset, which reverses its window, a trained model's weights form
 * an anti-diagonal: output step j looks at input step nIn - 1 - j. Hooks for tests on the
 * section: `data-peaks` (rows whose largest weight is on the input the task answers there),
 * `data-rows`, `data-mass` (the mean weight on those inputs) and `data-weights` (JSON).
 */
import { familyPresets } from '../../src/familyPresets';
import type { ModelView } from './protocol';
import { ui } from './view';

/** The input step output step `j` of `n` should read: the task's answer at `j`. */
const target = (j: number, n: number, reverse: boolean): number => (reverse ? n - 1 - j : j);

/** Draws the heatmap of `weights` for `window` (the model's `nIn` ids), and shows it. */
export function showHeatmap({ window, weights }: NonNullable<ModelView['heatmap']>): void {
  const reverse = familyPresets.attention.model.task === 'reverse';
  const n = window.length;
  let peaks = 0;
  let mass = 0;
  weights.forEach((row, j) => {
    const want = target(j, n, reverse);
    const best = row.reduce((b, w, i) => (w > (row[b] ?? -1) ? i : b), 0);
    if (best === want) peaks++;
    mass += row[want] ?? 0;
  });
  const section = ui.heatmap;
  section.dataset.peaks = String(peaks);
  section.dataset.rows = String(weights.length);
  section.dataset.mass = String(mass / weights.length);
  section.dataset.weights = JSON.stringify(weights.map((row) => row.map((w) => +w.toFixed(4))));
  ui.heatmapCaption.textContent =
    `attentionWeights for the window ${window.join(' ')}: row j is output step j's weights over ` +
    `the ${n} input steps. ${peaks}/${weights.length} rows peak on the ${reverse ? 'anti-' : ''}` +
    `diagonal (the item ${reverse ? 'reversed' : 'echoed'} there), holding ` +
    `${((100 * mass) / weights.length).toFixed(1)}% of the weight on average.`;
  section.hidden = false;
  draw(weights, window, reverse);
}

/** Draws the weights as squares, input ids along the top, output steps down the left. */
function draw(weights: number[][], items: number[], reverse: boolean): void {
  const canvas = ui.heatmapCanvas;
  const ratio = globalThis.devicePixelRatio || 1;
  const rows = weights.length;
  const cols = items.length;
  const cell = 18;
  const left = 28;
  const top = 22;
  const width = left + cols * cell + 4;
  const height = top + rows * cell + 4;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillStyle = '#6b7280';
  items.forEach((id, i) => {
    ctx.fillText(String(id), left + i * cell + cell / 2, top - 8);
  });
  ctx.textAlign = 'right';
  weights.forEach((row, j) => {
    ctx.fillStyle = '#6b7280';
    ctx.fillText(String(j + 1), left - 6, top + j * cell + cell / 2 + 3);
    row.forEach((w, i) => {
      // White at 0, the loss line's blue at 1.
      const shade = (from: number, to: number): number => Math.round(from + (to - from) * w);
      ctx.fillStyle = `rgb(${shade(255, 37)}, ${shade(255, 99)}, ${shade(255, 235)})`;
      ctx.fillRect(left + i * cell, top + j * cell, cell - 1, cell - 1);
    });
  });
  // Outline where the task says each output step should look.
  ctx.strokeStyle = '#ea580c';
  ctx.lineWidth = 1;
  for (let j = 0; j < rows; j++) {
    const i = target(j, cols, reverse);
    ctx.strokeRect(left + i * cell - 0.5, top + j * cell - 0.5, cell, cell);
  }
}
