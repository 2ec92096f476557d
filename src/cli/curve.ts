/**
 * The learning curve `seq-echo train` writes: a self-contained SVG (no scripts, fonts, styles
 * or images from elsewhere) plotting the training loss and accuracy of every epoch, and the
 * fresh-sequence checks when there were any, with both axes labelled and a legend.
 */

/** What {@link learningCurveSvg} plots. */
export interface LearningCurve {
  /** Training loss per epoch (epoch 1 first), on the left axis. */
  loss: readonly number[];
  /** Training accuracy per epoch, in [0, 1], on the right axis. */
  accuracy: readonly number[];
  /** Accuracy on fresh sequences, checked after some epochs, on the right axis. */
  checks?: readonly { epoch: number; accuracy: number }[] | undefined;
  /** The target accuracy, drawn as a dashed line, if training had one. */
  target?: number | undefined;
  /** The heading. Default `'seq-echo learning curve'`. */
  title?: string | undefined;
  /** A second line under the heading, e.g. the recipe and preset. */
  subtitle?: string | undefined;
}

const WIDTH = 800;
const HEIGHT = 480;
/** The plot area: left, right, top and bottom edges. */
const PLOT = { left: 80, right: 720, top: 70, bottom: 380 } as const;
/** Divisions of both value axes: they share the grid lines. */
const DIVISIONS = 5;
const COLORS = { loss: '#1f6fb4', accuracy: '#e6700a', checks: '#2a9d3a', target: '#888888' };

/** Escapes text for SVG content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** A coordinate with at most one decimal, without trailing zeros. */
const num = (value: number): string => String(Math.round(value * 10) / 10);

/**
 * A "nice" step (1, 2, 2.5 or 5 times a power of ten) of at least `rough`.
 *
 * @param rough - The smallest acceptable step, > 0.
 * @param integer - Only whole steps (for epochs).
 */
function niceStep(rough: number, integer = false): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    const step = factor * power;
    if (step >= rough && (!integer || Number.isInteger(step))) return step;
  }
  return 10 * power;
}

/** A tick label: up to three decimals, no trailing zeros. */
const tickText = (value: number): string => String(Math.round(value * 1000) / 1000);

