#!/usr/bin/env python3
"""The PyTorch peer of seq-echo's benchmark: the same recipes, trained in PyTorch.

Trains one of bench/recipes.ts's recipes (the walkthrough's models A and B, and seq-echo's
presets.fastWhole and presets.fastPartial) with the same model, gates, batches, statefulness,
learning rate, sequence lengths and data framing, and prints one JSON line of results:

- ms per epoch: the median of several timed runs after a warm-up (data generation included,
  as in seq-echo's trainEcho);
- with --to99: epochs and training seconds until 99% accuracy on 50 fresh sequences, checked
  every few epochs as bench/worker.ts checks seq-echo (evaluation time not counted), for each
  seed given.

Run it with Debian's python3-torch on OpenBLAS (bench/peer.ts does), one thread:

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/echo.py --recipe A-fast --to99

Only the standard library and torch are used.
"""

import argparse
import ctypes
import json
import math
import os
import statistics
import sys
import time

N_UNIQUE = 100

# The recipes of bench/recipes.ts, with src/presets.ts's settings and the factories' defaults
# (buildSeq2Seq: LSTM(20), batch 7; buildEncoderDecoder: LSTM(150), batch 21; Adam 0.001).
# checkEvery, maxEpochs and epochsPerRun are the benchmark's, as in bench/recipes.ts.
RECIPES = {
    "A": dict(model="seq2seq", units=20, n_in=5, n_out=5, stateful=True, batch_size=7,
              learning_rate=0.001, sequence_length=25, max_epochs=1000, check_every=25,
              epochs_per_run=20),
    "B": dict(model="encoder-decoder", units=150, n_in=5, n_out=2, stateful=True,
              batch_size=21, learning_rate=0.001, sequence_length=25, max_epochs=10000,
              check_every=100, epochs_per_run=5),
    "A-fast": dict(model="seq2seq", units=20, n_in=5, n_out=5, stateful=True, batch_size=7,
                   learning_rate=0.03, sequence_length=25, max_epochs=300, check_every=5,
                   epochs_per_run=20),
    "B-fast": dict(model="encoder-decoder", units=150, n_in=5, n_out=2, stateful=False,
                   batch_size=32, learning_rate=0.02, sequence_length=100, max_epochs=1000,
                   check_every=10, epochs_per_run=3,
                   schedule=dict(kind="cosine", decaySteps=600, alpha=0.1, warmupSteps=300)),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipe", choices=sorted(RECIPES), required=True)
    parser.add_argument("--units", type=int, help="override the recipe's LSTM units")
    parser.add_argument("--epochs-per-run", type=int, help="override epochs per timed run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--to99", action="store_true", help="also time training to 99%%")
    parser.add_argument("--seeds", default="7", help="comma-separated seeds for --to99")
    parser.add_argument("--threads", type=int, default=1, help="torch and OpenBLAS threads")
    return parser.parse_args()


ARGS = parse_args()
# OpenBLAS reads its thread count when it is loaded, so set it before torch is imported
# (unless the caller chose one).
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(ARGS.threads))

import torch  # noqa: E402  (after the environment is set)
from torch import nn  # noqa: E402


def keras_lstm_init(lstm):
    """Keras's LSTM initialisation: Glorot-uniform kernel, orthogonal recurrent kernel, zero
    bias with the forget gate's at 1 (unit_forget_bias). PyTorch's gate order, input, forget,
    cell, output, is Keras's, and its two biases add up, so one carries the 1."""
    units = lstm.hidden_size
    for name, param in lstm.named_parameters():
        if name.startswith("weight_ih"):
            nn.init.xavier_uniform_(param)
        elif name.startswith("weight_hh"):
            nn.init.orthogonal_(param)
        else:
            nn.init.zeros_(param)
            if name.startswith("bias_ih"):
                with torch.no_grad():
                    param[units:2 * units] = 1.0


def keras_dense(units_in, units_out):
    dense = nn.Linear(units_in, units_out)
    nn.init.xavier_uniform_(dense.weight)
    nn.init.zeros_(dense.bias)
    return dense


