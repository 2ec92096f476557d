/**
 * Training progress for the `seq-echo train` command: a single line redrawn in place on a
 * terminal, plain lines (about fifteen over the run, plus the fresh-sequence checks) anywhere
 * else, such as a log file or CI. The formatting functions are pure; {@link createProgress}
 * only decides when to write what.
 */

/** What the progress display knows about the run after an epoch. */
export interface ProgressSnapshot {
  /** Epochs completed, counting from 1. */
  epoch: number;
  /** The most epochs the run will train. */
  epochs: number;
  /** The epoch's mean training loss. */
  loss: number;
  /** The epoch's mean training accuracy, in [0, 1]. */
  accuracy: number;
  /** Milliseconds since training started, checks included. */
  elapsedMs: number;
}

/** One accuracy check on fresh sequences during training. */
export interface ProgressCheck {
  /** The epoch after which it was made. */
  epoch: number;
  /** Per-item accuracy on the fresh sequences, in [0, 1]. */
  accuracy: number;
  /** How many windows it tested. */
  windows: number;
  /** What they are, for the check's line: `windows` unless said (`sequences, exact`). */
  unit?: string | undefined;
}

/** Where progress goes: the subset of a Node stream (`process.stdout`) it uses. */
export interface ProgressStream {
  /** Writes text as is. */
  write(text: string): unknown;
  /** `true` for a terminal: the line is then redrawn in place. */
  isTTY?: boolean | undefined;
  /** The terminal's width in characters, when known. */
  columns?: number | undefined;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** About how many plain lines to print over a whole run when not on a terminal. Default `15`. */
  lines?: number | undefined;
  /** Least milliseconds between two redraws of the terminal line. Default `80`. */
  redrawMs?: number | undefined;
  /** The clock, in milliseconds (tests pass their own). Default `performance.now`. */
  now?: (() => number) | undefined;
}

/** What {@link createProgress} returns. */
export interface Progress {
  /** Reports an epoch; call it from `trainEcho`'s `onEpochEnd`. */
  update(snapshot: ProgressSnapshot): void;
  /** Reports a check on fresh sequences, made after the last reported epoch. */
  check(check: ProgressCheck): void;
  /** Prints a line of its own (e.g. "interrupted"), keeping the terminal line intact. */
  note(text: string): void;
  /** Shows the final state and ends the line; call it once, after training. */
  finish(): void;
}

/**
 * Formats a number of seconds as a countdown: `m:ss` below an hour, `h:mm:ss` above, and
 * `--:--` when the time is unknown (not a finite number, or negative).
 *
 * @param seconds - Seconds left; rounded to the nearest second.
 * @returns E.g. `0:05`, `12:34`, `1:02:03`.
 */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Formats a rate with about three significant digits: `0.52`, `7.31`, `42.7`, `1234`.
 *
 * @param perSecond - The rate; anything not finite and non-negative gives `-`.
 * @returns The number as text.
 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '-';
  if (perSecond >= 100) return perSecond.toFixed(0);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}

/** Epochs per second so far, and the seconds left at that pace to the run's last epoch. */
function pace({ epoch, epochs, elapsedMs }: ProgressSnapshot): { rate: number; eta: number } {
  const rate = elapsedMs > 0 ? (epoch * 1000) / elapsedMs : Number.NaN;
  return { rate, eta: epoch >= epochs ? 0 : (epochs - epoch) / rate };
}

/** The fields both kinds of line share: loss, accuracy, speed and time left. */
function fields(snapshot: ProgressSnapshot, accuracyLabel: string): string {
  const { rate, eta } = pace(snapshot);
  return (
    `loss ${snapshot.loss.toFixed(4)}  ${accuracyLabel} ${snapshot.accuracy.toFixed(4)}  ` +
    `${formatRate(rate)} epochs/s  ETA ${formatEta(eta)}`
  );
}

/** `epoch  N/M`, with N padded to the width of M so lines align. */
function epochText({ epoch, epochs }: ProgressSnapshot): string {
  return `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}`;
}

/**
 * The terminal's progress line:
 * `epoch  23/300 [████░░░░░░░░░░░░░░░░] loss 2.8012  acc 0.4571  412 epochs/s  ETA 0:01`,
 * followed by `  check 0.8762` once a fresh-sequence check has been made. The bar is dropped,
 * then the line cut, to fit `width`.
 *
 * @param snapshot - The last epoch reported.
 * @param check - The last fresh-sequence check, if any.
 * @param width - The terminal's width; the line is kept at least one character shorter so it
 *   never wraps. Default: no limit.
 * @returns The line, without a line break.
 */
