/**
 * The `seq-echo` command line (src/cli): its pure parts directly (argument parsing, progress
 * lines, the learning curve's SVG, the tables), then the command itself end to end, run as a
 * child process from source with `npx tsx src/cli/main.ts` (no build needed): train model A
 * with the fast preset and save it, evaluate and predict with the saved model, and the exit
 * codes of help, usage errors and library errors.
 */
import { spawn } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  parseCli,
  parseEvaluateArgs,
  parsePredictArgs,
  parseSequence,
  parseTrainArgs,
  UsageError,
} from '../src/cli/args';
import { learningCurveSvg } from '../src/cli/curve';
import { TRAIN_ECHO_DEFAULTS } from '../src/training/defaults';
import { escapeControl } from '../src/cli/escape';
import { checkOutputPaths, SAVED_FILES } from '../src/cli/outputs';
import { METADATA_FILE, MODEL_FILE, WEIGHTS_FILE } from '../src/io/directoryHandler';
import {
  createProgress,
  formatEta,
  formatPlainLine,
  formatProgressLine,
  formatRate,
  plainSchedule,
  type ProgressSnapshot,
} from '../src/cli/progress';
import { runCli } from '../src/cli/run';
import { presets } from '../src/presets';
import { formatEchoTable, formatPercent } from '../src/cli/table';
import { formatModelInfo, modelFamily } from '../src/cli/family';
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  disposeEchoModel,
  type EchoModelMetadata,
} from '../src';

const CWD = '/work/dir';

/** The UsageError that `run` throws; fails when it throws something else or nothing. */
function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

/**
 * Checks that `text` is well-formed XML: an optional XML declaration, then exactly one root
 * element; every tag closed in order, attributes quoted and not repeated, `<` only in markup
 * and `&` only in entity references.
 */