class Seq2Seq(nn.Module):
    """Model A: LSTM returning sequences, then a per-step Dense (softmax in the loss)."""

    def __init__(self, units):
        super().__init__()
        self.lstm = nn.LSTM(N_UNIQUE, units, batch_first=True)
        self.dense = keras_dense(units, N_UNIQUE)
        keras_lstm_init(self.lstm)

    def forward(self, x, state):
        out, state = self.lstm(x, state)
        return self.dense(out), state


class EncoderDecoder(nn.Module):
    """Model B: LSTM encoder, its last output repeated n_out times, LSTM decoder, per-step
    Dense (softmax in the loss)."""

    def __init__(self, units, n_out):
        super().__init__()
        self.n_out = n_out
        self.encoder = nn.LSTM(N_UNIQUE, units, batch_first=True)
        self.decoder = nn.LSTM(units, units, batch_first=True)
        self.dense = keras_dense(units, N_UNIQUE)
        keras_lstm_init(self.encoder)
        keras_lstm_init(self.decoder)

    def forward(self, x, state):
        encoder_state, decoder_state = state if state is not None else (None, None)
        encoded, encoder_state = self.encoder(x, encoder_state)
        repeated = encoded[:, -1:, :].expand(-1, self.n_out, -1)
        decoded, decoder_state = self.decoder(repeated, decoder_state)
        return self.dense(decoded), (encoder_state, decoder_state)


def detach(state):
    """The state with its history cut: carried to the next batch, not back-propagated."""
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.detach()
    return tuple(detach(s) for s in state)


def schedule_factor(schedule, base_lr):
    """seq-echo's learningRateSchedule (src/training/schedule.ts) as a factor of the compiled
    rate at optimizer step `step` (from 0), for torch.optim.lr_scheduler.LambdaLR: Keras's
    ExponentialDecay, CosineDecay (with linear warm-up from 0) and PiecewiseConstantDecay."""
    kind = schedule["kind"]
    if kind == "exponential":
        def factor(step):
            p = step / schedule["decaySteps"]
            return schedule["decayRate"] ** (math.floor(p) if schedule.get("staircase") else p)
    elif kind == "cosine":
        def factor(step):
            warm = schedule.get("warmupSteps", 0)
            if step < warm:
                return step / warm
            t = min(step - warm, schedule["decaySteps"]) / schedule["decaySteps"]
            alpha = schedule.get("alpha", 0)
            return (1 - alpha) * 0.5 * (1 + math.cos(math.pi * t)) + alpha
    else:
        def factor(step):
            for boundary, value in zip(schedule["boundaries"], schedule["values"]):
                if step <= boundary:
                    return value / base_lr
            return schedule["values"][-1] / base_lr
    return factor


def sequence_data(recipe, length, generator):
    """One fresh random sequence framed as the walkthrough frames it: row t is the window
    seq[t-n_in+1 .. t] (oldest first), its target the window's oldest n_out items."""
    sequence = torch.randint(0, N_UNIQUE, (length,), generator=generator)
    windows = sequence.unfold(0, recipe["n_in"], 1)
    x = nn.functional.one_hot(windows, N_UNIQUE).float()
    y = windows[:, :recipe["n_out"]]
    return x, y