export function formatProgressLine(
  snapshot: ProgressSnapshot,
  check?: ProgressCheck,
  width = Infinity,
): string {
  const barWidth = 20;
  const filled = Math.min(
    barWidth,
    Math.max(0, Math.floor((snapshot.epoch / snapshot.epochs) * barWidth)),
  );
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]`;
  const tail = `${fields(snapshot, 'acc')}${check ? `  check ${check.accuracy.toFixed(4)}` : ''}`;
  const head = epochText(snapshot);
  const room = width - 1;
  const full = `${head} ${bar} ${tail}`;
  if (full.length <= room) return full;
  const short = `${head} ${tail}`;
  return short.length <= room ? short : short.slice(0, Math.max(0, room));
}

/**
 * A plain progress line, for output that is not a terminal:
 * `epoch  20/300  loss 2.8012  accuracy 0.4571  412 epochs/s  ETA 0:01`.
 *
 * @param snapshot - The epoch to report.
 * @returns The line, without a line break.
 */
export function formatPlainLine(snapshot: ProgressSnapshot): string {
  return `${epochText(snapshot)}  ${fields(snapshot, 'accuracy')}`;
}

/**
 * A fresh-sequence check as a line of its own:
 * `check after epoch 5: accuracy 0.0876 on 420 fresh windows`.
 *
 * @param check - The check.
 * @returns The line, without a line break.
 */
export function formatCheckLine(check: ProgressCheck): string {
  return `check after epoch ${check.epoch}: accuracy ${check.accuracy.toFixed(4)} on ${check.windows} fresh ${check.unit ?? 'windows'}`;
}

/**
 * Which epochs get a plain line: the first, every `every`-th, and the last of the run, where
 * `every` spreads about `lines` lines over `epochs`.
 *
 * @param epochs - The most epochs of the run.
 * @param lines - About how many lines to print. Default `15`.
 * @returns A test of an epoch number.
 */
export function plainSchedule(epochs: number, lines = 15): (epoch: number) => boolean {
  const every = Math.max(1, Math.round(epochs / Math.max(1, lines)));
  return (epoch) => epoch === 1 || epoch % every === 0 || epoch === epochs;
}

/**
 * Makes the progress display for one training run, writing to `stream`: on a terminal
 * (`stream.isTTY`) one line redrawn in place (at most every `redrawMs`) and ended by
 * `finish()`; otherwise a plain line for the epochs {@link plainSchedule} picks, a line per
 * fresh-sequence check, and a last line for the final epoch if it was not printed yet.
 *
 * @param stream - Where to write (`process.stdout`).
 * @param options - See {@link ProgressOptions}.
 * @returns The display: see {@link Progress}.
 */
export function createProgress(stream: ProgressStream, options: ProgressOptions = {}): Progress {
  const now = options.now ?? (() => performance.now());
  const redrawMs = options.redrawMs ?? 80;
  const lines = options.lines ?? 15;
  const tty = stream.isTTY === true;
  let last: ProgressSnapshot | undefined;
  let lastCheck: ProgressCheck | undefined;
  let schedule: ((epoch: number) => boolean) | undefined;
  let printed = 0; // the last epoch with a plain line
  let drawnAt = -Infinity;
  let drawn = false; // a terminal line is on screen, unfinished

  const draw = (): void => {
    if (!last) return;
    stream.write(`\r${formatProgressLine(last, lastCheck, stream.columns ?? Infinity)}\x1b[K`);
    drawn = true;
    drawnAt = now();
  };

  return {
    update(snapshot) {
      last = snapshot;
      if (tty) {
        const edge = snapshot.epoch === 1 || snapshot.epoch === snapshot.epochs;
        if (edge || now() - drawnAt >= redrawMs) draw();
        return;
      }
      schedule ??= plainSchedule(snapshot.epochs, lines);
      if (schedule(snapshot.epoch)) {
        stream.write(`${formatPlainLine(snapshot)}\n`);
        printed = snapshot.epoch;
      }
    },
    check(check) {
      lastCheck = check;
      if (tty) draw();
      else stream.write(`${formatCheckLine(check)}\n`);
    },
    note(text) {
      if (tty && drawn) {
        stream.write(`\r\x1b[K${text}\n`);
        draw();
      } else {
        stream.write(`${text}\n`);
      }
    },
    finish() {
      if (tty) {
        draw();
        if (drawn) stream.write('\n');
        drawn = false;
      } else if (last && printed !== last.epoch) {
        stream.write(`${formatPlainLine(last)}\n`);
        printed = last.epoch;
      }
    },
  };
}