function expectWellFormedXml(text: string): void {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const tag =
    /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|<!--(?:(?!--)[\s\S])*-->/y;
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  while (at < body.length) {
    const next = body.indexOf('<', at);
    const textPart = body.slice(at, next === -1 ? body.length : next);
    expect(textPart.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '')).not.toMatch(/&/);
    if (next === -1) break;
    if (stack.length === 0) expect(textPart.trim()).toBe('');
    tag.lastIndex = next;
    const match = tag.exec(body);
    if (match === null) throw new Error(`malformed markup at ${body.slice(next, next + 60)}`);
    const [whole, closing, name, attributes = '', selfClosing] = match;
    at = next + whole.length;
    if (name === undefined) continue; // a comment
    const names = [...attributes.matchAll(/([A-Za-z_][\w:.-]*)\s*=/g)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    for (const value of attributes.matchAll(/"([^"]*)"/g)) {
      expect(value[1]!.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).not.toMatch(/&/);
    }
    if (closing === '/') {
      expect(stack.pop()).toBe(name);
    } else if (selfClosing === '/') {
      if (stack.length === 0) roots++;
    } else {
      if (stack.length === 0) roots++;
      stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

/** The points of the polylines of one series of a learning curve. */
function seriesPoints(svg: string, series: string): string[][] {
  return [
    ...svg.matchAll(new RegExp(`<polyline data-series="${series}"[^>]* points="([^"]*)"`, 'g')),
  ].map((m) =>
    m[1]!
      .trim()
      .split(/\s+/)
      .filter((p) => p !== ''),
  );
}

describe('seq-echo CLI: argument parsing', () => {
  it('train: the walkthrough recipe for model A by default', () => {
    expect(parseTrainArgs([], CWD)).toEqual({
      family: 'whole',
      recipe: 'whole',
      preset: 'walkthrough',
      model: { ...presets.walkthroughWhole.model, seed: 1 },
      train: {
        epochs: presets.walkthroughWhole.train.epochs,
        seed: 1,
        sequenceLength: TRAIN_ECHO_DEFAULTS.sequenceLength,
        batchSize: TRAIN_ECHO_DEFAULTS.batchSize, // used only if the model is stateless
        evaluateEvery: TRAIN_ECHO_DEFAULTS.evaluateEvery,
        evaluationSequences: TRAIN_ECHO_DEFAULTS.evaluationSequences,
      },
      target: undefined,
      backend: 'auto',
      save: undefined,
      curve: resolve(CWD, 'learning-curve.svg'),
    });
  });

  it("train: the fast presets' settings, for either recipe", () => {
    // Read from `presets`, not copied from it: a retuned preset must not break this test, but
    // a CLI that stops taking its settings from the preset must.
    const fastWhole = presets.fastWhole.train;
    const whole = parseTrainArgs(['--preset', 'fast'], CWD);
    expect(whole.model).toEqual({ ...presets.fastWhole.model, seed: 1 });
    expect(whole.train).toMatchObject({
      epochs: fastWhole.epochs,
      evaluateEvery: fastWhole.evaluateEvery,
    });
    expect(whole.target).toBe(fastWhole.targetAccuracy);

    const fastPartial = presets.fastPartial.train;
    const partial = parseTrainArgs(['--recipe', 'partial', '--preset', 'fast', '--seed', '9'], CWD);
    expect(partial.recipe).toBe('partial');
    expect(partial.model).toEqual({ ...presets.fastPartial.model, seed: 9 });
    expect(partial.train).toEqual({
      epochs: fastPartial.epochs,
      seed: 9,
      sequenceLength: fastPartial.sequenceLength,
      batchSize: fastPartial.batchSize,
      evaluateEvery: fastPartial.evaluateEvery,
      evaluationSequences: 20,
      // The preset's warm-up and cosine decay, which the CLI once dropped.
      learningRateSchedule: fastPartial.learningRateSchedule,
    });
    expect(partial.target).toBe(fastPartial.targetAccuracy);
    expect(parseTrainArgs(['--recipe', 'partial'], CWD).train.epochs).toBe(
      presets.walkthroughPartial.train.epochs,
    );
  });

  it('train: every model and training flag lands on the right option', () => {
    const plan = parseTrainArgs(
      [
        '--recipe=partial',
        '--n-in',
        '6',
        '--n-out',
        '3',
        '--n-unique',
        '50',
        '--units',
        '64',
        '--batch-size',
        '16',
        '--no-stateful',
        '--learning-rate',
        '5e-3',
        '--epochs',
        '42',
        '--seed=-7', // a value starting with '-' needs the = form
        '--target',
        '0.9',
        '--evaluate-every',
        '3',
        '--sequence-length',
        '40',
        '--backend',
        'cpu',
        '--save',
        'out/model',
      ],
      CWD,
    );
    expect(plan.model).toEqual({
      nIn: 6,
      nOut: 3,
      nUnique: 50,
      units: 64,
      batchSize: 16,
      stateful: false,
      learningRate: 0.005,
      seed: -7,
    });
    expect(plan.train).toEqual({
      epochs: 42,
      seed: -7,
      sequenceLength: 40,
      batchSize: 16, // stateless: trainEcho's batch size
      evaluateEvery: 3,
      evaluationSequences: 20,
    });
    expect(plan.target).toBe(0.9);
    expect(plan.backend).toBe('cpu');
    expect(plan.save).toBe(resolve(CWD, 'out/model'));
    // The curve goes into the model's directory by default.
    expect(plan.curve).toBe(resolve(CWD, 'out/model/learning-curve.svg'));
  });

  it('negative numbers are values in both forms: --seed -5 and --seed=-5', () => {
    expect(parseTrainArgs(['--seed', '-5'], CWD).train.seed).toBe(-5);
    expect(parseTrainArgs(['--seed=-5'], CWD).model.seed).toBe(-5);
    expect(parseEvaluateArgs(['/m', '--seed', '-5'], CWD).seed).toBe(-5);
    expect(parseEvaluateArgs(['/m', '--seed=-5'], CWD).seed).toBe(-5);
    // Not parseArgs' "ambiguous": the value is read, and its range is the library's to check.
    expect(parseTrainArgs(['--epochs', '-3'], CWD).train.epochs).toBe(-3);
    expect(parseTrainArgs(['--learning-rate', '-.5'], CWD).model.learningRate).toBe(-0.5);
    // A flag after a flag is still a flag, and a negative number is no flag on its own.
    expect(usageError(() => parseTrainArgs(['--seed', '--epochs', '3'], CWD)).message).toContain(
      'ambiguous',
    );
    expect(usageError(() => parseTrainArgs(['-5'], CWD)).message).toContain("Unknown option '-5'");
  });

  it('train: --stateful/--no-stateful and --curve/--no-curve, the last one wins', () => {
    expect(parseTrainArgs(['--no-stateful', '--stateful'], CWD).model).toHaveProperty(
      'stateful',
      true,
    );
    expect(parseTrainArgs(['--stateful', '--no-stateful'], CWD).model).toHaveProperty(
      'stateful',
      false,
    );
    expect(parseTrainArgs(['--no-curve'], CWD).curve).toBeUndefined();
    expect(parseTrainArgs(['--no-curve', '--curve', 'c.svg'], CWD).curve).toBe(
      resolve(CWD, 'c.svg'),
    );
    expect(parseTrainArgs(['--curve', '/abs/c.svg', '--no-curve'], CWD).curve).toBeUndefined();
    expect(parseTrainArgs(['--preset', 'fast', '--target', 'none'], CWD).target).toBeUndefined();
    // --batch-size is the model's (stateful) and trainEcho's (stateless).
    const stateful = parseTrainArgs(['--batch-size', '3'], CWD);
    expect(stateful.model).toHaveProperty('batchSize', 3);
    expect(stateful.train.batchSize).toBe(3);
  });

  it.each([
    [['--epochs', '1.5x'], '--epochs must be a number, but received "1.5x"'],
    [['--epochs', '0x10'], '--epochs must be a number'],
    [['--units', 'many'], '--units must be a number'],
    [['--target', 'all'], '--target must be a number'],
    [['--epochs'], "Option '--epochs <value>' argument missing"],
    [['--recipe', 'x'], '--recipe must be one of whole, partial, but received "x"'],
    [['--preset', 'slow'], '--preset must be one of walkthrough, fast'],
    [['--backend', 'gpu'], '--backend must be one of auto, cpu, wasm'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--n-out', '2'], '--n-out applies to --recipe partial only'],
    [['--save', ''], '--save must be a path'],
  ])('train %j is a usage error: %s', (argv, message) => {
    const error = usageError(() => parseTrainArgs(argv, CWD));
    expect(error.message).toContain(message);
    expect(error.command).toBe('train');
  });

  it('evaluate and predict: MODEL_DIR, the sequence and the flags', () => {
    expect(parseEvaluateArgs(['models/a'], CWD)).toEqual({
      model: resolve(CWD, 'models/a'),
      sequences: 100,
      seed: undefined,
      backend: 'auto',
    });
    expect(parseEvaluateArgs(['/m', '--sequences', '7', '--seed', '3'], CWD)).toMatchObject({
      model: '/m',
      sequences: 7,
      seed: 3,
    });
    expect(usageError(() => parseEvaluateArgs([], CWD)).message).toContain('MODEL_DIR is required');
    expect(usageError(() => parseEvaluateArgs(['/m', '--sequences', 'x'], CWD)).message).toBe(
      '--sequences must be a number, but received "x"',
    );
    expect(usageError(() => parseEvaluateArgs(['/m', '/n'], CWD)).message).toContain(
      'unexpected argument "/n"',
    );

    expect(parsePredictArgs(['/m', '1,2,3', '4', '5'], CWD)).toEqual({
      model: '/m',
      sequence: [1, 2, 3, 4, 5],
      backend: 'auto',
    });
    expect(parseSequence(['1, 2 ,3', ',4,,5,'])).toEqual([1, 2, 3, 4, 5]);
    expect(parseSequence(['7 8\t9\n10'])).toEqual([7, 8, 9, 10]);
    // Numbers are read; whether they are ids of the model is predictEcho's to say.
    expect(parseSequence(['1.5,-2'])).toEqual([1.5, -2]);
    expect(usageError(() => parseSequence(['1,x,3'])).message).toBe(
      'each id of the sequence must be a number, but received "x"',
    );
    expect(usageError(() => parseSequence([' , '])).message).toContain('a sequence is required');
    expect(usageError(() => parsePredictArgs(['/m', '1', '-2', '3'], CWD)).message).toContain(
      "Unknown option '-2'",
    );
  });

  it('the command line: help, version, commands, and usage errors', () => {
    expect(parseCli(['--help'], CWD)).toEqual({ kind: 'help', topic: undefined });
    expect(parseCli(['-h'], CWD)).toEqual({ kind: 'help', topic: undefined });
    expect(parseCli(['help'], CWD)).toEqual({ kind: 'help', topic: undefined });
    expect(parseCli(['help', 'train'], CWD)).toEqual({ kind: 'help', topic: 'train' });
    expect(parseCli(['predict', '--help'], CWD)).toEqual({ kind: 'help', topic: 'predict' });
    // --help wins over anything else on the line.
    expect(parseCli(['train', '--epochs', '0', '--bogus', '-h'], CWD)).toEqual({
      kind: 'help',
      topic: 'train',
    });
    expect(parseCli(['--version'], CWD)).toEqual({ kind: 'version' });
    expect(parseCli(['train', '--epochs', '3'], CWD)).toMatchObject({
      kind: 'train',
      plan: { train: { epochs: 3 } },
    });
    expect(usageError(() => parseCli([], CWD)).message).toBe('a command is required');
    expect(usageError(() => parseCli(['fit'], CWD)).message).toBe('unknown command "fit"');
    expect(usageError(() => parseCli(['--epochs', '3'], CWD)).message).toBe(
      'unknown option "--epochs"',
    );
    expect(usageError(() => parseCli(['help', 'fit'], CWD)).command).toBeUndefined();
  });
});

describe('seq-echo CLI: progress', () => {
  const snapshot = (epoch: number, epochs: number, elapsedMs: number): ProgressSnapshot => ({
    epoch,
    epochs,
    loss: 2.80123,
    accuracy: 0.45714,
    elapsedMs,
  });

  it('formats the time left as m:ss or h:mm:ss, and -- when unknown', () => {
    expect(formatEta(0)).toBe('0:00');
    expect(formatEta(0.4)).toBe('0:00');
    expect(formatEta(5)).toBe('0:05');
    expect(formatEta(59.6)).toBe('1:00');
    expect(formatEta(65)).toBe('1:05');
    expect(formatEta(754)).toBe('12:34');
    expect(formatEta(3600)).toBe('1:00:00');
    expect(formatEta(3723)).toBe('1:02:03');
    expect(formatEta(100 * 3600)).toBe('100:00:00');
    for (const unknown of [NaN, Infinity, -1]) expect(formatEta(unknown)).toBe('--:--');
  });

  it('formats rates with about three significant digits', () => {
    expect(formatRate(0.523)).toBe('0.52');
    expect(formatRate(7.314)).toBe('7.31');
    expect(formatRate(42.66)).toBe('42.7');
    expect(formatRate(1234.4)).toBe('1234');
    expect(formatRate(NaN)).toBe('-');
  });

  it('the terminal line: epoch/total, bar, loss, accuracy, epochs/s, ETA, last check', () => {
    const line = formatProgressLine(snapshot(23, 300, 1000));
    expect(line).toBe(
      `epoch  23/300 [█${'░'.repeat(19)}] loss 2.8012  acc 0.4571  23.0 epochs/s  ETA 0:12`,
    );
    const checked = formatProgressLine(snapshot(300, 300, 2000), {
      epoch: 300,
      accuracy: 0.99,
      windows: 420,
    });
    expect(checked).toContain(`[${'█'.repeat(20)}]`);
    expect(checked).toMatch(/150 epochs\/s {2}ETA 0:00 {2}check 0\.9900$/);
    // Narrow terminals: the bar goes first, then the line is cut; it never wraps.
    const narrow = formatProgressLine(snapshot(23, 300, 1000), undefined, 70);
    expect(narrow).not.toContain('[');
    expect(narrow.length).toBeLessThan(70);
    expect(formatProgressLine(snapshot(23, 300, 1000), undefined, 30)).toHaveLength(29);
  });

  it('the plain line', () => {
    expect(formatPlainLine(snapshot(20, 300, 500))).toBe(
      'epoch  20/300  loss 2.8012  accuracy 0.4571  40.0 epochs/s  ETA 0:07',
    );
  });

  it('plain output picks 10-20 epochs of any run, always the first and the last', () => {
    for (const epochs of [55, 300, 500, 1000, 5000, 12345]) {
      const picked = Array.from({ length: epochs }, (_, i) => i + 1).filter(plainSchedule(epochs));
      expect(picked.length).toBeGreaterThanOrEqual(10);
      expect(picked.length).toBeLessThanOrEqual(20);
      expect(picked[0]).toBe(1);
      expect(picked[picked.length - 1]).toBe(epochs);
    }
    const short = Array.from({ length: 3 }, (_, i) => i + 1).filter(plainSchedule(3));
    expect(short).toEqual([1, 2, 3]);
  });

  /** A stream that records what is written to it. */
  const recorder = (isTTY: boolean, columns?: number) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns, write: (text: string) => chunks.push(text) } };
  };

  it('when not on a terminal: plain lines over the run, one per check, the last epoch at the end', () => {
    const { chunks, stream } = recorder(false);
    const progress = createProgress(stream);
    for (let epoch = 1; epoch <= 55; epoch++) {
      progress.update(snapshot(epoch, 300, epoch * 5));
      if (epoch % 5 === 0) progress.check({ epoch, accuracy: epoch / 55, windows: 420 });
    }
    progress.finish();
    const text = chunks.join('');
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\x1b');
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.endsWith('\n'))).toBe(true);
    const lines = text.trimEnd().split('\n');
    const epochLines = lines.filter((l) => l.startsWith('epoch'));
    expect(epochLines.map((l) => /epoch +(\d+)\//.exec(l)?.[1])).toEqual(['1', '20', '40', '55']);
    expect(lines.filter((l) => l.startsWith('check after epoch'))).toHaveLength(11);
    expect(lines).toContain('check after epoch 55: accuracy 1.0000 on 420 fresh windows');
    expect(lines[lines.length - 1]).toMatch(/^epoch {2}55\/300 {2}loss/);

    // A full run prints its last epoch once.
    const full = recorder(false);
    const done = createProgress(full.stream);
    for (let epoch = 1; epoch <= 300; epoch++) done.update(snapshot(epoch, 300, epoch));
    done.finish();
    const fullLines = full.chunks.join('').trimEnd().split('\n');
    expect(fullLines.length).toBeGreaterThanOrEqual(10);
    expect(fullLines.length).toBeLessThanOrEqual(20);
    expect(fullLines.filter((l) => l.startsWith('epoch 300/300'))).toHaveLength(1);
  });

  it('on a terminal: one line redrawn in place, at most every redrawMs, ended by finish()', () => {
    const { chunks, stream } = recorder(true, 80);
    let clock = 0;
    const progress = createProgress(stream, { now: () => clock, redrawMs: 80 });
    for (let epoch = 1; epoch <= 300; epoch++) {
      clock += 2;
      progress.update(snapshot(epoch, 300, clock));
      if (epoch === 150) progress.note('interrupted');
    }
    expect(chunks.join('')).not.toMatch(/\n(?!$)[^\r]/); // the note is the only full line
    progress.finish();
    const text = chunks.join('');
    expect(text.endsWith('\n')).toBe(true);
    const frames = text.split('\r').filter((frame) => frame.startsWith('epoch'));
    // 600 ms of epochs, a redraw every 80 ms or more, plus the first, the note's and the last.
    expect(frames.length).toBeGreaterThanOrEqual(8);
    expect(frames.length).toBeLessThanOrEqual(14);
    for (const frame of frames) {
      expect(frame.replace('\x1b[K', '').trimEnd().length).toBeLessThan(80);
    }
    expect(frames[frames.length - 1]).toContain('epoch 300/300');
    expect(text).toContain('\r\x1b[Kinterrupted\n');
  });
});

