/**
 * The learning curve on the page's canvas: loss (left axis) and training accuracy (right axis)
 * per epoch, and the complete fresh-sequence checks as dots. Redrawn at most once a frame,
 * however many epochs the training worker reports in between.
 */
import { ui } from './view';

/** What the chart draws of a run; the worker's epoch logs fill it in as epochs end. */
export interface Run {
  maxEpochs: number;
  /** Whether the run can stop early (the preset has a target accuracy). */
  open: boolean;
  loss: number[];
  accuracy: number[];
  /** The complete fresh-sequence checks made on the way (none for a run without a target). */
  evaluations: { epoch: number; accuracy: number }[];
}

let run: Run | undefined;

/** Makes `next` the run the chart shows, and redraws it at the next frame. */
export function plotRun(next: Run): void {
  run = next;
  redrawChart();
}

let drawPending = false;

/** Redraws the chart at the next frame (after the run grew, or the page was resized). */
export function redrawChart(): void {
  if (drawPending) return; // calls before the frame share its one draw
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawChart();
  });
}

const colors = { loss: '#2563eb', accuracy: '#ea580c', evaluation: '#16a34a', grid: '#e5e7eb' };

/** Draws the chart now: the axes, and the run's curves if it has any. */
export function drawChart(): void {
  const canvas = ui.chart;
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const pad = { left: 44, right: 44, top: 12, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const n = run?.loss.length ?? 0;
  // A run that can stop early gets an x axis that grows with it; a fixed run shows all epochs.
  const xMax = !run ? 100 : run.open ? Math.max(50, Math.ceil(n / 50) * 50) : run.maxEpochs;
  // Loss starts high (cross-entropy over 100 ids: ln 100 = 4.6) and falls; the axis ends at the
  // next whole number above the first epochs, at least 1 (a linear model's MSE starts below).
  const firstLosses = run?.loss.slice(0, 3) ?? [];
  const lossMax = firstLosses.length > 0 ? Math.ceil(Math.max(1, ...firstLosses)) : 5;
  const x = (epoch: number): number => pad.left + (plotW * epoch) / xMax;
  const yLoss = (loss: number): number => pad.top + plotH * (1 - Math.min(loss, lossMax) / lossMax);
  const yAcc = (acc: number): number => pad.top + plotH * (1 - acc);

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.grid;
  ctx.fillStyle = '#6b7280';
  const divisions = 5;
  for (let i = 0; i <= divisions; i++) {
    const y = pad.top + (plotH * i) / divisions;
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(pad.left + plotW, y);
    ctx.stroke();
    ctx.textAlign = 'right';
    const share = (divisions - i) / divisions;
    ctx.fillText(String(Math.round(lossMax * share * 10) / 10), pad.left - 6, y + 4);
    ctx.textAlign = 'left';
    ctx.fillText(`${Math.round(100 * share)}%`, pad.left + plotW + 6, y + 4);
  }
  ctx.textAlign = 'center';
  for (let i = 0; i <= 5; i++) {
    const epoch = Math.round((xMax * i) / 5);
    ctx.fillText(String(epoch), x(epoch), height - 10);
  }
  if (!run || n === 0) return;

  const line = (values: number[], y: (v: number) => number, color: string): void => {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach((v, i) => {
      if (i === 0) ctx.moveTo(x(i + 1), y(v));
      else ctx.lineTo(x(i + 1), y(v));
    });
    ctx.stroke();
  };
  line(run.loss, yLoss, colors.loss);
  line(run.accuracy, yAcc, colors.accuracy);
  ctx.fillStyle = colors.evaluation;
  for (const { epoch, accuracy } of run.evaluations) {
    ctx.beginPath();
    ctx.arc(x(epoch), yAcc(accuracy), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}