class Trainer:
    def __init__(self, recipe, seed):
        torch.manual_seed(seed)
        self.recipe = recipe
        if recipe["model"] == "seq2seq":
            self.model = Seq2Seq(recipe["units"])
        else:
            self.model = EncoderDecoder(recipe["units"], recipe["n_out"])
        # tfjs's Adam: epsilon 1e-7 (PyTorch's default is 1e-8).
        self.optimizer = torch.optim.Adam(
            self.model.parameters(), lr=recipe["learning_rate"], eps=1e-7)
        # A schedule sets the rate of every optimizer step, as seq-echo's does (stepped per batch).
        schedule = recipe.get("schedule")
        self.scheduler = schedule and torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, schedule_factor(schedule, recipe["learning_rate"]))
        self.loss = nn.CrossEntropyLoss()
        self.data = torch.Generator().manual_seed(seed * 7919 + 1)

    def epoch(self):
        """One fresh sequence, in batches, without shuffling. A stateful model carries its
        state across the epoch's batches (detached) and starts every epoch from zero; a
        stateless one starts every batch from zero."""
        recipe = self.recipe
        x, y = sequence_data(recipe, recipe["sequence_length"], self.data)
        self.model.train()
        state = None
        for start in range(0, len(x), recipe["batch_size"]):
            xb = x[start:start + recipe["batch_size"]]
            yb = y[start:start + recipe["batch_size"]]
            logits, state = self.model(xb, state)
            loss = self.loss(logits.reshape(-1, N_UNIQUE), yb.reshape(-1))
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            if self.scheduler:
                self.scheduler.step()
            state = detach(state) if recipe["stateful"] else None

    def train(self, epochs):
        for _ in range(epochs):
            self.epoch()

    @torch.no_grad()
    def accuracy(self, sequences, generator):
        """Per-item accuracy on fresh 25-integer sequences, predicted as seq-echo's
        evaluateEcho does: state reset for every sequence, a stateful model in its own batch
        size (state carried across the sequence's batches), a stateless one all at once."""
        recipe = self.recipe
        self.model.eval()
        right = total = 0
        step = recipe["batch_size"] if recipe["stateful"] else 256
        for _ in range(sequences):
            x, y = sequence_data(recipe, 25, generator)
            state = None
            for start in range(0, len(x), step):
                logits, state = self.model(x[start:start + step], state)
                if not recipe["stateful"]:
                    state = None
                right += (logits.argmax(-1) == y[start:start + step]).sum().item()
                total += y[start:start + step].numel()
        return right / total


def openblas_core():
    """Which OpenBLAS kernel set torch's BLAS runs (None when it is not OpenBLAS)."""
    try:
        openblas = ctypes.CDLL("libopenblas.so.0")
    except OSError:
        return None
    openblas.openblas_get_corename.restype = ctypes.c_char_p
    return openblas.openblas_get_corename().decode()


def time_epochs(recipe, runs, epochs_per_run):
    """ms per epoch: the median over timed runs of a fixed number of epochs, after a warm-up
    of 2 epochs, on one model (as bench/worker.ts does)."""
    trainer = Trainer(recipe, 1)
    trainer.train(2)
    per_epoch = []
    for _ in range(runs):
        started = time.perf_counter()
        trainer.train(epochs_per_run)
        per_epoch.append((time.perf_counter() - started) * 1000 / epochs_per_run)
    return per_epoch


def time_to_99(recipe, seed):
    """Epochs and training seconds until 99% on 50 fresh sequences (one fixed evaluation set,
    as bench/worker.ts uses one seed for it), checked every check_every epochs."""
    trainer = Trainer(recipe, seed)
    trained = 0.0
    epochs = 0
    best = 0.0
    while epochs < recipe["max_epochs"] and trained < 30 * 60:
        started = time.perf_counter()
        trainer.train(recipe["check_every"])
        trained += time.perf_counter() - started
        epochs += recipe["check_every"]
        accuracy = trainer.accuracy(50, torch.Generator().manual_seed(99))
        best = max(best, accuracy)
        if accuracy >= 0.99:
            return dict(seed=seed, epochsTo99=epochs, secondsTo99=trained, bestAccuracy=best)
    return dict(seed=seed, epochsTo99=None, secondsTo99=None, bestAccuracy=best)


def main():
    torch.set_num_threads(ARGS.threads)
    recipe = dict(RECIPES[ARGS.recipe])
    if ARGS.units is not None:
        recipe["units"] = ARGS.units
    if ARGS.epochs_per_run is not None:
        recipe["epochs_per_run"] = ARGS.epochs_per_run
    runs = time_epochs(recipe, ARGS.runs, recipe["epochs_per_run"])
    result = dict(
        recipe=ARGS.recipe,
        # The schedule as JSON, as bench/peer.ts compares it with the preset's.
        settings=dict(recipe, schedule=json.dumps(recipe.get("schedule"), separators=(",", ":"))),
        gates="sigmoid",
        torch=torch.__version__,
        threads=torch.get_num_threads(),
        openblasThreads=os.environ.get("OPENBLAS_NUM_THREADS"),
        openblasCore=openblas_core(),
        openblasCoretype=os.environ.get("OPENBLAS_CORETYPE"),
        msPerEpoch=statistics.median(runs),
        msPerEpochRuns=runs,
    )
    if ARGS.to99:
        result["to99"] = [time_to_99(recipe, int(s)) for s in ARGS.seeds.split(",")]
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