describe('seq-echo CLI: learning curve and tables', () => {
  const loss = Array.from({ length: 55 }, (_, i) => 4.6 * Math.exp(-i / 15));
  const accuracy = Array.from({ length: 55 }, (_, i) => Math.min(1, i / 45));

  it('is a well-formed, self-contained SVG with a point per epoch', () => {
    const checks = Array.from({ length: 11 }, (_, i) => ({ epoch: 5 * (i + 1), accuracy: i / 10 }));
    const svg = learningCurveSvg({ loss, accuracy, checks, target: 0.99, subtitle: 'whole, fast' });
    expectWellFormedXml(svg);
    expect(svg).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    expect(seriesPoints(svg, 'loss').flat()).toHaveLength(55);
    expect(seriesPoints(svg, 'accuracy').flat()).toHaveLength(55);
    expect(seriesPoints(svg, 'checks').flat()).toHaveLength(11);
    // Axes, labels and legend.
    for (const text of [
      '>epoch</text>',
      '>loss (cross-entropy)</text>',
      '>accuracy</text>',
      '>training loss (left axis)</text>',
      '>training accuracy (right axis)</text>',
      '>accuracy on fresh sequences (right axis)</text>',
      '>target 0.99</text>',
      '>whole, fast</text>',
    ]) {
      expect(svg).toContain(text);
    }
    // Nothing from elsewhere: no links, scripts, images, styles or fonts.
    expect(svg.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(
      /https?:|href|url\(|<script|<image|<style|@import|<foreignObject/i,
    );
    // Every point lies in the plot area.
    for (const point of seriesPoints(svg, 'loss').flat()) {
      const [x, y] = point.split(',').map(Number);
      expect(x).toBeGreaterThanOrEqual(80);
      expect(x).toBeLessThanOrEqual(720);
      expect(y).toBeGreaterThanOrEqual(70);
      expect(y).toBeLessThanOrEqual(380);
    }
  });

  it('skips values that are not finite, escapes text, and copes with one epoch or none', () => {
    const broken = learningCurveSvg({
      loss: [3, 2, NaN, 1, Infinity, 0.5],
      accuracy: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
      subtitle: 'a <b> & "c"',
    });
    expectWellFormedXml(broken);
    expect(seriesPoints(broken, 'loss').map((run) => run.length)).toEqual([2, 1, 1]);
    expect(broken).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(broken).not.toContain('fresh sequences');

    const one = learningCurveSvg({ loss: [4.6], accuracy: [0.02] });
    expectWellFormedXml(one);
    expect(seriesPoints(one, 'loss').flat()).toHaveLength(1);
    expect(one).toContain('<circle');

    const none = learningCurveSvg({ loss: [], accuracy: [] });
    expectWellFormedXml(none);
    expect(seriesPoints(none, 'loss')).toEqual([]);
    expect(none).toContain('no epochs trained');
  });

  /** A user's stack of LSTMs (sequences out, but before RepeatVector), RepeatVector, heads. */
  const stack = (classes: string[]): tf.LayersModel => {
    const model = tf.sequential();
    classes.forEach((name, i) => {
      const first = i === 0 ? { inputShape: [5, 12] } : {};
      if (name === 'RepeatVector') model.add(tf.layers.repeatVector({ n: 2 }));
      else if (name === 'TimeDistributed') {
        model.add(
          tf.layers.timeDistributed({
            layer: tf.layers.dense({ units: 12, activation: 'softmax' }),
          }),
        );
      } else {
        const next = classes[i + 1];
        model.add(tf.layers.lstm({ units: 4, returnSequences: next !== 'RepeatVector', ...first }));
      }
    });
    return model;
  };

  it.each([
    ['seq2seq (model A)', () => buildSeq2Seq({ seed: 1 })],
    ['seq2seq (model A), masked', () => buildSeq2Seq({ masking: true, seed: 1 })],
    ['seq2seq (model A)', () => buildSeq2Seq({ representation: 'linear', seed: 1 })],
    ['seq2seq (model A), stacked', () => stack(['LSTM', 'LSTM', 'TimeDistributed'])],
    ['encoder-decoder (model B)', () => buildEncoderDecoder({ task: 'reverse', nOut: 5, seed: 1 })],
    [
      'encoder-decoder (model B), stacked',
      () => stack(['LSTM', 'LSTM', 'RepeatVector', 'LSTM', 'TimeDistributed']),
    ],
    ['one-to-one', () => buildOneToOne({ seed: 1 })],
    ['many-to-one', () => buildManyToOne({ seed: 1 })],
    ['attention', () => buildAttention({ seed: 1 })],
    ['attention, LSTM encoder', () => buildAttention({ encoder: 'lstm', seed: 1 })],
    ['teacher forcing', () => buildTeacherForcing({ seed: 1 }).training],
  ])('names the family of a model the factories build: %s', (name, build) => {
    const model = build();
    const layout = {
      classes: model.layers.map((l) => l.getClassName()),
      inputs: model.inputs.length,
    };
    expect(modelFamily(layout)).toBe(name);
    disposeEchoModel(model);
  });

  it('names a model in one line, and a stack it does not know by its layers', () => {
    const metadata: EchoModelMetadata = {
      format: 'seq-echo-model',
      formatVersion: 1,
      libraryVersion: '0.1.0',
      nIn: 5,
      nOut: 5,
      nUnique: 100,
      architecture: 'encoderDecoder',
      representation: 'one-hot',
      task: 'reverse',
      stateful: false,
      batchSize: null,
    };
    expect(formatModelInfo(metadata, 'encoder-decoder (model B)')).toBe(
      'encoder-decoder (model B), reverse: nIn 5, nOut 5, nUnique 100, one-hot, stateless; saved by seq-echo 0.1.0',
    );
    expect(modelFamily({ classes: ['InputLayer', 'GRU', 'Dense'], inputs: 1 })).toBe(
      'another layer stack (GRU, Dense)',
    );
  });

  it('the Expected/Predicted table and percentages', () => {
    const lines = formatEchoTable(
      [
        { input: [3, 47, 12, 0, 99], expected: [3, 47], predicted: [3, 47] },
        { input: [47, 12, 0, 99, 5], expected: [47, 12], predicted: [47, 13] },
      ],
      100,
    );
    expect(lines).toEqual([
      '[ 3, 47, 12,  0, 99] => Expected: [ 3, 47]  Predicted: [ 3, 47]',
      '[47, 12,  0, 99,  5] => Expected: [47, 12]  Predicted: [47, 13]   <- wrong',
      '1 of 2 windows echoed right',
    ]);
    // A reverse model's count says what it does.
    expect(
      formatEchoTable([{ input: [1, 2], expected: [2, 1], predicted: [2, 1] }], 3, 'reverse'),
    ).toEqual(['[1, 2] => Expected: [2, 1]  Predicted: [2, 1]', '1 of 1 window reversed right']);
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(0.99999)).toBe('99.99%');
    expect(formatPercent(0.9876)).toBe('98.76%');
    expect(formatPercent(0)).toBe('0.00%');
  });
});

describe('seq-echo CLI: runCli without a child process', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: (t: string) => err.push(t) },
        cwd: CWD,
      },
    };
  };

  it('help and version go to stdout with exit code 0', async () => {
    const help = io();
    expect(await runCli(['help', 'train'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('Usage: seq-echo train');
    expect(help.out.join('')).toContain('--learning-rate X');
    expect(help.err).toEqual([]);
    const version = io();
    expect(await runCli(['--version'], version.io)).toBe(0);
    expect(version.out.join('')).toBe('0.1.0\n');
  });

  it('a usage error goes to stderr with the usage, exit code 2', async () => {
    const bad = io();
    expect(await runCli(['evaluate', '/m', '--sequences', 'many'], bad.io)).toBe(2);
    expect(bad.out).toEqual([]);
    const text = bad.err.join('');
    expect(text).toMatch(
      /^seq-echo evaluate: --sequences must be a number, but received "many"\n\nUsage: seq-echo evaluate MODEL_DIR/,
    );
    expect(text).toContain("Run 'seq-echo evaluate --help' for more.");
  });
});

describe('seq-echo CLI: values the library refuses are usage errors', () => {
  // The CLI reads the numbers; the library checks them, before anything is printed, and its
  // message is shown after the flag that set the value.
  it.each([
    [
      ['--units', '0'],
      '--units: buildSeq2Seq: options.units must be an integer in [1, 100000], but received 0',
    ],
    [['--units', '100000'], '--units: buildSeq2Seq: options.units must keep the weight count'],
    [
      ['--n-unique', '100000000'],
      '--n-unique: buildSeq2Seq: options.nUnique must be an integer in [2, 1000000], but received 100000000',
    ],
    [
      ['--recipe', 'partial', '--units', '100000'],
      '--units: buildEncoderDecoder: options.units must keep the weight count',
    ],
    [['--recipe', 'partial', '--n-out', '6'], '--n-out: buildEncoderDecoder: options.nOut must be'],
    [['--seed', '1.5'], '--seed: buildSeq2Seq: options.seed must be an integer'],
    [['--learning-rate', '0'], '--learning-rate: buildSeq2Seq: options.learningRate must be'],
    [
      ['--epochs', '0'],
      '--epochs: trainEcho: options.epochs must be an integer in [1, 1000000000]',
    ],
    [['--target', '1.5'], '--target: trainEcho: options.targetAccuracy must be a number in (0, 1]'],
    [['--evaluate-every', '0'], '--evaluate-every: trainEcho: options.evaluateEvery must be'],
    [['--sequence-length', '4'], 'trainEcho: nIn must be <= the sequence length (4)'],
    [
      ['--no-stateful', '--sequence-length', '16777217'],
      '--sequence-length: trainEcho: options.sequenceLength must be an integer in [1, 16777216], but received 16777217',
    ],
    [
      ['--batch-size', '5'],
      "--sequence-length: trainEcho: options.sequenceLength must give a number of windows (sequenceLength - nIn + 1) that the stateful model's batch size 5 divides",
    ],
    [
      // Within --sequence-length's range, but 8.4 billion one-hot values in a sequence.
      ['--no-stateful', '--sequence-length', '16777216'],
      "--sequence-length: trainEcho: options.sequenceLength must keep the sequence's one-hot values",
    ],
  ])('train %j: exit code 2 with the usage, nothing printed', async (flags, message) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['train', '--epochs', '1', '--no-curve', ...flags], {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      cwd: CWD,
    });
    expect(err.join('')).toContain(`seq-echo train: ${message}`);
    expect(err.join('')).toContain('Usage: seq-echo train');
    expect(code).toBe(2);
    expect(out).toEqual([]);
  });

  it("TRAIN_ECHO_DEFAULTS are trainEcho's own", async () => {
    const lib = await import('../src/index');
    const model = lib.buildSeq2Seq({ stateful: false, seed: 1 });
    // A target any model reaches: the first check, after the last epoch, runs in full.
    const result = await lib.trainEcho(model, { epochs: 1, seed: 1, targetAccuracy: 1e-9 });
    const { sequenceLength, evaluationSequences } = TRAIN_ECHO_DEFAULTS;
    expect(result.evaluations[0]?.windows).toBe(evaluationSequences * (sequenceLength - 4));
    lib.disposeEchoModel(model);
  });
});