/** Splits a series into runs of finite values, as `[epoch, value]` pairs. */
function segments(values: readonly number[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  values.forEach((value, i) => {
    if (Number.isFinite(value)) run.push([i + 1, value]);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Renders a learning curve as a standalone SVG document: a title, an x axis of epochs, a left
 * axis for the loss (from 0 to a round number above its largest value), a right axis for
 * accuracy (0 to 1) sharing its grid lines, the training loss and accuracy as one polyline
 * each (a point per epoch, split only where a value is not finite), the fresh-sequence checks
 * as dots on a thin line, the target as a dashed line, and a legend under the plot.
 *
 * @param curve - The values to plot: see {@link LearningCurve}.
 * @returns The SVG document, starting with an XML declaration.
 */
export function learningCurveSvg(curve: LearningCurve): string {
  const epochs = Math.max(curve.loss.length, curve.accuracy.length);
  const checks = (curve.checks ?? []).filter(
    (c) => Number.isFinite(c.accuracy) && c.epoch >= 1 && c.epoch <= Math.max(1, epochs),
  );
  const finiteLoss = curve.loss.filter((v) => Number.isFinite(v));
  const maxLoss = finiteLoss.length > 0 ? Math.max(...finiteLoss, 0) : 0;
  const lossStep = niceStep(maxLoss / DIVISIONS);
  const lossTop = lossStep * DIVISIONS;
  const epochStep = niceStep(Math.max(1, epochs) / 8, true);
  const epochTop = Math.max(epochStep, Math.ceil(Math.max(1, epochs) / epochStep) * epochStep);

  const plotWidth = PLOT.right - PLOT.left;
  const plotHeight = PLOT.bottom - PLOT.top;
  const x = (epoch: number): number => PLOT.left + (epoch / epochTop) * plotWidth;
  const yLoss = (value: number): number =>
    PLOT.bottom - (Math.max(0, value) / lossTop) * plotHeight;
  const yAcc = (value: number): number =>
    PLOT.bottom - Math.min(1, Math.max(0, value)) * plotHeight;

  const out: string[] = [];
  const title = curve.title ?? 'seq-echo learning curve';
  const lastLoss = curve.loss[curve.loss.length - 1];
  const lastAccuracy = curve.accuracy[curve.accuracy.length - 1];
  const summary =
    epochs === 0
      ? 'No epochs were trained.'
      : `Training loss and accuracy over ${epochs} epoch${epochs === 1 ? '' : 's'}; ` +
        `last epoch: loss ${lastLoss?.toFixed(4) ?? '-'}, accuracy ${lastAccuracy?.toFixed(4) ?? '-'}.`;

  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12" ` +
      `role="img" aria-labelledby="title desc">`,
  );
  out.push(`  <title id="title">${escapeXml(title)}</title>`);
  out.push(`  <desc id="desc">${escapeXml(summary)}</desc>`);
  out.push(`  <rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(
    `  <text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(title)}</text>`,
  );
  if (curve.subtitle !== undefined) {
    out.push(
      `  <text x="${WIDTH / 2}" y="48" text-anchor="middle" fill="#555555">${escapeXml(curve.subtitle)}</text>`,
    );
  }

  // Grid and value axes: both axes have DIVISIONS divisions, so they share the grid lines.
  out.push('  <g class="grid" stroke="#e4e4e4" stroke-width="1">');
  for (let i = 0; i <= DIVISIONS; i++) {
    const y = num(PLOT.bottom - (i / DIVISIONS) * plotHeight);
    out.push(`    <line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}"/>`);
  }
  for (let e = epochStep; e <= epochTop; e += epochStep) {
    out.push(
      `    <line x1="${num(x(e))}" y1="${PLOT.top}" x2="${num(x(e))}" y2="${PLOT.bottom}"/>`,
    );
  }
  out.push('  </g>');

  out.push('  <g class="axes" stroke="#333333" stroke-width="1" fill="none">');
  out.push(`    <path d="M${PLOT.left},${PLOT.top} V${PLOT.bottom} H${PLOT.right} V${PLOT.top}"/>`);
  out.push('  </g>');

  out.push('  <g class="ticks" fill="#333333">');
  for (let i = 0; i <= DIVISIONS; i++) {
    const y = num(PLOT.bottom - (i / DIVISIONS) * plotHeight + 4);
    out.push(
      `    <text x="${PLOT.left - 8}" y="${y}" text-anchor="end">${tickText(lossStep * i)}</text>`,
    );
    out.push(`    <text x="${PLOT.right + 8}" y="${y}">${tickText(i / DIVISIONS)}</text>`);
  }
  for (let e = 0; e <= epochTop; e += epochStep) {
    out.push(`    <text x="${num(x(e))}" y="${PLOT.bottom + 18}" text-anchor="middle">${e}</text>`);
  }
  out.push('  </g>');

  // Axis labels.
  const midY = (PLOT.top + PLOT.bottom) / 2;
  out.push(
    `  <text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 42}" text-anchor="middle" font-size="13">epoch</text>`,
  );
  out.push(
    `  <text x="24" y="${midY}" text-anchor="middle" font-size="13" fill="${COLORS.loss}" transform="rotate(-90 24 ${midY})">loss (cross-entropy)</text>`,
  );
  out.push(
    `  <text x="${WIDTH - 22}" y="${midY}" text-anchor="middle" font-size="13" fill="${COLORS.accuracy}" transform="rotate(90 ${WIDTH - 22} ${midY})">accuracy</text>`,
  );

  if (curve.target !== undefined && Number.isFinite(curve.target)) {
    const y = num(yAcc(curve.target));
    out.push(
      `  <line class="target" x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="${COLORS.target}" stroke-width="1" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `  <text x="${PLOT.left + 6}" y="${num(yAcc(curve.target) - 5)}" fill="${COLORS.target}">target ${tickText(curve.target)}</text>`,
    );
  }

  // The series: a polyline per run of finite values, a dot for a run of one.
  const series = (
    name: string,
    values: readonly number[],
    y: (value: number) => number,
    color: string,
  ): void => {
    out.push(`  <g class="series ${name}" fill="none" stroke="${color}" stroke-width="2">`);
    for (const run of segments(values)) {
      const points = run.map(([e, v]) => `${num(x(e))},${num(y(v))}`).join(' ');
      if (run.length === 1) {
        const [e, v] = run[0]!;
        out.push(`    <circle cx="${num(x(e))}" cy="${num(y(v))}" r="2.5" fill="${color}"/>`);
      }
      out.push(`    <polyline data-series="${name}" stroke-linejoin="round" points="${points}"/>`);
    }
    out.push('  </g>');
  };
  series('loss', curve.loss, yLoss, COLORS.loss);
  series('accuracy', curve.accuracy, yAcc, COLORS.accuracy);
  if (checks.length > 0) {
    out.push(`  <g class="series checks" fill="${COLORS.checks}" stroke="${COLORS.checks}">`);
    const points = checks.map((c) => `${num(x(c.epoch))},${num(yAcc(c.accuracy))}`).join(' ');
    out.push(
      `    <polyline data-series="checks" fill="none" stroke-width="1" stroke-dasharray="3 2" points="${points}"/>`,
    );
    for (const c of checks) {
      out.push(`    <circle cx="${num(x(c.epoch))}" cy="${num(yAcc(c.accuracy))}" r="3.5"/>`);
    }
    out.push('  </g>');
  }
  if (epochs === 0) {
    out.push(
      `  <text x="${(PLOT.left + PLOT.right) / 2}" y="${midY}" text-anchor="middle" fill="#888888">no epochs trained</text>`,
    );
  }

  // Legend, under the plot, one entry after another.
  const entries: { label: string; color: string; dot?: boolean; dash?: string }[] = [
    { label: 'training loss (left axis)', color: COLORS.loss },
    { label: 'training accuracy (right axis)', color: COLORS.accuracy },
  ];
  if (checks.length > 0) {
    entries.push({
      label: 'accuracy on fresh sequences (right axis)',
      color: COLORS.checks,
      dot: true,
      dash: '3 2',
    });
  }
  // Text width is estimated (about 6 px a character at 12 px) to centre the legend.
  const widths = entries.map((entry) => 30 + Math.ceil(entry.label.length * 6) + 20);
  const legendY = HEIGHT - 22;
  let legendX = Math.max(8, Math.round((WIDTH - widths.reduce((a, b) => a + b, 0) + 20) / 2));
  out.push('  <g class="legend">');
  entries.forEach((entry, i) => {
    const dash = entry.dash === undefined ? '' : ` stroke-dasharray="${entry.dash}"`;
    out.push(
      `    <line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 24}" y2="${legendY - 4}" stroke="${entry.color}" stroke-width="${entry.dot ? 1 : 2}"${dash}/>`,
    );
    if (entry.dot) {
      out.push(
        `    <circle cx="${legendX + 12}" cy="${legendY - 4}" r="3.5" fill="${entry.color}"/>`,
      );
    }
    out.push(`    <text x="${legendX + 30}" y="${legendY}">${escapeXml(entry.label)}</text>`);
    legendX += widths[i]!;
  });
  out.push('  </g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
