"""Running the CRFs: training one with a progress bar, the training's helpers, tagging.

The span model is a linear-chain CRF (python-crfsuite) over the token features
(features.py); with the parameter "stack" a second CRF reads the same plus the
first's reading of each sentence (stack.py), and `tag_paragraph` runs both.
"""
from __future__ import annotations

import ctypes
import struct
import sys
import time

from .stack import first_pass, second_features


class InProcess:
    """The calls of a pool that train() makes, run in this process (workers=1)."""

    def __init__(self, initializer=None, initargs=()):
        if initializer is not None:
            initializer(*initargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def imap(self, func, items, chunksize=1):
        return map(func, items)

    def apply_async(self, func, args):
        func(*args)
        return self

    def get(self):
        return None


class Progress:
    """A one-line progress bar on a stream (stderr by default), and/or a callback."""

    def __init__(self, total: int, what: str, stream=None, callback=None):
        self.total, self.what, self.stream = total, what, stream or sys.stderr
        self.done, self.started = 0, time.perf_counter()
        self.callback = callback

    def step(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if self.callback is not None:
            self.callback(self.what, self.done, self.total)
        width = 30
        filled = int(width * self.done / max(1, self.total))
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r{self.what:10} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done}/{self.total} {elapsed:6.1f} s {note}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def seed_c_random(seed: int) -> None:
    """crfsuite's averaged perceptron shuffles the sequences with the C library's rand(),
    whose state lives on in the process: seed it, so that a training depends on its seed
    and not on what ran before it."""
    try:
        ctypes.CDLL(None).srand(ctypes.c_uint(seed))
    except (OSError, AttributeError):        # no C library to reach: nothing to seed
        pass


def terminated(signum, frame):
    raise SystemExit(128 + signum)




# Passive-aggressive weights are small (under 1 for states, about 2 for transitions on the
# news set): their marginals were flat (median span confidence 0.17 on dev, where 67% of
# the spans are exact). Times 3 the mean confidence (0.69) matches that rate, quartile by
# quartile (0.36/0.35 ... 0.96/0.89). A positive factor keeps the tags.
PA_SCALE = 3.0


def crf_params(params: dict) -> dict:
    out = {"max_iterations": params["max_iterations"],
           "feature.minfreq": params["feature.minfreq"],
           "feature.possible_transitions": True}
    if params["algorithm"] == "lbfgs":
        out.update(c1=params["c1"], c2=params["c2"])
    elif params["algorithm"] == "l2sgd":
        out.update(c2=params["c2"])
    elif params["algorithm"] == "pa":
        out.update({"type": params["pa_type"], "c": params["pa_c"]})
    return out


def train_crf(sequences, path: str, params: dict, seed: int, progress: Progress,
              before_training=None) -> None:
    """Train a CRF on (xseq, yseq) pairs into `path`, one progress step per iteration;
    `before_training()` is called once all are read (their features are then the
    trainer's: a generator keeps only one document at a time in Python)."""
    # Here, not at the top: the web process imports this package (services/training.py)
    # but never trains a CRF, so the C extension loads only where one is trained.
    import pycrfsuite

    class Trainer(pycrfsuite.Trainer):
        def message(self, message):
            # python-crfsuite reports iterations only when verbose: read its log here
            event = self.logparser.feed(message)
            if event == "iteration":
                info = self.logparser.last_iteration or {}
                note = f"loss {info['loss']:.0f}" if "loss" in info else ""
                progress.step(note=note)

    trainer = Trainer(algorithm=params["algorithm"], verbose=False)
    before = progress.done
    for xseq, yseq in sequences:
        trainer.append(xseq, yseq)
    if before_training is not None:
        before_training()
    trainer.set_params(crf_params(params))
    seed_c_random(seed)
    trainer.train(path)
    if params["algorithm"] == "ap":
        scale_weights(path, 1.0 / params["max_iterations"])
    elif params["algorithm"] == "pa":
        scale_weights(path, PA_SCALE)
    left = params["max_iterations"] - (progress.done - before)
    if left > 0:
        progress.step(left, "converged")


def scale_weights(path: str, factor: float) -> None:
    """Multiply every weight of a crfsuite model file by `factor` (> 0), in place.

    The averaged perceptron's weights grow with the number of updates (hundreds on
    the news set, transitions over 2,000), and crfsuite's marginals exponentiate
    them without a log-space guard: every marginal, so every span's confidence,
    came out NaN. A positive factor leaves the best tag sequence as it is and
    brings the scores back into range. The file is crfsuite's own format (crf1dm):
    a 48-byte header whose 8th 32-bit field is the offset of the "FEAT" chunk (its
    size and count, then per feature three 32-bit fields and a little-endian double).
    """
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"lCRF" or data[8:12] != b"FOMC":
            raise ValueError(f"{path}: not a crfsuite model")
        (offset,) = struct.unpack_from("<I", data, 28)
        size, count = struct.unpack_from("<II", data, offset + 4)
        if data[offset:offset + 4] != b"FEAT" or size != 12 + 20 * count:
            raise ValueError(f"{path}: unexpected crfsuite feature chunk")
        for at in range(offset + 24, offset + 12 + 20 * count, 20):
            (weight,) = struct.unpack_from("<d", data, at)
            struct.pack_into("<d", data, at, weight * factor)
        f.seek(0)
        f.write(data)


def open_crf(path: str):
    import pycrfsuite  # here, not at the top: only where a model is used (see train_crf)

    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def tag_paragraph(doc, lo: int, hi: int, xseq, first, second) -> list[str]:
    """The tags of one paragraph: the second CRF's, over the first's reading. Marginals
    (for confidences) are then to be read from `second`."""
    tags, probs = first_pass(first, xseq)
    second.set(second_features(doc, lo, hi, xseq, tags, probs))
    return second.tag()
