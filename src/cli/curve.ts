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

/** The scales of a plot: epochs across, loss up the left, accuracy up the right. */
interface Scales {
  epochs: number;
  epochStep: number;
  epochTop: number;
  lossStep: number;
  x: (epoch: number) => number;
  yLoss: (value: number) => number;
  yAcc: (value: number) => number;
}

const PLOT_WIDTH = PLOT.right - PLOT.left;
const PLOT_HEIGHT = PLOT.bottom - PLOT.top;
const MID_Y = (PLOT.top + PLOT.bottom) / 2;

/** Epochs from 0 to a round number past the last, loss from 0 to a round number above its largest. */
function scalesOf(curve: LearningCurve): Scales {
  const epochs = Math.max(curve.loss.length, curve.accuracy.length);
  const finiteLoss = curve.loss.filter((v) => Number.isFinite(v));
  const maxLoss = finiteLoss.length > 0 ? Math.max(...finiteLoss, 0) : 0;
  const lossStep = niceStep(maxLoss / DIVISIONS);
  const lossTop = lossStep * DIVISIONS;
  const epochStep = niceStep(Math.max(1, epochs) / 8, true);
  const epochTop = Math.max(epochStep, Math.ceil(Math.max(1, epochs) / epochStep) * epochStep);
  return {
    epochs,
    epochStep,
    epochTop,
    lossStep,
    x: (epoch) => PLOT.left + (epoch / epochTop) * PLOT_WIDTH,
    yLoss: (value) => PLOT.bottom - (Math.max(0, value) / lossTop) * PLOT_HEIGHT,
    yAcc: (value) => PLOT.bottom - Math.min(1, Math.max(0, value)) * PLOT_HEIGHT,
  };
}

/** The XML declaration, the `<svg>` element's opening, its title, description and headings. */
function head(curve: LearningCurve, epochs: number): string[] {
  const title = curve.title ?? 'seq-echo learning curve';
  const lastLoss = curve.loss[curve.loss.length - 1];
  const lastAccuracy = curve.accuracy[curve.accuracy.length - 1];
  const summary =
    epochs === 0
      ? 'No epochs were trained.'
      : `Training loss and accuracy over ${epochs} epoch${epochs === 1 ? '' : 's'}; ` +
        `last epoch: loss ${lastLoss?.toFixed(4) ?? '-'}, accuracy ${lastAccuracy?.toFixed(4) ?? '-'}.`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12" ` +
      `role="img" aria-labelledby="title desc">`,
    `  <title id="title">${escapeXml(title)}</title>`,
    `  <desc id="desc">${escapeXml(summary)}</desc>`,
    `  <rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `  <text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  if (curve.subtitle !== undefined) {
    out.push(
      `  <text x="${WIDTH / 2}" y="48" text-anchor="middle" fill="#555555">${escapeXml(curve.subtitle)}</text>`,
    );
  }
  return out;
}

/** Grid lines, the frame, tick labels and axis labels. */
function axes({ epochStep, epochTop, lossStep, x }: Scales): string[] {
  // Both value axes have DIVISIONS divisions, so they share the grid lines.
  const levels = Array.from({ length: DIVISIONS + 1 }, (_, i) => i);
  const epochTicks: number[] = [];
  for (let e = 0; e <= epochTop; e += epochStep) epochTicks.push(e);
  const yOf = (i: number): number => PLOT.bottom - (i / DIVISIONS) * PLOT_HEIGHT;
  return [
    '  <g class="grid" stroke="#e4e4e4" stroke-width="1">',
    ...levels.map(
      (i) =>
        `    <line x1="${PLOT.left}" y1="${num(yOf(i))}" x2="${PLOT.right}" y2="${num(yOf(i))}"/>`,
    ),
    ...epochTicks
      .filter((e) => e > 0)
      .map(
        (e) =>
          `    <line x1="${num(x(e))}" y1="${PLOT.top}" x2="${num(x(e))}" y2="${PLOT.bottom}"/>`,
      ),
    '  </g>',
    '  <g class="axes" stroke="#333333" stroke-width="1" fill="none">',
    `    <path d="M${PLOT.left},${PLOT.top} V${PLOT.bottom} H${PLOT.right} V${PLOT.top}"/>`,
    '  </g>',
    '  <g class="ticks" fill="#333333">',
    ...levels.flatMap((i) => [
      `    <text x="${PLOT.left - 8}" y="${num(yOf(i) + 4)}" text-anchor="end">${tickText(lossStep * i)}</text>`,
      `    <text x="${PLOT.right + 8}" y="${num(yOf(i) + 4)}">${tickText(i / DIVISIONS)}</text>`,
    ]),
    ...epochTicks.map(
      (e) => `    <text x="${num(x(e))}" y="${PLOT.bottom + 18}" text-anchor="middle">${e}</text>`,
    ),
    '  </g>',
    `  <text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 42}" text-anchor="middle" font-size="13">epoch</text>`,
    `  <text x="24" y="${MID_Y}" text-anchor="middle" font-size="13" fill="${COLORS.loss}" transform="rotate(-90 24 ${MID_Y})">loss (cross-entropy)</text>`,
    `  <text x="${WIDTH - 22}" y="${MID_Y}" text-anchor="middle" font-size="13" fill="${COLORS.accuracy}" transform="rotate(90 ${WIDTH - 22} ${MID_Y})">accuracy</text>`,
  ];
}