describe('seq-echo CLI: --save and --curve are checked before training', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seq-echo-paths-'));
    writeFileSync(join(dir, 'file'), 'not a directory');
    mkdirSync(join(dir, 'model'));
    mkdirSync(join(dir, 'somedir'));
    symlinkSync(join(dir, 'model'), join(dir, 'link'));
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('SAVED_FILES are the files saveEchoModel writes', () => {
    expect([...SAVED_FILES].sort()).toEqual([MODEL_FILE, WEIGHTS_FILE, METADATA_FILE].sort());
  });

  it('paths that can be written pass', async () => {
    await expect(
      checkOutputPaths(join(dir, 'model'), join(dir, 'model', 'learning-curve.svg')),
    ).resolves.toBeUndefined();
    await expect(
      checkOutputPaths(join(dir, 'new', 'm'), join(dir, 'new', 'm', 'curves', 'model.json')),
    ).resolves.toBeUndefined();
    await expect(checkOutputPaths(undefined, join(dir, 'file'))).resolves.toBeUndefined();
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it.each([
    [['--save', 'file'], '--save must be a directory or a path where one can be made, but'],
    [['--save', 'file/model'], '--save must be a path that can be made, but'],
    [['--save', 'model', '--curve', 'file/c.svg'], '--curve must be a path that can be made, but'],
    [['--save', 'model', '--curve', 'somedir'], '--curve must be a file, but'],
    [['--save', 'model', '--curve', 'model/model.json'], 'which would overwrite model.json'],
    [['--save', 'new/m', '--curve', 'new/m/weights.bin'], 'which would overwrite weights.bin'],
    [['--save', 'model', '--curve', 'model/Seq-Echo.JSON'], 'which would overwrite seq-echo.json'],
    [['--save', 'model', '--curve', 'link/model.json'], 'which would overwrite model.json'],
    [['--save', 'link', '--curve', 'model/weights.bin'], 'which would overwrite weights.bin'],
    [['--save', 'model', '--curve', 'model/model.json/c.svg'], 'which would be inside model.json'],
    [['--save', 'a/b', '--curve', 'a'], '--curve must not be the --save directory or one of its'],
    [['--save', 'new/m', '--curve', 'new/m'], '--curve must not be the --save directory'],
  ])('train %j: exit code 2 before training', async (flags, message) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['train', '--preset', 'fast', '--epochs', '1', '--target', 'none', ...flags],
      {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: (t: string) => err.push(t) },
        cwd: dir,
      },
    );
    expect(err.join('')).toContain(message);
    expect(err.join('')).toMatch(/^seq-echo train: --(save|curve) /);
    expect(code).toBe(2);
    expect(out).toEqual([]); // nothing trained
    for (const made of ['new', 'a']) expect(existsSync(join(dir, made))).toBe(false);
    for (const file of SAVED_FILES) expect(existsSync(join(dir, 'model', file))).toBe(false);
  });
});

