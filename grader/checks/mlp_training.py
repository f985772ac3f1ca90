"""`mlp_training`: one epoch of the student's `train_one_epoch` on real data, under a time
budget set by the reference's own epoch on this machine in this run, then held-out accuracy
against the reference trained the same way (same data, order, initial weights, learning rate).

The data enter the student's module as the template's `x_train`, `y_train`, `x_test`,
`y_test` (images shaped (N, 28, 28)), and `train_one_epoch(x_train, y_train, learning_rate)`
is called. Accuracy is measured here, with the reference forward pass on the returned
parameters.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from grader.checks.base import CheckContext, CodeCheck, load_notes
from grader.checks.mlp_params import grader_parameters, read_parameters
from grader.outcome import Outcome, Verdict
from grader.rubric.model import MlpTrainingItem
from grader.sandbox.protocol import Limits
from grader.sandbox.runner import Assign, Call, Get, Ref, RunResult
from reference import q4_numpy

if TYPE_CHECKING:  # loaded by the API, passed in the check context
    from grader.data import TrainTest

FUNCTION = "train_one_epoch"
LOAD_ALLOWANCE_S = 10.0  # loading the code and moving the data, on top of the budget


@dataclass(frozen=True)
class Prepared:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    data_split: str
    reference_seconds: float
    reference_accuracy: float
    budget_s: float


def _images(images: np.ndarray, scale: str) -> np.ndarray:
    pixels = np.asarray(images, dtype=np.float64)
    return pixels / 255.0 if scale == "unit" else pixels


def prepare(item: MlpTrainingItem, data: TrainTest) -> Prepared:
    n_train = min(item.train_samples, len(data.train))
    n_test = min(item.test_samples, len(data.test))
    x_train = _images(data.train.images[:n_train], item.input_scale)
    y_train = np.asarray(data.train.labels[:n_train], dtype=np.int64)
    x_test = _images(data.test.images[:n_test], item.input_scale)
    y_test = np.asarray(data.test.labels[:n_test], dtype=np.int64)
    weights, biases = grader_parameters(item.seed, bias_scale=0.0)
    saved = q4_numpy.weights, q4_numpy.biases
    q4_numpy.weights, q4_numpy.biases = weights, biases
    try:
        started = time.perf_counter()
        q4_numpy.train_one_epoch(x_train, y_train, item.learning_rate)
        seconds = time.perf_counter() - started
    finally:
        q4_numpy.weights, q4_numpy.biases = saved
    _, accuracy = q4_numpy.evaluate(weights, biases, x_test, y_test)
    split = f"{data.data_split}; this check uses {n_train:,} training and {n_test:,} test images"
    return Prepared(x_train, y_train, x_test, y_test, split, seconds, accuracy,
                    item.time_multiple * seconds)


class MlpTrainingCheck(CodeCheck):
    needs = ("weights", "biases")

    def steps(self, item: MlpTrainingItem, context: CheckContext) -> list:
        prepared = context.prepared.get(item.id)
        if not isinstance(prepared, Prepared):
            prepared = context.prepared[item.id] = prepare(item, context.datasets[item.dataset])
        weights, biases = grader_parameters(item.seed, bias_scale=0.0)
        return [Assign("x_train", prepared.x_train), Assign("y_train", prepared.y_train),
                Assign("x_test", prepared.x_test), Assign("y_test", prepared.y_test),
                Assign("weights", weights), Assign("biases", biases),
                Call(FUNCTION, (Ref("x_train"), Ref("y_train"), item.learning_rate)),
                Get(("weights", "biases"))]

    def limits(self, item: MlpTrainingItem, limits: Limits, context: CheckContext) -> Limits:
        prepared = context.prepared[item.id]
        wall = min(limits.wall_s, prepared.budget_s + LOAD_ALLOWANCE_S)
        return limits.model_copy(update={"wall_s": wall, "cpu_s": int(2 * wall) + 1})

    def judge(self, item: MlpTrainingItem, run: RunResult, context: CheckContext) -> Verdict:
        prepared: Prepared = context.prepared[item.id]
        call, got = run.steps[6], run.steps[7]
        timing = (f"budget {prepared.budget_s:.1f} s = {item.time_multiple:g} x the reference's "
                  f"{prepared.reference_seconds:.2f} s epoch")
        note = f"\nData: {prepared.data_split}." + load_notes(run)
        if call.kind == "missing":
            return Verdict.failed(0.0, f"`{FUNCTION}` is not defined." + note, "missing-name")
        if call.kind == "raised":
            code = "wrong-signature" if call.signature_error else "raised-exception"
            return Verdict.failed(0.0, f"{FUNCTION} raised {call.message}" + note, code)
        if call.seconds > prepared.budget_s:
            return Verdict(outcome=Outcome.TIMEOUT, fraction=0.0, diagnosis=("training-budget",),
                           feedback=f"One epoch took {call.seconds:.1f} s, over the {timing}."
                           + note)
        values = got.value if got.kind == "ok" and isinstance(got.value, dict) else {}
        weights, biases, problem = read_parameters(values.get("weights"), values.get("biases"))
        if problem:
            return Verdict.failed(0.0, f"After training: {problem}." + note, "wrong-shape")
        start_w, start_b = grader_parameters(item.seed, bias_scale=0.0)
        if all(np.array_equal(a, b) for a, b in zip(weights + biases, start_w + start_b)):
            return Verdict.failed(0.0, f"{FUNCTION} did not change the weights or biases." + note,
                                  "no-update")
        if not all(np.all(np.isfinite(p)) for p in weights + biases):
            return Verdict.failed(0.0, "Training made the parameters NaN or infinite." + note,
                                  "diverged")
        _, accuracy = q4_numpy.evaluate(weights, biases, prepared.x_test, prepared.y_test)
        summary = (f"held-out accuracy {accuracy:.2%}, reference {prepared.reference_accuracy:.2%} "
                   f"(pass at {prepared.reference_accuracy - item.accuracy_margin:.2%} or more); "
                   f"epoch {call.seconds:.2f} s, {timing}.")
        if accuracy >= prepared.reference_accuracy - item.accuracy_margin:
            return Verdict.passed("Trains well: " + summary + note)
        return Verdict.failed(0.0, "Trains too poorly: " + summary + note, "low-accuracy")
