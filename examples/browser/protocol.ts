/**
 * What the page and the training worker (trainingWorker.ts) say to each other. The page sends
 * requests, each with an id the worker's reply carries back; while a model trains the worker
 * also posts events: the epochs' logs (for the counters and the chart) and the live view (the
 * table, and the heatmap or the decoding steps). Types only: both bundles import this file,
 * and nothing of it runs.
 */
import type { EchoFamily } from '../../src/index';

/** What the page shows of an epoch (either training function's log has these). */
export interface RunLog {
  epoch: number;
  loss: number;
  accuracy: number;
  elapsedMs: number;
}

/** What the page shows of a run (either training function's result has these). */
export interface RunResult {
  epochs: number;
  stopReason: 'epochs' | 'targetAccuracy' | 'aborted';
  elapsedMs: number;
  threads: number;
  /** The engine that trained, and why not the fused one when it could not. */
  engine: 'fused' | 'tfjs';
  fallbackReason: string | undefined;
  /** The checks made on the way: complete ones (all their sequences tested) only. */
  evaluations: { epoch: number; accuracy: number }[];
}

/** Accuracy per item and per window (teacher forcing: per exact sequence). */
export interface Accuracies {
  accuracy: number;
  sequenceAccuracy: number;
}

/** One row of the Expected/Predicted table; `-1` marks a masking model's padding. */
export interface TableRow {
  input: number[];
  expected: number[];
  predicted: number[];
}

/** One step of teacher forcing's greedy decoding: the token chosen (its id, or END) and its probability. */
export interface DecodeStep {
  token: number | 'END';
  probability: number;
}

/** What the page draws of a model on the table's sequences. */
export interface ModelView {
  family: EchoFamily;
  /** A run in progress (the table says "live"). */
  live: boolean;
  rows: TableRow[];
  /** Attention only: `attentionWeights` for the first window (one row per output step). */
  heatmap: { window: number[]; weights: number[][] } | undefined;
  /**
   * Teacher forcing only: the first sequence decoded step by step, what `decodeGreedy`
   * returns for it, and whether the task reverses.
   */
  steps:
    { sequence: number[]; steps: DecodeStep[]; greedy: number[]; reverse: boolean } | undefined;
}

/** The worker at start-up: its tfjs backend, its threads and the families saved in IndexedDB. */
export interface Ready {
  backend: string;
  /** Whether the worker is cross-origin isolated (shared memory, so thread workers). */
  isolated: boolean;
  cores: number;
  saved: EchoFamily[];
}

/** What the e2e test's bench hook answers: the wall time of one training run, and its threads. */
export interface BenchRun {
  ms: number;
  threads: number;
  epochs: number;
  /** Whether it trained in a worker (the training worker's global scope). */
  inWorker: boolean;
}

/** Each request's arguments and its reply. */
export interface Requests {
  /** Picks tfjs's backend (`?backend=NAME`, default cpu) and says what the worker has. */
  init: { args: { backend: string }; reply: Ready };
  /**
   * Builds `family`'s model (the worker's previous one is freed) and trains it with its
   * preset; `sequences` are the table's, for the live view. Replies when training ends.
   */
  train: {
    args: {
      family: EchoFamily;
      seed: number;
      epochs: number;
      targetAccuracy: number | undefined;
      sequences: number[][];
    };
    reply: RunResult;
  };
  /** Aborts the run in progress (it then replies to `train` with `aborted`). */
  stop: { args: Record<string, never>; reply: undefined };
  /**
   * The table's sequences from now on: the view of the worker's model on them, or `undefined`
   * while it trains (the next live refresh uses them) or when it has no model.
   */
  show: { args: { sequences: number[][] }; reply: ModelView | undefined };
  /**
   * The final evaluation on seeded fresh sequences, and the view on `sequences`, the table's
   * sequences from now on.
   */
  evaluate: {
    args: { seed: number; sequences: number[][] };
    reply: { evaluation: Accuracies; view: ModelView };
  };
  /** Saves the worker's model to `url` (IndexedDB); replies with the artifacts' sizes. */
  save: { args: { url: string }; reply: { topologyBytes: number; weightBytes: number } };
  /**
   * Loads `family`'s model from `url`, makes it the worker's model, shows it on `sequences`
   * and evaluates it with `evaluationSeed`.
   */
  load: {
    args: { family: EchoFamily; url: string; sequences: number[][]; evaluationSeed: number };
    reply: { loadMs: number; view: ModelView; evaluation: Accuracies };
  };
  /** The families whose model tfjs's model store holds. */
  listSaved: { args: Record<string, never>; reply: EchoFamily[] };
  /** For the e2e test: trains presets.fastPartial's model B for `epochs` on `threads` threads. */
  bench: { args: { threads: number; epochs: number }; reply: BenchRun };
}

export type RequestType = keyof Requests;

/** A request as posted to the worker. */
export type Request = {
  [K in RequestType]: { id: number; type: K; args: Requests[K]['args'] };
}[RequestType];

/** What the worker posts: a reply (to request `id`) or an event. */
export type WorkerMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'epochs'; logs: RunLog[] }
  | { kind: 'view'; view: ModelView };