describe('seq-echo CLI: control characters from files are escaped', () => {
  it('escapeControl shows C0, DEL and C1 controls as \\xHH and keeps everything else', () => {
    expect(escapeControl('0.1.0\u001b[2J')).toBe('0.1.0\\x1b[2J');
    expect(escapeControl('a\u0000b\u0007c\td\ne\rf\u007fg\u0080h\u009bi\u009fj')).toBe(
      'a\\x00b\\x07c\\x09d\\x0ae\\x0df\\x7fg\\x80h\\x9bi\\x9fj',
    );
    const plain = 'café ☃ \u00a0 [2J \\x1b ok';
    expect(escapeControl(plain)).toBe(plain);
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: the command as a user runs it, from source.
// ---------------------------------------------------------------------------------------------

const ROOT = resolve(__dirname, '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npx tsx src/cli/main.ts ...args` from the repository root; stdout is a pipe, not a TTY. */
const cli = (args: string[]): Promise<Run> => tsx('src/cli/main.ts', args);

/** Runs `npx tsx script ...args` from the repository root. */
function tsx(script: string, args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 50_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      done({ code, stdout, stderr });
    });
  });
}

/** The per-item accuracy an evaluation block printed, as a fraction. */
function perItemAccuracy(stdout: string): number {
  const match = /per-item accuracy: +([\d.]+)%/.exec(stdout);
  if (!match) throw new Error(`no accuracy in:\n${stdout}`);
  return Number(match[1]) / 100;
}

/** Table rows: `[a, b, ...] => Expected: [...]  Predicted: [...]`, parsed. */
function tableRows(stdout: string): { input: number[]; expected: number[]; predicted: number[] }[] {
  const list = (text: string) => text.split(',').map((v) => Number(v.trim()));
  return [
    ...stdout.matchAll(/^\[([\d ,]+)\] => Expected: \[([\d ,]+)\] {2}Predicted: \[([\d ,]+)\]/gm),
  ].map((m) => ({ input: list(m[1]!), expected: list(m[2]!), predicted: list(m[3]!) }));
}

describe('seq-echo CLI end to end (npx tsx src/cli/main.ts)', () => {
  let dir = '';
  let modelDir = '';
  let curve = '';
  let trained: Run;
  // Every test below uses the model this saves, so it is trained here rather than by the first
  // test: each test passes or fails on its own, whichever ones run and in whatever order.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seq-echo-cli-'));
    modelDir = join(dir, 'whole');
    curve = join(dir, 'c.svg');
    trained = await cli([
      'train',
      '--recipe',
      'whole',
      '--preset',
      'fast',
      '--save',
      modelDir,
      '--curve',
      curve,
    ]);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('train --recipe whole --preset fast: plain progress, checks, evaluation, table, saved model and curve', () => {
    const run = trained;
    const fast = presets.fastWhole.train;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    // Not a terminal: no redrawing, no escape sequences.
    expect(out).not.toContain('\r');
    expect(out).not.toContain('\x1b');
    expect(out).toContain('seq-echo train: recipe whole (model A, buildSeq2Seq), preset fast');
    const stopped = new RegExp(
      `stopped after epoch (\\d+) of ${fast.epochs}: accuracy ([\\d.]+) on fresh sequences reached the target ${fast.targetAccuracy}`,
    ).exec(out);
    expect(stopped).not.toBeNull();
    const epochs = Number(stopped![1]);
    expect(epochs).toBeGreaterThanOrEqual(20);
    expect(epochs).toBeLessThanOrEqual(150);
    const progressLines = out
      .split('\n')
      .filter((l) =>
        new RegExp(
          `^epoch +\\d+/${fast.epochs} {2}loss [\\d.]+ {2}accuracy [\\d.]+ {2}[\\d.]+ epochs/s {2}ETA \\d+:\\d\\d$`,
        ).test(l),
      );
    expect(progressLines.length).toBeGreaterThanOrEqual(2);
    expect(progressLines.length).toBeLessThanOrEqual(20);
    expect(out.split('\n').filter((l) => l.startsWith('check after epoch'))).toHaveLength(
      epochs / fast.evaluateEvery!,
    );
    expect(out).toContain('evaluation on 100 fresh sequences (2100 windows, seed 2):');
    expect(perItemAccuracy(out)).toBeGreaterThanOrEqual(0.95);
    const rows = tableRows(out);
    expect(rows).toHaveLength(21);
    for (const row of rows) expect(row.expected).toEqual(row.input);
    expect(
      rows.filter((r) => r.predicted.join() === r.expected.join()).length,
    ).toBeGreaterThanOrEqual(15);
    expect(out).toContain(`model saved to ${modelDir}\n`);
    expect(out).toContain(`learning curve: ${curve}\n`);

    for (const file of ['model.json', 'weights.bin', 'seq-echo.json']) {
      expect(existsSync(join(modelDir, file))).toBe(true);
    }
    const svg = readFileSync(curve, 'utf8');
    expectWellFormedXml(svg);
    expect(seriesPoints(svg, 'loss').flat()).toHaveLength(epochs);
    expect(seriesPoints(svg, 'accuracy').flat()).toHaveLength(epochs);
    expect(seriesPoints(svg, 'checks').flat()).toHaveLength(epochs / fast.evaluateEvery!);
  });

  it('evaluate MODEL_DIR: the saved model echoes fresh sequences', async () => {
    const run = await cli(['evaluate', modelDir, '--sequences', '50', '--seed', '11']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`model: ${modelDir}\n`);
    expect(run.stdout).toContain(
      'seq2seq (model A), echo: nIn 5, nOut 5, nUnique 100, one-hot, stateful, batch 7',
    );
    expect(run.stdout).toContain('evaluation on 50 fresh sequences (1050 windows, seed 11):');
    expect(perItemAccuracy(run.stdout)).toBeGreaterThanOrEqual(0.95);
    expect(run.stdout).toMatch(/per-window accuracy: +[\d.]+%/);
    // One figure per answer step: model A answers 5.
    expect(run.stdout).toMatch(/per answer step: +([\d.]+% ){4}[\d.]+%\n/);
  });

  it('predict MODEL_DIR ids: the table for the sequence given', async () => {
    const run = await cli(['predict', modelDir, '3,14,15,92,65', '35', '89,79']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = tableRows(run.stdout);
    expect(rows.map((r) => r.input)).toEqual([
      [3, 14, 15, 92, 65],
      [14, 15, 92, 65, 35],
      [15, 92, 65, 35, 89],
      [92, 65, 35, 89, 79],
    ]);
    for (const row of rows) expect(row.expected).toEqual(row.input);
    // The count is the table's: windows whose prediction is the echo.
    const right = rows.filter((r) => r.predicted.join() === r.expected.join()).length;
    expect(run.stdout).toContain(`\n${right} of 4 windows echoed right\n`);
  });

  it("evaluate and predict escape a hostile model's text: no control character reaches the terminal", async () => {
    const hostile = join(dir, 'hostile');
    cpSync(modelDir, hostile, { recursive: true });
    const evil = '0.1.0\u001b[2J\u001b[H\u009b31mFAKE 100.00%\u0007\u007f\r';
    const metadataFile = join(hostile, 'seq-echo.json');
    const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
    metadata.libraryVersion = evil;
    writeFileSync(metadataFile, JSON.stringify(metadata));
    const modelFile = join(hostile, 'model.json');
    const modelJson = JSON.parse(readFileSync(modelFile, 'utf8')) as {
      userDefinedMetadata: { seqEcho: unknown };
      weightsManifest: { paths: string[] }[];
    };
    modelJson.userDefinedMetadata.seqEcho = metadata;
    writeFileSync(modelFile, JSON.stringify(modelJson));
    // Anything a terminal would act on; only the line breaks the CLI writes itself are allowed.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    const shown = 'saved by seq-echo 0.1.0\\x1b[2J\\x1b[H\\x9b31mFAKE 100.00%\\x07\\x7f\\x0d';

    const evaluated = await cli(['evaluate', hostile, '--sequences', '2', '--seed', '1']);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain(shown);
    expect(evaluated.stdout).not.toMatch(control);

    const predicted = await cli(['predict', hostile, '1,2,3,4,5']);
    expect(predicted.code).toBe(0);
    expect(predicted.stdout).toContain(shown);
    expect(predicted.stdout + predicted.stderr).not.toMatch(control);

    // A manifest path quoted in an error.
    modelJson.weightsManifest[0]!.paths = ['w\u001b[2J\u009b1m.bin'];
    writeFileSync(modelFile, JSON.stringify(modelJson));
    const broken = await cli(['evaluate', hostile]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('w\\x1b[2J\\x9b1m.bin');
    expect(broken.stdout + broken.stderr).not.toMatch(control);
  });

  it('Ctrl-C during train: stops after the epoch, still reports and saves, exit code 130', async () => {
    const saved = join(dir, 'interrupted');
    // node itself (not npx) so that the SIGINT reaches the CLI's own process.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'train',
        '--preset',
        'fast',
        '--target',
        'none',
        '--epochs',
        '1000000',
        '--save',
        saved,
        '--no-curve',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Interrupt once training is under way: at the first progress line.
      if (!interrupted && /^epoch +\d+\/1000000 /m.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', done);
    });
    expect(interrupted).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(130);
    const stopped = /^interrupted after epoch (\d+) of 1000000$/m.exec(stdout);
    expect(stopped).not.toBeNull();
    expect(Number(stopped![1])).toBeGreaterThanOrEqual(1);
    expect(stdout).toContain('evaluation on 100 fresh sequences');
    expect(stdout).toContain(`model saved to ${saved}\n`);
    for (const file of SAVED_FILES) expect(existsSync(join(saved, file))).toBe(true);
  });

  it('exit codes: 2 with the usage for bad usage, 1 for library errors, 0 for --help', async () => {
    const outOfRange = await cli(['predict', modelDir, '1,2,3,4,100']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain(
      'seq-echo predict: predictEcho: sequence[4] must be an integer in [0, 100), but received 100',
    );
    expect(outOfRange.stderr).toContain('Usage: seq-echo predict MODEL_DIR');

    const badEpochs = await cli(['train', '--epochs', '0']);
    expect(badEpochs.code).toBe(2);
    expect(badEpochs.stdout).toBe('');
    expect(badEpochs.stderr).toContain(
      'seq-echo train: --epochs: trainEcho: options.epochs must be an integer',
    );
    expect(badEpochs.stderr).toContain('Usage: seq-echo train');

    const unknown = await cli(['fit']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('seq-echo: unknown command "fit"');
    expect(unknown.stderr).toContain('Usage: seq-echo <command>');

    const missing = await cli(['evaluate', join(dir, 'no-such-model')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^seq-echo evaluate: loadEchoModel: .*no-such-model does not exist/,
    );
    expect(missing.stderr).not.toContain('Usage:');

    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('Usage: seq-echo <command> [options]');
  });
});

describe('the examples read their flags with the CLI readers (examples/shared.ts)', () => {
  it('--help exits 0; a bad flag, or a value seq-echo refuses, exits 2 with the usage', async () => {
    const help = await tsx('examples/echo-whole.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^Usage: npx tsx examples\/echo-whole\.ts \[--preset walkthrough\|fast\]/,
    );

    const word = await tsx('examples/linear.ts', ['--epochs', 'many']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('Error: --epochs must be a number, but received "many"');

    const refused = await tsx('examples/echo-whole.ts', ['--epochs', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'Error: --epochs: trainEcho: options.epochs must be an integer in [1, 1000000000], but received 0',
    );
    expect(refused.stderr).toContain('Usage: npx tsx examples/echo-whole.ts');
  });
});