/** The target as a dashed line with its label, if there is a finite one. */
function targetLine(target: number | undefined, { yAcc }: Scales): string[] {
  if (target === undefined || !Number.isFinite(target)) return [];
  const y = num(yAcc(target));
  return [
    `  <line class="target" x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="${COLORS.target}" stroke-width="1" stroke-dasharray="6 4"/>`,
    `  <text x="${PLOT.left + 6}" y="${num(yAcc(target) - 5)}" fill="${COLORS.target}">target ${tickText(target)}</text>`,
  ];
}

/** A series: a polyline per run of finite values, and a dot for a run of one. */
function series(
  name: string,
  values: readonly number[],
  x: (epoch: number) => number,
  y: (value: number) => number,
  color: string,
): string[] {
  const out = [`  <g class="series ${name}" fill="none" stroke="${color}" stroke-width="2">`];
  for (const run of segments(values)) {
    const points = run.map(([e, v]) => `${num(x(e))},${num(y(v))}`).join(' ');
    if (run.length === 1) {
      const [e, v] = run[0]!;
      out.push(`    <circle cx="${num(x(e))}" cy="${num(y(v))}" r="2.5" fill="${color}"/>`);
    }
    out.push(`    <polyline data-series="${name}" stroke-linejoin="round" points="${points}"/>`);
  }
  out.push('  </g>');
  return out;
}

/** The fresh-sequence checks: dots on a thin dashed line. */
function checkDots(checks: readonly { epoch: number; accuracy: number }[], s: Scales): string[] {
  if (checks.length === 0) return [];
  const at = (c: { epoch: number; accuracy: number }) => [
    num(s.x(c.epoch)),
    num(s.yAcc(c.accuracy)),
  ];
  const points = checks.map((c) => at(c).join(',')).join(' ');
  return [
    `  <g class="series checks" fill="${COLORS.checks}" stroke="${COLORS.checks}">`,
    `    <polyline data-series="checks" fill="none" stroke-width="1" stroke-dasharray="3 2" points="${points}"/>`,
    ...checks.map((c) => `    <circle cx="${at(c)[0]}" cy="${at(c)[1]}" r="3.5"/>`),
    '  </g>',
  ];
}

/** The legend, under the plot, one entry after another. */
function legend(withChecks: boolean): string[] {
  const entries: { label: string; color: string; dot?: boolean; dash?: string }[] = [
    { label: 'training loss (left axis)', color: COLORS.loss },
    { label: 'training accuracy (right axis)', color: COLORS.accuracy },
  ];
  if (withChecks) {
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
  const out = ['  <g class="legend">'];
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
  return out;
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
  const s = scalesOf(curve);
  const checks = (curve.checks ?? []).filter(
    (c) => Number.isFinite(c.accuracy) && c.epoch >= 1 && c.epoch <= Math.max(1, s.epochs),
  );
  const empty =
    s.epochs === 0
      ? [
          `  <text x="${(PLOT.left + PLOT.right) / 2}" y="${MID_Y}" text-anchor="middle" fill="#888888">no epochs trained</text>`,
        ]
      : [];
  const out = [
    ...head(curve, s.epochs),
    ...axes(s),
    ...targetLine(curve.target, s),
    ...series('loss', curve.loss, s.x, s.yLoss, COLORS.loss),
    ...series('accuracy', curve.accuracy, s.x, s.yAcc, COLORS.accuracy),
    ...checkDots(checks, s),
    ...empty,
    ...legend(checks.length > 0),
    '</svg>',
  ];
  return `${out.join('\n')}\n`;
}
